import os from 'node:os';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ModbusSerial from 'modbus-serial';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceSchema } from '../../../../../shared/project.js';
import { silentLogger } from '../../../../../electron/core/log.js';
import { decodeRegisters, encodeRegisters } from '../../../../../electron/core/normalizer/registers.js';
import type { AcquisitionPoint, DriverContext, RawSample } from '../../../../../electron/core/drivers/types.js';
import {
  modbusTcpDriver,
  modbusTcpSettingsSchema,
  parseModbusTcpEndpoint,
  WRITES_DISABLED_MESSAGE,
  type ModbusAddress,
  type ModbusTcpDriver,
  type ModbusTcpSettingsInput,
} from '../../../../../electron/core/drivers/modbus-tcp/index.js';
import { startModbusServer, type ModbusServer } from '../../../../../electron/demo/modbus-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function parse(text: string): ModbusAddress {
  const r = modbusTcpDriver.parseAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

interface Harness {
  driver: ModbusTcpDriver;
  cycles: RawSample[][];
  lost: Error[];
  onEmit?: (samples: RawSample[]) => void;
}

const open: ModbusTcpDriver[] = [];

function harness(port: number, settings: Partial<ModbusTcpSettingsInput> = {}): Harness {
  const h: Harness = { driver: undefined as unknown as ModbusTcpDriver, cycles: [], lost: [] };
  const context: DriverContext = {
    emit: (samples) => {
      h.cycles.push(samples);
      h.onEmit?.(samples);
    },
    connectionLost: (error) => h.lost.push(error),
    log: silentLogger,
    dataDir: os.tmpdir(),
    now: () => Date.now(),
  };
  h.driver = modbusTcpDriver.create(modbusTcpSettingsSchema.parse({ host: '127.0.0.1', port, ...settings }), context);
  open.push(h.driver);
  return h;
}

function points(texts: string[], intervalMs = 60_000, pollGroupId = 'g'): AcquisitionPoint<ModbusAddress>[] {
  return texts.map((text, index) => ({ index, tagId: `t${index}`, address: parse(text), pollGroupId, intervalMs }));
}

function valueOf(sample: RawSample, address: ModbusAddress): number | boolean | string {
  if (sample.raw?.kind === 'bit') return sample.raw.bit;
  if (sample.raw?.kind !== 'registers') throw new Error(`no value: ${sample.status}`);
  const spec = modbusTcpDriver.decodeSpec(address);
  if (spec.kind !== 'registers') throw new Error('spec mismatch');
  return decodeRegisters(sample.raw.words, spec).value;
}

const byPoint = (samples: RawSample[]) => new Map(samples.map((s) => [s.point, s]));

afterEach(async () => {
  for (const driver of open.splice(0)) await driver.disconnect();
});

describe('modbus-tcp driver against modbus-serial ServerTCP (independent server)', () => {
  it('reads float32 abcd, float32 cdab and a coil', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const holding = new Uint16Array(100);
    holding.set(encodeRegisters(21.5, { kind: 'registers', type: 'float32', order: 'abcd' }), 2);
    holding.set(encodeRegisters(-3.25, { kind: 'registers', type: 'float32', order: 'cdab' }), 8);
    const vector = {
      getHoldingRegister: (addr: number) => holding[addr] ?? 0,
      getInputRegister: () => 0,
      getCoil: (addr: number) => addr === 0,
      getDiscreteInput: () => false,
    };
    const server = new ModbusSerial.ServerTCP(vector, { host: '127.0.0.1', port, unitID: 1 });
    await new Promise<void>((resolve) => server.on('initialized', () => resolve(undefined)));
    try {
      const h = harness(port);
      await h.driver.connect(new AbortController().signal);
      const texts = ['hr:2:float32', 'hr:8:float32:cdab', 'coil:0', 'coil:1'];
      const list = points(texts);
      h.driver.startAcquisition(list);
      const samples = byPoint(await until(() => h.cycles[0]));
      expect(list.map((p) => valueOf(samples.get(p.index)!, p.address))).toEqual([21.5, -3.25, true, false]);
      expect(h.driver.stats()).toEqual({ requests: 2, failures: 0 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('modbus-tcp driver against the SensorVault Modbus server', () => {
  let server: ModbusServer;
  beforeEach(async () => {
    server = await startModbusServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('coalesces 40 points into the minimal number of requests', async () => {
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    const texts = [
      ...Array.from({ length: 20 }, (_, i) => `hr:${i * 2}:float32`), // hr:0..39, one block
      ...Array.from({ length: 10 }, (_, i) => `hr:${45 + i}`), // gap 5 ≤ 10: same block
      ...Array.from({ length: 5 }, (_, i) => `coil:${i * 10}`), // one FC1
      ...Array.from({ length: 5 }, (_, i) => `ir:${i * 30}`), // gaps of 29 > 10: five FC4
    ];
    h.driver.startAcquisition(points(texts));
    const samples = await until(() => h.cycles[0]);
    expect(samples.length).toBe(40);
    expect(samples.every((s) => s.quality === 'good')).toBe(true);
    expect(server.requestCount(3)).toBe(1);
    expect(server.requestCount(1)).toBe(1);
    expect(server.requestCount(4)).toBe(5);
    expect(server.requestCount()).toBe(7);
  });

  it('an exception on one address turns only that point bad, and the split is remembered', async () => {
    server.injectException((r) => (r.functionCode === 3 && r.address <= 17 && r.address + r.quantity > 17 ? 2 : undefined));
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    server.banks.holdingRegisters.set(Array.from({ length: 40 }, (_, i) => 1000 + i), 0);
    const list = points(Array.from({ length: 40 }, (_, i) => `hr:${i}`), 100);
    h.onEmit = () => {
      if (h.cycles.length === 1) server.resetCounters();
    };
    h.driver.startAcquisition(list);
    const first = byPoint(await until(() => h.cycles[0]));
    expect(first.get(17)).toMatchObject({ quality: 'bad', status: 'illegal data address' });
    expect(first.get(17)?.raw).toBeUndefined();
    for (const p of list) {
      if (p.index === 17) continue;
      expect(first.get(p.index)?.quality).toBe('good');
      expect(valueOf(first.get(p.index)!, p.address)).toBe(1000 + p.index);
    }
    const second = byPoint(await until(() => h.cycles[1]));
    expect(second.get(17)?.status).toBe('illegal data address');
    expect([...second.values()].filter((s) => s.quality === 'good').length).toBe(39);
    // Learned plan: hr:0..16, hr:17 alone, hr:18..39.
    expect(server.requestCount(3)).toBe(3);
  });

  it('an unreadable gap between points splits the block between them', async () => {
    server.injectException((r) => (r.functionCode === 3 && r.address <= 5 && r.address + r.quantity > 5 ? 2 : undefined));
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    h.onEmit = () => {
      if (h.cycles.length === 1) server.resetCounters();
    };
    h.driver.startAcquisition(points(['hr:0', 'hr:1', 'hr:8', 'hr:9'], 100));
    const first = await until(() => h.cycles[0]);
    expect(first.every((s) => s.quality === 'good')).toBe(true);
    await until(() => h.cycles[1]);
    expect(server.requestCount(3)).toBe(2);
  });

  it('a whole-block exception that is not address-related is reported on all its points', async () => {
    server.injectException((r) => (r.functionCode === 4 ? 1 : r.functionCode === 2 ? 11 : undefined));
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    h.driver.startAcquisition(points(['ir:0', 'ir:1', 'di:0', 'hr:0']));
    const samples = byPoint(await until(() => h.cycles[0]));
    expect(samples.get(0)).toMatchObject({ quality: 'bad', status: 'illegal function' });
    expect(samples.get(1)).toMatchObject({ quality: 'bad', status: 'illegal function' });
    expect(samples.get(2)).toMatchObject({ quality: 'bad', status: 'gateway target device failed to respond' });
    expect(samples.get(3)?.quality).toBe('good');
    expect(server.requestCount(4)).toBe(1); // illegal function: no split
  });

  it('no answer within the timeout gives bad "no response"', async () => {
    const h = harness(server.port, { timeoutMs: 100 });
    await h.driver.connect(new AbortController().signal);
    server.delayMs = 400;
    h.driver.startAcquisition(points(['hr:0', 'hr:1:float32', 'coil:0']));
    const samples = await until(() => h.cycles[0]);
    expect(samples.map((s) => [s.quality, s.status])).toEqual([
      ['bad', 'no response'],
      ['bad', 'no response'],
      ['bad', 'no response'],
    ]);
    expect(h.driver.stats()).toEqual({ requests: 2, failures: 2 });
    expect(h.lost).toEqual([]);
  });

  it('a silent server gives "no response", then values again when it answers', async () => {
    const h = harness(server.port, { timeoutMs: 100 });
    await h.driver.connect(new AbortController().signal);
    server.silence = true;
    h.driver.startAcquisition(points(['hr:0'], 150));
    expect((await until(() => h.cycles[0]))[0]?.status).toBe('no response');
    server.silence = false;
    await until(() => h.cycles.find((c) => c[0]?.quality === 'good'));
  });

  it('a dropped connection calls connectionLost and stops polling', async () => {
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    h.driver.startAcquisition(points(['hr:0'], 50));
    await until(() => h.cycles[0]);
    server.dropConnections();
    const error = await until(() => h.lost[0]);
    // The reason alone: the supervisor adds "connection lost" once.
    expect(error.message).toMatch(/^(127\.0\.0\.1:\d+ dropped the connection \(connection reset by the device, ECONNRESET\)|the device closed the connection)/);
    expect(error.message).not.toMatch(/connection lost/);
    const cycles = h.cycles.length;
    await sleep(200);
    expect(h.cycles.length).toBe(cycles);
    expect(h.lost.length).toBe(1);
    // The supervisor reconnects by calling connect + startAcquisition again.
    await h.driver.connect(new AbortController().signal);
    h.driver.startAcquisition(points(['hr:0'], 50));
    await until(() => (h.cycles.length > cycles ? true : undefined));
  });

  it('connect fails clearly on a closed port and honours the abort signal', async () => {
    const closedPort = server.port;
    await server.close();
    const h = harness(closedPort);
    // Said once, in words, with the code in brackets and the network next step (callers add "cannot connect to").
    await expect(h.driver.connect(new AbortController().signal)).rejects.toThrow(
      new RegExp(`^no device answers at 127\\.0\\.0\\.1:${closedPort} \\(connection refused, ECONNREFUSED\\): check the address, port and that the device is reachable$`),
    );
    const aborted = new AbortController();
    aborted.abort();
    await expect(h.driver.connect(aborted.signal)).rejects.toThrow(/aborted/);
    server = await startModbusServer();
    // A listener that never accepts in time is not needed: abort while connecting to a live one.
    const h2 = harness(server.port);
    const controller = new AbortController();
    const pending = h2.driver.connect(controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow(/aborted/);
  });

  it('writes are disabled by default', async () => {
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    await expect(h.driver.write(parse('hr:0'), 1)).rejects.toThrow(WRITES_DISABLED_MESSAGE);
    await expect(h.driver.write(parse('coil:0'), true)).rejects.toThrow(WRITES_DISABLED_MESSAGE);
    await expect(h.driver.writeCoils(0, [true])).rejects.toThrow(WRITES_DISABLED_MESSAGE);
    await expect(h.driver.writeRegisterWords(0, [1])).rejects.toThrow(WRITES_DISABLED_MESSAGE);
    expect(server.requestCount()).toBe(0);
  });

  it('writes with FC5, FC6, FC15 and FC16 when enabled', async () => {
    const h = harness(server.port, { writes: 'enabled' });
    await h.driver.connect(new AbortController().signal);
    await h.driver.write(parse('coil:4'), true);
    expect(server.banks.coils[4]).toBe(1);
    await h.driver.write(parse('hr:3:int16'), -2);
    expect(server.banks.holdingRegisters[3]).toBe(0xfffe);
    await h.driver.write(parse('hr:8:float32:cdab'), 1.5);
    expect(Array.from(server.banks.holdingRegisters.subarray(8, 10))).toEqual([0x0000, 0x3fc0]);
    await h.driver.write(parse('hr:20:string:4'), 'AB');
    expect(Array.from(server.banks.holdingRegisters.subarray(20, 22))).toEqual([0x4142, 0]);
    await h.driver.writeCoils(10, [true, false, true]);
    expect(Array.from(server.banks.coils.subarray(10, 13))).toEqual([1, 0, 1]);
    await h.driver.writeRegisterWords(30, [7, 8]);
    expect(Array.from(server.banks.holdingRegisters.subarray(30, 32))).toEqual([7, 8]);
    expect([5, 6, 15, 16].map((fc) => server.requestCount(fc))).toEqual([1, 1, 1, 3]);

    await expect(h.driver.write(parse('ir:0'), 1)).rejects.toThrow(/read-only/);
    await expect(h.driver.write(parse('di:0'), true)).rejects.toThrow(/read-only/);
    await expect(h.driver.write(parse('hr:0.3'), true)).rejects.toThrow(/one bit/);
    await expect(h.driver.write(parse('hr:0'), 70000)).rejects.toThrow(/out of range for uint16/);
    await expect(h.driver.write(parse('coil:0'), 'yes')).rejects.toThrow(/true or false/);
    server.injectException((r) => (r.functionCode === 6 ? 2 : undefined));
    await expect(h.driver.write(parse('hr:1'), 5)).rejects.toThrow('write hr:1 failed: illegal data address');
  });

  it('decodes every type × order end to end', async () => {
    const cases: Array<[string, number | boolean | string]> = [];
    let at = 0;
    const add = (suffix: string, count: number, value: number | boolean | string) => {
      cases.push([`hr:${at}${suffix}`, value]);
      at += count + 1; // one spare register between points
    };
    for (const order of ['abcd', 'badc'] as const) {
      add(`:int16:${order}`, 1, -12345);
      add(`:uint16:${order}`, 1, 54321);
      add(`:string:11:${order}`, 6, 'SensorVault');
    }
    for (const order of ['abcd', 'cdab', 'badc', 'dcba'] as const) {
      add(`:int32:${order}`, 2, -123456789);
      add(`:uint32:${order}`, 2, 3_000_000_000);
      add(`:float32:${order}`, 2, -21.25);
      add(`:int64:${order}`, 4, -9_007_199_254_740_991);
      add(`:uint64:${order}`, 4, 12_345_678_901_234);
      add(`:float64:${order}`, 4, Math.PI);
    }
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    for (const [text, value] of cases) {
      const a = parse(text);
      const spec = modbusTcpDriver.decodeSpec(a);
      if (spec.kind !== 'registers') throw new Error('spec');
      server.banks.holdingRegisters.set(encodeRegisters(value as number | string, spec), a.offset);
    }
    server.banks.holdingRegisters[500] = 0b1010_0000_0000_0101;
    server.banks.inputRegisters.set(encodeRegisters(4.75, { kind: 'registers', type: 'float32', order: 'cdab' }), 7);
    server.banks.coils[9] = 1;
    server.banks.discreteInputs[3] = 1;
    const extra: Array<[string, number | boolean | string]> = [
      ['hr:500.0', true], ['hr:500.1', false], ['hr:500.2', true], ['hr:500.13', true], ['hr:500.15', true], ['hr:500.14', false],
      ['ir:7:float32:cdab', 4.75], ['coil:9', true], ['coil:8', false], ['di:3', true], ['di:4', false],
    ];
    const all = [...cases, ...extra];
    const list = points(all.map(([text]) => text));
    h.driver.startAcquisition(list);
    const samples = byPoint(await until(() => h.cycles[0]));
    for (const p of list) {
      expect(valueOf(samples.get(p.index)!, p.address), modbusTcpDriver.formatAddress(p.address)).toBe(all[p.index]![1]);
    }
  });

  it('keeps up to maxOutstanding requests in flight and honours interRequestDelayMs', async () => {
    const h = harness(server.port, { maxOutstanding: 4, maxRegisterGap: 0 });
    await h.driver.connect(new AbortController().signal);
    server.banks.holdingRegisters.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
    server.delayMs = 30;
    // Eight blocks (gap 1 > 0 between each point).
    const list = points(Array.from({ length: 8 }, (_, i) => `hr:${i * 2}`));
    h.driver.startAcquisition(list);
    const samples = await until(() => h.cycles[0]);
    expect(samples.every((s) => s.quality === 'good')).toBe(true);
    expect(server.requestCount(3)).toBe(8);

    const slow = harness(server.port, { interRequestDelayMs: 20 });
    server.delayMs = 0;
    await slow.driver.connect(new AbortController().signal);
    const started = Date.now();
    slow.driver.startAcquisition(points(['hr:0', 'hr:100', 'hr:200']));
    await until(() => slow.cycles[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35); // two pauses between three requests
  });

  it('polls groups on their own intervals', async () => {
    const h = harness(server.port);
    await h.driver.connect(new AbortController().signal);
    h.driver.startAcquisition([...points(['hr:0'], 30, 'fast'), ...points(['hr:100'], 60_000, 'slow').map((p) => ({ ...p, index: 1 }))]);
    await until(() => (h.cycles.length >= 5 ? true : undefined));
    const slowCycles = h.cycles.filter((c) => c[0]?.point === 1).length;
    expect(slowCycles).toBe(1);
    h.driver.stopAcquisition();
    h.driver.stopAcquisition();
  });
});

describe('sample.json', () => {
  it('is a valid device block whose settings and addresses the driver accepts', () => {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../../electron/core/drivers/modbus-tcp/sample.json');
    const device = DeviceSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(device.driver).toBe(modbusTcpDriver.id);
    expect(modbusTcpSettingsSchema.safeParse(device.settings).success).toBe(true);
    for (const tag of device.tags) expect(modbusTcpDriver.parseAddress(tag.address), tag.address).toMatchObject({ ok: true });
  });
});

describe('endpoints', () => {
  it('formats and parses modbus-tcp URLs', () => {
    const settings = modbusTcpSettingsSchema.parse({ host: '10.0.0.5' });
    expect(modbusTcpDriver.endpoint(settings)).toBe('modbus-tcp://10.0.0.5:502?unit=1');
    expect(modbusTcpDriver.endpoint({ ...settings, host: '::1', port: 1502, unitId: 7 })).toBe('modbus-tcp://[::1]:1502?unit=7');
    expect(parseModbusTcpEndpoint('modbus-tcp://127.0.0.1:1502?unit=3')).toEqual({ ok: true, settings: { host: '127.0.0.1', port: 1502, unitId: 3 } });
    expect(parseModbusTcpEndpoint('modbus-tcp://plc-1')).toEqual({ ok: true, settings: { host: 'plc-1', port: 502, unitId: 1 } });
    expect(parseModbusTcpEndpoint('modbus-tcp://[::1]:503/')).toEqual({ ok: true, settings: { host: '::1', port: 503, unitId: 1 } });
    expect(parseModbusTcpEndpoint('http://x')).toMatchObject({ ok: false, message: expect.stringMatching(/scheme "http"/) });
    expect(parseModbusTcpEndpoint('modbus-tcp://x?unit=256')).toMatchObject({ ok: false, message: expect.stringMatching(/0..255/) });
    expect(parseModbusTcpEndpoint('modbus-tcp://x?id=2')).toMatchObject({ ok: false, message: expect.stringMatching(/unknown parameter "id"/) });
    expect(parseModbusTcpEndpoint('nonsense')).toMatchObject({ ok: false });
    expect(modbusTcpDriver.settingsFromEndpoint?.('modbus-tcp://h:9?unit=2')).toEqual({ host: 'h', port: 9, unitId: 2 });
    expect(() => modbusTcpDriver.settingsFromEndpoint?.('modbus-tcp://h/x')).toThrow(/unexpected path/);
  });

  it('rejects unknown settings keys and out-of-range values', () => {
    expect(modbusTcpSettingsSchema.safeParse({ host: 'h', colour: 1 }).success).toBe(false);
    expect(modbusTcpSettingsSchema.safeParse({ host: 'h', maxRegistersPerRequest: 126 }).success).toBe(false);
    expect(modbusTcpSettingsSchema.safeParse({ host: 'h', writes: true }).success).toBe(false);
    expect(modbusTcpSettingsSchema.parse({ host: 'h' })).toEqual({
      host: 'h', port: 502, unitId: 1, timeoutMs: 1000, interRequestDelayMs: 0, maxOutstanding: 1, maxRegisterGap: 10, maxBitGap: 64,
      maxRegistersPerRequest: 125, maxBitsPerRequest: 2000, writes: 'disabled',
    });
  });
});
