import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../../../shared/api/types.js';
import { silentLogger } from '../../../../../electron/core/log.js';
import { DeviceSupervisor } from '../../../../../electron/core/supervisor/supervisor.js';
import type { AcquisitionPoint, Driver, RawSample } from '../../../../../electron/core/drivers/types.js';
import { opcuaDriver, opcuaSettingsSchema, type OpcuaAddress } from '../../../../../electron/core/drivers/opcua/index.js';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../../../support/opcua-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/**
 * A TCP relay to the server that can black-hole its connections (a pulled cable: no FIN,
 * no RST, packets just stop) and refuse new ones until `heal()`.
 */
async function startRelay(target: number): Promise<{ port: number; blackhole(): void; heal(): void; close(): Promise<void> }> {
  const pairs = new Set<{ a: net.Socket; b: net.Socket; frozen: boolean }>();
  let refusing = false;
  const server = net.createServer((a) => {
    if (refusing) {
      a.destroy();
      return;
    }
    const b = net.connect(target, '127.0.0.1');
    const pair = { a, b, frozen: false };
    pairs.add(pair);
    a.on('data', (d) => (pair.frozen ? undefined : b.write(d)));
    b.on('data', (d) => (pair.frozen ? undefined : a.write(d)));
    const end = () => {
      pairs.delete(pair);
      a.destroy();
      b.destroy();
    };
    a.on('error', end).on('close', end);
    b.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    blackhole() {
      refusing = true;
      for (const p of pairs) p.frozen = true;
    },
    heal() {
      refusing = false;
    },
    async close() {
      for (const p of pairs) {
        p.a.destroy();
        p.b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let tmp: string;
let server: OpcuaTestServer;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-opcua-re-'));
  server = await startOpcuaTestServer({ pkiDir: path.join(tmp, 'server-pki'), bulk: 100, tickMs: 100 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
}, 30_000);

describe('OPC UA reconnect under the supervisor', () => {
  it('recovers session and subscriptions after a server restart: tags go bad, come back good, no duplicates, no gaps beyond the outage', async () => {
    const texts = ['ns=1;s=Plant.Dynamic.Counter', 'ns=1;s=Plant.Types.Double', 'ns=1;s=Plant.Dynamic.Counter|mode=read'];
    const points: AcquisitionPoint<OpcuaAddress>[] = texts.map((text, index) => {
      const parsed = opcuaDriver.parseAddress(text);
      if (!parsed.ok) throw new Error(parsed.message);
      return { index, tagId: `t${index}`, address: parsed.address, pollGroupId: 'g', intervalMs: 100 };
    });
    const samples: Array<RawSample & { at: number }> = [];
    const offline: Array<{ at: number; reason: string }> = [];
    const statuses: DeviceStatus[] = [];
    const settings = opcuaSettingsSchema.parse({ endpointUrl: server.endpointUrl, timeoutMs: 2000 });
    const supervisor = new DeviceSupervisor(
      {
        deviceId: 'ua',
        name: 'UA',
        driverId: 'opcua',
        endpoint: opcuaDriver.endpoint(settings),
        enabled: true,
        tagCount: points.length,
        connectTimeoutMs: 10_000,
        points,
        createDriver: (context) => opcuaDriver.create(settings, context) as Driver<unknown>,
      },
      {
        onStatus: (s) => statuses.push(s),
        onOffline: (_id, reason) => offline.push({ at: Date.now(), reason }),
        emit: (batch) => samples.push(...batch.map((s) => ({ ...s, at: Date.now() }))),
      },
      { log: silentLogger, dataDir: path.join(tmp, 'data'), backoff: { initialMs: 200, maxMs: 1000, multiplier: 2 } },
    );
    try {
      supervisor.start();
      await until(() => samples.filter((s) => s.point === 0).length >= 5 && samples.some((s) => s.point === 1) && samples.some((s) => s.point === 2));
      const before = samples.length;
      const restartAt = Date.now();
      await server.restart(1500);
      const upAt = Date.now();
      await until(() => offline.length > 0);
      expect(offline[0]?.reason).toMatch(/connection lost/);
      expect(offline[0]!.at).toBeLessThan(upAt);
      // Back: every tag delivers a good sample received after the server came back.
      await until(() => [0, 1, 2].every((p) => samples.some((s) => s.point === p && s.at > upAt && s.quality === 'good')));
      const recoveredAt = Math.min(...[0, 1, 2].map((p) => samples.find((s) => s.point === p && s.at > upAt)!.at));
      await until(() => samples.filter((s) => s.point === 0 && s.at > upAt).length >= 5);
      expect(supervisor.status().state).toBe('connected');

      for (const p of [0, 1, 2]) {
        const mine = samples.filter((s) => s.point === p);
        const stamps = mine.map((s) => s.sourceTs ?? s.receiveTs);
        // No duplicate readings: timestamps strictly increase per tag, across the outage.
        for (let i = 1; i < stamps.length; i++) expect(stamps[i]!, `point ${p} sample ${i}`).toBeGreaterThan(stamps[i - 1]!);
      }
      // A sample without a value may arrive while the server shuts down (its last
      // notification carries a bad status): it must be marked bad and say why.
      const valueless = samples.filter((s) => s.raw === undefined);
      for (const s of valueless) {
        expect(s.quality, JSON.stringify(s)).not.toBe('good');
        expect(s.status, JSON.stringify(s)).toBeTruthy();
      }
      // The counter by subscription: consecutive values, except across the outage itself.
      const counter = samples.filter((s) => s.point === 0 && s.raw?.kind === 'value').map((s) => (s.raw as { value: number }).value);
      const jumps = counter.slice(1).map((v, i) => v - counter[i]!);
      expect(jumps.filter((d) => d < 1), `counter values ${counter.join(',')}`).toEqual([]);
      expect(jumps.filter((d) => d > 1).length, `counter values ${counter.join(',')}`).toBeLessThanOrEqual(1);
      // The unchanging Double came back too, stamped at recovery (not a copy of the old reading).
      const constant = samples.filter((s) => s.point === 1);
      expect(constant.length).toBeGreaterThanOrEqual(2);
      expect(constant.at(-1)!.sourceTs ?? constant.at(-1)!.receiveTs).toBeGreaterThan(restartAt);
      expect(samples.length).toBeGreaterThan(before);
      process.stderr.write(`opcua reconnect: server down ${upAt - restartAt} ms, tags good again ${recoveredAt - upAt} ms after the server was back\n`);
    } finally {
      await supervisor.stop();
    }
  }, 60_000);

  it('notices a silent network drop (no FIN) by keep-alive, and recovers when the path heals', async () => {
    const relay = await startRelay(server.port);
    const parsed = opcuaDriver.parseAddress('ns=1;s=Plant.Dynamic.Counter');
    if (!parsed.ok) throw new Error(parsed.message);
    const samples: Array<RawSample & { at: number }> = [];
    const offline: Array<{ at: number; reason: string }> = [];
    const settings = opcuaSettingsSchema.parse({ endpointUrl: `opc.tcp://127.0.0.1:${relay.port}`, timeoutMs: 1000 });
    const supervisor = new DeviceSupervisor(
      {
        deviceId: 'ua2',
        name: 'UA2',
        driverId: 'opcua',
        endpoint: opcuaDriver.endpoint(settings),
        enabled: true,
        tagCount: 1,
        connectTimeoutMs: 5000,
        points: [{ index: 0, tagId: 'c', address: parsed.address, pollGroupId: 'g', intervalMs: 100 }],
        createDriver: (context) => opcuaDriver.create(settings, context) as Driver<unknown>,
      },
      { onStatus: () => undefined, onOffline: (_id, reason) => offline.push({ at: Date.now(), reason }), emit: (batch) => samples.push(...batch.map((s) => ({ ...s, at: Date.now() }))) },
      { log: silentLogger, dataDir: path.join(tmp, 'data'), backoff: { initialMs: 200, maxMs: 1000, multiplier: 2 } },
    );
    try {
      supervisor.start();
      await until(() => samples.length >= 5);
      const droppedAt = Date.now();
      relay.blackhole();
      await until(() => offline.length > 0);
      const detectedMs = offline[0]!.at - droppedAt;
      relay.heal();
      const healedAt = Date.now();
      await until(() => samples.some((s) => s.at > healedAt && s.quality === 'good'));
      const recoveredMs = samples.find((s) => s.at > healedAt)!.at - healedAt;
      const stamps = samples.map((s) => s.sourceTs ?? s.receiveTs);
      for (let i = 1; i < stamps.length; i++) expect(stamps[i]!).toBeGreaterThan(stamps[i - 1]!);
      process.stderr.write(`opcua silent drop: detected after ${detectedMs} ms (timeoutMs 1000), good again ${recoveredMs} ms after the path healed\n`);
    } finally {
      await supervisor.stop();
      await relay.close();
    }
  }, 60_000);
});
