/**
 * History engine bench (run: npm run bench -- history). Issue 10's table, side by side:
 *  1. stored bytes per reading after compaction, realistic signals (bench/lib/signals.ts:
 *     the seven classes, one per tag in turn), through the real Store, vs a plain 26-byte row;
 *  2. ingest throughput while a compaction runs vs ingest with it off (same data, same
 *     pre-filled hot table, in this run);
 *  3. trend query p95 through the Store (worker round trip included) on a database holding
 *     a day of 800 tags at 1 Hz (69.1M readings, written by the bulk generator below) plus
 *     29 older days of hour rollups: 1 tag x 24 h -> 2000 points, 8 tags x 1 h, 1 tag x
 *     30 days; vs reading the same number of points from memory;
 *  4. WAL bytes written per reading, 800 tags at 1 s commits (hot table, autocheckpoint off),
 *     vs stored bytes per reading after compaction.
 * BENCH_QUICK=1 builds a 2-hour database instead of a day (for trying the bench out).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../electron/core/log.js';
import { History, SLICE_MS } from '../electron/core/store/history.js';
import { migrate } from '../electron/core/store/migrations/index.js';
import { HOUR_MS, rollupParams, emptyRollup, combine, rollupColumns } from '../electron/core/store/rollup.js';
import { Store } from '../electron/core/store/store.js';
import { ValueKind } from '../electron/core/store/protocol.js';
import type { Reading } from '../shared/reading.js';
import { realisticMix, SIGNAL_CLASSES } from './lib/signals.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-bench-history-'));
const QUICK = process.env.BENCH_QUICK === '1';
const TAGS = 800;
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const retention = { maxAgeDays: 3650, maxSizeMiB: 1 << 20 };
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function toReadings(tagId: string, c: ReturnType<typeof realisticMix>): Reading[] {
  const out: Reading[] = [];
  let s = 0;
  for (let i = 0; i < c.count; i++) {
    const k = c.kind[i]!;
    const value = k === ValueKind.number ? c.num[i]! : k === ValueKind.boolean ? c.num[i] !== 0 : k === ValueKind.string ? c.strings[s++]! : null;
    out.push({ tagId, ts: c.ts[i]!, value, quality: c.quality[i] === 0 ? 'good' : c.quality[i] === 1 ? 'uncertain' : 'bad', ...(c.status[i]! >= 0 ? { status: `status ${c.status[i]}` } : {}) });
  }
  return out;
}

/** 1. Bytes per reading through the real Store: 70 tags (10 of each class) x 2 h at 1 Hz. */
async function bytesPerReading() {
  const store = await Store.open({ path: path.join(dir, 'bytes.db'), retention, log: silentLogger, compaction: false });
  const tags = 70;
  const seconds = 7200;
  const perTag = Array.from({ length: tags }, (_, t) => toReadings(`t${t}`, realisticMix(t, seconds, T0)));
  for (let s = 0; s < seconds; s += 60) {
    const batch: Reading[] = [];
    for (let t = 0; t < tags; t++) batch.push(...perTag[t]!.slice(s, s + 60));
    await store.append(batch);
  }
  const hot = await store.dbStats();
  await store.compactNow();
  const st = await store.dbStats();
  await store.close();
  return {
    readings: st.readings,
    hotBytesPerReading: round(hot.hotBytes / hot.readings),
    storedBytesPerReading: round(st.blockBytes / st.readings),
    rollupBytesPerReading: round(st.rollupBytes / st.readings),
    vsPlainRow: round(st.blockBytes / st.readings / 26, 3),
  };
}

function cycleBatches(tags: number, seconds: number, start: number): Reading[][] {
  const out: Reading[][] = [];
  for (let s = 0; s < seconds; s += 10) {
    const b: Reading[] = [];
    for (let k = s; k < s + 10; k++) for (let t = 0; t < tags; t++) b.push({ tagId: `dev/t${t}`, ts: start + k * 1000 + (t % 13), value: Math.round(Math.sin(k / 60 + t) * 1000) / 10, quality: 'good' });
    out.push(b);
  }
  return out;
}

/** 2. Ingest with a compaction running vs off. */
async function ingestWithCompaction() {
  const prefill = cycleBatches(TAGS, 1800, T0);
  const ingest = cycleBatches(TAGS, 2000, T0 + 3_600_000);
  const total = ingest.reduce((n, b) => n + b.length, 0);
  const run = async (name: string, compact: boolean, duty = 0.25) => {
    const store = await Store.open({ path: path.join(dir, `${name}.db`), retention, log: silentLogger, compaction: false });
    for (const b of prefill) await store.append(b);
    const compaction = compact ? store.compactNow(0, duty) : Promise.resolve(null);
    const t0 = performance.now();
    let pending: Promise<void>[] = [];
    for (const b of ingest) {
      pending.push(store.append(b));
      if (pending.length >= 8) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    const seconds = (performance.now() - t0) / 1000;
    const c = await compaction;
    await store.close();
    return { perS: total / seconds, compacted: c?.readings ?? 0 };
  };
  await run('warm', false);
  const off = await run('off', false);
  // The background job's pace (duty cycle 0.25), and flat out (what `db compact` does).
  const on = await run('on', true);
  const flat = await run('flat', true, 1);
  return {
    readings: total,
    offPerS: Math.round(off.perS),
    onPerS: Math.round(on.perS),
    compactedMeanwhile: on.compacted,
    ratio: round(on.perS / off.perS),
    flatOutRatio: round(flat.perS / off.perS),
  };
}

/**
 * The bulk generator: writes blocks and rollups straight through the engine's own
 * History.putBlock (the compactor's write path), a slice of all tags per transaction.
 */
function generate(file: string, hours: number, olderRollupDays: number): { readings: number; seconds: number } {
  const started = performance.now();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  migrate(db, file);
  const insertTag = db.prepare(`INSERT INTO tags(id, key, name, unit) VALUES (?, ?, ?, '')`);
  const history = new History(db);
  db.transaction(() => {
    for (let t = 0; t < TAGS; t++) insertTag.run(t + 1, `dev/t${t}`, `tag ${t}`);
  })();
  let readings = 0;
  const start = T0 + olderRollupDays * DAY_MS;
  const slices = (hours * HOUR_MS) / SLICE_MS;
  for (let s = 0; s < slices; s++) {
    const t0 = start + s * SLICE_MS;
    db.transaction(() => {
      const hoursTouched = new Map<number, Set<number>>();
      for (let t = 0; t < TAGS; t++) {
        // Seeded per tag and slice: a different stretch of the tag's class each slice.
        const cols = realisticMix(t + s * TAGS * SIGNAL_CLASSES.length, SLICE_MS / 1000, t0);
        history.putBlock(Math.floor(t0 / SLICE_MS), t + 1, cols, hoursTouched);
        readings += cols.count;
      }
      history.updateHours(hoursTouched);
    })();
  }
  // Older days: only hour rollups survive (raw pruned after a day), from a 1/min signal.
  const put = db.prepare(`INSERT OR REPLACE INTO rollups(res, bucket, tag_id, n, nv, good, min, min_ts, max, max_ts, sum, first, first_ts, last, last_ts) VALUES (${new Array(15).fill('?').join(', ')})`);
  for (let d = 0; d < olderRollupDays; d++) {
    db.transaction(() => {
      for (let t = 0; t < TAGS; t++) {
        const cols = realisticMix(t, 1440, T0 + d * DAY_MS);
        // 1440 samples a minute apart stand for a day at 1 Hz: hour rollups of n = 3600.
        for (const m of rollupColumns(cols, HOUR_MS)) {
          const h = emptyRollup(m.bucket);
          combine(h, m);
          h.n *= 60;
          h.nv *= 60;
          h.good *= 60;
          h.sum *= 60;
          put.run(HOUR_MS, m.bucket, t + 1, ...rollupParams(h));
        }
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { readings, seconds: (performance.now() - started) / 1000 };
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
}

async function trendQueries(file: string, hours: number, olderDays: number) {
  const store = await Store.open({ path: file, retention, log: silentLogger, readOnly: true });
  const dayStart = T0 + olderDays * DAY_MS;
  const end = dayStart + hours * HOUR_MS;
  const time = async (f: () => Promise<number>, n: number) => {
    const ms: number[] = [];
    let points = 0;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      points = await f();
      ms.push(performance.now() - t);
    }
    return { p95: round(p95(ms)), points };
  };
  const rnd = (i: number) => `dev/t${(i * 7919) % TAGS}`;
  let i = 0;
  const day = await time(async () => (await store.queryTrend(rnd(i++), end - Math.min(24, hours) * HOUR_MS, end, 2000)).points.length, 40);
  const eight = await time(async () => {
    const base = i++;
    const all = await Promise.all(Array.from({ length: 8 }, (_, k) => store.queryTrend(rnd(base * 8 + k), end - HOUR_MS, end, 2000)));
    return all.reduce((n, r) => n + r.points.length, 0);
  }, 40);
  const month = await time(async () => (await store.queryTrend(rnd(i++), end - 30 * DAY_MS, end, 2000)).points.length, 40);
  const sources = [
    (await store.queryTrend(rnd(1), end - Math.min(24, hours) * HOUR_MS, end, 2000)).source,
    (await store.queryTrend(rnd(1), end - HOUR_MS, end, 2000)).source,
    (await store.queryTrend(rnd(1), end - 30 * DAY_MS, end, 2000)).source,
  ];
  const statsStarted = performance.now();
  const stats = await store.dbStats();
  const dbStatsMs = round(performance.now() - statsStarted, 1);
  await store.close();
  // Reference: the same number of points read from memory (a copy out of a resident array).
  const mem = new Float64Array(3 * 86_400);
  for (let k = 0; k < mem.length; k++) mem[k] = Math.sin(k);
  const memory = (points: number) => {
    const ms: number[] = [];
    for (let r = 0; r < 40; r++) {
      const t = performance.now();
      const out: Array<[number, number]> = new Array(points);
      const off = (r * 997) % (mem.length - points);
      for (let k = 0; k < points; k++) out[k] = [k, mem[off + k]!];
      ms.push(performance.now() - t);
    }
    return round(p95(ms), 3);
  };
  return {
    readings: stats.readings,
    fileGiB: round(stats.fileBytes / 2 ** 30, 2),
    bytesPerReading: round(stats.bytesPerReading),
    // db stats scans every page (dbstat) and every block: what the Storage tab costs the store worker every 10 s.
    dbStatsMs,
    sources,
    day: { ...day, target: '<= 20 ms', memoryMs: memory(day.points) },
    eightTagsHour: { ...eight, target: '<= 10 ms', memoryMs: memory(eight.points) },
    month: { ...month, target: '<= 20 ms', memoryMs: memory(month.points) },
  };
}

/** 4. WAL per reading at 1 s commits through the hot table, vs stored bytes after compaction. */
function walPerReading(storedPerReading: number) {
  const file = path.join(dir, 'wal.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db, file);
  const ins = db.prepare(`INSERT OR REPLACE INTO readings(bucket, tag_id, ts, value, flags, status_id, receive_delta) VALUES (?, ?, ?, ?, 0, NULL, NULL)`);
  const commit = (s: number) =>
    db.transaction(() => {
      for (let t = 0; t < TAGS; t++) {
        const ts = T0 + s * 1000 + ((t * 37) % 1000);
        ins.run(Math.floor(ts / 1000), t + 1, ts, Math.round(Math.sin(s / 60 + t) * 1000) / 10);
      }
    })();
  for (let s = 0; s < 600; s++) commit(s);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  const before = fs.statSync(`${file}-wal`).size;
  for (let s = 600; s < 720; s++) commit(s);
  const wal = fs.statSync(`${file}-wal`).size - before;
  db.close();
  const per = wal / (120 * TAGS);
  return { walBytesPerReading: round(per, 1), storedBytesPerReading: storedPerReading, ratio: round(per / storedPerReading, 1), target: '<= 1.2' };
}

async function main() {
  const bytes = await bytesPerReading();
  process.stdout.write(`stored bytes per reading after compaction: ${JSON.stringify(bytes)}\n`);
  const ingest = await ingestWithCompaction();
  process.stdout.write(`ingest with compaction running vs off: ${JSON.stringify(ingest)}\n`);
  const hours = QUICK ? 2 : 24;
  const olderDays = 29;
  const file = path.join(dir, 'day.db');
  const gen = generate(file, hours, olderDays);
  process.stdout.write(`bulk generator: ${gen.readings.toLocaleString('en-US')} readings (${hours} h x ${TAGS} tags) + ${olderDays} days of hour rollups in ${round(gen.seconds, 1)} s\n`);
  const q = await trendQueries(file, hours, olderDays);
  process.stdout.write(`trend queries: ${JSON.stringify(q)}\n`);
  const wal = walPerReading(bytes.storedBytesPerReading);
  process.stdout.write(`WAL at 1 s commits: ${JSON.stringify(wal)}\n`);
  process.stdout.write(
    `${JSON.stringify({
      summary: {
        bytesPerReading: { value: bytes.storedBytesPerReading, target: '<= 4', ok: bytes.storedBytesPerReading <= 4 },
        ingestWithCompaction: { value: ingest.ratio, target: '>= 0.8', ok: ingest.ratio >= 0.8 },
        trendDayP95Ms: { value: q.day.p95, target: '<= 20', ok: q.day.p95 <= 20 },
        trend8x1hP95Ms: { value: q.eightTagsHour.p95, target: '<= 10', ok: q.eightTagsHour.p95 <= 10 },
        trendMonthP95Ms: { value: q.month.p95, target: '<= 20', ok: q.month.p95 <= 20 },
        walVsStored: { value: wal.ratio, target: '<= 1.2', ok: wal.ratio <= 1.2 },
      },
    })}\n`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
