import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { MqttDriver } from '../../../../../electron/core/drivers/mqtt/index.js';
import { startMosquitto, type Mosquitto } from '../../../../support/mosquitto.js';
import { abortSignal, harness, points, publisher, until, valueOf } from './harness.js';

const open: MqttDriver[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.disconnect();
});

/** Connects, subscribes one tag and checks a published value arrives. */
async function roundTrip(h: ReturnType<typeof harness>, publish: () => Promise<void>): Promise<void> {
  await h.driver.connect(abortSignal());
  h.driver.startAcquisition(points(['sec/value']));
  await until(() => h.driver.subscribed().includes('sec/value'));
  await publish();
  await until(() => h.last(0) !== undefined);
  expect(valueOf(h.last(0))).toBe(1);
}

describe('username and password', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ auth: { username: 'ops', password: 'p4ss word' } });
  }, 30_000);
  afterAll(async () => broker?.stop());

  it('reads the password from the named environment variable', async () => {
    process.env.SV_TEST_MQTT_PW = 'p4ss word';
    const h = harness({ url: broker.url, username: 'ops', passwordEnv: 'SV_TEST_MQTT_PW' }, open);
    const pub = await publisher(broker.url, { username: 'ops', password: 'p4ss word' });
    await roundTrip(h, async () => void (await pub.publishAsync('sec/value', '1')));
    await pub.endAsync(true);
  });

  it('explains a refused login and a missing variable, for MQTT 3.1.1 and 5', async () => {
    process.env.SV_TEST_MQTT_BAD = 'nope';
    const v4 = harness({ url: broker.url, username: 'ops', passwordEnv: 'SV_TEST_MQTT_BAD' }, open);
    await expect(v4.driver.connect(abortSignal())).rejects.toThrow(/^broker refused the connection: not authorized; check username and the passwordEnv variable \(or the client certificate\)$/);
    const v5 = harness({ url: broker.url, protocolVersion: 5, username: 'ops', passwordEnv: 'SV_TEST_MQTT_BAD' }, open);
    await expect(v5.driver.connect(abortSignal())).rejects.toThrow(/broker refused the connection: (not authorized|bad user name or password)/);
    const missing = harness({ url: broker.url, username: 'ops', passwordEnv: 'SV_TEST_MQTT_UNSET_VAR' }, open);
    await expect(missing.driver.connect(abortSignal())).rejects.toThrow(/environment variable SV_TEST_MQTT_UNSET_VAR is not set/);
  });
});

describe('TLS with a pinned CA', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ tls: {} });
  }, 30_000);
  afterAll(async () => broker?.stop());

  it('connects when the broker certificate is signed by the pinned CA', async () => {
    const pki = broker.pki!;
    const h = harness({ url: broker.url, tls: { caFile: pki.caFile } }, open);
    const pub = await publisher(broker.url, { ca: readFileSync(pki.caFile) });
    await roundTrip(h, async () => void (await pub.publishAsync('sec/value', '1')));
    await pub.endAsync(true);
  });

  it('refuses a broker whose certificate another CA signed, with a clear error', async () => {
    const wrong = harness({ url: broker.url, tls: { caFile: broker.pki!.wrongCaFile }, timeoutMs: 3000 }, open);
    await expect(wrong.driver.connect(abortSignal())).rejects.toThrow(/TLS: the broker certificate is not signed by the pinned CA \(tls\.caFile\)/);
    const system = harness({ url: broker.url, timeoutMs: 3000 }, open);
    await expect(system.driver.connect(abortSignal())).rejects.toThrow(/TLS: the broker certificate is not signed by a CA this system trusts; pin its CA with tls\.caFile/);
    const unreadable = harness({ url: broker.url, tls: { caFile: '/nonexistent/ca.pem' } }, open);
    await expect(unreadable.driver.connect(abortSignal())).rejects.toThrow(/tls\.caFile: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/);
  });
});

describe('mutual TLS', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ tls: { clientCerts: true } });
  }, 30_000);
  afterAll(async () => broker?.stop());

  it('connects with the client certificate and is refused without one or with a stranger', async () => {
    const pki = broker.pki!;
    const h = harness({ url: broker.url, protocolVersion: 5, tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile } }, open);
    const pub = await publisher(broker.url, { ca: readFileSync(pki.caFile), cert: readFileSync(pki.clientCertFile), key: readFileSync(pki.clientKeyFile) });
    await roundTrip(h, async () => void (await pub.publishAsync('sec/value', '1')));
    await pub.endAsync(true);

    const without = harness({ url: broker.url, tls: { caFile: pki.caFile }, timeoutMs: 3000 }, open);
    await expect(without.driver.connect(abortSignal())).rejects.toThrow(/^TLS: the broker requires a client certificate; set tls\.certFile and tls\.keyFile/);
    const stranger = harness({ url: broker.url, tls: { caFile: pki.caFile, certFile: pki.strangerCertFile, keyFile: pki.strangerKeyFile }, timeoutMs: 3000 }, open);
    await expect(stranger.driver.connect(abortSignal())).rejects.toThrow(/TLS: the broker does not trust the client certificate/);
  });
});
