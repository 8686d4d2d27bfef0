import net from 'node:net';
import { Aedes, type Client } from 'aedes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttDriver } from '../../../../../electron/core/drivers/mqtt/index.js';
import { abortSignal, harness, points, until } from './harness.js';

// aedes (MQTT 3.1.1) where the test must control the broker: refuse subscriptions, drop clients.
let broker: Aedes;
let server: net.Server;
let url: string;
const open: MqttDriver[] = [];

beforeAll(async () => {
  broker = await Aedes.createBroker({
    authorizeSubscribe: (_client, subscription, callback) => callback(null, subscription.topic.startsWith('secret/') ? null : subscription),
  });
  server = net.createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterEach(async () => {
  for (const d of open.splice(0)) await d.disconnect();
});

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('subscriptions and connection loss (aedes)', () => {
  it('fails the connect when the broker refuses a configured filter', async () => {
    const h = harness({ url, subscriptions: [{ filter: 'plant/#', qos: 1 }, { filter: 'secret/#', qos: 1 }] }, open);
    await expect(h.driver.connect(abortSignal())).rejects.toThrow(/broker refused the subscription to "secret\/#" \(not authorized\?\)/);
  });

  it('turns a tag bad when the broker refuses its topic', async () => {
    const h = harness({ url }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points(['plant/ok', 'secret/valve']));
    expect(await h.next(1)).toMatchObject({ quality: 'bad', status: 'broker refused the subscription to "secret/valve" (not authorized?)' });
    expect(h.driver.subscribed()).toEqual(['plant/ok']);
  });

  it('reports connectionLost when the broker drops the client', async () => {
    let client: Client | undefined;
    const onReady = (c: Client) => {
      if (c.id === 'sv-drop-me') client = c;
    };
    broker.on('clientReady', onReady);
    const h = harness({ url, clientId: 'sv-drop-me' }, open);
    await h.driver.connect(abortSignal());
    h.driver.startAcquisition(points(['plant/x']));
    await until(() => client !== undefined);
    client!.close();
    broker.off('clientReady', onReady);
    await until(() => h.lost.length > 0);
    // Said once: the driver gives the reason, the supervisor adds "connection lost" and the endpoint.
    expect(h.lost[0]!.message).toBe('the broker closed the connection');
  });
});
