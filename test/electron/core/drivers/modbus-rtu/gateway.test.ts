import { afterEach, describe, expect, it } from 'vitest';
import { decodeRegisters } from '../../../../../electron/core/normalizer/registers.js';
import { DEMOTED_STATUS, type ModbusRtuDriver } from '../../../../../electron/core/drivers/modbus-rtu/index.js';
import { createRtuSlave, startRtuOverTcpSlave, startTcpGateway, type TcpGateway, type TcpRtuSlave } from '../../../../support/rtu-slave.js';
import { createDriver, points, recordingContext, until } from './helpers.js';

// Modbus over serial gateways, on 127.0.0.1: our RTU slave bus behind a TCP socket that
// carries raw RTU frames ("RTU over TCP"), and behind a Modbus TCP → RTU gateway (MBAP,
// routing by unit id). Each gateway is its own bus with its own queue.
describe('modbus-rtu through serial gateways', () => {
  const cleanups: Array<() => Promise<void>> = [];
  const drivers: ModbusRtuDriver[] = [];

  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.disconnect();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('reads RTU frames carried over TCP (transparent serial server), several units, CRC faults', async () => {
    const slave: TcpRtuSlave = await startRtuOverTcpSlave({ units: [1, 7] });
    cleanups.push(() => slave.close());
    slave.banks(1).holdingRegisters.set([0x41a8, 0x0000], 2); // 21.0 as float32
    slave.banks(7).inputRegisters[0] = 707;
    const { context, latest, batches } = recordingContext();
    const driver = createDriver({ transport: 'rtu-over-tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 300 }, context);
    drivers.push(driver);
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([{ address: 'hr:2:float32' }, { address: 'u7/ir:0' }]));
    await until(() => latest(0)?.quality === 'good' && latest(1)?.quality === 'good', 20_000, 'both good');
    const raw = latest(0)?.raw;
    expect(raw?.kind === 'registers' && decodeRegisters(raw.words, { kind: 'registers', type: 'float32', order: 'abcd' }).value).toBe(21);
    expect((latest(1)?.raw as { words: Uint16Array }).words[0]).toBe(707);
    slave.corruptNextResponses(2);
    slave.garbageAroundResponses(3);
    await until(() => batches.some((b) => b.some((s) => /CRC/i.test(s.status ?? ''))), 10_000, 'CRC error seen');
    const mark = batches.length;
    await until(() => latest(0, mark)?.quality === 'good' && latest(1, mark)?.quality === 'good', 10_000, 'good again');
    expect(driver.busStats()?.transport).toBe('rtu-over-tcp');
  });

  it('routes by unit id through a Modbus TCP gateway; a silent slave (exception 11) is demoted', async () => {
    const bus = createRtuSlave({ units: [1, 2], dead: [9] });
    bus.banks(2).holdingRegisters[5] = 55;
    const gateway: TcpGateway = await startTcpGateway(bus, 80);
    cleanups.push(() => gateway.close());
    const { context, latest } = recordingContext();
    const driver = createDriver({ transport: 'tcp-gateway', host: '127.0.0.1', port: gateway.port, unitId: 2, demoteAfter: 2, demotionMs: 5000 }, context);
    drivers.push(driver);
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([{ address: 'hr:5' }, { address: 'u9/hr:0' }, { address: 'u1/coil:0' }]));
    await until(() => latest(1)?.status === DEMOTED_STATUS, 20_000, 'unit 9 demoted');
    expect((latest(0)?.raw as { words: Uint16Array }).words[0]).toBe(55);
    expect(latest(2)?.quality).toBe('good');
    const stats = driver.busStats()!;
    expect(stats.units.find((u) => u.unit === 9)?.state).toBe('demoted');
    expect(stats.key).toBe(`modbus-rtu:tcp-gateway:127.0.0.1:${gateway.port}`);
  });

  it('reports a dropped gateway connection as lost', async () => {
    const slave = await startRtuOverTcpSlave({ units: [1] });
    cleanups.push(() => slave.close());
    const { context, lost, latest } = recordingContext();
    const driver = createDriver({ transport: 'rtu-over-tcp', host: '127.0.0.1', port: slave.port }, context);
    drivers.push(driver);
    await driver.connect(new AbortController().signal);
    driver.startAcquisition(points([{ address: 'hr:0' }]));
    await until(() => latest(0)?.quality === 'good', 20_000, 'first reading');
    slave.dropConnections();
    await until(() => lost.length > 0, 20_000, 'connectionLost');
    // The supervisor reconnects: the listener is still up.
    await driver.connect(new AbortController().signal);
    const mark = lost.length;
    driver.startAcquisition(points([{ address: 'hr:0' }]));
    await until(() => driver.stats().requests > 3, 20_000, 'polling again');
    expect(lost.length).toBe(mark);
  });
});
