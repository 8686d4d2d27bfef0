/**
 * OPC UA subscription throughput (run: npm run bench -- opcua, about 60-80 s).
 *
 * A node-opcua server in a child process (its CPU is not ours) holds 50,000 Double
 * variables that all change every second. In this process, for 10,000 and then 50,000
 * monitored items at 1 s publishing (sampling: see SAMPLING_MS):
 *   - reference: a bare node-opcua client subscription counting notifications;
 *   - SensorVault: the opcua driver -> compileNormalizer -> Pipeline -> Store (SQLite in
 *     its worker thread), counting readings committed to the store.
 * Both measured over the same window after the initial values, in the same run, with
 * process CPU (all threads) as % of one core. Then: connect + create 800 monitored
 * items until all 800 have delivered (target ≤ 2 s).
 * Targets: 50k items delivered in full (≥ 0.98 of items x seconds), < 25 % of one core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributeIds, OPCUACertificateManager, OPCUAClient, TimestampsToReturn } from 'node-opcua';
import { silentLogger } from '../electron/core/log.js';
import { compileNormalizer } from '../electron/core/normalizer/normalizer.js';
import { Pipeline } from '../electron/core/pipeline/pipeline.js';
import { Store } from '../electron/core/store/store.js';
import type { AcquisitionPoint } from '../electron/core/drivers/types.js';
import { opcuaDriver, opcuaSettingsSchema, type OpcuaAddress } from '../electron/core/drivers/opcua/index.js';

const TOTAL = 50_000;
/**
 * 0 = exception-based sampling on the server (a notification per change). With 1000 the
 * node-opcua server runs a timer per monitored item and, on a shared 2-core machine,
 * cannot sample 50k items per second: it, not the client, would be measured.
 */
const SAMPLING_MS = 0;
const WARMUP_MS = 4000;
const WINDOW_MS = 6000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function nodeIds(count: number): string[] {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return Array.from({ length: count }, (_, i) => {
    const area = Math.floor(i / 1000) + 1;
    const line = Math.floor((i % 1000) / 100) + 1;
    return `ns=1;s=Plant.Bulk.A${pad(area, 2)}.L${pad(line, 2)}.V${pad((i % 100) + 1, 3)}`;
  });
}

interface Figures {
  items: number;
  notificationsPerS: number;
  deliveredRatio: number;
  cpuPctOfOneCore: number;
}

function cpuMeter() {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    return { ms: performance.now() - t0, cpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100 };
  };
}

async function bare(endpointUrl: string, count: number, dir: string): Promise<Figures> {
  // Its own PKI in the temp dir, not node-opcua's default folder in the home directory.
  const clientCertificateManager = new OPCUACertificateManager({ rootFolder: path.join(dir, 'bare-pki'), disableFileWatchers: true });
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, requestedSessionTimeout: 60_000, clientCertificateManager });
  await client.connect(endpointUrl);
  const session = await client.createSession();
  const subscription = await session.createSubscription2({ requestedPublishingInterval: 1000, requestedMaxKeepAliveCount: 10, requestedLifetimeCount: 60, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 1 });
  let notifications = 0;
  subscription.on('raw_notification', (message: { notificationData?: Array<{ monitoredItems?: unknown[] } | null> | null }) => {
    for (const n of message.notificationData ?? []) notifications += n?.monitoredItems?.length ?? 0;
  });
  const ids = nodeIds(count);
  for (let i = 0; i < ids.length; i += 1000) {
    await subscription.monitorItems(
      ids.slice(i, i + 1000).map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
      { samplingInterval: SAMPLING_MS, queueSize: 1, discardOldest: true },
      TimestampsToReturn.Both,
    );
  }
  await sleep(WARMUP_MS);
  const start = notifications;
  const meter = cpuMeter();
  await sleep(WINDOW_MS);
  const { ms, cpuPct } = meter();
  const got = notifications - start;
  await session.close(true);
  await client.disconnect();
  await clientCertificateManager.dispose();
  return { items: count, notificationsPerS: Math.round((got / ms) * 1000), deliveredRatio: Number((got / ((count * ms) / 1000)).toFixed(3)), cpuPctOfOneCore: Number(cpuPct.toFixed(1)) };
}

async function sensorvault(endpointUrl: string, count: number, dir: string): Promise<Figures> {
  const store = await Store.open({ path: path.join(dir, `opcua-${count}.db`), retention: { maxAgeDays: 3650, maxSizeMiB: 1 << 20 }, log: silentLogger });
  const ids = nodeIds(count);
  const tags = ids.map((_, i) => ({ tagId: `ua/t${i}`, name: `t${i}`, unit: '' }));
  await store.ensureTags(tags);
  const points: AcquisitionPoint<OpcuaAddress>[] = ids.map((text, index) => {
    const parsed = opcuaDriver.parseAddress(`${text}|sampling=${SAMPLING_MS}`);
    if (!parsed.ok) throw new Error(parsed.message);
    return { index, tagId: `ua/t${index}`, address: parsed.address, pollGroupId: 'g', intervalMs: 1000 };
  });
  const normalize = compileNormalizer(points.map((p) => ({ tagId: p.tagId, decode: opcuaDriver.decodeSpec(p.address), scaling: { kind: 'none' } })));
  const pipeline = new Pipeline({ store, commitIntervalMs: 1000, maxBatch: 50_000, log: silentLogger });
  const driver = opcuaDriver.create(opcuaSettingsSchema.parse({ endpointUrl, timeoutMs: 10_000 }), {
    emit: (samples) => pipeline.push(normalize(samples)),
    connectionLost: (error) => {
      throw error;
    },
    log: silentLogger,
    dataDir: path.join(dir, 'data'),
    now: Date.now,
  });
  await driver.connect(new AbortController().signal);
  driver.startAcquisition(points);
  await sleep(WARMUP_MS);
  await pipeline.flush();
  const start = pipeline.stats().committed;
  const meter = cpuMeter();
  await sleep(WINDOW_MS);
  await pipeline.flush();
  const { ms, cpuPct } = meter();
  const got = pipeline.stats().committed - start;
  driver.stopAcquisition();
  await driver.disconnect();
  await pipeline.close();
  await store.close();
  return { items: count, notificationsPerS: Math.round((got / ms) * 1000), deliveredRatio: Number((got / ((count * ms) / 1000)).toFixed(3)), cpuPctOfOneCore: Number(cpuPct.toFixed(1)) };
}

async function connectAndCreate(endpointUrl: string, dir: string): Promise<number> {
  const seen = new Set<number>();
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const driver = opcuaDriver.create(opcuaSettingsSchema.parse({ endpointUrl }), {
    emit: (samples) => {
      for (const s of samples) seen.add(s.point);
      if (seen.size >= 800) done();
    },
    connectionLost: () => undefined,
    log: silentLogger,
    dataDir: path.join(dir, 'data'),
    now: Date.now,
  });
  const points = nodeIds(800).map((text, index) => {
    const parsed = opcuaDriver.parseAddress(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return { index, tagId: `c${index}`, address: parsed.address, pollGroupId: 'g', intervalMs: 1000 };
  });
  const t0 = performance.now();
  await driver.connect(new AbortController().signal);
  driver.startAcquisition(points);
  await all;
  const ms = performance.now() - t0;
  await driver.disconnect();
  return Math.round(ms);
}

async function startServerChild(): Promise<{ child: ChildProcess; endpointUrl: string }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--server'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const endpointUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server child did not start within 60 s')), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
  });
  return { child, endpointUrl };
}

async function serverMain(): Promise<void> {
  const { startOpcuaTestServer } = await import('../test/support/opcua-server.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-bench-opcua-server-'));
  const server = await startOpcuaTestServer({ pkiDir: path.join(dir, 'pki'), bulk: TOTAL, bulkTickMs: 1000, tickMs: 1000 });
  process.stdout.write(`READY ${server.endpointUrl}\n`);
  const stop = () => {
    void server.close().finally(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-bench-opcua-'));
  const started = performance.now();
  const { child, endpointUrl } = await startServerChild();
  try {
    const createMs = await connectAndCreate(endpointUrl, dir);
    const bare10k = await bare(endpointUrl, 10_000, dir);
    const sv10k = await sensorvault(endpointUrl, 10_000, dir);
    const bare50k = await bare(endpointUrl, TOTAL, dir);
    const sv50k = await sensorvault(endpointUrl, TOTAL, dir);
    const result = {
      bench: 'OPC UA notifications/s delivered into the store vs a bare node-opcua subscription',
      publishingIntervalMs: 1000,
      samplingIntervalMs: SAMPLING_MS,
      windowMs: WINDOW_MS,
      runs: [
        { items: 10_000, bare: bare10k, sensorvault: sv10k, ratio: Number((sv10k.notificationsPerS / bare10k.notificationsPerS).toFixed(2)) },
        { items: TOTAL, bare: bare50k, sensorvault: sv50k, ratio: Number((sv50k.notificationsPerS / bare50k.notificationsPerS).toFixed(2)) },
      ],
      connectAndCreate800Ms: createMs,
      targets: { deliveredRatio50k: 0.98, cpuPctOfOneCore50k: 25, connectAndCreate800Ms: 2000 },
      pass: { delivered50k: sv50k.deliveredRatio >= 0.98, cpu50k: sv50k.cpuPctOfOneCore < 25, connectAndCreate800: createMs <= 2000 },
      note: 'cpu is this process (all threads, incl. the SQLite worker); the server runs in a child process',
      totalSeconds: Math.round((performance.now() - started) / 1000),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--server')) await serverMain();
else await main();
