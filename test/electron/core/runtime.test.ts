import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/core/log.js';
import { Runtime } from '../../../electron/core/runtime.js';
import { Store } from '../../../electron/core/store/store.js';
import { type ModbusServer, startModbusServer } from '../../../electron/demo/modbus-server.js';
import { compile, modbusProject, tempDir } from '../../support/project.js';
import { waitFor } from '../../support/tcp-driver.js';

// The whole spine, for real: a Modbus TCP server on 127.0.0.1 -> driver -> normalizer
// -> pipeline -> SQLite file (worker thread) and live feed.
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `prepare` sets up the server before acquisition starts, so the first poll already sees it. */
async function setup(tags: Parameters<typeof modbusProject>[1], prepare: (server: ModbusServer) => void = () => undefined) {
  const server = await startModbusServer();
  cleanups.push(() => server.close());
  prepare(server);
  const tmp = tempDir();
  cleanups.push(() => tmp.remove());
  const dbPath = tmp.file('plant.db');
  const runtime = await Runtime.start({ compiled: compile(modbusProject(server.port, tags)), dbPath, dataDir: tmp.dir, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await runtime.stop();
  });
  return { server, runtime, dbPath, stop: async () => { stopped = true; await runtime.stop(); } };
}

function setFloat32(server: ModbusServer, register: number, value: number) {
  const buffer = Buffer.alloc(4);
  buffer.writeFloatBE(value);
  server.banks.holdingRegisters[register] = buffer.readUInt16BE(0);
  server.banks.holdingRegisters[register + 1] = buffer.readUInt16BE(2);
}

describe('Runtime: Modbus TCP to SQLite and the live feed', () => {
  it('acquires, scales, commits and serves history; a restart keeps every committed reading', async () => {
    const { server, runtime, dbPath, stop } = await setup(
      [
        { id: 'temp', address: 'hr:0:float32', unit: '°C' },
        { id: 'level', address: 'ir:10', unit: '%', scaling: { kind: 'range', rawLow: 0, rawHigh: 27648, low: 0, high: 100 } },
        { id: 'valve', address: 'coil:3', pollGroup: 'slow' },
      ],
      (plc) => {
        setFloat32(plc, 0, 21.5);
        plc.banks.inputRegisters[10] = 13824;
        plc.banks.coils[3] = 1;
      },
    );
    await waitFor(() => runtime.live.snapshot().length === 3, 10_000, 'three live values');
    const byTag = new Map(runtime.live.snapshot().map((r) => [r.tagId, r]));
    expect(byTag.get('temp')).toMatchObject({ value: 21.5, quality: 'good' });
    expect(byTag.get('level')).toMatchObject({ value: 50, quality: 'good' });
    expect(byTag.get('valve')).toMatchObject({ value: true, quality: 'good' });
    const devices = await runtime.handlers.listDevices({});
    expect(devices[0]).toMatchObject({ deviceId: 'plc1', state: 'connected', tagCount: 3 });

    setFloat32(server, 0, 22.25);
    await waitFor(() => runtime.live.get('temp')?.value === 22.25, 5000, 'new temperature');
    await waitFor(() => runtime.pipeline.stats().commits >= 3, 10_000, 'commits');
    const history = await runtime.handlers.queryHistory({ tagId: 'temp', from: 0, to: Date.now() + 1000, limit: 100_000 });
    expect(history.points.length).toBeGreaterThan(1);
    expect(history.points.map((p) => p[1])).toContain(21.5);
    const ts = history.points.map((p) => p[0]);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);

    await stop();
    const committed = runtime.pipeline.stats().committed;
    const store = await Store.open({ path: dbPath, retention: { maxAgeDays: 30, maxSizeMiB: 1024 }, log: silentLogger, readOnly: true });
    cleanups.push(() => store.close());
    let total = 0;
    for (const tagId of ['temp', 'level', 'valve']) total += (await store.queryHistory(tagId, 0, Date.now() + 1000, 1_000_000)).points.length;
    expect(total).toBe(committed);
  });

  it('one bad address turns only its own tag bad, naming the Modbus exception', async () => {
    const { runtime } = await setup(
      [
        { id: 'a', address: 'hr:100' },
        { id: 'b', address: 'hr:101' },
        { id: 'c', address: 'hr:102' },
      ],
      (plc) => {
        plc.injectException((r) => (r.functionCode === 3 && r.address <= 101 && r.address + r.quantity > 101 ? 2 : undefined));
        plc.banks.holdingRegisters[100] = 7;
        plc.banks.holdingRegisters[102] = 9;
      },
    );
    await waitFor(() => runtime.live.get('b')?.quality === 'bad' && runtime.live.get('a')?.value === 7 && runtime.live.get('c')?.value === 9, 10_000, 'b bad, neighbours good');
    expect(runtime.live.get('b')).toMatchObject({ quality: 'bad', value: null });
    expect(runtime.live.get('b')?.status).toMatch(/illegal data address/);
    expect(runtime.live.get('a')?.value).toBe(7);
    expect(runtime.live.get('c')?.value).toBe(9);
  });

  it('a device that stops answering turns its tags bad ("no connection"), then good again after it returns', async () => {
    const { server, runtime } = await setup([{ id: 'x', address: 'hr:5' }], (plc) => {
      plc.banks.holdingRegisters[5] = 42;
    });
    await waitFor(() => runtime.live.get('x')?.quality === 'good', 10_000, 'good');
    const port = server.port;
    await server.close();
    await waitFor(() => runtime.live.get('x')?.quality === 'bad', 10_000, 'bad after the server went away');
    expect(runtime.live.get('x')?.status).toMatch(/no connection/);
    await waitFor(() => runtime.deviceStatuses()[0]?.state === 'backing-off', 10_000, 'backing off');
    const again = await startModbusServer({ port });
    cleanups.push(() => again.close());
    again.banks.holdingRegisters[5] = 43;
    await waitFor(() => runtime.live.get('x')?.value === 43, 20_000, 'good again');
    expect(runtime.live.get('x')?.quality).toBe('good');
  });

  it('validateProject answers issues without changing the running project', async () => {
    const { runtime } = await setup([{ id: 'x', address: 'hr:5' }]);
    const bad = modbusProject(1, [{ id: 'y', address: 'hr:nope' }]);
    const { issues } = await runtime.handlers.validateProject({ project: bad });
    expect(issues[0]?.path).toBe('devices[0].tags[0].address');
    expect((await runtime.handlers.getProject({})).devices[0]?.tags[0]?.id).toBe('x');
  });
});
