import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { TAG_CSV_COLUMNS, exportTagsCsv, importTagsCsv } from '../../../../shared/mapping/csv.js';
import { expandProject } from '../../../../shared/mapping/profiles.js';
import { type Project, ProjectSchema } from '../../../../shared/project.js';
import { createDriverRegistry } from '../../../../electron/core/drivers/registry.js';
import { addressChecker } from '../../../../electron/core/mapping/handlers.js';
import { loadProfileLibrary } from '../../../../electron/core/mapping/library.js';
import { addProfileInstance } from '../../../../electron/core/mapping/profiles.js';
import { validateProject } from '../../../../electron/core/project/validate.js';
import { root } from '../../../support/cli.js';

const file = path.join(root, 'resources', 'examples', 'three-buildings.project.json');
const registry = createDriverRegistry();
const col = (name: string) => TAG_CSV_COLUMNS.indexOf(name as (typeof TAG_CSV_COLUMNS)[number]);

function load(): Project {
  const result = validateProject(JSON.parse(readFileSync(file, 'utf8')), registry);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return result.compiled.project;
}

describe('three buildings example', () => {
  it('is 400 tags in three buildings from six vendors, every device built from shipped profiles', () => {
    const project = load();
    const expansion = expandProject(project);
    expect(expansion.tags).toHaveLength(400);
    expect(new Set(project.profiles.map((p) => p.vendor)).size).toBe(6);
    const library = new Map(loadProfileLibrary().map((p) => [p.id, p]));
    for (const p of project.profiles) expect(p, p.id).toEqual(library.get(p.id));
    const buildings = new Set(expansion.tags.map((t) => t.tag.assetPath?.split('/').slice(0, 3).join('/')));
    expect([...buildings].sort()).toEqual(['acme/harbour-site/bldg-c', 'acme/north-campus/bldg-a', 'acme/north-campus/bldg-b']);
    expect(expansion.tags.filter((t) => t.origin === undefined)).toHaveLength(9);
    for (const d of project.devices) expect(['127.0.0.1'], d.id).toContain((d.settings as { host: string }).host);
  });

  it('rebuilt from the profile library with addProfileInstance, it gives the same tags', () => {
    const shipped = load();
    const library = loadProfileLibrary();
    let rebuilt: Project = ProjectSchema.parse({ ...shipped, profiles: [], devices: shipped.devices.map((d) => ({ ...d, profiles: [] })) });
    for (const device of shipped.devices) {
      for (const instance of device.profiles) {
        const change = addProfileInstance(rebuilt, library, { deviceId: device.id, profileId: instance.profile, params: instance.params, ...(instance.prefix === undefined ? {} : { prefix: instance.prefix }), ...(instance.assetPath === undefined ? {} : { assetPath: instance.assetPath }) });
        if (!change.ok) throw new Error(JSON.stringify(change.issues));
        rebuilt = change.project;
        const last = rebuilt.devices.find((d) => d.id === device.id)!.profiles.at(-1)!;
        last.overrides = instance.overrides;
      }
    }
    const ids = (p: Project) => expandProject(p).tags.map((t) => t.tag);
    expect(new Set(rebuilt.profiles.map((p) => p.id))).toEqual(new Set(shipped.profiles.map((p) => p.id)));
    expect(ids(rebuilt)).toEqual(ids(shipped));
  });

  it('export then import with no edit changes nothing (exact)', async () => {
    const project = load();
    const { csv, rows } = exportTagsCsv(project);
    expect(rows).toBe(400);
    const result = await importTagsCsv(project, csv, { checkAddress: addressChecker(project, registry) });
    expect(result.errors).toEqual([]);
    expect({ creates: result.creates.length, updates: result.updates.length, deletes: result.deletes.length, unchanged: result.unchanged }).toEqual({ creates: 0, updates: 0, deletes: 0, unchanged: 400 });
    expect(result.project).toEqual(project);
    expect(exportTagsCsv(result.project!).csv).toBe(csv);
  });

  it('edited like a spreadsheet (units, descriptions, a new tag, a deleted one, re-saved with ; and a BOM), imports back exactly', async () => {
    const project = load();
    const table = Papa.parse<string[]>(exportTagsCsv(project).csv, { skipEmptyLines: true }).data;
    const row = (id: string) => table.find((r) => r[1] === id)!;
    // Own tag: unit and description changed.
    row('bldg-a-vav1.co2')[col('unit')] = '[ppm]';
    row('bldg-a-vav1.co2')[col('description')] = 'CO₂ sensor; "UI3", replaced 2026-11';
    // Profile tags: a unit and a description; they become overrides of their instances.
    row('bldg-b-pm.active_power')[col('unit')] = 'W';
    row('bldg-b-pm.active_power')[col('scaling')] = 'linear';
    row('bldg-b-pm.active_power')[col('scaling.factor')] = '1000';
    row('bldg-b-pm.active_power')[col('scaling.offset')] = '0';
    row('bldg-c-tc-dhw.pv')[col('description')] = 'DHW flow temperature,\nsensor TT-201';
    // A new tag on a VAV controller (copied row, new id, changed address), and a deleted profile tag and own tag.
    const added = [...row('bldg-c-vav1.co2')];
    added[col('id')] = 'bldg-c-vav1.rh';
    added[col('name')] = 'Building C VAV-1 zone humidity';
    added[col('address')] = 'ai:11';
    added[col('unit')] = '%';
    added[col('description')] = '';
    added[col('quality.range.low')] = '0';
    added[col('quality.range.high')] = '100';
    const kept = table.filter((r) => r[1] !== 'bldg-a-ahu1-vfd.inverter_temp' && r[1] !== 'bldg-b-vav2.co2');
    kept.push(added);
    const csv = `\uFEFF${Papa.unparse(kept, { delimiter: ';', newline: '\r\n' })}\r\n`;

    const result = await importTagsCsv(project, csv, { checkAddress: addressChecker(project, registry) });
    expect(result.errors).toEqual([]);
    expect(result.issues).toEqual([]);
    expect(result.separator).toBe(';');
    expect(result.creates).toEqual(['bldg-c-vav1.rh']);
    expect(result.updates.sort()).toEqual(['bldg-a-vav1.co2', 'bldg-b-pm.active_power', 'bldg-c-tc-dhw.pv']);
    expect(result.deletes.sort()).toEqual(['bldg-a-ahu1-vfd.inverter_temp', 'bldg-b-vav2.co2']);
    expect(result.unchanged).toBe(400 - 3 - 2);

    const next = result.project!;
    expect(validateProject(next, registry).ok).toBe(true);
    const device = (id: string) => next.devices.find((d) => d.id === id)!;
    expect(device('bldg-a-vav1').tags[0]).toMatchObject({ unit: '[ppm]', description: 'CO₂ sensor; "UI3", replaced 2026-11' });
    expect(device('bldg-b-pm').profiles[0]!.overrides).toEqual({ active_power: { unit: 'W', scaling: { kind: 'linear', factor: 1000, offset: 0 } } });
    expect(device('bldg-c-rs485').profiles[2]!.overrides.pv).toMatchObject({ description: 'DHW flow temperature,\nsensor TT-201' });
    expect(device('bldg-a-ahu1-vfd').profiles[0]!.overrides).toEqual({ inverter_temp: { excluded: true } });
    expect(device('bldg-b-vav2').tags).toEqual([]);
    expect(device('bldg-c-vav1').tags.map((t) => t.id)).toEqual(['bldg-c-vav1.co2', 'bldg-c-vav1.rh']);
    expect(device('bldg-c-vav1').tags[1]).toMatchObject({ address: 'ai:11', unit: '%', quality: { range: { low: 0, high: 100, outside: 'uncertain' } } });
    expect(device('bldg-c-vav1').tags[1]!.description).toBeUndefined();
    // Everything else is exactly as it was.
    const untouched = (p: Project) => expandProject(p).tags.filter((t) => ![...result.updates, ...result.deletes, ...result.creates].includes(t.tag.id));
    expect(untouched(next)).toEqual(untouched(project));
    expect(expandProject(next).tags).toHaveLength(399);
    // And the edited project round-trips too.
    const again = await importTagsCsv(next, exportTagsCsv(next, { separator: ';', bom: true }).csv);
    expect(again.unchanged).toBe(399);
    expect(again.project).toEqual(next);
  });
});
