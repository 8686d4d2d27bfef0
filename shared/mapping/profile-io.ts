import { type Profile, ProfileSchema, type Project, type ValidationIssue, issuesFromZod } from '../project.js';

/**
 * A profile on its own, as a file: the profile object, pretty-printed JSON. Import checks
 * it with ProfileSchema and reports `path: message` issues (the path inside the profile).
 */
export function exportProfileJson(profile: Profile): string {
  return `${JSON.stringify(profile, null, 2)}\n`;
}

export type ProfileParse = { ok: true; profile: Profile } | { ok: false; issues: ValidationIssue[] };

export function parseProfileJson(text: string): ProfileParse {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, issues: [{ path: '(file)', message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  return checkProfile(json);
}

export function checkProfile(value: unknown): ProfileParse {
  const parsed = ProfileSchema.safeParse(value);
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error) };
  const ids = new Set<string>();
  const issues: ValidationIssue[] = [];
  parsed.data.points.forEach((p, i) => {
    if (ids.has(p.id)) issues.push({ path: `points[${i}].id`, message: `duplicate point id "${p.id}"` });
    ids.add(p.id);
  });
  const names = new Set<string>();
  parsed.data.parameters.forEach((p, i) => {
    if (names.has(p.name)) issues.push({ path: `parameters[${i}].name`, message: `duplicate parameter "${p.name}"` });
    names.add(p.name);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, profile: parsed.data };
}

/** Creates or replaces (by id) a profile in the project; every instance follows it, overrides kept. */
export function upsertProfile(project: Project, profile: Profile): Project {
  const at = project.profiles.findIndex((p) => p.id === profile.id);
  const profiles = at < 0 ? [...project.profiles, profile] : project.profiles.map((p, i) => (i === at ? profile : p));
  return { ...project, profiles };
}
