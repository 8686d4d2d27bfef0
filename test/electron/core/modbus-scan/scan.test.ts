import { afterEach, describe, expect, it } from 'vitest';
import { ApiFailure } from '../../../../shared/api/router.js';
import { ModbusScanSchema } from '../../../../shared/api/types.js';
import { silentLogger } from '../../../../electron/core/log.js';
import { parseScanRange, ScanError } from '../../../../electron/core/modbus-scan/scan.js';
import { parseModbusRtuAddress } from '../../../../electron/core/drivers/modbus-rtu/address.js';
import { Runtime } from '../../../../electron/core/runtime.js';
import { startModbusServer } from '../../../../electron/demo/modbus-server.js';
import { compile, modbusProject, tempDir } from '../../../support/project.js';
import { countReads, knownPoints, MAP_LENGTH, serverHost, writeKnownMap } from '../../../support/register-map.js';
import { waitFor } from '../../../support/tcp-driver.js';
import { startPtyPair } from '../../../support/serial.js';
import { startRtuSlave } from '../../../support/rtu-slave.js';

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
    writeKnownMap(serverHost(server), 200);
    countReads(serverHost(server), 200);
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

describe('modbus:scan on a Modbus RTU bus', () => {
  it('queues on the shared serial bus, reads another unit by u<unit>/ and leaves the bus open for the device', async () => {
    const pty = await startPtyPair();
    cleanups.push(() => pty.close());
    const slave = await startRtuSlave(pty.b, { units: [1, 7] });
    cleanups.push(() => slave.close());
    slave.banks(1).holdingRegisters[0] = 42;
    const unit7 = { holdingRegisters: slave.banks(7).holdingRegisters, injectException: slave.injectException.bind(slave) };
    writeKnownMap(unit7, 300);
    countReads(unit7, 300, 7);
    const tmp = tempDir('sensorvault-scan-rtu-');
    cleanups.push(() => tmp.remove());
    const project = {
      schemaVersion: 2,
      name: 'Bus',
      devices: [
        {
          id: 'bus1',
          name: 'RS-485 bus 1',
          driver: 'modbus-rtu',
          enabled: true,
          settings: { path: pty.a, unitId: 1, timeoutMs: 300 },
          pollGroups: [{ id: 'fast', intervalMs: 200 }],
          tags: [{ id: 'status', name: 'Status', address: 'hr:0', pollGroup: 'fast', unit: '' }],
        },
      ],
      store: { commitIntervalMs: 100 },
    };
    const runtime = await Runtime.start({ compiled: compile(project), dbPath: tmp.file('bus.db'), dataDir: tmp.dir, log: silentLogger, host: 'gateway', version: 'test', liveIntervalMs: 50 });
    cleanups.push(() => runtime.stop());
    await waitFor(() => runtime.live.get('status')?.value === 42, 10_000, 'unit 1 polled');
    const scan = await runtime.handlers.scanRegisters({ deviceId: 'bus1', from: 'u7/hr:300', count: MAP_LENGTH });
    for (const p of knownPoints) expect(scan.starts[p.offset]?.candidates[0], `u7/hr:${300 + p.offset}`).toMatchObject({ type: p.type, order: p.label });
    expect(scan.starts[4]?.candidates[0]?.tagAddress).toBe('u7/hr:304:float32:cdab');
    expect(scan.starts[24]?.candidates[0]?.hints[0]).toBe('counts up between reads (+1)');
    // The scan's lease of the bus is given back without closing it: the device keeps polling.
    const before = slave.requestCount(1);
    slave.banks(1).holdingRegisters[0] = 43;
    await waitFor(() => runtime.live.get('status')?.value === 43 && slave.requestCount(1) > before, 10_000, 'unit 1 still polled after the scan');
    expect(runtime.deviceStatuses()[0]?.state).toBe('connected');
  });
});

describe('parseScanRange', () => {
  it('takes Modicon and RTU unit addresses', () => {
    expect(parseScanRange('40009', 4, parseModbusRtuAddress)).toEqual({ table: 'hr', offset: 8, count: 4 });
    expect(parseScanRange('u7/ir:3', 2, parseModbusRtuAddress)).toEqual({ table: 'ir', offset: 3, count: 2, unit: 7 });
    expect(() => parseScanRange('hr:3.2', 2, parseModbusRtuAddress)).toThrow(ScanError);
  });
});
