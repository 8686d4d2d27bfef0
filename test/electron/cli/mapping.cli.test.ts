import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TAG_CSV_COLUMNS } from '../../../shared/mapping/csv.js';
import { assertBuilt, root, runCli } from '../../support/cli.js';
import { tempDir } from '../../support/project.js';

// `sensorvault tags` and `sensorvault profiles`, run as the built binary on real files.
const example = path.join(root, 'resources', 'examples', 'three-buildings.project.json');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => assertBuilt());

function workspace() {
  const tmp = tempDir('sv-mapping-cli-');
  cleanups.push(() => tmp.remove());
  const project = tmp.file('project.json');
  copyFileSync(example, project);
  return { tmp, project };
}

const col = (name: string) => TAG_CSV_COLUMNS.indexOf(name as (typeof TAG_CSV_COLUMNS)[number]);

describe('sensorvault tags', () => {
  it('export prints the CSV on stdout, or writes --out with ; and a BOM', async () => {
    const { tmp, project } = workspace();
    const printed = await runCli(['tags', 'export', '--project', project]);
    expect(printed.code).toBe(0);
    const rows = Papa.parse<string[]>(printed.stdout, { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual([...TAG_CSV_COLUMNS]);
    expect(rows).toHaveLength(401);
    const out = tmp.file('tags.csv');
    const written = await runCli(['tags', 'export', '--project', project, '--out', out, '--separator', ';', '--bom']);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(written.stderr).toContain(`400 tags written to ${out}`);
    expect(readFileSync(out, 'utf8').startsWith('\uFEFFdevice;id;name;')).toBe(true);
  });

  it('import --dry-run prints the changes and changes nothing; import applies them by rewriting the file', async () => {
    const { tmp, project } = workspace();
    const table = Papa.parse<string[]>((await runCli(['tags', 'export', '--project', project])).stdout, { skipEmptyLines: true }).data;
    table.find((r) => r[1] === 'bldg-a-pm.frequency')![col('decimals')] = '3';
    const csvFile = tmp.file('edited.csv');
    writeFileSync(csvFile, `\uFEFF${Papa.unparse(table.filter((r) => r[1] !== 'bldg-b-vav1.co2'), { delimiter: ';' })}`);
    const before = readFileSync(project, 'utf8');

    const dry = await runCli(['tags', 'import', '--project', project, csvFile, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout.split('\n')).toEqual([`read ${csvFile}: UTF-8 with BOM, separator ;`, 'update bldg-a-pm.frequency', 'delete bldg-b-vav1.co2', `DELETE 1 of the project's 400 tags: they have no row in ${csvFile}`, '399 rows: 0 to create, 1 to update, 1 to delete, 398 unchanged; dry run, nothing changed', '']);
    expect(dry.stderr).toBe('');
    expect(readFileSync(project, 'utf8')).toBe(before);

    const real = await runCli(['tags', 'import', '--project', project, csvFile]);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`; applied to ${project}`);
    const saved = JSON.parse(readFileSync(project, 'utf8'));
    const pm = saved.devices.find((d: { id: string }) => d.id === 'bldg-a-pm');
    expect(pm.profiles[0].overrides).toEqual({ frequency: { decimals: 3 } });
    expect(saved.devices.find((d: { id: string }) => d.id === 'bldg-b-vav1').tags).toEqual([]);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const again = await runCli(['tags', 'import', '--project', project, csvFile]);
    expect(again.stdout).toBe(`read ${csvFile}: UTF-8 with BOM, separator ;\n399 rows: 0 to create, 0 to update, 0 to delete, 399 unchanged; nothing to change\n`);
  });

  it('import reads a Windows-1252 file (older Excel "CSV") with its accents and °C, and says so', async () => {
    const { tmp, project } = workspace();
    const table = Papa.parse<string[]>((await runCli(['tags', 'export', '--project', project])).stdout, { skipEmptyLines: true }).data;
    const row = table.find((r) => r[1] === 'bldg-a-pm.frequency')!;
    row[col('name')] = 'Température sonde n° 3 – départ';
    row[col('unit')] = '°C';
    const text = Papa.unparse(table, { delimiter: ';', newline: '\r\n' });
    // Windows-1252 bytes: Latin-1 for every character but the en dash, which is 96 there.
    const bytes = Uint8Array.from([...text].map((c) => (c === '–' ? 0x96 : c.charCodeAt(0))));
    expect([...text].every((c) => c === '–' || c.charCodeAt(0) < 0x100)).toBe(true);
    const csvFile = tmp.file('ansi.csv');
    writeFileSync(csvFile, bytes);
    const result = await runCli(['tags', 'import', '--project', project, csvFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`read ${csvFile}: Windows-1252 (not valid UTF-8; what older Excel saves as "CSV"), separator ;`);
    expect(result.stdout).toContain('update bldg-a-pm.frequency');
    const saved = JSON.parse(readFileSync(project, 'utf8'));
    expect(saved.devices.find((d: { id: string }) => d.id === 'bldg-a-pm').profiles[0].overrides.frequency).toEqual({ name: 'Température sonde n° 3 – départ', unit: 'Cel' });
    expect(readFileSync(project, 'utf8')).not.toContain('\uFFFD');
  });

  it('import with bad rows exits 1 with row N, column X lines and leaves the file alone', async () => {
    const { tmp, project } = workspace();
    const table = Papa.parse<string[]>((await runCli(['tags', 'export', '--project', project])).stdout, { skipEmptyLines: true }).data;
    table[5]![col('scaling.factor')] = 'ten';
    table[9]![col('address')] = 'hr:99999999';
    table[12]![col('classification')] = 'secret';
    const csvFile = tmp.file('bad.csv');
    writeFileSync(csvFile, Papa.unparse(table));
    const before = readFileSync(project, 'utf8');
    const result = await runCli(['tags', 'import', '--project', project, csvFile]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^row 6, column scaling.factor: must be empty: scaling kind none does not use factor/),
      expect.stringMatching(/^row 10, column address: hr:99999999: .*\(syntax: /),
      'row 13, column classification: "secret" is not one of public, internal, confidential, restricted',
    ]);
    expect(lines.at(-1)).toMatch(/3 problem\(s\); nothing was changed/);
    expect(readFileSync(project, 'utf8')).toBe(before);
  });
});

describe('sensorvault tags import: deletes', () => {
  it('a file that would delete more than half of the tags: a warning with the count, first in --dry-run, then applied', async () => {
    const { tmp, project } = workspace();
    const table = Papa.parse<string[]>((await runCli(['tags', 'export', '--project', project])).stdout, { skipEmptyLines: true }).data;
    const csvFile = tmp.file('partial.csv');
    writeFileSync(csvFile, Papa.unparse(table.slice(0, 200))); // the header and 199 tags of 400
    const before = readFileSync(project, 'utf8');
    const dry = await runCli(['tags', 'import', '--project', project, csvFile, '--dry-run']);
    expect(dry.code).toBe(0);
    const lines = dry.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('delete '))).toHaveLength(201);
    expect(lines.slice(-2)).toEqual([`DELETE 201 of the project's 400 tags: they have no row in ${csvFile}`, '199 rows: 0 to create, 0 to update, 201 to delete, 199 unchanged; dry run, nothing changed']);
    expect(dry.stderr).toMatch(new RegExp(`^sensorvault: warning: this import deletes 201 of the project's 400 tags \\(50 %\\), every tag with no row in .*partial.csv; without --dry-run they are deleted\\.`));
    expect(readFileSync(project, 'utf8')).toBe(before);

    const real = await runCli(['tags', 'import', '--project', project, csvFile]);
    expect(real.code).toBe(0);
    expect(real.stderr).toMatch(/warning: this import deletes 201 of the project's 400 tags .*; applying it anyway\./);
    expect(real.stdout).toContain(`DELETE 201 of the project's 400 tags`);
    expect((await runCli(['tags', 'export', '--project', project])).stdout.trim().split('\n')).toHaveLength(200);

    // Half or fewer: the count, no warning.
    const { tmp: tmp2, project: project2 } = workspace();
    const half = tmp2.file('half.csv');
    writeFileSync(half, Papa.unparse(table.slice(0, 201))); // 200 of 400 kept
    const ok = await runCli(['tags', 'import', '--project', project2, half, '--dry-run']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`DELETE 200 of the project's 400 tags`);
    expect(ok.stderr).toBe('');
  });
});

describe('sensorvault tags import: every problem names its row and column', () => {
  it('a short row is one "has N cells" line, an empty name is "must not be empty"', async () => {
    const { tmp, project } = workspace();
    const table = Papa.parse<string[]>((await runCli(['tags', 'export', '--project', project])).stdout, { skipEmptyLines: true }).data;
    table[4] = table[4]!.slice(0, 10); // row 5, a profile tag: no read-only-column errors for the cells it lacks
    table[7]![col('name')] = '';
    const csvFile = tmp.file('short.csv');
    writeFileSync(csvFile, Papa.unparse(table));
    const result = await runCli(['tags', 'import', '--project', project, csvFile]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([expect.stringMatching(/^row 5: has 10 cells, the header has 42; /), 'row 8, column name: must not be empty']);
    expect(lines.at(-1)).toMatch(/2 problem\(s\); nothing was changed/);
  });

  it('the driver checks of the merged project (time format, time address) come back as row N, column X', async () => {
    const { tmp, project } = workspace();
    const table = Papa.parse<string[]>((await runCli(['tags', 'export', '--project', project])).stdout, { skipEmptyLines: true }).data;
    const own = table.findIndex((r) => r[1] === 'bldg-a-vav1.co2'); // an own tag of the device
    const generated = table.findIndex((r) => r[1] === 'bldg-a-pm.current_b'); // a profile tag
    for (const [i, format] of [
      [own, 'no-such-format'],
      [generated, 'also-not-a-format'],
    ] as const) {
      table[i]![col('timestamp')] = 'point';
      table[i]![col('timestamp.format')] = format;
      table[i]![col('timestamp.address')] = table[i]![col('address')]!;
    }
    table[generated]![col('timestamp.address')] = 'no-such-address';
    const csvFile = tmp.file('times.csv');
    writeFileSync(csvFile, Papa.unparse(table));
    const before = readFileSync(project, 'utf8');
    const result = await runCli(['tags', 'import', '--project', project, csvFile, '--dry-run']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      expect.stringMatching(new RegExp(`^row ${generated + 1}, column timestamp.format: unknown time format "also-not-a-format".*\\(in the project: devices\\[\\d+\\]\\.profiles\\[0\\]\\.points\\.current_b\\.timestamp\\.format\\)$`)),
      expect.stringMatching(new RegExp(`^row ${generated + 1}, column timestamp.address: .*\\(in the project: devices\\[\\d+\\]\\.profiles\\[0\\]\\.points\\.current_b\\.timestamp\\.address\\)$`)),
      expect.stringMatching(new RegExp(`^row ${own + 1}, column timestamp.format: .*no-such-format.*\\(in the project: devices\\[\\d+\\]\\.tags\\[0\\]\\.timestamp\\.format\\)$`)),
    ]);
    expect(lines.at(-1)).toMatch(/3 problem\(s\); nothing was changed/);
    expect(readFileSync(project, 'utf8')).toBe(before);
  });
});

describe('sensorvault profiles', () => {
  it('list shows the shipped library, and with --project the project copies and their devices', async () => {
    const library = await runCli(['profiles', 'list', '--json']);
    expect(library.code).toBe(0);
    const entries = library.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; source: string; instances: number; document: { document: string } });
    expect(entries.map((e) => e.id).sort()).toEqual(['abb-acs580', 'advantech-adam-6017', 'ashrae-vav-g36', 'eastron-sdm630', 'eurotherm-3200', 'schneider-pm5300']);
    expect(entries.every((e) => e.source === 'library' && e.document.document.length > 0)).toBe(true);
    const { project } = workspace();
    const withProject = (await runCli(['profiles', 'list', '--json', '--project', project])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; source: string; instances: number });
    expect(withProject.find((e) => e.id === 'ashrae-vav-g36')).toMatchObject({ source: 'project', instances: 12 });
    expect(withProject.find((e) => e.id === 'eastron-sdm630')).toMatchObject({ source: 'project', instances: 3 });
  });

  it('apply instantiates a profile with --set parameters, prefix and assetPath; refuses a clash', async () => {
    const { project } = workspace();
    const args = ['profiles', 'apply', '--project', project, '--profile', 'eastron-sdm630', '--device', 'bldg-a-rs485', '--set', 'unitId=13', '--set', 'prefix=bldg-a-sm-ev', '--set', 'assetPath=acme/north-campus/bldg-a/parking/ev-chargers'];
    const applied = await runCli(args);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('applied profile eastron-sdm630 to device bldg-a-rs485: 18 tags');
    expect(applied.stdout).toContain('  bldg-a-sm-ev.total_energy');
    const saved = JSON.parse(readFileSync(project, 'utf8'));
    expect(saved.devices.find((d: { id: string }) => d.id === 'bldg-a-rs485').profiles.at(-1)).toEqual({ profile: 'eastron-sdm630', prefix: 'bldg-a-sm-ev', assetPath: 'acme/north-campus/bldg-a/parking/ev-chargers', params: { unitId: 13 } });
    const tags = (await runCli(['tags', 'export', '--project', project])).stdout;
    expect(tags).toContain('bldg-a-rs485,bldg-a-sm-ev.l1_voltage,Building A RS-485 bus L1 voltage,acme/north-campus/bldg-a/parking/ev-chargers,');
    expect(tags).toContain(',u13/ir:0:float32,');

    const before = readFileSync(project, 'utf8');
    const again = await runCli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/prefix: device "bldg-a-rs485" already has a profile instance with prefix "bldg-a-sm-ev"/);
    const unknown = await runCli(['profiles', 'apply', '--project', project, '--profile', 'eastron-sdm630', '--device', 'bldg-a-rs485', '--set', 'unitid=2', '--set', 'prefix=x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/params.unitid: profile "eastron-sdm630" has no parameter "unitid"; it has unitId, base/);
    expect(readFileSync(project, 'utf8')).toBe(before);
  });

  it('export and import a profile on its own: an edited profile changes every instance, overrides kept', async () => {
    const { tmp, project } = workspace();
    const file = tmp.file('vav.json');
    const exported = await runCli(['profiles', 'export', '--project', project, '--profile', 'ashrae-vav-g36', '--out', file]);
    expect(exported.code).toBe(0);
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    profile.version = 2;
    profile.points.find((p: { id: string }) => p.id === 'zone_temp').unit = 'K';
    writeFileSync(file, JSON.stringify(profile));
    const imported = await runCli(['profiles', 'import', '--project', project, file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe(`replaced profile ashrae-vav-g36 (version 2) in ${project}; 12 instance(s) follow it\n`);
    const csv = Papa.parse<string[]>((await runCli(['tags', 'export', '--project', project])).stdout, { skipEmptyLines: true }).data;
    const zone = csv.filter((r) => r[col('point')] === 'zone_temp');
    expect(zone).toHaveLength(12);
    expect(zone.every((r) => r[col('unit')] === 'K')).toBe(true);
    expect(csv.find((r) => r[1] === 'bldg-a-vav1.occupied')![col('pollGroup')]).toBe('slow');

    writeFileSync(file, JSON.stringify({ ...profile, drivers: [] }));
    const bad = await runCli(['profiles', 'import', '--project', project, file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${file}: drivers:`);
    const stdout = await runCli(['profiles', 'export', '--profile', 'eurotherm-3200']);
    expect(JSON.parse(stdout.stdout).source.revision).toBe('HA028651 Issue 7.0 Apr-09');
  });
});
