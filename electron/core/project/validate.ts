import { readFile } from 'node:fs/promises';
import { type Project, ProjectSchema, type ValidationIssue, formatPath, issuesFromZod } from '../../../shared/project.js';
import { migrateProject } from '../../../shared/project-migrate.js';
import type { DriverRegistry } from '../drivers/registry.js';
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
}

export interface CompiledDevice {
  deviceId: string;
  definition: AnyDriverDefinition;
  settings: unknown;
  endpoint: string;
  tags: CompiledTag[];
}

export interface CompiledProject {
  project: Project;
  devices: CompiledDevice[];
}

export type ValidationResult = { ok: true; compiled: CompiledProject } | { ok: false; issues: ValidationIssue[] };

export function validateProject(original: unknown, registry: DriverRegistry): ValidationResult {
  const input = migrateProject(original).document;
  const parsed = ProjectSchema.safeParse(input);
  // One pass: the structural errors and every device's settings and tag addresses, all at once.
  const issues: ValidationIssue[] = parsed.success ? [] : issuesFromZod(parsed.error);
  const devices: CompiledDevice[] = [];
  const rawDevices: unknown[] = parsed.success ? parsed.data.devices : devicesOf(input);
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
        issues.push({ path: formatPath(['devices', d, 'tags', t, 'address']), message: `${address.message} (syntax: ${definition.addressSyntax})` });
        return;
      }
      tags.push({ tagId: String(tag.id), address: address.address, decode: definition.decodeSpec(address.address) });
    });
    if (settings?.success === true) devices.push({ deviceId: String(device.id), definition, settings: settings.data, endpoint: definition.endpoint(settings.data), tags });
  });
  if (!parsed.success || issues.length > 0) return { ok: false, issues: unique(issues) };
  return { ok: true, compiled: { project: parsed.data, devices } };
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
