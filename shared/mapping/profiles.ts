import {
  type Device,
  type PointOverride,
  type Profile,
  type ProfileInstance,
  type ProfilePoint,
  type Project,
  type Tag,
  TagSchema,
  type ValidationIssue,
  formatPath,
  issuesFromZod,
} from '../project.js';

/**
 * Profiles become tags here, in one pure step that the core, the CSV import and the
 * mapping editor share. A device's effective tags are its own tags followed by the points
 * of each profile instance, filled with the instance's parameters and overrides. Edits go
 * back the same way: an own tag is replaced, a profile tag's differences from its profile
 * are kept as overrides (visible as such), so a later profile change still reaches it.
 */

/** Where a generated tag comes from, and which of its fields the instance overrides. */
export interface TagOrigin {
  deviceId: string;
  /** Index into the device's `profiles`. */
  instance: number;
  profile: string;
  point: string;
  overridden: string[];
}

export interface EffectiveTag {
  deviceId: string;
  tag: Tag;
  origin?: TagOrigin;
}

export interface Expansion {
  /** The project with every device's `tags` = own tags + generated ones. */
  project: Project;
  tags: EffectiveTag[];
  /** By tag id, for generated tags only. */
  origins: Map<string, TagOrigin>;
  issues: ValidationIssue[];
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?:([+-])(\d+))?\}/g;

export type FillResult = { ok: true; value: string } | { ok: false; message: string };

/** Fills `{name}` and `{name+N}` / `{name-N}` placeholders from `params`. */
export function fillTemplate(template: string, params: Readonly<Record<string, string | number>>): FillResult {
  let failure: string | undefined;
  const value = template.replace(PLACEHOLDER, (whole, name: string, sign: string | undefined, digits: string | undefined) => {
    const param = params[name];
    if (param === undefined) {
      failure ??= `placeholder ${whole} names parameter "${name}", which has no value; give it with --set ${name}=VALUE or a default in the profile`;
      return whole;
    }
    if (sign === undefined) return String(param);
    const base = typeof param === 'number' ? param : Number(param);
    if (!Number.isInteger(base)) {
      failure ??= `placeholder ${whole} adds to parameter "${name}", whose value "${String(param)}" is not a whole number`;
      return whole;
    }
    return String(sign === '+' ? base + Number(digits) : base - Number(digits));
  });
  return failure === undefined ? { ok: true, value } : { ok: false, message: failure };
}

/** The profile's defaults with the instance's values on top. */
export function instanceParams(profile: Profile, instance: ProfileInstance): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  for (const p of profile.parameters) if (p.default !== undefined) params[p.name] = p.default;
  return { ...params, ...instance.params };
}

function joinAssetPath(base: string | undefined, relative: string | undefined): string | undefined {
  if (base === undefined || base === '') return relative === undefined || relative === '' ? undefined : relative;
  return relative === undefined || relative === '' ? base : `${base}/${relative}`;
}

/** The tag a point gives on a device with no override (the base an override is measured against). */
function baseTag(device: Device, instance: ProfileInstance, point: ProfilePoint, address: string): Tag {
  const prefix = instance.prefix ?? device.id;
  const tag: Tag = {
    id: `${prefix}.${point.id}`,
    name: `${device.name} ${point.name}`,
    address,
    pollGroup: point.pollGroup ?? device.pollGroups[0]?.id ?? 'default',
    unit: point.unit,
    scaling: point.scaling,
    timestamp: point.timestamp,
    classification: point.classification,
  };
  if (point.description !== undefined) tag.description = point.description;
  const assetPath = joinAssetPath(instance.assetPath ?? device.assetPath, point.assetPath);
  if (assetPath !== undefined) tag.assetPath = assetPath;
  if (point.dataType !== undefined) tag.dataType = point.dataType;
  if (point.deadband !== undefined) tag.deadband = point.deadband;
  if (point.quality !== undefined) tag.quality = point.quality;
  if (point.decimals !== undefined) tag.decimals = point.decimals;
  return tag;
}

const OVERRIDABLE = ['name', 'description', 'assetPath', 'address', 'pollGroup', 'unit', 'dataType', 'scaling', 'deadband', 'timestamp', 'quality', 'classification', 'decimals'] as const;
type Overridable = (typeof OVERRIDABLE)[number];

function applyOverride(tag: Tag, override: PointOverride | undefined): { tag: Tag; overridden: string[] } {
  if (override === undefined) return { tag, overridden: [] };
  const next: Record<string, unknown> = { ...tag };
  const overridden: string[] = [];
  for (const key of OVERRIDABLE) {
    const value = (override as Partial<Record<Overridable, unknown>>)[key];
    if (value === undefined) continue;
    next[key] = value;
    overridden.push(key);
  }
  return { tag: next as Tag, overridden };
}

interface PointTag {
  base: Tag;
  tag: Tag;
  overridden: string[];
}

function expandPoint(device: Device, instance: ProfileInstance, profile: Profile, point: ProfilePoint): PointTag | { error: string } | undefined {
  const override = instance.overrides[point.id];
  if (override?.excluded === true) return undefined;
  const filled = fillTemplate(point.address, instanceParams(profile, instance));
  if (!filled.ok && override?.address === undefined) return { error: `point "${point.id}" address ${point.address}: ${filled.message}` };
  const base = baseTag(device, instance, point, filled.ok ? filled.value : point.address);
  const { tag, overridden } = applyOverride(base, override);
  return { base, tag, overridden };
}

/**
 * Expands every profile instance of a validated project. Unknown profiles, a profile made
 * for another driver, unfilled placeholders and generated tags that break the tag schema
 * come back as issues, each under the instance's path.
 */
export function expandProject(project: Project): Expansion {
  const profiles = new Map(project.profiles.map((p) => [p.id, p]));
  const issues: ValidationIssue[] = [];
  const tags: EffectiveTag[] = [];
  const origins = new Map<string, TagOrigin>();
  const devices = project.devices.map((device, d): Device => {
    const own = device.tags.map((tag): EffectiveTag => ({ deviceId: device.id, tag }));
    tags.push(...own);
    if (device.profiles.length === 0) return device;
    const generated: Tag[] = [];
    device.profiles.forEach((instance, i) => {
      const at = ['devices', d, 'profiles', i];
      const profile = profiles.get(instance.profile);
      if (profile === undefined) {
        const known = [...profiles.keys()];
        issues.push({ path: formatPath([...at, 'profile']), message: `unknown profile "${instance.profile}"; the project has ${known.length === 0 ? 'none (apply one with sensorvault profiles apply)' : known.join(', ')}` });
        return;
      }
      if (!profile.drivers.includes(device.driver)) {
        issues.push({ path: formatPath([...at, 'profile']), message: `profile "${profile.id}" is written for ${profile.drivers.join(', ')}, not for this device's driver ${device.driver}` });
        return;
      }
      const points = new Set(profile.points.map((p) => p.id));
      for (const key of Object.keys(instance.overrides)) {
        if (!points.has(key)) issues.push({ path: formatPath([...at, 'overrides', key]), message: `profile "${profile.id}" has no point "${key}"` });
      }
      for (const point of profile.points) {
        const result = expandPoint(device, instance, profile, point);
        if (result === undefined) continue;
        if ('error' in result) {
          issues.push({ path: formatPath(at), message: result.error });
          continue;
        }
        const checked = TagSchema.safeParse(result.tag);
        if (!checked.success) {
          issues.push(...issuesFromZod(checked.error, [...at, 'points', point.id]));
          continue;
        }
        const origin: TagOrigin = { deviceId: device.id, instance: i, profile: profile.id, point: point.id, overridden: result.overridden };
        generated.push(checked.data);
        origins.set(checked.data.id, origin);
        tags.push({ deviceId: device.id, tag: checked.data, origin });
      }
    });
    return { ...device, tags: [...device.tags, ...generated] };
  });
  return { project: { ...project, devices }, tags, origins, issues };
}

/** Changes to the effective tag list, as the CSV import and the mapping editor produce them. */
export interface TagChanges {
  /** A tag with a known id is updated in place; an unknown id is created on `deviceId`. */
  upserts: ReadonlyArray<{ deviceId: string; tag: Tag }>;
  /** Own tags are removed; a profile tag is excluded on its instance (an override, so it stays visible). */
  deletes: ReadonlyArray<string>;
}

export type ChangeResult = { ok: true; project: Project } | { ok: false; issues: ValidationIssue[] };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The override that turns `base` into `tag`: only the fields that differ (an upsert of an
 * excluded point includes it again). An optional field the point sets cannot be cleared by
 * an override; it keeps the point's value.
 */
function overrideFor(base: Tag, tag: Tag): PointOverride {
  const override: Record<string, unknown> = {};
  for (const key of OVERRIDABLE) {
    const want = tag[key];
    if (want !== undefined && !same(want, base[key])) override[key] = want;
  }
  return override as PointOverride;
}

/**
 * Applies tag changes to the stored project (not the expanded one), so profile tags stay
 * profile tags. Returns issues instead of a half-changed project when a change is not
 * possible (an unknown device, moving a profile tag to another device).
 */
export function applyTagChanges(project: Project, changes: TagChanges): ChangeResult {
  const expansion = expandProject(project);
  const issues: ValidationIssue[] = [];
  const devices = project.devices.map((d) => ({ ...d, tags: [...d.tags], profiles: d.profiles.map((p) => ({ ...p, overrides: { ...p.overrides } })) }));
  const deviceIndex = new Map(devices.map((d, i) => [d.id, i]));
  const ownerOf = new Map<string, string>();
  for (const t of expansion.tags) ownerOf.set(t.tag.id, t.deviceId);
  const profiles = new Map(project.profiles.map((p) => [p.id, p]));

  const setOverride = (origin: TagOrigin, override: PointOverride) => {
    const device = devices[deviceIndex.get(origin.deviceId) ?? -1];
    const instance = device?.profiles[origin.instance];
    if (instance === undefined) return;
    if (Object.keys(override).length === 0) delete instance.overrides[origin.point];
    else instance.overrides[origin.point] = override;
  };

  changes.upserts.forEach(({ deviceId, tag }, n) => {
    const at = `changes[${n}] (tag "${tag.id}")`;
    const target = deviceIndex.get(deviceId);
    if (target === undefined) {
      issues.push({ path: at, message: `unknown device "${deviceId}"` });
      return;
    }
    const origin = expansion.origins.get(tag.id);
    if (origin !== undefined) {
      if (origin.deviceId !== deviceId) {
        issues.push({ path: at, message: `comes from profile "${origin.profile}" on device "${origin.deviceId}" and cannot move to "${deviceId}"; change the device's profile instead` });
        return;
      }
      const device = project.devices.find((d) => d.id === deviceId);
      const instance = device?.profiles[origin.instance];
      const point = profiles.get(origin.profile)?.points.find((p) => p.id === origin.point);
      if (device === undefined || instance === undefined || point === undefined) return;
      const filled = fillTemplate(point.address, instanceParams(profiles.get(origin.profile) as Profile, instance));
      const base = baseTag(device, instance, point, filled.ok ? filled.value : point.address);
      setOverride(origin, overrideFor(base, tag));
      return;
    }
    const owner = ownerOf.get(tag.id);
    if (owner !== undefined && owner !== deviceId) {
      const from = devices[deviceIndex.get(owner) ?? -1];
      if (from !== undefined) from.tags = from.tags.filter((t) => t.id !== tag.id);
    }
    const device = devices[target] as (typeof devices)[number];
    const index = device.tags.findIndex((t) => t.id === tag.id);
    if (index >= 0) device.tags[index] = tag;
    else device.tags.push(tag);
  });

  for (const tagId of changes.deletes) {
    const origin = expansion.origins.get(tagId);
    if (origin !== undefined) {
      const device = devices[deviceIndex.get(origin.deviceId) ?? -1];
      const instance = device?.profiles[origin.instance];
      if (instance !== undefined) instance.overrides[origin.point] = { ...instance.overrides[origin.point], excluded: true };
      continue;
    }
    const owner = ownerOf.get(tagId);
    const device = owner === undefined ? undefined : devices[deviceIndex.get(owner) ?? -1];
    if (device === undefined) {
      issues.push({ path: `deletes (tag "${tagId}")`, message: 'no such tag in the project' });
      continue;
    }
    device.tags = device.tags.filter((t) => t.id !== tagId);
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, project: { ...project, devices } };
}
