import { readFile } from 'node:fs/promises';
import { type Project, ProjectSchema, type ValidationIssue, formatPath, issuesFromZod } from '../../../shared/project.js';
import { type Expansion, type TagOrigin, expandProject } from '../../../shared/mapping/profiles.js';
import { migrateProject } from '../../../shared/project-migrate.js';
import { IANAZone } from 'luxon';
import type { DriverRegistry } from '../drivers/registry.js';
import { timeFormatIssue } from '../normalizer/time-point.js';
import type { AnyDriverDefinition, DecodeSpec } from '../drivers/types.js';

/**
 * One validation for the project document, used by the hosts, the CLI and the UI (via
 * `project:validate`): the shared structural schema plus each driver's own settings
 * schema and point grammar. Every problem is reported as `path: message`; a document
 * with any problem is refused whole, so nothing changes.
 */
export interface CompiledTag {
  tagId: string;
  address: unknown;
  decode: DecodeSpec;
  /** For a `point` timestamp rule: the time point's parsed address and how it decodes. */
  time?: { address: unknown; decode: DecodeSpec };
}

export interface CompiledDevice {
  deviceId: string;
  definition: AnyDriverDefinition;
  settings: unknown;
  endpoint: string;
  tags: CompiledTag[];
}

export interface CompiledProject {
  /** The document as stored and saved (profile instances not expanded). */
  project: Project;
  /** The same with every device's profile points expanded into tags: what runs. */
  effective: Project;
  /** Generated tags by id: their profile, point and overridden fields. */
  origins: Map<string, TagOrigin>;
  devices: CompiledDevice[];
}

export type ValidationResult = { ok: true; compiled: CompiledProject } | { ok: false; issues: ValidationIssue[] };

export function validateProject(original: unknown, registry: DriverRegistry): ValidationResult {
  const input = migrateProject(original).document;
  const parsed = ProjectSchema.safeParse(input);
  // One pass: the structural errors and every device's settings and tag addresses, all at once.
  const issues: ValidationIssue[] = parsed.success ? [] : issuesFromZod(parsed.error);
  const devices: CompiledDevice[] = [];
  const expansion = parsed.success ? expandProject(parsed.data) : undefined;
  if (expansion !== undefined) issues.push(...expansion.issues, ...generatedTagIssues(parsed.data as Project, expansion));
  const rawDevices: unknown[] = expansion !== undefined ? expansion.project.devices : devicesOf(input);
  // Generated tags follow the device's own ones; their problems are reported under the profile instance.
  const tagPath = (d: number, t: number, field: string): string => {
    const own = parsed.success ? (parsed.data.devices[d]?.tags.length ?? 0) : Infinity;
    if (t < own || expansion === undefined) return formatPath(['devices', d, 'tags', t, field]);
    const tag = expansion.project.devices[d]?.tags[t];
    const origin = tag === undefined ? undefined : expansion.origins.get(tag.id);
    return origin === undefined ? formatPath(['devices', d, 'tags', t, field]) : formatPath(['devices', d, 'profiles', origin.instance, 'points', origin.point, field]);
  };
  rawDevices.forEach((device, d) => {
    if (!isRecord(device) || typeof device.driver !== 'string') return;
    const definition = registry.get(device.driver);
    if (definition === undefined) {
      issues.push({ path: formatPath(['devices', d, 'driver']), message: `unknown driver "${device.driver}"; available: ${registry.ids().join(', ')}` });
      return;
    }
    const settings = isRecord(device.settings) ? definition.settingsSchema.safeParse(device.settings) : undefined;
    if (settings?.success === false) issues.push(...issuesFromZod(settings.error, ['devices', d, 'settings']));
    const tags: CompiledTag[] = [];
    (Array.isArray(device.tags) ? device.tags : []).forEach((tag: unknown, t) => {
      if (!isRecord(tag) || typeof tag.address !== 'string') return;
      const address = definition.parseAddress(tag.address);
      if (!address.ok) {
        issues.push({ path: tagPath(d, t, 'address'), message: `${address.message} (syntax: ${definition.addressSyntax})` });
        return;
      }
      const compiledTag: CompiledTag = { tagId: String(tag.id), address: address.address, decode: definition.decodeSpec(address.address) };
      const rule = isRecord(tag.timestamp) && tag.timestamp.source === 'point' ? tag.timestamp : undefined;
      if (rule !== undefined) {
        const at = tagPath(d, t, 'timestamp');
        const formatIssue = typeof rule.format === 'string' ? timeFormatIssue(rule.format) : undefined;
        if (formatIssue !== undefined) issues.push({ path: `${at}.format`, message: formatIssue });
        if (typeof rule.timeZone === 'string' && !IANAZone.isValidZone(rule.timeZone)) issues.push({ path: `${at}.timeZone`, message: `unknown IANA time zone "${rule.timeZone}" (e.g. Europe/Berlin, America/Chicago, UTC)` });
        if (typeof rule.address === 'string') {
          const time = definition.parseAddress(rule.address);
          if (time.ok) compiledTag.time = { address: time.address, decode: definition.decodeSpec(time.address) };
          else issues.push({ path: `${at}.address`, message: `${time.message} (syntax: ${definition.addressSyntax})` });
        }
      }
      tags.push(compiledTag);
    });
    if (settings?.success === true) devices.push({ deviceId: String(device.id), definition, settings: settings.data, endpoint: definition.endpoint(settings.data), tags });
  });
  if (parsed.success && !IANAZone.isValidZone(parsed.data.site.timeZone)) issues.push({ path: 'site.timeZone', message: `unknown IANA time zone "${parsed.data.site.timeZone}" (e.g. Europe/Berlin, America/Chicago, UTC)` });
  if (!parsed.success || expansion === undefined || issues.length > 0) return { ok: false, issues: unique(issues) };
  return { ok: true, compiled: { project: parsed.data, effective: expansion.project, origins: expansion.origins, devices } };
}

/** Generated tags must not collide with any other tag id, and must name a poll group the device has. */
function generatedTagIssues(project: Project, expansion: Expansion): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, string>();
  for (const device of project.devices) for (const tag of device.tags) seen.set(tag.id, `device "${device.id}"`);
  for (const [tagId, origin] of expansion.origins) {
    const d = project.devices.findIndex((x) => x.id === origin.deviceId);
    const at = formatPath(['devices', d, 'profiles', origin.instance, 'points', origin.point]);
    const other = seen.get(tagId);
    if (other !== undefined) issues.push({ path: at, message: `generates tag id "${tagId}", which ${other} already has; give the instance another prefix` });
    seen.set(tagId, `profile "${origin.profile}" on device "${origin.deviceId}"`);
    const device = project.devices[d];
    const tag = expansion.project.devices[d]?.tags.find((t) => t.id === tagId);
    if (device !== undefined && tag !== undefined && !device.pollGroups.some((g) => g.id === tag.pollGroup)) {
      issues.push({ path: `${at}.pollGroup`, message: `unknown poll group "${tag.pollGroup}"; this device has: ${device.pollGroups.map((g) => g.id).join(', ')}` });
    }
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function devicesOf(input: unknown): unknown[] {
  return isRecord(input) && Array.isArray(input.devices) ? input.devices : [];
}

/** The structural schema and a driver may both name the same field for the same reason. */
function unique(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export class ProjectError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${source}: invalid project:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ProjectError';
  }
}

/** Parses JSON text and validates it; throws ProjectError naming the file, field and reason. */
export function parseProjectText(text: string, source: string, registry: DriverRegistry): CompiledProject {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProjectError(source, [{ path: '(file)', message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const result = validateProject(json, registry);
  if (!result.ok) throw new ProjectError(source, result.issues);
  return result.compiled;
}

export async function loadProjectFile(path: string, registry: DriverRegistry): Promise<CompiledProject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProjectError(path, [{ path: '(file)', message: code === 'ENOENT' ? 'file not found' : `cannot read: ${String(error)}` }]);
  }
  return parseProjectText(text, path, registry);
}
