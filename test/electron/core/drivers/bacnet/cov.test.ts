import { afterEach, describe, expect, it } from 'vitest';
import type { BacnetDriver } from '../../../../../electron/core/drivers/bacnet/index.js';
import { startBacnetDevice, type BacnetDevice, type BacnetDeviceOptions } from '../../../../support/bacnet-device.js';
import { harness, points, until, type Harness } from './harness.js';

const devices: BacnetDevice[] = [];
const drivers: BacnetDriver[] = [];

async function setup(options: BacnetDeviceOptions, settings: Parameters<typeof harness>[1]): Promise<{ d: BacnetDevice; h: Harness }> {
  const d = await startBacnetDevice({ objects: 30, ...options });
  devices.push(d);
  const h = harness(d, { cov: 'auto', ...settings });
  drivers.push(h.driver);
  await h.driver.connect(new AbortController().signal);
  return { d, h };
}

const valueOf = (h: Harness, point: number) => (h.latest(point)?.raw as { value?: unknown } | undefined)?.value;

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.disconnect();
  for (const d of devices.splice(0)) await d.close();
});

describe('BACnet COV', () => {
  it('falls back to polling when SubscribeCOV is rejected although the device lists it', async () => {
    const { d, h } = await setup({}, {});
    d.behaviour.reject.set(5, 9);
    h.driver.startAcquisition(points(['ai:1', 'ai:2'], 200));
    await until(() => h.driver.stats().polledPoints === 2 && h.latest(1), 20_000, 'fallback');
    expect(Object.values(h.driver.stats().covFallbacks)).toContain('rejected: unrecognized-service');
    d.set(0, 2, { presentValue: 5.5 });
    await until(() => valueOf(h, 1) === 5.5, 20_000, 'polled change');
  });

  it('subscribes unconfirmed by default and delivers changes from notifications, without polling', async () => {
    const { d, h } = await setup({}, {});
    h.driver.startAcquisition(points(['ai:1', 'bv:1', 'msv:1'], 60_000));
    await until(() => d.subscriptions.size === 3 && h.latest(2), 20_000, 'subscriptions');
    expect([...d.subscriptions.values()].every((s) => !s.confirmed)).toBe(true);
    const rpmBefore = d.requests.filter((r) => r.service === 14).length;
    d.set(0, 1, { presentValue: 42.25 });
    await until(() => valueOf(h, 0) === 42.25, 20_000, 'notification');
    d.set(5, 1, { presentValue: true });
    await until(() => valueOf(h, 1) === true, 20_000, 'binary notification');
    d.set(0, 1, { fault: true, reliability: 4 });
    await until(() => h.latest(0)?.status === 'fault: open-loop', 20_000, 'fault reason');
    expect(h.latest(0)?.quality).toBe('bad');
    expect(d.notificationsSent.unconfirmed).toBeGreaterThanOrEqual(5);
    expect(h.driver.stats()).toMatchObject({ covPoints: 3, polledPoints: 0 });
    // Only the initial read (and the fault's reliability read) used RPM/RP, no polling.
    expect(d.requests.filter((r) => r.service === 14).length - rpmBefore).toBeLessThanOrEqual(1);
  });

  it('uses confirmed notifications when configured, acknowledging each', async () => {
    const { d, h } = await setup({}, { covConfirmed: 'confirmed' });
    h.driver.startAcquisition(points(['ao:2'], 60_000));
    await until(() => d.subscriptions.size === 1, 20_000, 'subscription');
    expect([...d.subscriptions.values()][0]?.confirmed).toBe(true);
    d.set(1, 2, { presentValue: 7.5 });
    await until(() => valueOf(h, 0) === 7.5, 20_000, 'notification');
    await until(() => d.notificationsSent.acked >= 2 && d.notificationsSent.acked === d.notificationsSent.confirmed, 20_000, 'acks');
  });

  it('renews subscriptions before their lifetime ends', async () => {
    const { d, h } = await setup({}, { covLifetimeS: 10 });
    h.driver.startAcquisition(points(['ai:1', 'ai:2'], 60_000));
    await until(() => d.subscriptions.size === 2, 20_000, 'subscriptions');
    const first = Date.now();
    await until(() => [...d.subscriptions.values()].every((s) => s.count >= 2), 20_000, 'renewal');
    // Renewed at two thirds of the lifetime: before the 10 s run out.
    expect(Date.now() - first).toBeLessThan(10_000);
    expect([...d.subscriptions.values()].every((s) => s.lifetime === 10)).toBe(true);
    d.set(0, 2, { presentValue: 1.5 });
    await until(() => valueOf(h, 1) === 1.5, 20_000, 'notification after renewal');
  }, 30_000);

  it('falls back to polling when the device does not support COV', async () => {
    const { d, h } = await setup({ cov: false }, {});
    h.driver.startAcquisition(points(['ai:1', 'ai:2'], 200));
    await until(() => h.latest(1), 20_000, 'polled values');
    d.set(0, 1, { presentValue: 11.5 });
    await until(() => valueOf(h, 0) === 11.5, 20_000, 'polled change');
    expect(d.subscriptions.size).toBe(0);
    expect(h.driver.stats().polledPoints).toBe(2);
    expect(Object.values(h.driver.stats().covFallbacks)).toEqual([
      "SubscribeCOV is not in the device's protocol-services-supported",
      "SubscribeCOV is not in the device's protocol-services-supported",
    ]);
  });

  it('falls back to polling for the objects beyond a full subscription table, keeping the reason', async () => {
    const { d, h } = await setup({ cov: true, covTableSize: 2, objects: 60 }, {});
    h.driver.startAcquisition(points(['ai:1', 'ai:2', 'ai:3', 'ai:4', 'ai:5'], 200));
    await until(() => h.driver.stats().polledPoints === 3 && [0, 1, 2, 3, 4].every((i) => h.latest(i)), 20_000, 'fallback');
    expect(d.subscriptions.size).toBe(2);
    const stats = h.driver.stats();
    expect(stats.covPoints).toBe(2);
    expect(Object.values(stats.covFallbacks)).toContain('resources: no-space-to-add-list-element');
    d.set(0, 5, { presentValue: 99 });
    await until(() => valueOf(h, 4) === 99, 20_000, 'polled change of a fallback point');
  });

  it('cancels its subscriptions when acquisition stops', async () => {
    const { d, h } = await setup({}, {});
    h.driver.startAcquisition(points(['ai:1', 'ai:2'], 60_000));
    await until(() => d.subscriptions.size === 2, 20_000, 'subscriptions');
    h.driver.stopAcquisition();
    await until(() => d.subscriptions.size === 0, 20_000, 'cancellation');
  });
});
