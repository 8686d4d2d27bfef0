import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { WritesDisabledError } from '../../../../../electron/core/drivers/common/errors.js';
import { createDriverRegistry } from '../../../../../electron/core/drivers/registry.js';
import { readCommand } from '../../../../../electron/cli/commands/read.js';
import { mqttDriver, mqttEndpoint, mqttSettingsSchema, settingsFromMqttEndpoint, type MqttDriver } from '../../../../../electron/core/drivers/mqtt/index.js';
import { startMosquitto, type Mosquitto } from '../../../../support/mosquitto.js';
import { abortSignal, harness, points, publisher, sleep, until, valueOf } from './harness.js';

let broker: Mosquitto;
let pub: MqttClient;
const open: MqttDriver[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  pub = await publisher(broker.url);
}, 30_000);

afterEach(async () => {
  for (const d of open.splice(0)) await d.disconnect();
});

afterAll(async () => {
  await pub?.endAsync(true);
  await broker?.stop();
});

let topicSeq = 0;
/** A fresh topic root per test, so retained messages of one test never reach another. */
const root = () => `t${process.pid}-${++topicSeq}`;

describe('MQTT driver against mosquitto', () => {
  it('decodes plain payloads: numbers, booleans, text, forced types', async () => {
    const r = root();
    const h = harness({ url: broker.url }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points([`${r}/temp`, `${r}/run`, `${r}/name`, `${r}/code|type=string`, `${r}/flag|type=boolean`, `${r}/n|type=number`]));
    await until(() => h.driver.subscribed().length >= 6, 10_000, 'tag topics subscribed');
    await pub.publishAsync(`${r}/temp`, '23.5');
    await pub.publishAsync(`${r}/run`, 'true');
    await pub.publishAsync(`${r}/name`, 'Line 1 ');
    await pub.publishAsync(`${r}/code`, '007');
    await pub.publishAsync(`${r}/flag`, '1');
    await pub.publishAsync(`${r}/n`, 'abc');
    await until(() => [0, 1, 2, 3, 4, 5].every((p) => h.last(p) !== undefined));
    expect(valueOf(h.last(0))).toBe(23.5);
    expect(valueOf(h.last(1))).toBe(true);
    expect(valueOf(h.last(2))).toBe('Line 1 ');
    expect(valueOf(h.last(3))).toBe('007');
    expect(valueOf(h.last(4))).toBe(true);
    expect(h.last(5)).toMatchObject({ quality: 'bad', status: 'not a number: abc' });
    await pub.publishAsync(`${r}/temp`, '');
    expect(await h.next(0)).toMatchObject({ quality: 'bad', status: 'empty payload' });
    expect(h.lost).toEqual([]);
  });

  it('decodes JSON with value, timestamp and quality paths', async () => {
    const r = root();
    const h = harness({ url: broker.url, subscriptions: [{ filter: `${r}/#`, qos: 1 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(
      points([
        `${r}/m1|json:$.data.temp|ts:data.ts|quality:data.q`,
        `${r}/m1|json:values[1]`,
        `${r}/m1|json:data.missing`,
        `${r}/m2|json:v|ts:t`,
        `${r}/m2|json:v|quality:s`,
        `${r}/m1|json:data|type=number`,
      ]),
    );
    const ts = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    await pub.publishAsync(`${r}/m1`, JSON.stringify({ data: { temp: 21.25, ts: new Date(ts).toISOString(), q: 'good' }, values: [1, 2, 3] }));
    await until(() => [0, 1, 2, 5].every((p) => h.last(p) !== undefined));
    expect(h.last(0)).toMatchObject({ quality: 'good', sourceTs: ts, raw: { kind: 'value', value: 21.25 } });
    expect(valueOf(h.last(1))).toBe(2);
    expect(h.last(2)).toMatchObject({ quality: 'bad', status: 'JSON path data.missing not in payload' });
    expect(h.last(5)).toMatchObject({ quality: 'bad', status: expect.stringMatching(/an object, not a value/) });

    // Epoch seconds and milliseconds, ISO without offset = UTC; OPC UA status codes.
    await pub.publishAsync(`${r}/m2`, JSON.stringify({ v: 1, t: 1767323045, s: 0 }));
    expect(await h.next(3)).toMatchObject({ sourceTs: 1767323045000, quality: 'good' });
    await pub.publishAsync(`${r}/m2`, JSON.stringify({ v: 2, t: 1767323045123, s: 0x40000000 }));
    expect(await h.next(3)).toMatchObject({ sourceTs: 1767323045123 });
    expect(h.last(4)).toMatchObject({ quality: 'uncertain', status: 'status code 0x40000000 in payload', raw: { value: 2 } });
    await pub.publishAsync(`${r}/m2`, JSON.stringify({ v: 3, t: '2026-01-02T03:04:05', s: 0x80340000 }));
    expect(await h.next(3)).toMatchObject({ sourceTs: Date.UTC(2026, 0, 2, 3, 4, 5) });
    const bad = h.last(4);
    expect(bad).toMatchObject({ quality: 'bad', status: 'status code 0x80340000 in payload' });
    expect(bad?.raw).toBeUndefined();
    await pub.publishAsync(`${r}/m2`, JSON.stringify({ v: 4, t: 'yesterday', s: 'Uncertain_LastUsable' }));
    expect(await h.next(3)).toMatchObject({ quality: 'uncertain', status: expect.stringMatching(/neither epoch/), raw: { value: 4 } });
    expect(h.last(4)).toMatchObject({ quality: 'uncertain' });
    await pub.publishAsync(`${r}/m2`, '{not json');
    expect(await h.next(3)).toMatchObject({ quality: 'bad', status: expect.stringMatching(/^payload is not JSON/) });
  });

  it('delivers retained messages as soon as acquisition starts', async () => {
    const r = root();
    await pub.publishAsync(`${r}/setpoint`, '42', { retain: true, qos: 1 });
    await pub.publishAsync(`${r}/cfg`, '{"mode":"auto"}', { retain: true, qos: 1 });
    const h = harness({ url: broker.url, subscriptions: [{ filter: `${r}/#`, qos: 1 }] }, open);
    await h.driver.connect(abortSignal());
    // Give the retained messages time to arrive before the tags exist (they are replayed).
    await until(() => h.driver.treeTotals().topics >= 2);
    h.driver.startAcquisition(points([`${r}/setpoint`, `${r}/cfg|json:mode`]));
    await until(() => h.last(0) !== undefined && h.last(1) !== undefined);
    expect(valueOf(h.last(0))).toBe(42);
    expect(valueOf(h.last(1))).toBe('auto');
    await pub.publishAsync(`${r}/setpoint`, '', { retain: true, qos: 1 });
    await pub.publishAsync(`${r}/cfg`, '', { retain: true, qos: 1 });
  });

  it('builds the topic tree with counts, rates, last payload and JSON fields, and browses it', async () => {
    const r = root();
    const h = harness({ url: broker.url, subscriptions: [{ filter: `${r}/#`, qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    for (let i = 0; i < 5; i++) await pub.publishAsync(`${r}/line1/temp`, String(20 + i));
    await pub.publishAsync(`${r}/line1/meter`, JSON.stringify({ power: { kw: 12.5, ts: 1767323045 }, ok: true, list: [1, 2] }));
    await pub.publishAsync(`${r}/line2/state`, 'running');
    await until(() => h.driver.treeTotals().messages >= 7);
    const signal = abortSignal();
    const top = await h.driver.browse!(undefined, { signal });
    const mine = top.find((n) => n.name === r);
    expect(mine).toMatchObject({ kind: 'folder', hasChildren: true, attributes: { Topics: '3', Messages: '7' } });
    const lines = await h.driver.browse!(mine!.ref, { signal });
    expect(lines.map((n) => n.name)).toEqual(['line1', 'line2']);
    const line1 = await h.driver.browse!(`${r}/line1`, { signal });
    const temp = line1.find((n) => n.name === 'temp')!;
    expect(temp).toMatchObject({ kind: 'point', address: `${r}/line1/temp`, attributes: { Messages: '5', 'Last payload': '24', Payload: 'number', Retained: 'no' } });
    expect(Number.parseFloat(temp.attributes.Rate!)).toBeGreaterThan(0);
    expect(Date.parse(temp.attributes['Last seen']!)).toBeGreaterThan(Date.now() - 60_000);
    const meter = line1.find((n) => n.name === 'meter')!;
    expect(meter).toMatchObject({ kind: 'object', hasChildren: true, attributes: { Payload: 'JSON object' } });
    const fields = await h.driver.browse!(meter.ref, { signal });
    expect(fields.map((n) => [n.name, n.kind, n.address])).toEqual([
      ['power', 'object', undefined],
      ['ok', 'point', `${r}/line1/meter|json:ok`],
      ['list', 'object', undefined],
    ]);
    const power = await h.driver.browse!(fields[0]!.ref, { signal });
    // A sibling named ts is suggested as the timestamp path.
    expect(power.find((n) => n.name === 'kw')).toMatchObject({ address: `${r}/line1/meter|json:power.kw|ts:power.ts`, attributes: { Value: '12.5', 'JSON type': 'number' } });
    const list = await h.driver.browse!(fields[2]!.ref, { signal });
    expect(list.map((n) => n.address)).toEqual([`${r}/line1/meter|json:list[0]`, `${r}/line1/meter|json:list[1]`]);
    // Every suggested address is a valid one that decodes the payload it came from.
    h.driver.startAcquisition(points([power.find((n) => n.name === 'kw')!.address!]));
    // The last message of this connection is replayed at once...
    expect(await h.next(0)).toMatchObject({ quality: 'good', sourceTs: 1767323045000, raw: { value: 12.5 } });
    await pub.publishAsync(`${r}/line1/meter`, JSON.stringify({ power: { kw: 13, ts: 1767323046 } }));
    expect(await h.next(0)).toMatchObject({ quality: 'good', sourceTs: 1767323046000, raw: { value: 13 } });
  });

  it('stays responsive with 10,000 topics at thousands of messages per second', async () => {
    const r = root();
    const h = harness({ url: broker.url, subscriptions: [{ filter: `${r}/#`, qos: 0 }] }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points([`${r}/area7/dev42/v`]));
    const TOPICS = 10_000;
    const TOTAL = 30_000;
    let sent = 0;
    let acked = 0;
    const start = Date.now();
    // QoS 1 with at most 500 outstanding publishes (mqtt.js slows down badly without a cap).
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        while (sent < TOTAL && sent - acked < 500) {
          const i = sent++;
          pub.publish(`${r}/area${Math.floor((i % TOPICS) / 100)}/dev${i % 100}/v`, String(i), { qos: 1 }, (error) => {
            if (error) return reject(error);
            acked++;
            if (acked === TOTAL) resolve();
            else pump();
          });
        }
      };
      pump();
    });
    await until(() => h.driver.treeTotals().messages >= TOTAL, 30_000, 'all messages counted');
    const seconds = (Date.now() - start) / 1000;
    expect(h.driver.treeTotals().topics).toBe(TOPICS);
    const t0 = performance.now();
    const areas = await h.driver.browse!(r, { signal: abortSignal() });
    const devs = await h.driver.browse!(`${r}/area7`, { signal: abortSignal() });
    const browseMs = performance.now() - t0;
    expect(areas).toHaveLength(100);
    expect(areas[0]).toMatchObject({ name: 'area0', attributes: { Topics: '100', Messages: '300' } });
    expect(devs).toHaveLength(100);
    expect(h.samples.filter((s) => s.point === 0)).toHaveLength(3);
    // Loose bound only: the point is that a level is browsed in one go, not per message.
    expect(browseMs).toBeLessThan(5000);
    process.stderr.write(`mqtt tree: ${TOPICS} topics, ${TOTAL} msgs in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)} msg/s), two browses ${browseMs.toFixed(0)} ms\n`);
  }, 60_000);

  it('rejects writes by default and publishes plain and JSON writes when enabled', async () => {
    const r = root();
    const ro = harness({ url: broker.url }, open);
    await ro.driver.connect(abortSignal());
    await expect(ro.driver.write(points([`${r}/sp`])[0]!.address, 1)).rejects.toBeInstanceOf(WritesDisabledError);

    const received: Array<[string, string]> = [];
    const sub = await publisher(broker.url);
    sub.on('message', (topic, payload) => received.push([topic, payload.toString()]));
    await sub.subscribeAsync(`${r}/#`, { qos: 1 });
    const rw = harness({ url: broker.url, writes: 'enabled' }, open);
    await rw.driver.connect(abortSignal());
    const [plain, json] = points([`${r}/sp`, `${r}/cfg|json:loop[1].sp`]);
    await rw.driver.write(plain!.address, 55.5);
    await rw.driver.write(json!.address, true);
    await until(() => received.length >= 2);
    expect(received).toEqual([
      [`${r}/sp`, '55.5'],
      [`${r}/cfg`, '{"loop":[null,{"sp":true}]}'],
    ]);
    await expect(rw.driver.write(plain!.address, null)).rejects.toThrow(/empty value/);
    await sub.endAsync(true);
  });

  it('parses endpoint URLs for the CLI and reads the next message per point with sensorvault read', async () => {
    expect(settingsFromMqttEndpoint('mqtt://127.0.0.1:1883?filter=plant/%23&version=5')).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      protocolVersion: 5,
      subscriptions: [{ filter: 'plant/#', qos: 1 }],
    });
    expect(settingsFromMqttEndpoint('mqtts://ops@broker.local?ca=/etc/ca.pem&passwordEnv=MQTT_PW&qos=0&filter=a/%2B/b')).toEqual({
      url: 'mqtts://broker.local',
      username: 'ops',
      passwordEnv: 'MQTT_PW',
      tls: { caFile: '/etc/ca.pem' },
      subscriptions: [{ filter: 'a/+/b', qos: 0 }],
    });
    expect(() => settingsFromMqttEndpoint('mqtt://u:secret@h')).toThrow(/no passwords/);
    expect(() => settingsFromMqttEndpoint('mqtt://h?foo=1')).toThrow(/unknown parameter "foo"/);
    expect(() => settingsFromMqttEndpoint('mqtt://h/plant/#')).toThrow(/unexpected path/);
    expect(mqttEndpoint(mqttSettingsSchema.parse({ url: 'mqtts://h', protocolVersion: 5 }))).toBe('mqtts://h:8883?version=5');

    const r = root();
    await pub.publishAsync(`${r}/a`, '7', { retain: true, qos: 1 });
    const lines: string[] = [];
    const registry = createDriverRegistry([mqttDriver]);
    const reading = readCommand([`${broker.url}?filter=${encodeURIComponent(`${r}/#`)}`, `${r}/a`, `${r}/b|json:x`, '--timeout', '3000'], registry, (l) => lines.push(l));
    await sleep(500);
    await pub.publishAsync(`${r}/b`, '{"x":"hello"}');
    expect(await reading).toBe(0);
    expect(lines.map((l) => JSON.parse(l) as { point: string; value: unknown; quality: string })).toMatchObject([
      { point: `${r}/a`, value: 7, quality: 'good' },
      { point: `${r}/b|json:x`, value: 'hello', quality: 'good' },
    ]);
    await pub.publishAsync(`${r}/a`, '', { retain: true, qos: 1 });
  }, 30_000);

  it('reports a refused connection clearly', async () => {
    const h = harness({ url: 'mqtt://127.0.0.1:1', timeoutMs: 2000 }, open);
    await expect(h.driver.connect(abortSignal())).rejects.toThrow(/^no device answers at 127\.0\.0\.1:1 \(connection refused, ECONNREFUSED\): check the address, port and that the device is reachable$/);
  });
});
