import type { ProfileEntry } from '../../../shared/api/types.js';
import { type Profile, type ProfileInstance, ProfileInstanceSchema, type Project, type ValidationIssue, issuesFromZod } from '../../../shared/project.js';
import { instanceParams } from '../../../shared/mapping/profiles.js';

/** The library as a project sees it: its own profiles first, then the shipped ones it does not have (the project's copy wins). */
export function profileEntries(project: Project | undefined, library: readonly Profile[]): ProfileEntry[] {
  const own = project?.profiles ?? [];
  const instances = (id: string) => (project?.devices ?? []).filter((d) => d.profiles.some((i) => i.profile === id)).length;
  const ids = new Set(own.map((p) => p.id));
  return [
    ...own.map((profile): ProfileEntry => ({ profile, source: 'project', instances: instances(profile.id) })),
    ...library.filter((p) => !ids.has(p.id)).map((profile): ProfileEntry => ({ profile, source: 'library', instances: instances(profile.id) })),
  ];
}

export interface ApplyProfileRequest {
  deviceId: string;
  profileId: string;
  prefix?: string;
  assetPath?: string;
  params?: Record<string, string | number>;
}

export type ProfileChange = { ok: true; project: Project; instance: ProfileInstance; copied: boolean } | { ok: false; issues: ValidationIssue[] };

/**
 * Adds an instance of a profile to a device. A library profile is copied into the
 * project first (so the file stands alone); the project's own copy is used when it has
 * one. The caller validates the result (driver addresses, id collisions) before keeping it.
 */
export function addProfileInstance(project: Project, library: readonly Profile[], request: ApplyProfileRequest): ProfileChange {
  const device = project.devices.find((d) => d.id === request.deviceId);
  if (device === undefined) return { ok: false, issues: [{ path: 'deviceId', message: `no device "${request.deviceId}"; the project has ${project.devices.map((d) => d.id).join(', ') || 'none'}` }] };
  const own = project.profiles.find((p) => p.id === request.profileId);
  const profile = own ?? library.find((p) => p.id === request.profileId);
  if (profile === undefined) {
    const known = [...new Set([...project.profiles, ...library].map((p) => p.id))];
    return { ok: false, issues: [{ path: 'profileId', message: `no profile "${request.profileId}"; known: ${known.join(', ') || 'none'} (sensorvault profiles list)` }] };
  }
  if (!profile.drivers.includes(device.driver)) {
    return { ok: false, issues: [{ path: 'profileId', message: `profile "${profile.id}" is written for ${profile.drivers.join(', ')}, and device "${device.id}" uses ${device.driver}` }] };
  }
  const names = new Set(profile.parameters.map((p) => p.name));
  const issues: ValidationIssue[] = [];
  for (const name of Object.keys(request.params ?? {})) {
    if (!names.has(name)) issues.push({ path: `params.${name}`, message: `profile "${profile.id}" has no parameter "${name}"; it has ${[...names].join(', ') || 'none'} (and prefix, assetPath for the instance)` });
  }
  const parsed = ProfileInstanceSchema.safeParse({
    profile: profile.id,
    ...(request.prefix === undefined ? {} : { prefix: request.prefix }),
    ...(request.assetPath === undefined ? {} : { assetPath: request.assetPath }),
    params: request.params ?? {},
  });
  if (!parsed.success) issues.push(...issuesFromZod(parsed.error));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  const instance = parsed.data;
  const missing = profile.parameters.filter((p) => instanceParams(profile, instance)[p.name] === undefined).map((p) => p.name);
  if (missing.length > 0) return { ok: false, issues: missing.map((name) => ({ path: `params.${name}`, message: `profile "${profile.id}" needs a value for "${name}" (no default); give it with --set ${name}=VALUE` })) };
  const prefix = instance.prefix ?? device.id;
  if (device.profiles.some((i) => (i.prefix ?? device.id) === prefix)) {
    return { ok: false, issues: [{ path: 'prefix', message: `device "${device.id}" already has a profile instance with prefix "${prefix}"; its tag ids would collide; give another prefix (--set prefix=NAME)` }] };
  }
  const profiles = own === undefined ? [...project.profiles, profile] : project.profiles;
  const devices = project.devices.map((d) => (d.id === device.id ? { ...d, profiles: [...d.profiles, instance] } : d));
  return { ok: true, project: { ...project, profiles, devices }, instance, copied: own === undefined };
}
