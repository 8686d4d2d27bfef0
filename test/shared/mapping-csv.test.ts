import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { TAG_CSV_COLUMNS, decodeCsvBytes, detectSeparator, exportTagsCsv, formatCsvIssue, importTagsCsv, locateIssues } from '../../shared/mapping/csv.js';
import { expandProject } from '../../shared/mapping/profiles.js';
import { type Project, ProjectSchema } from '../../shared/project.js';

const meter = {
  id: 'pm-test',
  name: 'Test power meter',
  vendor: 'Acme',
  model: 'PM1',
  source: { document: 'Acme PM1 Modbus map, rev 2' },
  drivers: ['modbus-tcp'],
  parameters: [{ name: 'base', default: 0 }],
  points: [
    { id: 'kw', name: 'Active power', description: 'Total, all phases', address: 'hr:{base+10}:float32:cdab', unit: 'kW', assetPath: 'meter', deadband: { kind: 'percent', value: 0.5 } },
    { id: 'kwh', name: 'Energy', address: 'hr:{base+20}:uint32', unit: 'kW.h', scaling: { kind: 'linear', factor: 0.1, offset: 0 } },
    { id: 'hz', name: 'Frequency', address: 'hr:{base+30}', unit: 'Hz', quality: { range: { low: 45, high: 65, outside: 'bad' } } },
  ],
};

const tricky = 'Füllstand "Tank 3"; Ölkühler, Nord\nzweite Zeile\r\nCRLF 温度 ✓';

function sample(): Project {
  return ProjectSchema.parse({
    schemaVersion: 2,
    name: 'CSV sample',
    profiles: [meter],
    devices: [
      {
        id: 'plc',
        name: 'PLC',
        driver: 'modbus-tcp',
        settings: { host: '127.0.0.1', port: 1502, unitId: 1 },
        pollGroups: [
          { id: 'fast', intervalMs: 500 },
          { id: 'slow', intervalMs: 5000 },
        ],
        assetPath: 'acme/plant-1/utilities',
        tags: [
          { id: 'none', name: 'No scaling', address: 'hr:0', pollGroup: 'fast' },
          { id: 'lin', name: 'Linear', description: tricky, address: 'hr:1', pollGroup: 'fast', unit: 'Cel', scaling: { kind: 'linear', factor: 0.1, offset: -273.15 }, decimals: 2 },
          { id: 'rng', name: 'Range', address: 'hr:2', pollGroup: 'slow', unit: '%', scaling: { kind: 'range', rawLow: 0, rawHigh: 27648, low: 0, high: 100 }, deadband: { kind: 'absolute', value: 0.25 } },
          { id: 'two', name: 'Two point', address: 'hr:3', pollGroup: 'slow', scaling: { kind: 'two-point', raw1: 100, eng1: 1.5, raw2: 900, eng2: 98.25 } },
          { id: 'sqrt', name: 'Flow', address: 'hr:4', pollGroup: 'slow', unit: 'm3/h', scaling: { kind: 'sqrt', rawLow: 0, rawHigh: 32000, low: 0, high: 250, cutoffPercent: 1.5 } },
          { id: 'clamp', name: 'Clamp', address: 'hr:5:int16', pollGroup: 'slow', scaling: { kind: 'clamp', low: -10, high: 1e21 }, dataType: 'integer' },
          {
            id: 'ma',
            name: 'Pressure 4-20 mA',
            address: 'ir:6',
            pollGroup: 'fast',
            unit: 'bar',
            assetPath: 'acme/plant-1/utilities/compressor/c1/PT-101',
            scaling: { kind: 'ma4-20', rawAt4mA: 6400, rawAt20mA: 32000, low: 0, high: 16 },
            quality: { range: { low: 0, high: 12 }, sentinels: [{ raw: 32767, reason: 'overrange, "wire break"; check fuse' }, { raw: -32768, quality: 'uncertain', reason: 'Unterlauf' }] },
            classification: { level: 'confidential', leavesSite: true },
          },
          {
            id: 'ts',
            name: 'Batch time',
            address: 'hr:20:uint32',
            pollGroup: 'slow',
            dataType: 'number',
            timestamp: { source: 'point', address: 'hr:22:uint32', format: 'unix-seconds', timeZone: 'Europe/Berlin', dst: 'later', pivotYear: 50 },
          },
          { id: 'rx', name: ' leading space, trailing ', address: 'coil:1', pollGroup: 'fast', timestamp: { source: 'receive' }, dataType: 'boolean', classification: { level: 'public', leavesSite: false } },
          { id: 'q-empty', name: 'Empty quality', address: 'hr:40', pollGroup: 'fast', quality: {}, description: '' },
        ],
        profiles: [
          { profile: 'pm-test', prefix: 'pm', params: { base: 100 }, overrides: { kw: { unit: 'W', description: 'Gesamt; "alle" Phasen' } } },
        ],
      },
    ],
  });
}

function parse(csv: string, separator = ','): string[][] {
  return Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { delimiter: separator, skipEmptyLines: true }).data;
}

function unparse(rows: string[][], separator: ',' | ';', bom: boolean): string {
  return `${bom ? '\uFEFF' : ''}${Papa.unparse(rows, { delimiter: separator, newline: '\r\n' })}\r\n`;
}

describe('tags CSV', () => {
  it('exports a header and one row per tag with every property', () => {
    const { csv, rows } = exportTagsCsv(sample());
    expect(rows).toBe(13);
    const table = parse(csv);
    expect(table[0]).toEqual([...TAG_CSV_COLUMNS]);
    expect(table).toHaveLength(14);
    const row = (id: string) => Object.fromEntries(TAG_CSV_COLUMNS.map((c, i) => [c, table.find((r) => r[1] === id)![i]]));
    expect(row('lin').description).toBe(tricky);
    expect(row('ma')).toMatchObject({ scaling: 'ma4-20', 'scaling.rawAt4mA': '6400', 'scaling.low': '0', 'quality.range.outside': 'uncertain', classification: 'confidential', 'classification.leavesSite': 'true' });
    expect(JSON.parse(row('ma')['quality.sentinels']!)).toEqual([
      { raw: 32767, quality: 'bad', reason: 'overrange, "wire break"; check fuse' },
      { raw: -32768, quality: 'uncertain', reason: 'Unterlauf' },
    ]);
    expect(row('ts')).toMatchObject({ timestamp: 'point', 'timestamp.address': 'hr:22:uint32', 'timestamp.dst': 'later', 'timestamp.pivotYear': '50' });
    expect(row('pm.kw')).toMatchObject({ device: 'plc', unit: 'W', address: 'hr:110:float32:cdab', profile: 'pm-test', instance: '0', point: 'kw', overridden: 'description unit' });
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('export then import is lossless: no change, and the same tags, for , and ; with and without BOM', async () => {
    const project = sample();
    for (const separator of [',', ';'] as const) {
      for (const bom of [false, true]) {
        const { csv } = exportTagsCsv(project, { separator, bom });
        expect(csv.startsWith('\uFEFF')).toBe(bom);
        const result = await importTagsCsv(project, csv);
        expect(result.errors).toEqual([]);
        expect(result.separator).toBe(separator);
        expect({ creates: result.creates, updates: result.updates, deletes: result.deletes, unchanged: result.unchanged }).toEqual({ creates: [], updates: [], deletes: [], unchanged: 13 });
        expect(result.project).toEqual(project);
      }
    }
  });

  it('re-created from its CSV into an empty device, every tag comes back equal (the cells carry every property)', async () => {
    const project = sample();
    const { csv } = exportTagsCsv(project);
    // Rename every own tag so each row is a create, then compare the created tags field by field.
    const table = parse(csv);
    const renamed = table.map((r, i) => (i === 0 || r[TAG_CSV_COLUMNS.indexOf('profile')] !== '' ? r : r.map((c, j) => (j === 1 ? `new-${c}` : c))));
    const result = await importTagsCsv(project, unparse(renamed, ',', false));
    expect(result.errors).toEqual([]);
    expect(result.creates).toHaveLength(10);
    expect(result.deletes).toHaveLength(10);
    const created = result.project!.devices[0]!.tags;
    const original = project.devices[0]!.tags;
    const normalize = (t: (typeof original)[number]) => {
      const { id: _id, ...rest } = t;
      if (rest.description === '') delete rest.description;
      if (rest.quality !== undefined && Object.keys(rest.quality).length === 0) delete rest.quality;
      return rest;
    };
    expect(created.map(normalize)).toEqual(original.map(normalize));
  });

  it('detects the separator from the header line', () => {
    expect(detectSeparator('a;b;"c,d"\r\n1,2,3')).toBe(';');
    expect(detectSeparator('a,b,c\n1;2;3;4;5')).toBe(',');
  });

  it('applies spreadsheet edits: updates, a profile override, a create, deletes (own tag and profile point), decimal comma', async () => {
    const project = sample();
    const table = parse(exportTagsCsv(project).csv);
    const col = (name: string) => TAG_CSV_COLUMNS.indexOf(name as (typeof TAG_CSV_COLUMNS)[number]);
    const rowOf = (id: string) => table.find((r) => r[1] === id)!;
    rowOf('rng')[col('unit')] = 'Cel';
    rowOf('rng')[col('scaling.high')] = '120,5';
    rowOf('pm.kwh')[col('description')] = 'Zählerstand; "Import"';
    const added = [...rowOf('none')];
    added[1] = 'new.tag';
    added[2] = 'Neu';
    table.push(added);
    const edited = table.filter((r) => r[1] !== 'two' && r[1] !== 'pm.hz');
    const result = await importTagsCsv(project, unparse(edited, ';', true));
    expect(result.errors).toEqual([]);
    expect(result.issues).toEqual([]);
    expect(result.creates).toEqual(['new.tag']);
    expect(result.updates).toEqual(['rng', 'pm.kwh']);
    expect(result.deletes).toEqual(['two', 'pm.hz']);
    expect(result.unchanged).toBe(9);
    const next = result.project!;
    const device = next.devices[0]!;
    expect(device.tags.find((t) => t.id === 'rng')).toMatchObject({ unit: 'Cel', scaling: { kind: 'range', high: 120.5 } });
    expect(device.tags.some((t) => t.id === 'two')).toBe(false);
    expect(device.tags.at(-1)).toMatchObject({ id: 'new.tag', name: 'Neu', address: 'hr:0' });
    // Profile tags stay profile tags: the edit is an override, the delete an exclusion.
    expect(device.profiles[0]!.overrides).toEqual({
      kw: { unit: 'W', description: 'Gesamt; "alle" Phasen' },
      kwh: { description: 'Zählerstand; "Import"' },
      hz: { excluded: true },
    });
    const again = await importTagsCsv(next, exportTagsCsv(next, { separator: ';', bom: true }).csv);
    expect(again.unchanged).toBe(12);
    expect(again.project).toEqual(next);
  });

  it('reports every problem as row N, column X and gives no project', async () => {
    const project = sample();
    const table = parse(exportTagsCsv(project).csv);
    const col = (name: string) => TAG_CSV_COLUMNS.indexOf(name as (typeof TAG_CSV_COLUMNS)[number]);
    const set = (id: string, column: string, value: string) => {
      table.find((r) => r[1] === id)![col(column)] = value;
    };
    set('none', 'scaling', 'log');
    set('lin', 'scaling.rawLow', '5');
    set('rng', 'scaling.rawHigh', '');
    set('two', 'pollGroup', 'medium');
    set('sqrt', 'device', 'nope');
    set('ma', 'quality.sentinels', '[{raw:1}]');
    set('ts', 'timestamp.dst', 'sometimes');
    set('rx', 'classification.leavesSite', 'maybe');
    set('q-empty', 'assetPath', 'acme/site+1');
    set('pm.kw', 'point', 'kwh');
    set('pm.kwh', 'description', '');
    set('clamp', 'id', 'lin');
    const result = await importTagsCsv(project, unparse(table, ',', false), { checkAddress: (_d, a) => (a.startsWith('hr:5') ? 'not a register this device has' : undefined) });
    expect(result.project).toBeUndefined();
    const lines = result.errors.map(formatCsvIssue);
    const rowNo = (id: string) => project.devices[0]!.tags.findIndex((t) => t.id === id) + 2;
    expect(lines).toEqual(
      expect.arrayContaining([
        `row ${rowNo('none')}, column scaling: "log" is not one of none, linear, range, two-point, sqrt, clamp, ma4-20`,
        expect.stringMatching(new RegExp(`^row ${rowNo('lin')}, column scaling.rawLow: must be empty: scaling kind linear does not use rawLow`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('rng')}, column scaling.rawHigh: scaling kind range needs rawHigh`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('two')}, column pollGroup: unknown poll group "medium"; device "plc" has fast, slow`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('sqrt')}, column device: unknown device "nope"`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('ma')}, column quality.sentinels: is not valid JSON`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('ts')}, column timestamp.dst: "sometimes" is not one of earlier, later, reject`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('rx')}, column classification.leavesSite: "maybe" is not true or false`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('q-empty')}, column assetPath: .*Unified Namespace`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('clamp')}, column id: duplicate tag id "lin" \\(also on row ${rowNo('lin')}\\)`)),
        expect.stringMatching(new RegExp(`^row ${rowNo('clamp')}, column address: not a register this device has`)),
        expect.stringMatching(/^row 12, column point: is read-only: tag "pm.kw" comes from profile "pm-test", instance 0, point "kw"; put back "kw"/),
      ]),
    );
    // The clearing of a profile-set field is only found after the merge, so it shows when the rest is clean.
    const clean = parse(exportTagsCsv(project).csv);
    clean.find((r) => r[1] === 'pm.kw')![col('description')] = '';
    const cleared = await importTagsCsv(project, unparse(clean, ',', false));
    expect(cleared.project).toBeUndefined();
    expect(cleared.errors.map(formatCsvIssue)).toEqual([expect.stringMatching(/^row 12, column description: tag "pm.kw" comes from profile "pm-test" \(point "kw"\), which sets description; .*not clear it/)]);
  });

  it('checks the header: unknown, duplicate and missing columns on row 1', async () => {
    const project = sample();
    const table = parse(exportTagsCsv(project).csv);
    table[0]![col('unit')] = 'Einheit';
    table[0]![col('name')] = 'id';
    const result = await importTagsCsv(project, unparse(table, ',', false));
    expect(result.errors.map(formatCsvIssue)).toEqual([
      expect.stringMatching(/^row 1, column id: appears twice/),
      expect.stringMatching(/^row 1, column Einheit: unknown column/),
      expect.stringMatching(/^row 1, column name: is missing from the header/),
      expect.stringMatching(/^row 1, column unit: is missing from the header/),
    ]);
    const broken = await importTagsCsv(project, 'device,id\r\nplc,"unterminated\r\n');
    expect(broken.errors.some((e) => e.row === 2 && /not closed/.test(e.message))).toBe(true);
    function col(name: string) {
      return TAG_CSV_COLUMNS.indexOf(name as (typeof TAG_CSV_COLUMNS)[number]);
    }
  });

  it('imports 50,000 rows in chunks with progress, and can be cancelled midway', async () => {
    const tags = Array.from({ length: 50_000 }, (_, i) => ({ id: `t${i}`, name: `Tag ${i} "quoted"; x`, address: `hr:${i % 60000}`, pollGroup: 'fast', unit: 'Cel', scaling: { kind: 'linear', factor: 0.1, offset: i } }));
    const big = ProjectSchema.parse({ schemaVersion: 2, name: 'big', devices: [{ id: 'plc', name: 'PLC', driver: 'modbus-tcp', settings: {}, pollGroups: [{ id: 'fast', intervalMs: 1000 }], tags }] });
    const { csv, rows } = exportTagsCsv(big);
    expect(rows).toBe(50_000);
    const progress: number[] = [];
    let yields = 0;
    const result = await importTagsCsv(big, csv.replace('Tag 49999 ', 'Tag 49999 edited '), {
      onProgress: (p) => progress.push(p.done),
      yieldNow: () => {
        yields++;
        return new Promise((r) => setImmediate(r));
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.updates).toEqual(['t49999']);
    expect(result.unchanged).toBe(49_999);
    expect(yields).toBeGreaterThan(20);
    expect(progress.at(-1)).toBe(50_000);
    expect(new Set(progress).size).toBeGreaterThan(20);

    const abort = new AbortController();
    let seen = 0;
    const cancelled = importTagsCsv(big, csv, {
      signal: abort.signal,
      onProgress: () => {
        if (++seen === 5) abort.abort(new Error('cancelled by the user'));
      },
    });
    await expect(cancelled).rejects.toThrow('cancelled by the user');
    expect(expandProject(big).tags).toHaveLength(50_000);
  }, 60_000);

  it('decodes the bytes of a file: strict UTF-8 (BOM reported), else Windows-1252', () => {
    const utf8 = new TextEncoder().encode('name\r\nTempérature sonde n° 3;°C\r\n');
    expect(decodeCsvBytes(utf8)).toEqual({ text: 'name\r\nTempérature sonde n° 3;°C\r\n', encoding: 'utf-8' });
    expect(decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toEqual({ text: 'name\r\nTempérature sonde n° 3;°C\r\n', encoding: 'utf-8-bom' });
    // What older Excel saves as "CSV" on a Western-European Windows: é = E9, ° = B0, € = 80 (a Windows-1252 byte, not Latin-1).
    expect(decodeCsvBytes(new Uint8Array([0x54, 0x65, 0x6d, 0x70, 0xe9, 0x72, 0x61, 0x74, 0x75, 0x72, 0x65, 0x20, 0x6e, 0xb0, 0x20, 0x33, 0x3b, 0xb0, 0x43, 0x3b, 0x80]))).toEqual({
      text: 'Température n° 3;°C;€',
      encoding: 'windows-1252',
    });
    // Every byte of 80-9F as the WHATWG index has it (Node 20's own decoder gives C1 controls there).
    const high = decodeCsvBytes(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i));
    expect([...high.text].map((c) => c.codePointAt(0)!.toString(16))).toEqual(
      '20ac 81 201a 192 201e 2026 2020 2021 2c6 2030 160 2039 152 8d 17d 8f 90 2018 2019 201c 201d 2022 2013 2014 2dc 2122 161 203a 153 9d 17e 178'.split(' '),
    );
    // A UTF-8 sequence cut short is not UTF-8: no U+FFFD, the bytes are read as Windows-1252.
    const cut = decodeCsvBytes(new Uint8Array([0x61, 0xc3]));
    expect(cut).toEqual({ text: 'aÃ', encoding: 'windows-1252' });
    expect(decodeCsvBytes(new Uint8Array([]))).toEqual({ text: '', encoding: 'utf-8' });
  });

  it('imports a Windows-1252 file (older Excel "CSV") with its accents and °C intact', async () => {
    const project = ProjectSchema.parse({
      schemaVersion: 2,
      name: 'ANSI',
      devices: [{ id: 'plc', name: 'PLC', driver: 'modbus-tcp', settings: { host: '127.0.0.1', port: 1502, unitId: 1 }, pollGroups: [{ id: 'fast', intervalMs: 500 }], tags: [{ id: 't3', name: 'Probe 3', address: 'hr:0', pollGroup: 'fast' }] }],
    });
    const table = parse(exportTagsCsv(project).csv);
    const col = (name: string) => TAG_CSV_COLUMNS.indexOf(name as (typeof TAG_CSV_COLUMNS)[number]);
    table[1]![col('name')] = 'Température sonde n° 3';
    table[1]![col('unit')] = '°C';
    const text = unparse(table, ';', false);
    // Every character here is in Latin-1, where Windows-1252 and Latin-1 agree: one byte each.
    const bytes = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    expect(bytes.includes(0xb0)).toBe(true);
    const { text: decoded, encoding } = decodeCsvBytes(bytes);
    expect(encoding).toBe('windows-1252');
    const result = await importTagsCsv(project, decoded);
    expect(result.errors).toEqual([]);
    expect(result.updates).toEqual(['t3']);
    expect(result.project!.devices[0]!.tags[0]).toMatchObject({ name: 'Température sonde n° 3', unit: 'Cel' });
  });

  it('a short row is one error for the row; zod messages come in words', async () => {
    const project = sample();
    const table = parse(exportTagsCsv(project).csv);
    const at = (id: string) => table.findIndex((r) => r[1] === id);
    table[at('pm.kw')] = table[at('pm.kw')]!.slice(0, 10);
    table[at('rng')]![TAG_CSV_COLUMNS.indexOf('name')] = '';
    table[at('two')]![TAG_CSV_COLUMNS.indexOf('name')] = 'x'.repeat(201);
    const result = await importTagsCsv(project, unparse(table, ',', false));
    expect(result.errors.map(formatCsvIssue)).toEqual([
      `row ${at('rng') + 1}, column name: must not be empty`,
      `row ${at('two') + 1}, column name: must have at most 200 characters; shorten it`,
      expect.stringMatching(new RegExp(`^row ${at('pm.kw') + 1}: has 10 cells, the header has 42; `)),
    ]);
  });

  it('maps project paths of the merged project back to the row and column of the tag', async () => {
    const project = sample();
    const result = await importTagsCsv(project, exportTagsCsv(project).csv);
    expect(result.errors).toEqual([]);
    const rowOf = (id: string) => result.tagRows.get(id)!;
    const located = locateIssues(result.project ?? project, result.tagRows, [
      { path: 'devices[0].tags[7].timestamp.format', message: 'unknown time format "x"' },
      { path: 'devices[0].profiles[0].points.kwh.scaling.factor', message: 'bad factor' },
      { path: 'devices[0].profiles[0].overrides.kw.unit', message: 'bad unit' },
      { path: 'devices[0].tags[3]', message: 'whole tag' },
      { path: 'devices[0].settings.host', message: 'not a host' },
    ]);
    expect(located.errors).toEqual([
      { row: rowOf('ts'), column: 'timestamp.format', message: 'unknown time format "x" (in the project: devices[0].tags[7].timestamp.format)' },
      { row: rowOf('pm.kwh'), column: 'scaling.factor', message: 'bad factor (in the project: devices[0].profiles[0].points.kwh.scaling.factor)' },
      { row: rowOf('pm.kw'), column: 'unit', message: 'bad unit (in the project: devices[0].profiles[0].overrides.kw.unit)' },
      { row: rowOf('two'), column: '(row)', message: 'whole tag (in the project: devices[0].tags[3])' },
    ]);
    expect(located.issues).toEqual([{ path: 'devices[0].settings.host', message: 'not a host' }]);
    expect(rowOf('ts')).toBe(9);
  });
});
