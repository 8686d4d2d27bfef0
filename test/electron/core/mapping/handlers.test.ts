import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { createRouter } from '../../../../shared/api/router.js';
import type { Operation } from '../../../../shared/api/types.js';
import { TAG_CSV_COLUMNS } from '../../../../shared/mapping/csv.js';
import { silentLogger } from '../../../../electron/core/log.js';
import { Runtime } from '../../../../electron/core/runtime.js';
import { startModbusServer } from '../../../../electron/demo/modbus-server.js';
import { compile, modbusProject, tempDir } from '../../../support/project.js';
import { waitFor } from '../../../support/tcp-driver.js';

// The mapping handlers of the real runtime: a Modbus TCP server on 127.0.0.1, a real
// SQLite file and a project file on disk.
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const server = await startModbusServer();
  cleanups.push(() => server.close());
  const tmp = tempDir();
  cleanups.push(() => tmp.remove());
  const projectPath = tmp.file('project.json');
  const document = modbusProject(server.port, [
    { id: 'a', address: 'hr:0', unit: 'Cel' },
    { id: 'b', address: 'hr:1' },
  ]);
  writeFileSync(projectPath, JSON.stringify(document));
  const runtime = await Runtime.start({ compiled: compile(document), dbPath: tmp.file('m.db'), dataDir: tmp.dir, projectPath, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
  cleanups.push(() => runtime.stop());
  return { server, runtime, projectPath, call: createRouter(runtime.handlers) };
}

async function finished(runtime: Runtime, started: Operation): Promise<Operation> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const op = await runtime.handlers.getOperation({ operationId: started.operationId });
    if (op.state !== 'running') return op;
    if (Date.now() > deadline) throw new Error(`import still running after 10 s: ${JSON.stringify(op)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('mapping handlers', () => {
  it('exports the tags CSV, previews an import, then applies it and saves the file', async () => {
    const { server, runtime, projectPath } = await setup();
    const { csv, rows } = await runtime.handlers.exportTagsCsv({ separator: ';', bom: true });
    expect(rows).toBe(2);
    expect(csv.startsWith('\uFEFFdevice;id;name')).toBe(true);
    const table = Papa.parse<string[]>(csv.slice(1), { delimiter: ';', skipEmptyLines: true }).data;
    table[1]![TAG_CSV_COLUMNS.indexOf('unit')] = 'K';
    const added = [...table[2]!];
    added[1] = 'c';
    added[TAG_CSV_COLUMNS.indexOf('address')] = 'hr:5';
    const edited = Papa.unparse([...table.filter((r) => r[1] !== 'b'), added], { delimiter: ';' });

    const before = readFileSync(projectPath, 'utf8');
    const preview = await finished(runtime, await runtime.handlers.startTagsImport({ csv: edited, apply: false }));
    expect(preview.state).toBe('done');
    expect(preview.result).toEqual({ kind: 'tags-import', report: { rows: 2, creates: ['c'], updates: ['a'], deletes: ['b'], unchanged: 0, errors: [], issues: [], applied: false, savedTo: null } });
    expect(readFileSync(projectPath, 'utf8')).toBe(before);

    server.banks.holdingRegisters[5] = 55;
    const done = await finished(runtime, await runtime.handlers.startTagsImport({ csv: edited, apply: true }));
    expect(done.result).toMatchObject({ kind: 'tags-import', report: { applied: true, savedTo: projectPath } });
    const saved = JSON.parse(readFileSync(projectPath, 'utf8'));
    // Written without defaults: the new unitless tag has no unit field at all.
    expect(saved.devices[0].tags.map((t: { id: string; unit?: string }) => [t.id, t.unit])).toEqual([
      ['a', 'K'],
      ['c', undefined],
    ]);
    await waitFor(() => runtime.live.get('c')?.value === 55, 10_000, 'created tag acquired');
  });

  it('refuses a CSV with errors: row N, column X, the driver checks addresses, nothing applied', async () => {
    const { runtime, projectPath } = await setup();
    const { csv } = await runtime.handlers.exportTagsCsv({ separator: ',', bom: false });
    const bad = csv.replace(',hr:1,', ',hr:1:float99,');
    const before = readFileSync(projectPath, 'utf8');
    const op = await finished(runtime, await runtime.handlers.startTagsImport({ csv: bad, apply: true }));
    expect(op.result?.kind).toBe('tags-import');
    const report = op.result?.kind === 'tags-import' ? op.result.report : undefined;
    expect(report?.applied).toBe(false);
    expect(report?.errors).toEqual([{ row: 3, column: 'address', message: expect.stringMatching(/float99.*syntax:/) }]);
    expect(readFileSync(projectPath, 'utf8')).toBe(before);
  });

  it('lists the shipped library, applies a library profile (copied in) and saves an edited profile', async () => {
    const { runtime, projectPath, call } = await setup();
    const list = await runtime.handlers.listProfiles({});
    expect(list.length).toBeGreaterThanOrEqual(6);
    expect(list.every((e) => e.source === 'library' && e.instances === 0)).toBe(true);
    const applied = await call('profiles:apply', { deviceId: 'plc1', profileId: 'schneider-pm5300', prefix: 'main', assetPath: 'acme/hq/electrical', params: { base: 0 } });
    expect(applied).toEqual({ ok: true, result: { issues: [], applied: true, savedTo: projectPath } });
    const tags = await runtime.handlers.listTags({});
    expect(tags.filter((t) => t.tagId.startsWith('main.')).length).toBe(14);
    const after = await runtime.handlers.listProfiles({});
    expect(after.find((e) => e.profile.id === 'schneider-pm5300')).toMatchObject({ source: 'project', instances: 1 });

    const wrong = await runtime.handlers.applyProfile({ deviceId: 'plc1', profileId: 'eurotherm-3200', params: {} });
    expect(wrong).toEqual({ applied: false, savedTo: null, issues: [{ path: 'profileId', message: expect.stringMatching(/written for modbus-rtu.*modbus-tcp/) }] });

    const profile = structuredClone(after.find((e) => e.profile.id === 'schneider-pm5300')!.profile);
    profile.points[0]!.name = 'Phase A current';
    profile.version = 2;
    expect(await runtime.handlers.saveProfile({ profile })).toEqual({ issues: [], applied: true, savedTo: projectPath });
    expect((await runtime.handlers.listTags({})).find((t) => t.tagId === 'main.current_a')?.name).toBe('PLC 1 Phase A current');
    const refused = await runtime.handlers.saveProfile({ profile: { ...profile, points: [] } });
    expect(refused).toMatchObject({ applied: false, issues: [{ path: 'profile.points', message: 'a profile needs at least one point' }] });
  });
});
