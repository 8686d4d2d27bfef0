/**
 * Store bench (run: npx tsx bench/store.bench.ts). Three figures, each against a
 * reference measured in the same run:
 *  1. Store.append throughput (worker thread, 10k readings per append, 800 and 10k tags)
 *     vs a raw better-sqlite3 insert loop on the same schema (prepared statement, 10k rows
 *     per transaction, on this thread). Targets: >= 250k readings/s and >= 0.5x raw.
 *  2. WAL bytes written per reading at 1 s commits (800 tags at 1 Hz, 120 commits as fast
 *     as possible, autocheckpoint off so the WAL only grows) vs bytes stored per reading
 *     ((page_count - freelist_count) * page_size / rows). Target: <= 2.5x.
 *  3. 1-tag 600 s range query latency through the Store, at 800 tags, vs the same query
 *     on a time-first (ts, tag_id) table (what the layout would cost without buckets).
 * Bounded to well under 60 s on a slow 2-core machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../electron/core/log.js';
import { encodeAppend } from '../electron/core/store/codec.js';
import { StoreEngine } from '../electron/core/store/engine.js';
import { Store } from '../electron/core/store/store.js';
import { BATCH, T0, makeBatches, rawInsert } from './lib/sqlite-reference.js';
import type { Reading } from '../shared/reading.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-bench-store-'));
const file = (name: string) => path.join(dir, name);
const retention = { maxAgeDays: 3650, maxSizeMiB: 1 << 20 };
const round = (x: number, d = 2) => Number(x.toFixed(d));

/** Store.append as the pipeline calls it: up to `inFlight` appends outstanding. */
async function storeAppend(batches: Reading[][], inFlight: number): Promise<number> {
  const store = await Store.open({ path: file(`store-${batches.length}-${inFlight}-${Math.random()}.db`), retention, log: silentLogger });
  const start = performance.now();
  const running = new Set<Promise<void>>();
  for (const b of batches) {
    const p = store.append(b).then(() => {
      running.delete(p);
    });
    running.add(p);
    if (running.size >= inFlight) await Promise.race(running);
  }
  await Promise.all(running);
  const s = (performance.now() - start) / 1000;
  await store.close();
  return (batches.length * batches[0]!.length) / s;
}

async function throughput(tags: number, total: number) {
  const batches = makeBatches(tags, total);
  // Warm-up (JIT, page cache), not counted.
  rawInsert(makeBatches(tags, 2 * BATCH), file(`raw-warm-${Math.random()}.db`));
  await storeAppend(makeBatches(tags, 2 * BATCH), 1);
  const raw = rawInsert(batches, file(`raw-${tags}-${Math.random()}.db`));
  const serial = await storeAppend(batches, 1);
  const pipelined = await storeAppend(batches, 2);
  return {
    tags,
    readings: total,
    rawReadingsPerS: Math.round(raw),
    storeReadingsPerS: Math.round(serial),
    storeReadingsPerS_2inFlight: Math.round(pipelined),
    ratio: round(serial / raw),
    ratio_2inFlight: round(pipelined / raw),
  };
}

/**
 * 800 tags at 1 Hz, each polled at its own phase within the second, scrambled against the
 * tag ids (poll groups at arbitrary offsets); each commit holds the last second of readings
 * and its boundary is not aligned with the buckets. That is the worst case: every commit
 * adds rows in between the rows of the previous commit in one bucket and starts the next.
 * (Commits aligned to whole seconds measured 1.88x here; phases in tag order, 1.87x.)
 * Through StoreEngine, the code the worker runs.
 */
function walAt1sCommits(preloadS: number, commits: number, tags = 800) {
  const dbFile = file('wal.db');
  const engine = new StoreEngine({ path: dbFile, readOnly: false }, () => undefined);
  const ids = new Map(engine.ensureTags(Array.from({ length: tags }, (_, t) => ({ tagId: `dev1/tag${t}`, name: `tag ${t}`, unit: '' }))));
  const phase = (t: number) => (t * 7919 + 13) % 1000;
  const second = (s: number, lo: number, hi: number): Reading[] => {
    const out: Reading[] = [];
    for (let t = 0; t < tags; t++) {
      const p = phase(t);
      if (p >= lo && p < hi) out.push({ tagId: `dev1/tag${t}`, ts: T0 + s * 1000 + p, value: 20 + Math.sin(s / 30 + t) * 5 + t / 1000, quality: 'good' });
    }
    return out;
  };
  const commit = (rows: Reading[]) => engine.append(encodeAppend(rows, ids).batch);
  for (let s = 0; s < preloadS; s++) commit(second(s, 0, 1000));
  const db = engine.connection;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  const walBefore = fs.statSync(`${dbFile}-wal`).size;
  const start = performance.now();
  for (let s = preloadS; s < preloadS + commits; s++) commit([...second(s - 1, 750, 1000), ...second(s, 0, 750)]);
  const ms = performance.now() - start;
  const walBytes = fs.statSync(`${dbFile}-wal`).size - walBefore;
  const rows = db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
  const used = engine.bytesUsed();
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 1000');
  engine.close();
  const walPerReading = walBytes / (commits * tags);
  const storedPerReading = used / rows;
  return {
    tags,
    commits,
    walFramesPerCommit: round(walBytes / (pageSize + 24) / commits, 1),
    walBytesPerReading: round(walPerReading, 1),
    storedBytesPerReading: round(storedPerReading, 1),
    ratio: round(walPerReading / storedPerReading),
    msPerCommit: round(ms / commits, 3),
    endTs: T0 + (preloadS + commits - 1) * 1000,
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

async function rangeQuery(endTs: number, tags = 800, n = 200) {
  // Through the Store, i.e. including the worker round trip.
  const store = await Store.open({ path: file('wal.db'), readOnly: true, retention, log: silentLogger });
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < n; i++) {
    const tag = `dev1/tag${(i * 37) % tags}`;
    const t = performance.now();
    const s = await store.queryHistory(tag, endTs - 600_000, endTs, 10_000);
    times.push(performance.now() - t);
    points = s.points.length;
  }
  await store.close();
  // Reference: a time-first table with the same rows, same query (range scan over all tags).
  const src = new Database(file('wal.db'), { readonly: true });
  const ref = new Database(':memory:');
  ref.exec('CREATE TABLE r(ts INTEGER, tag_id INTEGER, value, flags INTEGER, status_id INTEGER, PRIMARY KEY(ts, tag_id)) WITHOUT ROWID');
  const ins = ref.prepare('INSERT INTO r VALUES (?, ?, ?, ?, ?)');
  ref.transaction(() => {
    for (const row of src.prepare('SELECT ts, tag_id, value, flags, status_id FROM readings').raw().iterate()) ins.run(...(row as unknown[]));
  })();
  src.close();
  const q = ref.prepare('SELECT ts, value, flags FROM r WHERE tag_id = ? AND ts BETWEEN ? AND ? ORDER BY ts DESC LIMIT ?');
  const refTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    q.all(1 + ((i * 37) % tags), endTs - 600_000, endTs, 10_000);
    refTimes.push(performance.now() - t);
  }
  ref.close();
  return {
    tags,
    points,
    storeMedianMs: round(percentile(times, 0.5), 3),
    storeP95Ms: round(percentile(times, 0.95), 3),
    timeFirstScanMedianMs: round(percentile(refTimes, 0.5), 3),
  };
}

async function main() {
  const started = performance.now();
  try {
    const t800 = await throughput(800, 600_000);
    const t10k = await throughput(10_000, 600_000);
    const wal = walAt1sCommits(600, 120);
    const query = await rangeQuery(wal.endTs);
    const { endTs: _endTs, ...walOut } = wal;
    const worst = Math.min(t800.storeReadingsPerS, t10k.storeReadingsPerS);
    const worstRatio = Math.min(t800.ratio, t10k.ratio);
    const summary = {
      bench: 'store',
      throughput: [t800, t10k],
      wal: walOut,
      rangeQuery600s: query,
      targets: {
        readingsPerS: { value: worst, target: '>= 250000', ok: worst >= 250_000 },
        ratioVsRaw: { value: worstRatio, target: '>= 0.5', ok: worstRatio >= 0.5 },
        walVsStored: { value: wal.ratio, target: '<= 2.5', ok: wal.ratio <= 2.5 },
        rangeQueryMs: { value: query.storeMedianMs, target: 'a few ms', ok: query.storeMedianMs < 5 },
      },
      seconds: round((performance.now() - started) / 1000, 1),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
