import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter } from '../../../shared/api/router.js';
import { TagSchema } from '../../../shared/project.js';
import { silentLogger } from '../../../electron/core/log.js';
import { Operations } from '../../../electron/core/operations.js';
import { Runtime } from '../../../electron/core/runtime.js';
import { startModbusServer } from '../../../electron/demo/modbus-server.js';
import { compile, modbusProject, tempDir } from '../../support/project.js';
import { waitFor } from '../../support/tcp-driver.js';

// Project editing through the API, for real: a Modbus TCP server on 127.0.0.1, a real
// SQLite file and a real project file on disk.
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
  const document = modbusProject(server.port, [{ id: 'a', address: 'hr:0' }]);
  writeFileSync(projectPath, JSON.stringify(document));
  const runtime = await Runtime.start({ compiled: compile(document), dbPath: tmp.file('edit.db'), dataDir: tmp.dir, projectPath, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
  cleanups.push(() => runtime.stop());
  const call = createRouter(runtime.handlers);
  return { server, runtime, projectPath, tmp, call };
}

describe('project editing through the API', () => {
  it('adds tags: validated, applied, acquired and saved to the project file', async () => {
    const { server, runtime, projectPath, call } = await setup();
    server.banks.holdingRegisters[7] = 77;
    const answer = await call('tags:add', { deviceId: 'plc1', tags: [{ id: 'b', name: 'B', address: 'hr:7', pollGroup: 'fast', unit: 'kPa' }] });
    expect(answer).toEqual({ ok: true, result: { issues: [], applied: true, savedTo: projectPath } });
    await waitFor(() => runtime.live.get('b')?.value === 77, 10_000, 'new tag acquired');
    const saved = JSON.parse(readFileSync(projectPath, 'utf8'));
    expect(saved.devices[0].tags.map((t: { id: string }) => t.id)).toEqual(['a', 'b']);
    expect((await runtime.handlers.listTags({})).map((t) => t.tagId)).toEqual(['a', 'b']);
  });

  it('refuses a bad tag naming the field, and changes nothing (file, tags, acquisition)', async () => {
    const { runtime, projectPath, call } = await setup();
    const before = readFileSync(projectPath, 'utf8');
    const answer = await call('tags:add', { deviceId: 'plc1', tags: [{ id: 'ok', name: 'ok', address: 'hr:1', pollGroup: 'fast' }, { id: 'bad', name: 'bad', address: 'hr:1:float99', pollGroup: 'fast' }] });
    expect(answer.ok).toBe(true);
    const result = (answer as { result: { issues: Array<{ path: string; message: string }>; applied: boolean } }).result;
    expect(result.applied).toBe(false);
    expect(result.issues).toEqual([{ path: 'devices[0].tags[2].address', message: expect.stringMatching(/float99/) }]);
    expect(readFileSync(projectPath, 'utf8')).toBe(before);
    expect((await runtime.handlers.listTags({})).map((t) => t.tagId)).toEqual(['a']);
  });

  it('adding a device leaves running devices alone; removing tags keeps their stored readings', async () => {
    const { server, runtime, call } = await setup();
    await waitFor(() => runtime.live.get('a')?.quality === 'good', 10_000, 'first device good');
    const second = await startModbusServer();
    cleanups.push(() => second.close());
    second.banks.holdingRegisters[3] = 33;
    const device = { ...modbusProject(second.port, [{ id: 'c', address: 'hr:3' }]).devices[0], id: 'plc2', name: 'PLC 2' };
    expect(await call('devices:add', { device })).toMatchObject({ ok: true, result: { applied: true } });
    await waitFor(() => runtime.live.get('c')?.value === 33, 10_000, 'second device acquired');
    expect(server.connectionCount()).toBe(1);
    expect(runtime.deviceStatuses().map((d) => d.deviceId)).toEqual(['plc1', 'plc2']);

    await runtime.pipeline.flush();
    expect(await call('tags:remove', { tagIds: ['a'] })).toMatchObject({ ok: true, result: { applied: true } });
    expect(runtime.live.get('a')).toBeUndefined();
    expect((await runtime.store.queryHistory('a', 0, Date.now() + 1000, 100)).points.length).toBeGreaterThan(0);
    expect(await call('devices:remove', { deviceId: 'plc2' })).toMatchObject({ ok: true, result: { applied: true } });
    expect(runtime.deviceStatuses().map((d) => d.deviceId)).toEqual(['plc1']);
    expect(await call('devices:remove', { deviceId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('writes only when the device allows it', async () => {
    const { server, runtime, call } = await setup();
    expect(await call('tags:write', { tagId: 'a', value: 5 })).toMatchObject({ ok: false, error: { code: 'writes-disabled', message: expect.stringMatching(/enable them/) } });
    expect(server.banks.holdingRegisters[0]).toBe(0);
    const project = structuredClone(runtime.project);
    project.devices[0]!.settings.writes = 'enabled';
    expect(await call('project:apply', { project })).toMatchObject({ ok: true, result: { applied: true } });
    await waitFor(() => runtime.deviceStatuses()[0]?.state === 'connected', 10_000, 'reconnected with writes enabled');
    expect(await call('tags:write', { tagId: 'a', value: 1234 })).toEqual({ ok: true, result: {} });
    expect(server.banks.holdingRegisters[0]).toBe(1234);
  });

  it('tells the UI per tag whether it can be written and how many decimals to show', async () => {
    const { runtime, call } = await setup();
    const byId = async () => new Map((await runtime.handlers.listTags({})).map((t) => [t.tagId, t]));
    expect((await byId()).get('a')).toMatchObject({ writes: 'disabled', decimals: 0 });
    const project = structuredClone(runtime.project);
    project.devices[0]!.settings.writes = 'enabled';
    project.devices[0]!.tags.push(
      ...[
      { id: 'energy', name: 'Energy', address: 'hr:2:uint32', pollGroup: 'slow', unit: 'kWh', scaling: { kind: 'linear', factor: 0.001, offset: 0 } },
      { id: 'level', name: 'Level', address: 'hr:4', pollGroup: 'slow', unit: '%', scaling: { kind: 'range', rawLow: 0, rawHigh: 27648, low: 0, high: 100 } },
      { id: 'temp', name: 'Temp', address: 'hr:6:float32', pollGroup: 'slow', unit: '°C', scaling: { kind: 'none' } },
      { id: 'set', name: 'Set', address: 'hr:8:float32', pollGroup: 'slow', unit: '°C', scaling: { kind: 'none' }, decimals: 2 },
      ].map((t) => TagSchema.parse(t)),
    );
    expect(await call('project:apply', { project })).toMatchObject({ ok: true, result: { applied: true } });
    const tags = await byId();
    expect(tags.get('a')).toMatchObject({ writes: 'enabled', decimals: 0 });
    expect(tags.get('energy')?.decimals).toBe(3);
    expect(tags.get('level')?.decimals).toBe(1);
    expect(tags.get('temp')?.decimals).toBeUndefined();
    expect(tags.get('set')?.decimals).toBe(2);
    const bad = structuredClone(runtime.project);
    bad.devices[0]!.tags[0]!.decimals = 12;
    expect(await call('project:apply', { project: bad })).toMatchObject({ ok: true, result: { applied: false, issues: [{ path: 'devices[0].tags[0].decimals', message: expect.stringMatching(/at most 9/) }] } });
  });

  it('editing one device restarts it alone; unticking enabled disables it', async () => {
    const { runtime, call } = await setup();
    const second = await startModbusServer();
    cleanups.push(() => second.close());
    const device = { ...modbusProject(second.port, [{ id: 'c', address: 'hr:3' }]).devices[0], id: 'plc2', name: 'PLC 2' };
    expect(await call('devices:add', { device })).toMatchObject({ ok: true, result: { applied: true } });
    await waitFor(() => runtime.deviceStatuses().every((d) => d.state === 'connected'), 10_000, 'both connected');
    const status = (id: string) => runtime.deviceStatuses().find((d) => d.deviceId === id)!;
    const otherSince = status('plc2').since;
    const project = structuredClone(runtime.project);
    project.devices[0]!.pollGroups[0]!.intervalMs = 250;
    expect(await call('project:apply', { project })).toMatchObject({ ok: true, result: { applied: true } });
    expect(status('plc2').since).toBe(otherSince);
    expect((await runtime.handlers.listTags({})).find((t) => t.tagId === 'a')?.intervalMs).toBe(250);
    const off = structuredClone(runtime.project);
    off.devices[0]!.enabled = false;
    expect(await call('project:apply', { project: off })).toMatchObject({ ok: true, result: { applied: true } });
    await waitFor(() => status('plc1').state === 'disabled', 10_000, 'plc1 disabled');
    await waitFor(() => runtime.live.get('a')?.quality === 'bad', 10_000, 'disabled device tags read bad');
    expect(runtime.live.get('a')?.status).toMatch(/device disabled/);
    expect(status('plc2').since).toBe(otherSince);
    expect(status('plc2').state).toBe('connected');
  });

  it('says plainly when a driver cannot browse or discover', async () => {
    const { call } = await setup();
    expect(await call('devices:browse', { deviceId: 'plc1' })).toMatchObject({ ok: false, error: { code: 'unsupported', message: expect.stringMatching(/no address space/) } });
    expect(await call('drivers:discover', { driverId: 'modbus-tcp' })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await call('certificates:trust', { thumbprint: 'deadbeefdeadbeef' })).toMatchObject({ ok: false });
  });
});

describe('Operations', () => {
  it('reports progress, can be cancelled, and keeps the partial result', async () => {
    const events: Array<{ state: string; done: number }> = [];
    const ops = new Operations((o) => events.push({ state: o.state, done: o.done }));
    const seen: string[] = [];
    const started = ops.start(
      'discover',
      'slow discovery',
      async ({ signal, onProgress }) => {
        for (let i = 0; ; i++) {
          signal.throwIfAborted();
          seen.push(`d${i}`);
          onProgress?.({ done: i + 1, message: `${i + 1} found` });
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      () => ({ kind: 'discover', devices: seen.map((title) => ({ title, detail: '', settings: {}, attributes: {} })) }),
    );
    expect(started.state).toBe('running');
    await waitFor(() => (ops.get(started.operationId)?.done ?? 0) >= 5, 5000, 'progress');
    ops.cancel(started.operationId);
    await waitFor(() => ops.get(started.operationId)?.state === 'cancelled', 5000, 'cancelled');
    const final = ops.get(started.operationId)!;
    expect(final.result?.kind).toBe('discover');
    expect(final.result?.kind === 'discover' && final.result.devices.length).toBeGreaterThanOrEqual(5);
    expect(events.at(-1)?.state).toBe('cancelled');
    // Throttled: far fewer events than progress calls would make at 10 ms each.
    expect(events.length).toBeLessThan(seen.length + 2);
  });

  it('marks a failing operation failed with its reason', async () => {
    const ops = new Operations(() => undefined);
    const op = ops.start('browse', 'boom', async () => {
      throw new Error('server said BadTooManyOperations');
    });
    await waitFor(() => ops.get(op.operationId)?.state === 'failed', 5000, 'failed');
    expect(ops.get(op.operationId)?.error).toMatch(/BadTooManyOperations/);
  });
});
