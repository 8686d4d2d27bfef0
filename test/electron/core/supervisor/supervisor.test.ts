import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../../shared/api/types.js';
import type { RawSample } from '../../../../electron/core/drivers/types.js';
import { silentLogger } from '../../../../electron/core/log.js';
import { backoffDelay, defaultBackoff } from '../../../../electron/core/supervisor/backoff.js';
import { DeviceSupervisor } from '../../../../electron/core/supervisor/supervisor.js';
import { closedPort, createTcpLineDriver, startLineServer, waitFor } from '../../../support/tcp-driver.js';

const fastBackoff = { initialMs: 40, maxMs: 200, multiplier: 2 };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function supervise(port: number, options: { enabled?: boolean } = {}) {
  const statuses: DeviceStatus[] = [];
  const samples: RawSample[] = [];
  const offline: string[] = [];
  let driver: ReturnType<typeof createTcpLineDriver> | undefined;
  const supervisor = new DeviceSupervisor(
    {
      deviceId: `dev-${port}`,
      name: 'Test device',
      driverId: 'tcp-line',
      endpoint: `tcp://127.0.0.1:${port}`,
      enabled: options.enabled ?? true,
      tagCount: 1,
      connectTimeoutMs: 1000,
      points: [{ index: 0, tagId: 't', address: null, pollGroupId: 'g', intervalMs: 20 }],
      createDriver: (context) => (driver = createTcpLineDriver(port, context)),
    },
    { onStatus: (s) => statuses.push(s), onOffline: (_id, reason) => offline.push(reason), emit: (s) => samples.push(...s) },
    { log: silentLogger, backoff: fastBackoff, dataDir: os.tmpdir() },
  );
  cleanups.push(() => supervisor.stop());
  return { supervisor, statuses, samples, offline, driver: () => driver };
}

describe('backoff', () => {
  it('grows exponentially, is capped, and jitters within [nominal/2, nominal]', () => {
    expect(backoffDelay(defaultBackoff, 1, () => 0)).toBe(250);
    expect(backoffDelay(defaultBackoff, 1, () => 0.999999)).toBe(500);
    expect(backoffDelay(defaultBackoff, 3, () => 0.999999)).toBe(2000);
    expect(backoffDelay(defaultBackoff, 30, () => 0.999999)).toBe(30_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(defaultBackoff, 4, Math.random)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(2000);
  });
});

describe('DeviceSupervisor against a real TCP server on 127.0.0.1', () => {
  it('connects, acquires, and reports connected', async () => {
    const server = await startLineServer();
    cleanups.push(() => server.close());
    const { supervisor, samples } = supervise(server.port);
    supervisor.start();
    await waitFor(() => samples.length >= 3, 5000, 'samples');
    expect(supervisor.status().state).toBe('connected');
    expect(supervisor.status().attempts).toBe(0);
  });

  it('backs off with growing delays while nothing listens, marks the device offline once, then connects when the server appears', async () => {
    const port = await closedPort();
    const { supervisor, statuses, offline, samples } = supervise(port);
    supervisor.start();
    await waitFor(() => supervisor.status().attempts >= 3, 5000, 'three failed attempts');
    const backingOff = statuses.filter((s) => s.state === 'backing-off');
    expect(backingOff.length).toBeGreaterThanOrEqual(3);
    expect(backingOff[0]?.lastError).toMatch(/ECONNREFUSED/);
    expect(backingOff[0]?.retryAt).toBeTypeOf('number');
    expect(offline).toHaveLength(1);
    const server = await startLineServer(port);
    cleanups.push(() => server.close());
    await waitFor(() => supervisor.status().state === 'connected', 5000, 'connected');
    await waitFor(() => samples.length > 0, 5000, 'samples after connect');
    expect(supervisor.status().lastError).toBeUndefined();
  });

  it('reconnects on its own after the server drops the connection', async () => {
    const server = await startLineServer();
    cleanups.push(() => server.close());
    const { supervisor, statuses, offline, driver } = supervise(server.port);
    supervisor.start();
    await waitFor(() => supervisor.status().state === 'connected', 5000, 'connected');
    server.dropAll();
    await waitFor(() => statuses.some((s) => s.state === 'backing-off'), 5000, 'backing-off after drop');
    expect(offline[0]).toMatch(/connection lost/);
    await waitFor(() => supervisor.status().state === 'connected' && (driver()?.connects ?? 0) >= 2, 5000, 'reconnected');
    expect(server.connections).toBeGreaterThanOrEqual(2);
  });

  it('a dead device does not stall a live one', async () => {
    const server = await startLineServer();
    cleanups.push(() => server.close());
    const dead = supervise(await closedPort());
    const live = supervise(server.port);
    dead.supervisor.start();
    live.supervisor.start();
    await waitFor(() => live.samples.length >= 10, 5000, 'live samples');
    expect(dead.supervisor.status().state).not.toBe('connected');
  });

  it('never connects a disabled device', async () => {
    const server = await startLineServer();
    cleanups.push(() => server.close());
    const { supervisor, statuses } = supervise(server.port, { enabled: false });
    supervisor.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(supervisor.status().state).toBe('disabled');
    expect(statuses.every((s) => s.state === 'disabled')).toBe(true);
    expect(server.connections).toBe(0);
  });

  it('stop() ends acquisition and the connection', async () => {
    const server = await startLineServer();
    cleanups.push(() => server.close());
    const { supervisor, samples } = supervise(server.port);
    supervisor.start();
    await waitFor(() => samples.length >= 2, 5000, 'samples');
    await supervisor.stop();
    const count = samples.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(samples.length).toBe(count);
    expect(supervisor.status().state).toBe('stopped');
  });
});
