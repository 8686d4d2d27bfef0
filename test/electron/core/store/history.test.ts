// The history engine on a real SQLite file: compaction into blocks, rollups, trend
// queries, retention with blocks and rollups, latest() across compaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../electron/core/log.js';
import { Store } from '../../../../electron/core/store/store.js';
import type { HistoryPoint } from '../../../../shared/api/types.js';
import type { Reading } from '../../../../shared/reading.js';
import { type TempDir, tempDir } from './helpers.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const H = 3_600_000;
let tmp: TempDir;

beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const open = (file: string, retention = { maxAgeDays: 3650, maxSizeMiB: 1 << 20 }) =>
  Store.open({ path: tmp.file(file), retention, log: silentLogger, compaction: false });

/** A mixed day-part: an analog with noise, a boolean, a counter, a string tag, bad spells. */
function readings(seconds: number, start = T0): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < seconds; i++) {
    const ts = start + i * 1000 + (i % 7);
    const bad = i % 500 >= 490;
    out.push({ tagId: 'analog', ts, value: bad ? null : Math.round((20 + 5 * Math.sin(i / 300) + ((i * 7919) % 13) / 10) * 10) / 10, quality: bad ? 'bad' : i % 250 === 0 ? 'uncertain' : 'good', ...(bad ? { status: 'no connection: timeout' } : {}) });
    out.push({ tagId: 'pump', ts, value: Math.floor(i / 400) % 2 === 0, quality: 'good' });
    out.push({ tagId: 'count', ts, value: i * 3, quality: 'good', ...(i % 11 === 0 ? { receiveTs: ts + 250 } : {}) });
    if (i % 60 === 0) out.push({ tagId: 'mode', ts, value: i % 120 === 0 ? 'auto' : 'manual ✓', quality: 'good' });
  }
  return out;
}

async function fill(store: Store, rs: Reading[]): Promise<void> {
  for (let i = 0; i < rs.length; i += 10_000) await store.append(rs.slice(i, i + 10_000));
}

describe('compaction', () => {
  it('moves every hot reading into blocks and queries return exactly what they returned before', async () => {
    const store = await open('a.db');
    await fill(store, readings(7200));
    const tags = ['analog', 'pump', 'count', 'mode'];
    const before = await Promise.all(tags.map((t) => store.queryHistory(t, T0, T0 + 2 * H, 1_000_000)));
    const small = await store.queryHistory('analog', T0 + 100_000, T0 + 200_000, 20, 'oldest');
    const statsBefore = await store.dbStats();
    expect(statsBefore.hotReadings).toBe(statsBefore.readings);
    const r = await store.compactNow();
    expect(r.readings).toBe(statsBefore.readings);
    expect(r.blocks).toBe(4 * 12);
    const stats = await store.dbStats();
    expect(stats.hotReadings).toBe(0);
    expect(stats.compactedReadings).toBe(statsBefore.readings);
    expect(stats.readings).toBe(statsBefore.readings);
    expect(stats.blocks).toBe(48);
    const after = await Promise.all(tags.map((t) => store.queryHistory(t, T0, T0 + 2 * H, 1_000_000)));
    expect(after).toEqual(before);
    expect(await store.queryHistory('analog', T0 + 100_000, T0 + 200_000, 20, 'oldest')).toEqual(small);
    // Newest first limit across blocks.
    const newest = await store.queryHistory('count', T0, T0 + 2 * H, 5);
    expect(newest.truncated).toBe(true);
    expect(newest.points.map((p) => p[1])).toEqual([7195, 7196, 7197, 7198, 7199].map((i) => i * 3));
    await store.close();
  });

  it('merges readings that arrive after their slice was compacted: a late reading with the same time replaces the stored one', async () => {
    const store = await open('b.db');
    await fill(store, readings(1200));
    await store.compactNow();
    const ts = T0 + 30 * 1000 + (30 % 7);
    await store.append([
      { tagId: 'count', ts, value: -1, quality: 'uncertain', status: 'late copy' },
      { tagId: 'count', ts: ts + 1, value: -2, quality: 'good' },
    ]);
    let h = await store.queryHistory('count', ts - 1, ts + 2, 10);
    expect(h.points).toEqual([
      [ts, -1, 'uncertain'],
      [ts + 1, -2, 'good'],
    ]);
    await store.compactNow();
    h = await store.queryHistory('count', ts - 1, ts + 2, 10);
    expect(h.points).toEqual([
      [ts, -1, 'uncertain'],
      [ts + 1, -2, 'good'],
    ]);
    expect(h.statuses).toEqual(['late copy', null]);
    const stats = await store.dbStats();
    expect(stats.readings).toBe(1200 * 3 + 20 + 1);
    expect(stats.hotReadings).toBe(0);
    await store.close();
  });

  it('keeps latest() right after compaction, across a reopen and read-only', async () => {
    const file = 'c.db';
    let store = await open(file);
    await fill(store, readings(900));
    await store.compactNow();
    const latest = (await store.latest()).sort((a, b) => a.tagId.localeCompare(b.tagId));
    await store.close();
    store = await open(file);
    expect((await store.latest()).sort((a, b) => a.tagId.localeCompare(b.tagId))).toEqual(latest);
    await store.close();
    const ro = await Store.open({ path: tmp.file(file), retention: { maxAgeDays: 1, maxSizeMiB: 1 }, log: silentLogger, readOnly: true });
    expect((await ro.latest()).sort((a, b) => a.tagId.localeCompare(b.tagId))).toEqual(latest);
    expect(latest.find((r) => r.tagId === 'count')?.value).toBe(899 * 3);
    await ro.close();
  });
});

describe('rollups and trends', () => {
  it('computes 1-minute and 1-hour rollups that agree with the raw readings', async () => {
    const store = await open('r.db');
    const rs = readings(7200);
    await fill(store, rs);
    await store.compactNow();
    const stats = await store.dbStats();
    // 4 tags, 120 minutes (the string tag counts readings but aggregates nothing).
    expect(stats.rollups['1m'].rows).toBe(4 * 120);
    expect(stats.rollups['1h'].rows).toBe(4 * 2);
    // A 30-day window forces 1 h rollups; compare with a brute-force aggregate.
    const trend = await store.queryTrend('analog', T0 - 15 * 24 * H, T0 + 15 * 24 * H, 2000);
    expect(trend.source).toBe('rollup-1h');
    const analog = rs.filter((r) => r.tagId === 'analog');
    expect(trend.readings).toBe(analog.length);
    const values = analog.filter((r) => r.quality !== 'bad' && typeof r.value === 'number').map((r) => r.value as number);
    const plotted = trend.points.map((p) => p[1]).filter((v): v is number => typeof v === 'number');
    expect(Math.max(...plotted)).toBe(Math.max(...values));
    expect(Math.min(...plotted)).toBe(Math.min(...values));
    await store.close();
  });

  it('returns every reading when the range holds no more than the points asked for, M4 otherwise, with extremes kept', async () => {
    const store = await open('t.db');
    const rs = readings(7200);
    await fill(store, rs);
    await store.compactNow();
    // 10 minutes, 600 readings, 2000 points: exactly the raw data.
    const raw = await store.queryTrend('analog', T0, T0 + 600_000 - 1, 2000);
    const hist = await store.queryHistory('analog', T0, T0 + 600_000 - 1, 100_000);
    expect(raw.source).toBe('raw');
    expect(raw.points).toEqual(hist.points);
    expect(raw.statuses).toEqual(hist.statuses);
    // 90 min, 5400 readings, 500 points (100 buckets: more than 90 minute rollups): M4 over raw.
    const dec = await store.queryTrend('analog', T0, T0 + 90 * 60_000 - 1, 500);
    expect(dec.source).toBe('decimated');
    expect(dec.points.length).toBeLessThanOrEqual(500);
    expect(dec.readings).toBe(5400);
    const all = (await store.queryHistory('analog', T0, T0 + 90 * 60_000 - 1, 100_000)).points;
    const nums = (pts: HistoryPoint[]) => pts.map((p) => p[1]).filter((v): v is number => typeof v === 'number');
    expect(Math.max(...nums(dec.points))).toBe(Math.max(...nums(all)));
    expect(Math.min(...nums(dec.points))).toBe(Math.min(...nums(all)));
    // Every plotted point is a real reading.
    const byTs = new Map(all.map((p) => [p[0], p]));
    for (const p of dec.points) expect(byTs.get(p[0])).toEqual(p);
    // Bad spells stay visible.
    expect(dec.points.some((p) => p[2] === 'bad')).toBe(true);
    // A day from 1-minute rollups, hot readings not yet compacted included.
    await store.append(readings(120, T0 + 2 * H));
    const day = await store.queryTrend('analog', T0 - 12 * H, T0 + 12 * H, 2000);
    expect(day.source).toBe('rollup-1m');
    expect(day.readings).toBe(7320);
    expect(day.points.length).toBeLessThanOrEqual(2000);
    expect(day.points.at(-1)![0]).toBeGreaterThanOrEqual(T0 + 2 * H);
    await store.close();
  });
});

describe('retention with blocks and rollups', () => {
  it('prunes raw readings by age, keeps the rollups longer, and applies a per-tag rule', async () => {
    const now = T0 + 10 * 24 * H;
    const store = await Store.open({
      path: tmp.file('p.db'),
      retention: { maxAgeDays: 5, maxSizeMiB: 1 << 20, rollupMaxAgeDays: 365, perTag: [{ tagIds: ['pump'], maxAgeDays: 30, rollupMaxAgeDays: 365 }] },
      log: silentLogger,
      compaction: false,
      now: () => now,
    });
    await fill(store, readings(3600));
    await fill(store, readings(600, now - H));
    await store.compactNow();
    const r = await store.pruneNow();
    expect(r.reason).toBe('age');
    expect(r.prunedReadings).toBe(3600 * 2 + 60);
    expect((await store.queryHistory('analog', T0, T0 + H, 10)).points).toEqual([]);
    expect((await store.queryHistory('pump', T0, T0 + H, 100_000)).points).toHaveLength(3600);
    expect((await store.queryHistory('analog', now - H, now, 100_000)).points).toHaveLength(600);
    // The rollups of the pruned hour are still there.
    const old = await store.queryTrend('analog', T0 - 200 * 24 * H, T0 + 200 * 24 * H, 200);
    expect(old.source).toBe('rollup-1h');
    expect(old.readings).toBe(3600 + 600);
    const stats = await store.dbStats();
    expect(stats.lastPrune?.reason).toBe('age');
    expect(stats.lastPrune?.message).toMatch(/pruned 7260 readings older than 2026-01-06T00:00:00.000Z \(age limit 5 d\)/);
    await store.close();
  });

  it('holds a disk budget by pruning the oldest slices first and says so', async () => {
    const now = T0 + 3 * H;
    const file = tmp.file('s.db');
    const store = await Store.open({ path: file, retention: { maxAgeDays: 3650, maxSizeMiB: 1 << 20 }, log: silentLogger, compaction: false, now: () => now });
    await fill(store, readings(3 * 3600));
    await store.compactNow();
    const full = await store.dbStats();
    await store.close();
    const budgetMiB = (full.fileBytes * 0.6) / (1024 * 1024);
    const tight = await Store.open({ path: file, retention: { maxAgeDays: 3650, maxSizeMiB: budgetMiB }, log: silentLogger, compaction: false, now: () => now });
    const events: unknown[] = [];
    tight.onPruned((e) => events.push(e));
    const r = await tight.pruneNow();
    expect(r.reason).toBe('size');
    expect(r.prunedReadings).toBeGreaterThan(0);
    expect(events).toHaveLength(1);
    const s = await tight.dbStats();
    expect(s.fileBytes - s.freeBytes).toBeLessThanOrEqual(budgetMiB * 1024 * 1024);
    // Oldest first: what is left is the newest, with no hole.
    const left = (await tight.queryHistory('count', T0, now, 1_000_000)).points;
    expect(left.at(-1)![1]).toBe((3 * 3600 - 1) * 3);
    for (let i = 1; i < left.length; i++) expect((left[i]![1] as number) - (left[i - 1]![1] as number)).toBe(3);
    expect(s.lastPrune?.message).toMatch(/disk budget .* MiB reached/);
    await tight.close();
  });
});
