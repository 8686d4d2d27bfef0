import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { mqttDriver, SPARKPLUG_DEATH, WAITING_FOR_BIRTH, type MqttDriver } from '../../../../../electron/core/drivers/mqtt/index.js';
import { readCommand } from '../../../../../electron/cli/commands/read.js';
import { createDriverRegistry } from '../../../../../electron/core/drivers/registry.js';
import { startMosquitto, type Mosquitto } from '../../../../support/mosquitto.js';
import { abortSignal, harness, points, publisher, sleep, until, valueOf } from './harness.js';

const sp = get('spBv1.0')!;
let broker: Mosquitto;
let edge: MqttClient;
const open: MqttDriver[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  edge = await publisher(broker.url);
}, 30_000);

afterEach(async () => {
  for (const d of open.splice(0)) await d.disconnect();
});

afterAll(async () => {
  await edge?.endAsync(true);
  await broker?.stop();
});

const T_BIRTH = Date.UTC(2026, 5, 1, 12, 0, 0);

function send(topic: string, payload: UPayload): Promise<unknown> {
  return edge.publishAsync(topic, Buffer.from(sp.encodePayload(payload)), { qos: 0 });
}

const nodeMetrics: UMetric[] = [
  { name: 'bdSeq', type: 'UInt64', value: 3 },
  { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
  { name: 'Temperature', alias: 1, type: 'Double', value: 20.5 },
];

const deviceMetrics: UMetric[] = [
  { name: 'i8', alias: 10, type: 'Int8', value: -5 },
  { name: 'i16', alias: 11, type: 'Int16', value: -300 },
  { name: 'i32', alias: 12, type: 'Int32', value: -70000 },
  { name: 'i64', alias: 13, type: 'Int64', value: -5_000_000_000 },
  { name: 'u8', alias: 14, type: 'UInt8', value: 250 },
  { name: 'u16', alias: 15, type: 'UInt16', value: 65000 },
  { name: 'u32', alias: 16, type: 'UInt32', value: 4_000_000_000 },
  { name: 'u64', alias: 17, type: 'UInt64', value: 9_000_000_000 },
  { name: 'Inputs/Speed', alias: 18, type: 'Float', value: 1.5 },
  { name: 'dbl', alias: 19, type: 'Double', value: 3.141592653589793 },
  { name: 'on', alias: 20, type: 'Boolean', value: true },
  { name: 'label', alias: 21, type: 'String', value: 'pump 3' },
  { name: 'when', alias: 22, type: 'DateTime', value: T_BIRTH },
  { name: 'big', alias: 23, type: 'UInt64', value: 2 ** 60 },
];

const expected: Record<string, unknown> = {
  i8: -5, i16: -300, i32: -70000, i64: -5_000_000_000, u8: 250, u16: 65000, u32: 4_000_000_000, u64: 9_000_000_000,
  'Inputs/Speed': 1.5, dbl: 3.141592653589793, on: true, label: 'pump 3', when: T_BIRTH,
};

async function births(group: string, node: string, device: string, bdSeq = 3): Promise<void> {
  await send(`spBv1.0/${group}/NBIRTH/${node}`, { timestamp: T_BIRTH, seq: 0, metrics: nodeMetrics.map((m) => (m.name === 'bdSeq' ? { ...m, value: bdSeq } : m)) });
  await send(`spBv1.0/${group}/DBIRTH/${node}/${device}`, { timestamp: T_BIRTH, seq: 1, metrics: deviceMetrics });
}

describe('Sparkplug B decoding against mosquitto', () => {
  it('resolves births, aliases and every scalar datatype; timestamps come from the payload', async () => {
    const h = harness({ url: broker.url, subscriptions: [{ filter: 'spBv1.0/P1/#', qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    const names = Object.keys(expected);
    h.driver.startAcquisition(points([...names.map((n) => `spb:P1/E1/D1|metric:${n}`), 'spb:P1/E1|metric:Temperature', 'spb:P1/E1/D1|metric:big', 'spb:P1/E1/D1|metric:absent']));
    await births('P1', 'E1', 'D1');
    const n = names.length;
    await until(() => h.last(n + 2) !== undefined && h.last(n - 1) !== undefined);
    names.forEach((name, i) => expect(valueOf(h.last(i)), name).toEqual(expected[name]));
    expect(h.last(0)).toMatchObject({ quality: 'good', sourceTs: T_BIRTH });
    expect(valueOf(h.last(n))).toBe(20.5);
    expect(h.last(n + 1)).toMatchObject({ quality: 'uncertain', status: 'precision loss: integer beyond 2^53' });
    expect(h.last(n + 2)).toMatchObject({ quality: 'bad', status: 'metric not in the birth of P1/E1/D1' });

    // DDATA and NDATA by alias only, with a metric timestamp overriding the payload's.
    const t1 = T_BIRTH + 60_000;
    await send('spBv1.0/P1/DDATA/E1/D1', { timestamp: t1, seq: 2, metrics: [{ alias: 18, type: 'Float', value: 2.25 }, { alias: 20, type: 'Boolean', value: false, timestamp: t1 + 5 }] });
    await send('spBv1.0/P1/NDATA/E1', { timestamp: t1, seq: 3, metrics: [{ alias: 1, type: 'Double', value: 21.75 }] });
    await until(() => valueOf(h.last(n)) === 21.75);
    expect(h.last(names.indexOf('Inputs/Speed'))).toMatchObject({ quality: 'good', sourceTs: t1, raw: { value: 2.25 } });
    expect(h.last(names.indexOf('on'))).toMatchObject({ sourceTs: t1 + 5, raw: { value: false } });
    expect(h.driver.sparkplugEntity('P1/E1')).toMatchObject({ born: true, bdSeq: 3 });
  });

  it('turns tags bad on NDEATH/DDEATH, ignoring a stale NDEATH', async () => {
    const h = harness({ url: broker.url, subscriptions: [{ filter: 'spBv1.0/P2/#', qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points(['spb:P2/E1|metric:Temperature', 'spb:P2/E1/D1|metric:i32', 'spb:P2/E1/D2|metric:i32']));
    await send('spBv1.0/P2/NBIRTH/E1', { timestamp: T_BIRTH, seq: 0, metrics: [...nodeMetrics.slice(0, 2).map((m) => (m.name === 'bdSeq' ? { ...m, value: 7 } : m)), nodeMetrics[2]!] });
    await send('spBv1.0/P2/DBIRTH/E1/D1', { timestamp: T_BIRTH, seq: 1, metrics: deviceMetrics });
    await send('spBv1.0/P2/DBIRTH/E1/D2', { timestamp: T_BIRTH, seq: 2, metrics: deviceMetrics });
    await until(() => [0, 1, 2].every((p) => h.last(p)?.quality === 'good'));

    await send('spBv1.0/P2/DDEATH/E1/D2', { timestamp: T_BIRTH + 1, seq: 3 });
    expect(await h.next(2)).toMatchObject({ quality: 'bad', status: SPARKPLUG_DEATH });
    expect(h.last(1)?.quality).toBe('good');

    // The will of an older session (bdSeq 6) does not kill the current one (bdSeq 7).
    await send('spBv1.0/P2/NDEATH/E1', { metrics: [{ name: 'bdSeq', type: 'UInt64', value: 6 }] });
    await sleep(300);
    expect(h.last(0)?.quality).toBe('good');
    await send('spBv1.0/P2/NDEATH/E1', { metrics: [{ name: 'bdSeq', type: 'UInt64', value: 7 }] });
    expect(await h.next(0)).toMatchObject({ quality: 'bad', status: SPARKPLUG_DEATH });
    await until(() => h.last(1)?.status === SPARKPLUG_DEATH);
    expect(h.driver.sparkplugEntity('P2/E1/D1')).toMatchObject({ dead: true, born: false });
  });

  it('asks for a rebirth when data comes before its birth; tags stay bad until the birth', async () => {
    const commands: Array<{ topic: string; metrics: UMetric[] }> = [];
    const host = await publisher(broker.url);
    host.on('message', (topic, payload) => commands.push({ topic, metrics: sp.decodePayload(payload).metrics ?? [] }));
    await host.subscribeAsync('spBv1.0/P3/NCMD/#', { qos: 0 });

    // timeoutMs: how long the driver waits for the requested birth before the tags turn bad.
    const h = harness({ url: broker.url, timeoutMs: 500, subscriptions: [{ filter: 'spBv1.0/P3/#', qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points(['spb:P3/E1/D1|metric:Inputs/Speed', 'spb:P3/E1|metric:Temperature']));
    await send('spBv1.0/P3/DDATA/E1/D1', { timestamp: T_BIRTH, seq: 5, metrics: [{ alias: 18, type: 'Float', value: 9 }] });
    await until(() => commands.length > 0, 10_000, 'NCMD on the broker');
    expect(commands[0]).toMatchObject({ topic: 'spBv1.0/P3/NCMD/E1', metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] });
    expect(await h.next(0)).toMatchObject({ quality: 'bad', status: `${WAITING_FOR_BIRTH} (rebirth requested)` });
    // More data before the birth: no value, no storm of requests (rate-limited).
    await send('spBv1.0/P3/DDATA/E1/D1', { timestamp: T_BIRTH, seq: 6, metrics: [{ alias: 18, type: 'Float', value: 9.5 }] });
    await sleep(300);
    expect(h.last(0)?.quality).toBe('bad');
    expect(commands).toHaveLength(1);

    await births('P3', 'E1', 'D1');
    expect(await h.next(0, (s) => s.quality === 'good')).toMatchObject({ raw: { value: 1.5 } });
    await send('spBv1.0/P3/DDATA/E1/D1', { timestamp: T_BIRTH + 1000, seq: 2, metrics: [{ alias: 18, type: 'Float', value: 4.5 }] });
    expect(await h.next(0)).toMatchObject({ quality: 'good', raw: { value: 4.5 }, sourceTs: T_BIRTH + 1000 });

    // An alias no birth declared also asks for a rebirth (other node: no rate limit in the way).
    await births('P3', 'E2', 'D1');
    await send('spBv1.0/P3/DDATA/E2/D1', { timestamp: T_BIRTH, seq: 2, metrics: [{ alias: 999, type: 'Float', value: 1 }] });
    await until(() => commands.some((c) => c.topic === 'spBv1.0/P3/NCMD/E2'), 10_000, 'NCMD for the unknown alias');
    await host.endAsync(true);
  });

  it('after a reconnect, old births no longer count: the next data asks for a rebirth', async () => {
    const commands: string[] = [];
    const host = await publisher(broker.url);
    host.on('message', (topic) => commands.push(topic));
    await host.subscribeAsync('spBv1.0/P7/NCMD/#', { qos: 0 });
    const h = harness({ url: broker.url, timeoutMs: 500, subscriptions: [{ filter: 'spBv1.0/P7/#', qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points(['spb:P7/E1/D1|metric:i16']));
    await births('P7', 'E1', 'D1');
    expect(await h.next(0)).toMatchObject({ quality: 'good', raw: { value: -300 } });
    // What the supervisor does after a lost connection.
    h.driver.stopAcquisition();
    await h.driver.disconnect();
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points(['spb:P7/E1/D1|metric:i16']));
    await until(() => h.driver.subscribed().includes('spBv1.0/P7/#'));
    await send('spBv1.0/P7/DDATA/E1/D1', { timestamp: T_BIRTH, seq: 9, metrics: [{ alias: 11, type: 'Int16', value: 1 }] });
    expect(await h.next(0)).toMatchObject({ quality: 'bad', status: `${WAITING_FOR_BIRTH} (rebirth requested)` });
    await until(() => commands.includes('spBv1.0/P7/NCMD/E1'), 10_000, 'NCMD after reconnect');
    await births('P7', 'E1', 'D1');
    expect(await h.next(0, (s) => s.quality === 'good')).toMatchObject({ raw: { value: -300 } });
    await host.endAsync(true);
  });

  it('sensorvault read gets a Sparkplug metric from an edge node that answers the rebirth request', async () => {
    const edgeNode = await publisher(broker.url);
    edgeNode.on('message', () => void births('P8', 'E1', 'D1'));
    await edgeNode.subscribeAsync('spBv1.0/P8/NCMD/E1', { qos: 0 });
    // The edge node publishes data by alias all the time; its birth is long gone.
    const data = setInterval(() => void send('spBv1.0/P8/DDATA/E1/D1', { timestamp: Date.now(), seq: 1, metrics: [{ alias: 12, type: 'Int32', value: 5 }] }), 50);
    try {
      const lines: string[] = [];
      const code = await readCommand([`${broker.url}?filter=${encodeURIComponent('spBv1.0/P8/#')}`, 'spb:P8/E1/D1|metric:i32', '--timeout', '2000'], createDriverRegistry([mqttDriver]), (l) => lines.push(l));
      expect(lines.map((l) => JSON.parse(l) as unknown)).toMatchObject([{ point: 'spb:P8/E1/D1|metric:i32', quality: 'good' }]);
      expect([-70000, 5]).toContain((JSON.parse(lines[0]!) as { value: number }).value);
      expect(code).toBe(0);
    } finally {
      clearInterval(data);
      await edgeNode.endAsync(true);
    }
  }, 30_000);

  it('never publishes with rebirth: never', async () => {
    const commands: string[] = [];
    const host = await publisher(broker.url);
    host.on('message', (topic) => commands.push(topic));
    await host.subscribeAsync('spBv1.0/P4/NCMD/#', { qos: 0 });
    const h = harness({ url: broker.url, rebirth: 'never', subscriptions: [{ filter: 'spBv1.0/P4/#', qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points(['spb:P4/E1/D1|metric:i8']));
    await send('spBv1.0/P4/DDATA/E1/D1', { timestamp: T_BIRTH, seq: 5, metrics: [{ alias: 10, type: 'Int8', value: 1 }] });
    expect(await h.next(0)).toMatchObject({ quality: 'bad', status: WAITING_FOR_BIRTH });
    await sleep(300);
    expect(commands).toEqual([]);
    await host.endAsync(true);
  });

  it('browses Sparkplug metrics under their edge node and device, with datatypes', async () => {
    const h = harness({ url: broker.url, subscriptions: [{ filter: 'spBv1.0/P5/#', qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition([]);
    await births('P5', 'E1', 'D1');
    await send('spBv1.0/P5/DDATA/E1/D1', { timestamp: T_BIRTH, seq: 2, metrics: [{ alias: 18, type: 'Float', value: 2.5 }] });
    await until(() => h.driver.treeTotals().messages >= 3);
    const signal = abortSignal();
    const levels = await h.driver.browse!('spBv1.0/P5', { signal });
    expect(levels.map((n) => n.name)).toEqual(['DBIRTH', 'DDATA', 'NBIRTH']);
    const devices = await h.driver.browse!('spBv1.0/P5/DDATA/E1', { signal });
    expect(devices[0]).toMatchObject({ name: 'D1', kind: 'object', hasChildren: true, attributes: { Sparkplug: 'device P5/E1/D1: born', Payload: 'Sparkplug B DDATA', Metrics: String(deviceMetrics.length) } });
    const metrics = await h.driver.browse!(devices[0]!.ref, { signal });
    expect(metrics.find((m) => m.name === 'Inputs/Speed')).toMatchObject({ kind: 'point', address: 'spb:P5/E1/D1|metric:Inputs/Speed', attributes: { Datatype: 'Float', Alias: '18', Value: '2.5' }, suggestion: { name: 'Speed' } });
    expect(metrics.find((m) => m.name === 'u64')).toMatchObject({ attributes: { Datatype: 'UInt64' } });
    const node = await h.driver.browse!('spBv1.0/P5/NBIRTH', { signal });
    expect(node[0]).toMatchObject({ name: 'E1', attributes: { Sparkplug: 'edge node P5/E1: born' } });
    const nodeMetricsBrowse = await h.driver.browse!(node[0]!.ref, { signal });
    expect(nodeMetricsBrowse.map((m) => m.name)).toEqual(['bdSeq', 'Node Control/Rebirth', 'Temperature']);
  });

  it('writes a metric as a DCMD with the datatype from the birth, only when writes are enabled', async () => {
    const commands: Array<{ topic: string; metrics: UMetric[] }> = [];
    const host = await publisher(broker.url);
    host.on('message', (topic, payload) => commands.push({ topic, metrics: sp.decodePayload(payload).metrics ?? [] }));
    await host.subscribeAsync('spBv1.0/P6/DCMD/#', { qos: 0 });
    const h = harness({ url: broker.url, writes: 'enabled', subscriptions: [{ filter: 'spBv1.0/P6/#', qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition([]);
    await births('P6', 'E1', 'D1');
    await until(() => h.driver.sparkplugEntity('P6/E1/D1')?.born === true);
    const [speed, unknown] = points(['spb:P6/E1/D1|metric:Inputs/Speed', 'spb:P6/E1/D9|metric:x']);
    await h.driver.write(speed!.address, 3.5);
    await until(() => commands.length > 0);
    expect(commands[0]).toMatchObject({ topic: 'spBv1.0/P6/DCMD/E1/D1', metrics: [{ name: 'Inputs/Speed', type: 'Float', value: 3.5 }] });
    await expect(h.driver.write(unknown!.address, 1)).rejects.toThrow(/no birth of P6\/E1\/D9/);
    await host.endAsync(true);
  });
});
