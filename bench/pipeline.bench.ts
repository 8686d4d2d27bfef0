/**
 * Pipeline bench (run: npm run bench -- pipeline). Readings/s through the whole path
 * after the driver — normalizer (float32 decode + linear scaling) -> pipeline (fan-out to
 * the live feed, batching at 50k) -> Store (worker thread, SQLite) — until every reading
 * is committed, vs a raw better-sqlite3 insert loop on the same schema measured in the
 * same run. Targets: >= 250k readings/s and >= 0.5x raw.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RawSample } from '../electron/core/drivers/types.js';
import { silentLogger } from '../electron/core/log.js';
import { compileNormalizer } from '../electron/core/normalizer/normalizer.js';
import { LiveFeed } from '../electron/core/pipeline/live-feed.js';
import { Pipeline } from '../electron/core/pipeline/pipeline.js';
import { Store } from '../electron/core/store/store.js';
import { T0, makeBatches, rawInsert } from './lib/sqlite-reference.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-bench-pipeline-'));
const TAGS = 800;
const TOTAL = 1_600_000;

async function pipelineRun(total: number): Promise<{ perS: number; cpuMs: number }> {
  const store = await Store.open({ path: path.join(dir, `pipeline-${Math.random()}.db`), retention: { maxAgeDays: 3650, maxSizeMiB: 1 << 20 }, log: silentLogger });
  const tags = Array.from({ length: TAGS }, (_, t) => ({ tagId: `dev1/tag${t}`, name: `tag ${t}`, unit: '°C' }));
  await store.ensureTags(tags);
  const normalize = compileNormalizer(tags.map((t) => ({ tagId: t.tagId, decode: { kind: 'registers', type: 'float32', order: 'abcd' }, scaling: { kind: 'linear', factor: 0.1, offset: -5 } })));
  const pipeline = new Pipeline({ store, commitIntervalMs: 1000, maxBatch: 50_000, log: silentLogger });
  const live = new LiveFeed(250);
  live.subscribe(() => undefined);
  pipeline.attach(live);
  // One poll cycle of all tags = one emit, as a driver does; timestamps advance 1 s per cycle.
  const words = new Uint16Array([0x41a4, 0x0000]);
  const cycle: RawSample[] = tags.map((_, i) => ({ point: i, raw: { kind: 'registers', words }, receiveTs: 0, quality: 'good' }));
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const cycles = total / TAGS;
  for (let c = 0; c < cycles; c++) {
    const ts = T0 + c * 1000;
    for (const sample of cycle) sample.receiveTs = ts + sample.point;
    pipeline.push(normalize(cycle));
    // Yield now and then so commits and worker replies interleave, as with real I/O.
    if (c % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await pipeline.flush();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const committed = pipeline.stats().committed;
  if (committed !== total) throw new Error(`committed ${committed} of ${total}`);
  live.close();
  await pipeline.close();
  await store.close();
  return { perS: total / seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main() {
  rawInsert(makeBatches(TAGS, 20_000), path.join(dir, 'warm.db'));
  await pipelineRun(80_000);
  const raw = rawInsert(makeBatches(TAGS, TOTAL), path.join(dir, 'raw.db'));
  const run = await pipelineRun(TOTAL);
  const result = {
    bench: 'pipeline readings/s into SQLite',
    tags: TAGS,
    readings: TOTAL,
    rawInsertLoopPerS: Math.round(raw),
    pipelinePerS: Math.round(run.perS),
    ratio: Number((run.perS / raw).toFixed(2)),
    processCpuUsPerReading_allThreads: Number(((run.cpuMs * 1000) / TOTAL).toFixed(3)),
    targets: { perS: 250_000, ratio: 0.5 },
    pass: run.perS >= 250_000 && run.perS / raw >= 0.5,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
