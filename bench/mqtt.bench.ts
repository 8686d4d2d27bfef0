/**
 * MQTT source bench (run: npm run bench -- mqtt). Readings/s decoded by the MQTT driver and
 * stored (normalizer -> Pipeline -> Store, SQLite in its worker) until every reading is
 * committed, for JSON (one value + timestamp per message) and Sparkplug B (DDATA by alias,
 * several metrics per message), vs the broker's raw message rate to a bare mqtt.js
 * subscriber, measured in the same run the same way.
 *
 * So that the publisher's speed does not set both rates, the messages are queued first:
 * the consumer's persistent session (QoS 1) is left disconnected while they are published
 * (QoS 1, at most 500 outstanding), then the clock runs from its reconnect until the whole
 * backlog is received (bare subscriber) or stored (driver). One real mosquitto on 127.0.0.1,
 * started and stopped here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, connectAsync, type MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UMetric } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import type { AcquisitionPoint, RawSample } from '../electron/core/drivers/types.js';
import { silentLogger } from '../electron/core/log.js';
import { mqttDriver, mqttSettingsSchema, type MqttAddress } from '../electron/core/drivers/mqtt/index.js';
import { compileNormalizer } from '../electron/core/normalizer/normalizer.js';
import { Pipeline } from '../electron/core/pipeline/pipeline.js';
import { Store } from '../electron/core/store/store.js';
import { startMosquitto } from '../test/support/mosquitto.js';

const sp = get('spBv1.0')!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-bench-mqtt-'));
const T0 = Date.UTC(2026, 0, 1);
const JSON_TOPICS = 1000;
const JSON_MESSAGES = 100_000;
const SPB_DEVICES = 20;
const SPB_METRICS = 50;
const SPB_PER_MESSAGE = 10;
const SPB_MESSAGES = 20_000;
const MAX_OUTSTANDING = 500;
const deadline = Date.now() + 85_000;

interface Message {
  topic: string;
  payload: Buffer;
}

function jsonMessages(): Message[] {
  return Array.from({ length: JSON_MESSAGES }, (_, i) => ({
    topic: `bench/json/area${Math.floor((i % JSON_TOPICS) / 50)}/m${i % JSON_TOPICS}`,
    payload: Buffer.from(JSON.stringify({ v: (i % 997) * 0.5, ts: T0 + i, q: 'good' })),
  }));
}

function spbBirths(): Message[] {
  const births: Message[] = [{ topic: 'spBv1.0/Bench/NBIRTH/E1', payload: Buffer.from(sp.encodePayload({ timestamp: T0, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })) }];
  for (let d = 0; d < SPB_DEVICES; d++) {
    const metrics: UMetric[] = Array.from({ length: SPB_METRICS }, (_, m) => ({ name: `Inputs/AI${m}`, alias: d * 1000 + m, type: 'Float', value: 0 }));
    births.push({ topic: `spBv1.0/Bench/DBIRTH/E1/D${d}`, payload: Buffer.from(sp.encodePayload({ timestamp: T0, seq: 1 + d, metrics })) });
  }
  return births;
}

function spbMessages(): Message[] {
  return Array.from({ length: SPB_MESSAGES }, (_, i) => {
    const d = i % SPB_DEVICES;
    const first = (Math.floor(i / SPB_DEVICES) * SPB_PER_MESSAGE) % SPB_METRICS;
    const metrics: UMetric[] = Array.from({ length: SPB_PER_MESSAGE }, (_, k) => ({ alias: d * 1000 + first + k, type: 'Float', value: i + k }));
    return { topic: `spBv1.0/Bench/DDATA/E1/D${d}`, payload: Buffer.from(sp.encodePayload({ timestamp: T0 + i, seq: i % 256, metrics })) };
  });
}

/** Publishes all messages at QoS 1 with a cap on outstanding publishes. */
function publishAll(client: MqttClient, messages: Message[]): Promise<void> {
  let sent = 0;
  let acked = 0;
  return new Promise((resolve, reject) => {
    if (messages.length === 0) return resolve();
    const pump = () => {
      while (sent < messages.length && sent - acked < MAX_OUTSTANDING) {
        const m = messages[sent++] as Message;
        client.publish(m.topic, m.payload, { qos: 1 }, (error) => {
          if (error) return reject(error);
          if (++acked === messages.length) resolve();
          else pump();
        });
      }
    };
    pump();
  });
}

async function waitFor(probe: () => boolean, what: string): Promise<void> {
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`bench deadline passed waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let sessions = 0;

/** The reference: a bare mqtt.js subscriber draining its queued session. */
async function rawRun(url: string, filter: string, messages: Message[]): Promise<number> {
  const clientId = `bench-raw-${++sessions}`;
  const first = await connectAsync(url, { reconnectPeriod: 0, clientId, clean: false });
  await first.subscribeAsync(filter, { qos: 1 });
  await first.endAsync();
  const pub = await connectAsync(url, { reconnectPeriod: 0 });
  await publishAll(pub, messages);
  await pub.endAsync(true);
  let received = 0;
  const start = performance.now();
  // The listener is attached before any I/O happens, so no queued message is missed.
  const sub = connect(url, { reconnectPeriod: 0, clientId, clean: false });
  sub.on('message', () => void received++);
  await waitFor(() => received >= messages.length, 'raw subscriber');
  const seconds = (performance.now() - start) / 1000;
  await sub.endAsync(true);
  return messages.length / seconds;
}

/** The driver draining the same kind of backlog: decode, normalize, pipeline, store; done when all is committed. */
async function driverRun(url: string, filter: string, addresses: string[], messages: Message[], readingsExpected: number): Promise<{ messagesPerS: number; readingsPerS: number }> {
  const store = await Store.open({ path: path.join(dir, `mqtt-${++sessions}.db`), retention: { maxAgeDays: 3650, maxSizeMiB: 1 << 20 }, log: silentLogger });
  const points: AcquisitionPoint<MqttAddress>[] = addresses.map((text, index) => {
    const parsed = mqttDriver.parseAddress(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return { index, tagId: `broker/${text}`, address: parsed.address, pollGroupId: 'push', intervalMs: 1000 };
  });
  await store.ensureTags(points.map((p) => ({ tagId: p.tagId, name: p.tagId, unit: '' })));
  const normalize = compileNormalizer(points.map((p) => ({ tagId: p.tagId, decode: mqttDriver.decodeSpec(p.address), scaling: { kind: 'none' } })));
  const pipeline = new Pipeline({ store, commitIntervalMs: 1000, maxBatch: 50_000, log: silentLogger });
  let good = 0;
  let other = 0;
  const settings = mqttSettingsSchema.parse({ url, session: 'persistent', clientId: `bench-driver-${sessions}`, subscriptions: [{ filter, qos: 1 }], timeoutMs: 30_000 });
  const driver = mqttDriver.create(settings, {
    emit: (samples: RawSample[]) => {
      const readings = normalize(samples);
      for (const r of readings) if (r.quality === 'good') good++;
      else other++;
      pipeline.push(readings);
    },
    connectionLost: (error) => {
      throw error;
    },
    log: silentLogger,
    dataDir: dir,
    now: Date.now,
  });
  await driver.connect(AbortSignal.timeout(10_000));
  driver.startAcquisition(points);
  driver.stopAcquisition();
  await driver.disconnect();
  const pub = await connectAsync(url, { reconnectPeriod: 0 });
  await publishAll(pub, messages);
  await pub.endAsync(true);
  const start = performance.now();
  // What the supervisor does: connect, then start acquisition.
  await driver.connect(AbortSignal.timeout(30_000));
  driver.startAcquisition(points);
  await waitFor(() => good >= readingsExpected, 'driver readings');
  await pipeline.flush();
  const seconds = (performance.now() - start) / 1000;
  if (other > 0) throw new Error(`${other} readings were not good`);
  if (pipeline.stats().committed < readingsExpected) throw new Error(`committed ${pipeline.stats().committed} of ${readingsExpected}`);
  await driver.disconnect();
  await pipeline.close();
  await store.close();
  return { messagesPerS: messages.length / seconds, readingsPerS: readingsExpected / seconds };
}

async function main(): Promise<void> {
  const broker = await startMosquitto({ extraConfig: ['max_queued_messages 1000000'] });
  try {
    const json = jsonMessages();
    const jsonAddresses = Array.from({ length: JSON_TOPICS }, (_, t) => `bench/json/area${Math.floor(t / 50)}/m${t}|json:v|ts:ts|quality:q`);
    const births = spbBirths();
    const spb = spbMessages();
    const spbAddresses: string[] = [];
    for (let d = 0; d < SPB_DEVICES; d++) for (let m = 0; m < SPB_METRICS; m++) spbAddresses.push(`spb:Bench/E1/D${d}|metric:Inputs/AI${m}`);

    // Warm up both paths (JIT, SQLite), then measure.
    await rawRun(broker.url, 'bench/json/#', json.slice(0, 5000));
    await driverRun(broker.url, 'bench/json/#', jsonAddresses, json.slice(0, 5000), 5000);
    const rawJson = await rawRun(broker.url, 'bench/json/#', json);
    const drvJson = await driverRun(broker.url, 'bench/json/#', jsonAddresses, json, JSON_MESSAGES);
    // The births lead the backlog; they carry one value per metric each.
    const spbBacklog = [...births, ...spb];
    const birthReadings = SPB_DEVICES * SPB_METRICS;
    const rawSpb = await rawRun(broker.url, 'spBv1.0/Bench/#', spbBacklog);
    const drvSpb = await driverRun(broker.url, 'spBv1.0/Bench/#', spbAddresses, spbBacklog, SPB_MESSAGES * SPB_PER_MESSAGE + birthReadings);
    const result = {
      bench: 'MQTT source: a queued backlog drained and stored by the driver vs received by a bare mqtt.js subscriber (mosquitto, QoS 1)',
      json: {
        topics: JSON_TOPICS,
        messages: JSON_MESSAGES,
        rawSubscriberMsgPerS: Math.round(rawJson),
        driverMsgPerS: Math.round(drvJson.messagesPerS),
        driverReadingsStoredPerS: Math.round(drvJson.readingsPerS),
        ratio: Number((drvJson.messagesPerS / rawJson).toFixed(2)),
      },
      sparkplug: {
        devices: SPB_DEVICES,
        metricsPerMessage: SPB_PER_MESSAGE,
        messages: SPB_MESSAGES + births.length,
        rawSubscriberMsgPerS: Math.round(rawSpb),
        driverMsgPerS: Math.round(drvSpb.messagesPerS),
        driverReadingsStoredPerS: Math.round(drvSpb.readingsPerS),
        ratio: Number((drvSpb.messagesPerS / rawSpb).toFixed(2)),
      },
      targets: 'none set (issue 5); the ratio says how much of the broker rate survives decoding and storing',
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
