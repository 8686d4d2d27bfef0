import ModbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawSample } from '../../../electron/core/drivers/types.js';
import { modbusTcpDriver, modbusTcpSettingsSchema, type ModbusAddress, type ModbusTcpSettingsInput } from '../../../electron/core/drivers/modbus-tcp/index.js';
import { modbusRtuDriver, modbusRtuSettingsSchema } from '../../../electron/core/drivers/modbus-rtu/index.js';
import { ModbusPduHandler } from '../../../electron/demo/modbus-pdu.js';
import { startModbusServer, type ModbusRequestInfo } from '../../../electron/demo/modbus-server.js';
import { startDemoPlant } from '../../../electron/demo/plant.js';
import { startRtuOverTcpSlave } from '../../support/rtu-slave.js';
import { parseOrThrow, recordingContext, until } from '../../support/driver-harness.js';

// Real PLCs answer exception 2 (illegal data address) outside their register map; the demo
// plant does too, so a mistyped address reads bad with its reason instead of `0 GOOD`.
// Everything here is real: servers on 127.0.0.1 with free ports, the real drivers.

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tcpAddress = (text: string): ModbusAddress => parseOrThrow((t) => modbusTcpDriver.parseAddress(t), text);

/** Runs the Modbus TCP driver on `texts` until every point has a sample; returns them by address. */
async function acquire(port: number, texts: string[], settings: Partial<ModbusTcpSettingsInput> = {}, cycles = 3) {
  const recorder = recordingContext();
  const driver = modbusTcpDriver.create(modbusTcpSettingsSchema.parse({ host: '127.0.0.1', port, timeoutMs: 2000, ...settings }), recorder.context);
  cleanups.push(() => driver.disconnect());
  await driver.connect(AbortSignal.timeout(10_000));
  driver.startAcquisition(texts.map((text, index) => ({ index, tagId: text, address: tcpAddress(text), pollGroupId: 'fast', intervalMs: 20 })));
  // A few full cycles: the first learns where the plan must be cut, the later ones use it.
  await until(() => recorder.batches.length >= cycles && (recorder.batches.at(-1) as RawSample[]).length === texts.length, 20_000, `${cycles} complete cycles`);
  const last = recorder.batches.at(-1) as RawSample[];
  return new Map(texts.map((text, index) => [text, last.find((s) => s.point === index) as RawSample]));
}

describe('PDU handler register map', () => {
  const read = (handler: ModbusPduHandler, fc: number, address: number, quantity: number) => {
    const pdu = Buffer.alloc(5);
    pdu[0] = fc;
    pdu.writeUInt16BE(address, 1);
    pdu.writeUInt16BE(quantity, 3);
    return [...handler.handle(1, pdu)];
  };

  it('answers exception 2 outside the map, also when a request is only partly outside', () => {
    const handler = new ModbusPduHandler(undefined, { holdingRegisters: [[0, 9], [10, 11], [20, 29]], coils: [] });
    handler.banks.holdingRegisters[11] = 0x1234;
    expect(read(handler, 3, 0, 12)).toEqual([3, 24, ...new Array<number>(22).fill(0), 0x12, 0x34]); // adjacent ranges join
    expect(read(handler, 3, 12, 1)).toEqual([0x83, 2]);
    expect(read(handler, 3, 8, 5)).toEqual([0x83, 2]);
    expect(read(handler, 3, 29, 2)).toEqual([0x83, 2]);
    expect(read(handler, 3, 20, 10)[0]).toBe(3);
    // A bank given an empty list has nothing; a bank left out of the map has everything.
    expect(read(handler, 1, 0, 1)).toEqual([0x81, 2]);
    expect(read(handler, 4, 65000, 10)[0]).toBe(4);
    // Writes outside the map are refused the same way and change nothing.
    expect([...handler.handle(1, Buffer.from([6, 0, 15, 0, 7]))]).toEqual([0x86, 2]);
    expect(handler.banks.holdingRegisters[15]).toBe(0);
    expect([...handler.handle(1, Buffer.from([6, 0, 5, 0, 7]))]).toEqual([6, 0, 5, 0, 7]);
  });

  it('without a map answers every address (what the driver tests rely on)', () => {
    const handler = new ModbusPduHandler();
    expect(read(handler, 3, 65530, 6)[0]).toBe(3);
    expect(read(handler, 3, 65531, 6)).toEqual([0x83, 2]);
    handler.setRegisterMap({ holdingRegisters: [[0, 0]] });
    expect(read(handler, 3, 1, 1)).toEqual([0x83, 2]);
    handler.setRegisterMap({});
    expect(read(handler, 3, 1, 1)[0]).toBe(3);
  });
});

describe('the demo plant answers like a real PLC', () => {
  it('a mistyped address reads bad "illegal data address", its neighbours in the same request stay good', async () => {
    const plant = await startDemoPlant({ port: 0 });
    cleanups.push(() => plant.close());
    // hr:60 is the last register pair of the map; hr:64 lies in the same coalesced block.
    const samples = await acquire(plant.port, ['hr:60:float32', 'hr:64', 'ir:2:float32', 'ir:40', 'coil:1', 'coil:9', 'di:2', 'hr:1000']);
    expect(samples.get('hr:60:float32')).toMatchObject({ quality: 'good' });
    expect(samples.get('ir:2:float32')).toMatchObject({ quality: 'good' });
    expect(samples.get('coil:1')).toMatchObject({ quality: 'good', raw: { kind: 'bit', bit: true } });
    expect(samples.get('di:2')).toMatchObject({ quality: 'good', raw: { kind: 'bit', bit: true } });
    for (const bad of ['hr:64', 'ir:40', 'coil:9', 'hr:1000']) expect(samples.get(bad), bad).toMatchObject({ quality: 'bad', status: 'illegal data address' });
  });

  it('refuses a raw request that runs past the end of the map', async () => {
    const plant = await startDemoPlant({ port: 0 });
    cleanups.push(() => plant.close());
    const client = new ModbusSerial.default();
    client.setTimeout(2000);
    await client.connectTCP('127.0.0.1', { port: plant.port });
    cleanups.push(() => new Promise<void>((resolve) => client.destroy(() => resolve())));
    client.setID(1);
    expect((await client.readHoldingRegisters(0, 62)).data.length).toBe(62);
    await expect(client.readHoldingRegisters(60, 3)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.readInputRegisters(0, 5)).rejects.toMatchObject({ modbusCode: 2 });
  });
});

describe('coalescing around a hole in the map', () => {
  it('the TCP driver halves the block, keeps the points on both sides good and remembers the cut', async () => {
    const server = await startModbusServer({ registerMap: { holdingRegisters: [[0, 9], [20, 29]] } });
    cleanups.push(() => server.close());
    server.banks.holdingRegisters[5] = 505;
    server.banks.holdingRegisters[25] = 2525;
    const requests: ModbusRequestInfo[] = [];
    server.injectException((request) => {
      requests.push(request);
      return undefined;
    });
    // A gap of 20 lets hr:5, hr:15 and hr:25 coalesce into one request across the hole.
    const samples = await acquire(server.port, ['hr:5', 'hr:15', 'hr:25'], { maxRegisterGap: 20 }, 4);
    expect(requests[0]).toMatchObject({ functionCode: 3, address: 5, quantity: 21 });
    expect(samples.get('hr:5')).toMatchObject({ quality: 'good' });
    expect([...((samples.get('hr:5')?.raw as { words: Uint16Array }).words)]).toEqual([505]);
    expect([...((samples.get('hr:25')?.raw as { words: Uint16Array }).words)]).toEqual([2525]);
    expect(samples.get('hr:15')).toMatchObject({ quality: 'bad', status: 'illegal data address' });
    // Learned: later cycles read the three points apart, never across the hole again.
    const spanning = (r: ModbusRequestInfo) => r.address < 15 && r.address + r.quantity > 15 && r.quantity > 1;
    const firstSpanningAfterLearning = requests.slice(6).findIndex(spanning);
    expect(firstSpanningAfterLearning).toBe(-1);
  });

  it('the RTU driver does the same through the same PDU handler behind RTU framing', async () => {
    const slave = await startRtuOverTcpSlave({ units: [1], registerMap: { holdingRegisters: [[0, 9], [20, 29]] } });
    cleanups.push(() => slave.close());
    slave.banks(1).holdingRegisters[25] = 2525;
    const recorder = recordingContext();
    const driver = modbusRtuDriver.create(
      modbusRtuSettingsSchema.parse({ transport: 'rtu-over-tcp', host: '127.0.0.1', port: slave.port, unitId: 1, timeoutMs: 2000, maxRegisterGap: 20 }),
      recorder.context,
    );
    cleanups.push(() => driver.disconnect());
    await driver.connect(AbortSignal.timeout(10_000));
    const texts = ['hr:5', 'hr:15', 'hr:25'];
    driver.startAcquisition(texts.map((text, index) => ({ index, tagId: text, address: parseOrThrow((t) => modbusRtuDriver.parseAddress(t), text), pollGroupId: 'fast', intervalMs: 20 })));
    await until(() => recorder.batches.length >= 3, 20_000, 'three cycles');
    expect(recorder.latest(0)).toMatchObject({ quality: 'good' });
    expect(recorder.latest(1)).toMatchObject({ quality: 'bad', status: 'illegal data address' });
    expect([...((recorder.latest(2)?.raw as { words: Uint16Array }).words)]).toEqual([2525]);
  });
});
