import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../../../../shared/reading.js';
import type { RawSample } from '../../../../../electron/core/drivers/types.js';
import { silentLogger } from '../../../../../electron/core/log.js';
import { compileNormalizer } from '../../../../../electron/core/normalizer/normalizer.js';
import { DeviceSupervisor } from '../../../../../electron/core/supervisor/supervisor.js';
import { mqttDriver, mqttSettingsSchema, type MqttDriver, type MqttSettingsInput } from '../../../../../electron/core/drivers/mqtt/index.js';
import type { MqttClient } from 'mqtt';
import { startMosquitto, type Mosquitto } from '../../../../support/mosquitto.js';
import { abortSignal, harness, points, publisher, until, valueOf } from './harness.js';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
}, 30_000);
afterAll(async () => broker?.stop());

describe('broker restart under the supervisor', () => {
  it.each<[string, Partial<MqttSettingsInput>]>([
    ['MQTT 3.1.1, clean session', { protocolVersion: 4 }],
    ['MQTT 5, persistent session', { protocolVersion: 5, session: 'persistent', clientId: `sv-recovery-${process.pid}` }],
  ])('%s: the connection comes back, subscriptions recover and data flows again', async (_name, extra) => {
    const topic = `recovery/${extra.protocolVersion}/value`;
    const pts = points([topic]);
    const normalize = compileNormalizer(pts.map((p) => ({ tagId: p.tagId, decode: mqttDriver.decodeSpec(p.address), scaling: { kind: 'none' } })));
    const readings: Reading[] = [];
    const offline: string[] = [];
    const settings = mqttSettingsSchema.parse({ url: broker.url, subscriptions: [{ filter: 'recovery/#', qos: 1 }], keepaliveS: 5, ...extra });
    const supervisor = new DeviceSupervisor(
      {
        deviceId: 'broker',
        name: 'broker',
        driverId: 'mqtt',
        endpoint: mqttDriver.endpoint(settings),
        enabled: true,
        tagCount: pts.length,
        connectTimeoutMs: 5000,
        points: pts,
        createDriver: (context) => mqttDriver.create(settings, context),
      },
      {
        onStatus: () => undefined,
        onOffline: (_id, reason) => offline.push(reason),
        emit: (samples: RawSample[]) => readings.push(...normalize(samples)),
      },
      { log: silentLogger, dataDir: os.tmpdir(), backoff: { initialMs: 100, maxMs: 1000, multiplier: 2 } },
    );
    const pub = await publisher(broker.url);
    try {
      supervisor.start();
      await until(() => supervisor.status().state === 'connected');
      // Publish (QoS 1) until a value arrives: proves the subscription is live.
      const flowing = (client: MqttClient, value: number) =>
        until(() => {
          void client.publishAsync(topic, String(value), { qos: 1 }).catch(() => undefined);
          return readings.some((r) => r.tagId === 't0' && r.value === value);
        }, 20_000, `value ${value}`);
      await flowing(pub, 1);
      await broker.restart();
      await pub.endAsync(true);
      await until(() => offline.length > 0, 20_000, 'outage noticed');
      expect(offline[0]).toMatch(/connection lost/);
      await until(() => supervisor.status().state === 'connected', 30_000, 'reconnected');
      const pub2 = await publisher(broker.url);
      await flowing(pub2, 2);
      await pub2.endAsync(true);
      expect(supervisor.status().attempts).toBe(0);
    } finally {
      await supervisor.stop();
      await pub.endAsync(true).catch(() => undefined);
    }
  }, 60_000);
});

describe('persistent sessions', () => {
  it.each([4, 5] as const)('MQTT %s: messages published while disconnected arrive, in order, after the reconnect', async (protocolVersion) => {
    const open: MqttDriver[] = [];
    const topic = `backlog/${protocolVersion}/v`;
    const h = harness({ url: broker.url, protocolVersion, session: 'persistent', clientId: `sv-backlog-${protocolVersion}-${process.pid}`, subscriptions: [{ filter: `backlog/${protocolVersion}/#`, qos: 1 }] }, open);
    const pub = await publisher(broker.url);
    try {
      await h.driver.connect(abortSignal());
      h.driver.startAcquisition(points([topic]));
      h.driver.stopAcquisition();
      await h.driver.disconnect();
      for (let i = 1; i <= 5; i++) await pub.publishAsync(topic, String(i), { qos: 1 });
      await h.driver.connect(abortSignal());
      h.driver.startAcquisition(points([topic]));
      await until(() => h.samples.length >= 5, 20_000, 'backlog');
      expect(h.samples.map((s) => valueOf(s))).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await h.driver.disconnect();
      await pub.endAsync(true);
    }
  });
});
