import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRegisters, encodeRegisters } from '../../../../../electron/core/normalizer/registers.js';
import type { RawSample } from '../../../../../electron/core/drivers/types.js';
import { WritesDisabledError } from '../../../../../electron/core/drivers/common/errors.js';
import { createSharedBusRegistry, DEMOTED_STATUS, modbusRtuDriver, type ModbusRtuDriver } from '../../../../../electron/core/drivers/modbus-rtu/index.js';
import { socatAvailable, startPtyPair, type PtyPair } from '../../../../support/serial.js';
import { rtuFrame, startRtuSlave, type SerialRtuSlave } from '../../../../support/rtu-slave.js';
import { createDriver, parse, points, recordingContext, sleep, until } from './helpers.js';

// A real pty pair from socat with our RTU slave on the far end: the driver opens a real
// serial port through serialport + modbus-serial. Nothing of the driver is mocked.
describe.skipIf(!socatAvailable)('modbus-rtu over a socat pty', () => {
  let pty: PtyPair;
  let slave: SerialRtuSlave;
  const drivers: ModbusRtuDriver[] = [];

  beforeEach(async () => {
    pty = await startPtyPair();
    slave = await startRtuSlave(pty.b, { units: [1, 2, 4], dead: [3] });
  });

  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.disconnect();
    await slave.close();
    await pty.close();
  });

  function track(d: ModbusRtuDriver): ModbusRtuDriver {
    drivers.push(d);
    return d;
  }

  function value(sample: RawSample | undefined, address: string): unknown {
    if (sample === undefined || sample.quality !== 'good' || sample.raw === undefined) return undefined;
    const spec = modbusRtuDriver.decodeSpec(parse(address));
    if (sample.raw.kind === 'bit') return sample.raw.bit;
    if (sample.raw.kind === 'registers' && spec.kind === 'registers') return decodeRegisters(sample.raw.words, spec).value;
    return undefined;
  }

  it('reads every type, table, order, bit and string, also of other units by prefix', async () => {
    const hr = slave.banks(1).holdingRegisters;
    const put = (offset: number, v: number | string | bigint, address: string) => {
      const spec = modbusRtuDriver.decodeSpec(parse(address));
      if (spec.kind !== 'registers') throw new Error('not registers');
      hr.set(encodeRegisters(v, spec), offset);
    };
    const cases: Array<[string, number | string | bigint | boolean]> = [
      ['hr:0', 65000],
      ['hr:1:int16', -1234],
      ['hr:2:float32', 21.5],
      ['hr:4:uint32', 4_000_000_000],
      ['hr:6:int32:cdab', -70_000],
      ['hr:8:float64', -1.25e10],
      ['hr:12:int64:dcba', -(2 ** 40)],
      ['hr:16:uint64:badc', 2 ** 50],
      ['hr:20:string:10', 'LINE-3 OK'],
      ['hr:26:float32:badc', 3.75],
    ];
    for (const [address, v] of cases) put(parse(address).offset, v as number | string, address);
    hr[30] = 0b0000_0000_0010_0100;
    slave.banks(1).inputRegisters[5] = 777;
    slave.banks(1).coils[9] = 1;
    slave.banks(1).discreteInputs[3] = 1;
    slave.banks(2).holdingRegisters[0] = 4242;
    const all = [...cases.map(([a]) => a), 'hr:30.2', 'hr:30.3', 'ir:5', 'coil:9', 'coil:8', 'di:3', '40031', 'u2/hr:0'];
    const expected: unknown[] = [...cases.map(([, v]) => v), true, false, 777, true, false, true, 0b100100, 4242];
    const { context, latest } = recordingContext();
    const driver = track(createDriver({ path: pty.a, baud: 19200, parity: 'even' }, context));
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points(all.map((address) => ({ address }))));
    await until(() => all.every((_, i) => latest(i)?.quality === 'good'), 20_000, 'all points good');
    const got = all.map((address, i) => value(latest(i), address));
    expect(got).toEqual(expected);
    // Coalesced: unit 1's holding registers in one request per cycle (plus ir, coil, di).
    const stats = driver.busStats()!;
    expect(stats.requests).toBeGreaterThan(0);
    expect(stats.crcErrors).toBe(0);
  });

  it('demotes a dead unit: its tags go bad "demoted", the live units keep their rate, and it is probed again', async () => {
    const { context, batches, latest } = recordingContext();
    const driver = track(createDriver({ path: pty.a, timeoutMs: 150, demoteAfter: 2, demotionMs: 1500 }, context));
    await driver.connect(new AbortController().signal);
    const list = points([{ address: 'u1/hr:0' }, { address: 'u2/hr:0' }, { address: 'u3/hr:0' }, { address: 'u4/hr:0' }]);
    driver.startAcquisition(list);
    await until(() => latest(2)?.status === DEMOTED_STATUS, 20_000, 'unit 3 demoted');
    expect(latest(0)?.quality).toBe('good');
    const stats = driver.busStats()!;
    expect(stats.units.find((u) => u.unit === 3)).toMatchObject({ state: 'demoted', demotions: 1 });
    expect(stats.timeouts).toBe(2);

    // While demoted the live units keep polling at their interval (50 ms): measure them.
    const probesBefore = slave.requestCount(3);
    slave.resetCounters();
    const started = Date.now();
    await sleep(1000);
    const elapsed = Date.now() - started;
    for (const unit of [1, 2, 4]) expect(slave.requestCount(unit) / (elapsed / 50), `unit ${unit} rate`).toBeGreaterThan(0.5);
    // Demoted: not asked while the period lasts (at most the probe at its end).
    expect(slave.requestCount(3)).toBeLessThanOrEqual(1);
    expect(driver.busStats()!.units.find((u) => u.unit === 3)?.skipped).toBeGreaterThan(5);
    expect(probesBefore).toBe(2);

    // After the demotion period the unit is probed again; once it answers, its tags recover.
    slave.setDead(3, false);
    await until(() => slave.requestCount(3) > 0, 10_000, 'probe of unit 3');
    const mark = batches.length;
    await until(() => latest(2, mark)?.quality === 'good', 10_000, 'unit 3 good again');
    expect(driver.busStats()!.units.find((u) => u.unit === 3)?.state).toBe('ok');
  }, 40_000);

  it('recovers cleanly from bad CRCs and garbage bytes on the line', async () => {
    slave.banks(1).holdingRegisters.set([11, 22, 33], 0);
    slave.banks(2).holdingRegisters.set([44], 0);
    const { context, batches, latest, lost } = recordingContext();
    const driver = track(createDriver({ path: pty.a, timeoutMs: 200, demoteAfter: 50 }, context));
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([{ address: 'hr:0:uint16' }, { address: 'hr:1' }, { address: 'hr:2' }, { address: 'u2/hr:0' }]));
    await until(() => latest(3)?.quality === 'good' && latest(0)?.quality === 'good', 20_000, 'first good cycle');

    slave.corruptNextResponses(3);
    await until(() => batches.some((b) => b.some((s) => s.quality === 'bad' && /CRC/i.test(s.status ?? ''))), 10_000, 'a CRC error reported');
    slave.garbageAroundResponses(10, Buffer.from([0x01, 0x03, 0x02, 0xff, 0x00, 0x13]));
    for (let i = 0; i < 5; i++) {
      slave.sendGarbage(Buffer.from([0x02, 0x03, 0x04, 0x00, 0x01, 0x02, 0x03]));
      await sleep(30);
    }
    await sleep(500);
    const mark = batches.length;
    await until(() => batches.length > mark + 10, 10_000, 'ten more cycles');
    // After the noise every value is right: no answer was taken for another request's.
    const recent = batches.slice(mark).flat();
    const wrong = recent.filter((s) => s.quality === 'good' && s.raw?.kind === 'registers' && s.raw.words[0] !== [11, 22, 33, 44][s.point]);
    expect(wrong).toEqual([]);
    expect(latest(0)?.quality).toBe('good');
    expect(latest(3)?.quality).toBe('good');
    expect(driver.busStats()!.crcErrors).toBeGreaterThanOrEqual(1);
    expect(lost).toEqual([]);
  });

  it('drops bytes left over from an earlier frame, so a stale answer is never taken for the next one', async () => {
    slave.banks(1).holdingRegisters.set([11, 22, 33], 0);
    slave.banks(2).holdingRegisters[0] = 44;
    const { context, batches, latest } = recordingContext();
    const driver = track(createDriver({ path: pty.a, timeoutMs: 200 }, context));
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([{ address: 'hr:0' }, { address: 'hr:1' }, { address: 'hr:2' }, { address: 'u2/hr:0' }]));
    await until(() => latest(3)?.quality === 'good' && latest(0)?.quality === 'good', 20_000, 'first good cycle');
    // After answers, a complete, valid-CRC frame that looks like unit 2's answer (a late
    // answer, or an echo on the bus) trails on the line.
    const mark = batches.length;
    slave.garbageAroundResponses(20, rtuFrame(Buffer.from([2, 3, 2, 0xde, 0xad])), 'after');
    await until(() => batches.length > mark + 15, 10_000, 'fifteen more cycles');
    const unit2 = batches.slice(mark).flat().filter((s) => s.point === 3 && s.quality === 'good');
    expect(unit2.length).toBeGreaterThan(0);
    for (const s of unit2) expect((s.raw as { words: Uint16Array }).words[0]).toBe(44);
  });

  it('shares the bus fairly: a one-request group is not starved by a many-request group', async () => {
    // Unit 1: 10 blocks per cycle (points 20 apart, beyond maxRegisterGap); unit 2: 1 block.
    const many = Array.from({ length: 10 }, (_, i) => ({ address: `u1/hr:${i * 20}`, group: 'many', intervalMs: 0 }));
    const { context } = recordingContext();
    const driver = track(createDriver({ path: pty.a }, context));
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([...many, { address: 'u2/hr:0', group: 'one', intervalMs: 0 }]));
    await sleep(300);
    slave.resetCounters();
    await until(() => slave.requestCount() >= 300, 20_000, '300 requests');
    // Round-robin: one request of each in turn (ratio ≈ 1); a FIFO queue would give ≈ 0.1.
    const ratio = slave.requestCount(2) / slave.requestCount(1);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('lets several devices on one serial path share one bus and one queue through the registry', async () => {
    slave.banks(1).holdingRegisters[0] = 1;
    slave.banks(2).holdingRegisters[0] = 2;
    const buses = createSharedBusRegistry();
    const one = recordingContext({ buses });
    const two = recordingContext({ buses });
    const d1 = track(createDriver({ path: pty.a, unitId: 1 }, one.context));
    const d2 = track(createDriver({ path: pty.a, unitId: 2 }, two.context));
    await d1.connect(new AbortController().signal);
    await d2.connect(new AbortController().signal);
    expect(buses.keys()).toHaveLength(1);
    d1.startAcquisition(points([{ address: 'hr:0', intervalMs: 0 }]));
    d2.startAcquisition(points([{ address: 'hr:0', intervalMs: 0 }]));
    await until(() => one.latest(0)?.quality === 'good' && two.latest(0)?.quality === 'good', 20_000, 'both devices good');
    expect((one.latest(0)?.raw as { words: Uint16Array }).words[0]).toBe(1);
    expect((two.latest(0)?.raw as { words: Uint16Array }).words[0]).toBe(2);
    slave.resetCounters();
    await until(() => slave.requestCount() >= 100, 20_000, '100 requests');
    const ratio = slave.requestCount(1) / slave.requestCount(2);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    expect(d1.busStats()).toEqual(expect.objectContaining({ key: d2.busStats()!.key }));
    // The bus stays open until its last device leaves.
    await d1.disconnect();
    expect(buses.keys()).toHaveLength(1);
    const mark = two.batches.length;
    await until(() => two.batches.length > mark + 3, 10_000, 'device 2 keeps polling');
    await d2.disconnect();
    expect(buses.keys()).toHaveLength(0);
  });

  it('refuses writes by default and writes through the bus when enabled', async () => {
    const { context } = recordingContext();
    const readOnly = track(createDriver({ path: pty.a }, context));
    await readOnly.connect(new AbortController().signal);
    await expect(readOnly.write(parse('hr:0'), 5)).rejects.toBeInstanceOf(WritesDisabledError);
    await expect(readOnly.writeCoils(0, [true])).rejects.toBeInstanceOf(WritesDisabledError);
    expect(slave.functionCount(6) + slave.functionCount(5) + slave.functionCount(15)).toBe(0);
    await readOnly.disconnect();

    const writable = track(createDriver({ path: pty.a, writes: 'enabled' }, context));
    await writable.connect(new AbortController().signal);
    await writable.write(parse('hr:10:float32'), 12.5);
    await writable.write(parse('hr:3'), 321);
    await writable.write(parse('u2/coil:4'), true);
    await writable.writeRegisterWords(40, [1, 2, 3]);
    expect(decodeRegisters(slave.banks(1).holdingRegisters.subarray(10, 12), { kind: 'registers', type: 'float32', order: 'abcd' }).value).toBe(12.5);
    expect(slave.banks(1).holdingRegisters[3]).toBe(321);
    expect(slave.banks(2).coils[4]).toBe(1);
    expect([...slave.banks(1).holdingRegisters.subarray(40, 43)]).toEqual([1, 2, 3]);
    await expect(writable.write(parse('ir:0'), 1)).rejects.toThrow(/read-only/);
  });

  it('reports illegal data address per point and keeps the neighbours good', async () => {
    slave.injectException((r) => (r.functionCode === 3 && r.address <= 5 && r.address + r.quantity > 5 ? 2 : undefined));
    const { context, latest } = recordingContext();
    const driver = track(createDriver({ path: pty.a }, context));
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([{ address: 'hr:4' }, { address: 'hr:5' }, { address: 'hr:6' }]));
    await until(() => latest(1)?.status === 'illegal data address' && latest(0)?.quality === 'good' && latest(2)?.quality === 'good', 20_000, 'split around the bad point');
  });

  it('reports a lost port to the supervisor and reopens it', async () => {
    const { context, lost, latest } = recordingContext();
    const driver = track(createDriver({ path: pty.a }, context));
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([{ address: 'hr:0' }]));
    await until(() => latest(0)?.quality === 'good', 20_000, 'first reading');
    await slave.close();
    await pty.close();
    await until(() => lost.length > 0, 20_000, 'connectionLost');
    expect(lost[0]?.message).toMatch(/port/);
    // The supervisor would reconnect; with the pty gone the open fails with a clear error.
    await expect(driver.connect(new AbortController().signal)).rejects.toThrow(/cannot open/);
  });
});
