import { afterEach, describe, expect, it } from 'vitest';
import { ApiFailure } from '../../../../shared/api/router.js';
import { ModbusScanSchema } from '../../../../shared/api/types.js';
import { silentLogger } from '../../../../electron/core/log.js';
import { parseScanRange, ScanError } from '../../../../electron/core/modbus-scan/scan.js';
import { parseModbusRtuAddress } from '../../../../electron/core/drivers/modbus-rtu/address.js';
import { Runtime } from '../../../../electron/core/runtime.js';
import { startModbusServer } from '../../../../electron/demo/modbus-server.js';
import { compile, modbusProject, tempDir } from '../../../support/project.js';
import { countReads, knownPoints, MAP_LENGTH, writeKnownMap } from '../../../support/register-map.js';
import { waitFor } from '../../../support/tcp-driver.js';

// The modbus:scan handler of the real runtime, against a real Modbus TCP server on
// 127.0.0.1: the device polls its own tag while the scan reads the block beside it.
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(project: (port: number) => unknown) {
  const server = await startModbusServer();
  cleanups.push(() => server.close());
  const tmp = tempDir('sensorvault-scan-');
  cleanups.push(() => tmp.remove());
  const runtime = await Runtime.start({ compiled: compile(project(server.port)), dbPath: tmp.file('plant.db'), dataDir: tmp.dir, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
  cleanups.push(() => runtime.stop());
  return { server, runtime };
}

async function failure(promise: Promise<unknown>): Promise<ApiFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiFailure);
  return error as ApiFailure;
}

const connected = (runtime: Runtime) => waitFor(() => runtime.deviceStatuses()[0]?.state === 'connected', 10_000, 'device connected');

describe('modbus:scan on the runtime', () => {
  it('reads the block live and ranks the right order first; the device keeps polling', async () => {
    const { server, runtime } = await setup((port) => modbusProject(port, [{ id: 'temp', address: 'hr:0:float32' }]));
    writeKnownMap(server, 200);
    countReads(server, 200);
    await connected(runtime);
    const before = server.connectionCount();
    const scan = await runtime.handlers.scanRegisters({ deviceId: 'plc1', from: 'hr:200', count: MAP_LENGTH });
    expect(() => ModbusScanSchema.parse(scan)).not.toThrow();
    expect(scan).toMatchObject({ deviceId: 'plc1', from: 'hr:200', count: MAP_LENGTH });
    expect(scan.words).toHaveLength(MAP_LENGTH);
    expect(scan.words[0]).toBe(0x41ac); // 21.5 as float32, high word
    for (const p of knownPoints) expect(scan.starts[p.offset]?.candidates[0], `hr:${200 + p.offset}`).toMatchObject({ type: p.type, order: p.label });
    expect(scan.starts[24]?.candidates[0]?.hints[0]).toBe('counts up between reads (+1)');
    // The scan's own connection is closed again; the device's stays.
    await waitFor(() => server.connectionCount() === before, 5000, 'scan connection closed');
    expect(runtime.deviceStatuses()[0]?.state).toBe('connected');
  });

  it('names the problem: unknown device, bad start, refused registers, disconnected device', async () => {
    const { server, runtime } = await setup((port) => modbusProject(port, [{ id: 'temp', address: 'hr:0' }]));
    await connected(runtime);
    expect((await failure(runtime.handlers.scanRegisters({ deviceId: 'nope', from: 'hr:0', count: 4 }))).code).toBe('not-found');
    const coil = await failure(runtime.handlers.scanRegisters({ deviceId: 'plc1', from: 'coil:3', count: 4 }));
    expect(coil.code).toBe('invalid-params');
    expect(coil.message).toContain('from: "coil:3" is a coil');
    const beyond = await failure(runtime.handlers.scanRegisters({ deviceId: 'plc1', from: 'hr:65530', count: 10 }));
    expect(beyond.message).toContain('scan at most 6');
    server.setRegisterMap({ holdingRegisters: [[0, 9]] });
    const refused = await failure(runtime.handlers.scanRegisters({ deviceId: 'plc1', from: 'hr:8', count: 4 }));
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toMatch(/^hr:10 on modbus-tcp:\/\/127\.0\.0\.1:\d+\?unit=1: illegal data address \(2 of 4 registers unreadable\)/);
    await server.close();
    await waitFor(() => runtime.deviceStatuses()[0]?.state !== 'connected', 10_000, 'device lost');
    const offline = await failure(runtime.handlers.scanRegisters({ deviceId: 'plc1', from: 'hr:0', count: 4 }));
    expect(offline.code).toBe('unavailable');
    expect(offline.message).toMatch(/^device "plc1" is not connected \(/);
  });

  it('refuses a device that is not Modbus', async () => {
    const { runtime } = await setup((port) => ({
      schemaVersion: 2,
      name: 'MQTT only',
      devices: [
        {
          id: 'broker',
          name: 'Broker',
          driver: 'mqtt',
          enabled: true,
          settings: { url: `mqtt://127.0.0.1:${port}`, subscriptions: [{ filter: 'plant/#' }] },
          pollGroups: [{ id: 'fast', intervalMs: 1000 }],
          tags: [],
        },
      ],
      store: { commitIntervalMs: 100 },
    }));
    const error = await failure(runtime.handlers.scanRegisters({ deviceId: 'broker', from: 'hr:0', count: 4 }));
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('Modbus TCP or Modbus RTU devices only');
  });
});

describe('parseScanRange', () => {
  it('takes Modicon and RTU unit addresses', () => {
    expect(parseScanRange('40009', 4, parseModbusRtuAddress)).toEqual({ table: 'hr', offset: 8, count: 4 });
    expect(parseScanRange('u7/ir:3', 2, parseModbusRtuAddress)).toEqual({ table: 'ir', offset: 3, count: 2, unit: 7 });
    expect(() => parseScanRange('hr:3.2', 2, parseModbusRtuAddress)).toThrow(ScanError);
  });
});
