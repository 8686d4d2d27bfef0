import { migrateUnit } from './mapping/units.js';
import { PROJECT_SCHEMA_VERSION } from './project.js';

/**
 * Project documents are migrated forward, one version at a time, before validation, so a
 * project file written by any earlier SensorVault still loads. A migration only reshapes;
 * the schema then checks the result. A document from a newer version is refused by name.
 */
export interface MigrationResult {
  document: unknown;
  /** The version the document was written in (undefined when it carries none). */
  from: number | undefined;
  /** What the migrations changed, in words, for the log. */
  notes: string[];
}

type Migration = (document: Record<string, unknown>, notes: string[]) => Record<string, unknown>;

/** MIGRATIONS[n] turns version n+1 into version n+2. */
const MIGRATIONS: Migration[] = [
  // 1 -> 2: the mapping layer (asset paths, profiles, timestamp rules, UCUM units). New
  // fields have defaults; units were free text and become UCUM codes ("°C" -> "Cel"), and
  // text with no code is kept as an annotation ("bottles/min" -> "{bottles/min}").
  (document, notes) => {
    notes.push('project schema 1 -> 2: mapping fields added with their defaults');
    const devices = Array.isArray(document.devices) ? document.devices : undefined;
    if (devices === undefined) return { ...document, schemaVersion: 2 };
    const changed = new Map<string, string>();
    const migrated = devices.map((device: unknown) => {
      if (!isRecord(device) || !Array.isArray(device.tags)) return device;
      const tags = device.tags.map((tag: unknown) => {
        if (!isRecord(tag) || typeof tag.unit !== 'string') return tag;
        const code = migrateUnit(tag.unit);
        if (code === tag.unit) return tag;
        changed.set(tag.unit, code);
        return { ...tag, unit: code };
      });
      return { ...device, tags };
    });
    if (changed.size > 0) notes.push(`units as UCUM codes: ${[...changed].map(([from, to]) => `"${from}" -> ${to}`).join(', ')}`);
    return { ...document, schemaVersion: 2, devices: migrated };
  },
];

export function migrateProject(input: unknown): MigrationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { document: input, from: undefined, notes: [] };
  const version = (input as Record<string, unknown>).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version >= PROJECT_SCHEMA_VERSION) {
    // Current, newer or malformed: the schema reports it.
    return { document: input, from: typeof version === 'number' ? version : undefined, notes: [] };
  }
  const notes: string[] = [];
  let document = input as Record<string, unknown>;
  for (let v = version; v < PROJECT_SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v - 1];
    if (step === undefined) throw new Error(`no migration from project schema ${v}`);
    document = step(document, notes);
  }
  return { document, from: version, notes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Registered so a test can check that every version below the current one has a step. */
export const MIGRATION_COUNT = MIGRATIONS.length;
