import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, type StoreOptions } from '../../../../electron/core/store/store.js';
import type { Reading } from '../../../../shared/reading.js';
import { memoryLogger, tempDir, type TempDir } from './helpers.js';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

describe('Store', () => {
  let tmp: TempDir;
  const open: Store[] = [];
  const openStore = async (extra: Partial<StoreOptions> = {}): Promise<Store> => {
    const s = await Store.open({ path: tmp.file('a.db'), retention: { maxAgeDays: 3650, maxSizeMiB: 1024 }, log: memoryLogger().log, ...extra });
    open.push(s);
    return s;
  };
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    tmp.remove();
  });

  it('keeps the receive time beside a source time, and stores nothing extra when they are equal', async () => {
    const store = await openStore();
    await store.ensureTags([{ tagId: 'flow', name: 'Flow', unit: 'm3/h' }]);
    await store.append([
      { tagId: 'flow', ts: T0, value: 1, quality: 'good' },
      { tagId: 'flow', ts: T0 + 1000, receiveTs: T0 + 61_250, value: 2, quality: 'good' },
      { tagId: 'flow', ts: T0 + 2000, receiveTs: T0 + 2000, value: 3, quality: 'good' },
    ]);
    const series = await store.queryHistory('flow', T0, T0 + 5000, 100);
    expect(series.points.map((p) => p[1])).toEqual([1, 2, 3]);
    expect(series.receiveTs).toEqual([T0, T0 + 61_250, T0 + 2000]);
    const db = new Database(tmp.file('a.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT receive_delta FROM readings ORDER BY ts').pluck().all()).toEqual([null, 60_250, null]);
    } finally {
      db.close();
    }
  });

  it('round-trips numbers, booleans, strings, null, quality and status', async () => {
    const store = await openStore();
    await store.ensureTags([
      { tagId: 'temp', name: 'Temperature', unit: '°C' },
      { tagId: 'valve', name: 'Valve', unit: '' },
      { tagId: 'label', name: 'Label', unit: '' },
    ]);
    const readings: Reading[] = [
      { tagId: 'temp', ts: T0, value: 21.5, quality: 'good' },
      { tagId: 'temp', ts: T0 + 1000, value: 22, quality: 'uncertain', status: 'sensor drift' },
      { tagId: 'temp', ts: T0 + 2000, value: null, quality: 'bad', status: 'no response' },
      { tagId: 'temp', ts: T0 + 3000, value: -0.000123, quality: 'good' },
      { tagId: 'valve', ts: T0, value: true, quality: 'good' },
      { tagId: 'valve', ts: T0 + 1000, value: false, quality: 'good' },
      { tagId: 'label', ts: T0, value: '12', quality: 'good' },
      { tagId: 'label', ts: T0 + 1000, value: 'PUMP-A ', quality: 'good' },
    ];
    await store.append(readings);
    const temp = await store.queryHistory('temp', T0, T0 + 10_000, 100);
    expect(temp).toEqual({
      tagId: 'temp',
      points: [
        [T0, 21.5, 'good'],
        [T0 + 1000, 22, 'uncertain'],
        [T0 + 2000, null, 'bad'],
        [T0 + 3000, -0.000123, 'good'],
      ],
      truncated: false,
      // Why each point is not good, so a back-filled trend can say it.
      statuses: [null, 'sensor drift', 'no response', null],
    });
    expect((await store.queryHistory('valve', T0, T0 + 10_000, 100)).points).toEqual([
      [T0, true, 'good'],
      [T0 + 1000, false, 'good'],
    ]);
    // '12' stays a string: the value column has no affinity.
    expect((await store.queryHistory('label', T0, T0 + 10_000, 100)).points).toEqual([
      [T0, '12', 'good'],
      [T0 + 1000, 'PUMP-A ', 'good'],
    ]);
    const latest = await store.latest();
    expect(latest).toEqual(
      expect.arrayContaining([
        { tagId: 'temp', ts: T0 + 3000, value: -0.000123, quality: 'good' },
        { tagId: 'valve', ts: T0 + 1000, value: false, quality: 'good' },
        { tagId: 'label', ts: T0 + 1000, value: 'PUMP-A ', quality: 'good' },
      ]),
    );
    expect(latest).toHaveLength(3);
    expect((await store.listTagIds()).sort()).toEqual(['label', 'temp', 'valve']);
  });

  it('stores tag metadata and status texts once, in their dictionary tables', async () => {
    const store = await openStore();
    await store.ensureTags([{ tagId: 'p1', name: 'Pressure', unit: 'bar' }]);
    await store.ensureTags([{ tagId: 'p1', name: 'Pressure 1', unit: 'kPa' }]);
    const bad: Reading[] = Array.from({ length: 50 }, (_, i) => ({ tagId: 'p1', ts: T0 + i, value: null, quality: 'bad', status: 'illegal data address' }));
    await store.append(bad);
    await store.append([{ tagId: 'p1', ts: T0 + 100, value: null, quality: 'bad', status: 'illegal data address' }]);
    await store.close();
    const db = new Database(tmp.file('a.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT key, name, unit FROM tags').all()).toEqual([{ key: 'p1', name: 'Pressure 1', unit: 'kPa' }]);
      expect(db.prepare('SELECT text FROM statuses').all()).toEqual([{ text: 'illegal data address' }]);
      expect(db.prepare('SELECT count(DISTINCT status_id) AS n, count(*) AS c FROM readings').get()).toEqual({ n: 1, c: 51 });
    } finally {
      db.close();
    }
  });

  it('creates tags that were never passed to ensureTags', async () => {
    const store = await openStore();
    await store.append([{ tagId: 'new/one', ts: T0, value: 1, quality: 'good' }]);
    await store.append([{ tagId: 'new/one', ts: T0 + 1, value: 2, quality: 'good' }]);
    expect(await store.listTagIds()).toEqual(['new/one']);
    expect((await store.queryHistory('new/one', T0, T0 + 1, 10)).points.map((p) => p[1])).toEqual([1, 2]);
  });

  it('keeps the newest readings and flags truncation when over the limit', async () => {
    const store = await openStore();
    const rows: Reading[] = Array.from({ length: 5000 }, (_, i) => ({ tagId: 'x', ts: T0 + i * 250, value: i, quality: 'good' }));
    await store.append(rows);
    const all = await store.queryHistory('x', T0, T0 + 5000 * 250, 5000);
    expect(all.truncated).toBe(false);
    expect(all.points).toHaveLength(5000);
    const some = await store.queryHistory('x', T0, T0 + 5000 * 250, 10);
    expect(some.truncated).toBe(true);
    expect(some.points.map((p) => p[1])).toEqual([4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
    // Range bounds are inclusive; a range across many query chunks (1 h each) stays ordered.
    const mid = await store.queryHistory('x', T0 + 1000, T0 + 2000, 100);
    expect(mid.points.map((p) => p[0])).toEqual([T0 + 1000, T0 + 1250, T0 + 1500, T0 + 1750, T0 + 2000]);
    expect(await store.queryHistory('x', T0 + 2000, T0 + 1000, 100)).toEqual({ tagId: 'x', points: [], truncated: false });
    expect(await store.queryHistory('nope', T0, T0 + 1000, 100)).toEqual({ tagId: 'nope', points: [], truncated: false });
  });

  it('orders a multi-hour range across bucket chunks, oldest first', async () => {
    const store = await openStore();
    // One reading every 10 min over 3 days: many 1 h query chunks, most buckets empty.
    const rows: Reading[] = Array.from({ length: 432 }, (_, i) => ({ tagId: 'slow', ts: T0 + i * 600_000, value: i, quality: 'good' }));
    await store.append(rows);
    const s = await store.queryHistory('slow', T0, T0 + 3 * 86_400_000, 1000);
    expect(s.points.map((p) => p[1])).toEqual(rows.map((r) => r.value));
    const newest = await store.queryHistory('slow', T0, T0 + 3 * 86_400_000, 7);
    expect(newest.points.map((p) => p[1])).toEqual([425, 426, 427, 428, 429, 430, 431]);
  });

  it('same tag and same millisecond: the later append wins', async () => {
    const store = await openStore();
    await store.append([{ tagId: 'd', ts: T0, value: 1, quality: 'good' }]);
    await store.append([{ tagId: 'd', ts: T0, value: 2, quality: 'bad', status: 'late' }]);
    await store.append([
      { tagId: 'd', ts: T0 + 5, value: 3, quality: 'good' },
      { tagId: 'd', ts: T0 + 5, value: 4, quality: 'good' },
    ]);
    expect((await store.queryHistory('d', T0, T0 + 10, 10)).points).toEqual([
      [T0, 2, 'bad'],
      [T0 + 5, 4, 'good'],
    ]);
  });

  it('keeps integers, large and non-finite numbers', async () => {
    const store = await openStore();
    const values = [0, -1, 65535, 2 ** 53 - 1, -(2 ** 31), 1e300, 1.5e-300, Infinity, -Infinity];
    await store.append(values.map((value, i) => ({ tagId: 'n', ts: T0 + i, value, quality: 'good' as const })));
    expect((await store.queryHistory('n', T0, T0 + 100, 100)).points.map((p) => p[1])).toEqual(values);
  });

  it('persists across reopen, and latest() finds readings written before a crash', async () => {
    const first = await openStore();
    await first.append([
      { tagId: 'a', ts: T0, value: 1, quality: 'good' },
      { tagId: 'b', ts: T0 + 10, value: 'on', quality: 'good' },
    ]);
    await first.close();
    const second = await openStore();
    expect(await second.latest(['a', 'b', 'missing'])).toEqual([
      { tagId: 'a', ts: T0, value: 1, quality: 'good' },
      { tagId: 'b', ts: T0 + 10, value: 'on', quality: 'good' },
    ]);
    await second.append([{ tagId: 'a', ts: T0 + 60_000, value: 2, quality: 'good' }]);
    expect(await second.latest(['a'])).toEqual([{ tagId: 'a', ts: T0 + 60_000, value: 2, quality: 'good' }]);
    await second.close();
    // Written by a raw connection, as if by a session that crashed before flushing its hints.
    const db = new Database(tmp.file('a.db'));
    db.prepare(`UPDATE meta SET value = 0 WHERE key = 'clean_close'`).run();
    db.prepare('INSERT INTO readings(bucket, tag_id, ts, value, flags, status_id) SELECT ?, id, ?, 3, 0, NULL FROM tags WHERE key = ?').run(Math.floor((T0 + 120_000) / 1000), T0 + 120_000, 'b');
    db.close();
    const third = await openStore();
    expect(await third.latest(['b'])).toEqual([{ tagId: 'b', ts: T0 + 120_000, value: 3, quality: 'good' }]);
  });

  it('counts pending and committed readings in stats()', async () => {
    const store = await openStore();
    const before = await store.stats();
    expect(before).toMatchObject({ readingsCommitted: 0, commits: 0, pendingReadings: 0, prunedReadings: 0 });
    const batch: Reading[] = Array.from({ length: 10_000 }, (_, i) => ({ tagId: `t${i % 100}`, ts: T0 + i, value: i, quality: 'good' }));
    await store.append(batch);
    const s = await store.stats();
    expect(s).toMatchObject({ readingsCommitted: 10_000, commits: 1, pendingReadings: 0 });
    expect(s.lastCommitAt).toBeTypeOf('number');
    expect(s.bytesUsed).toBeGreaterThan(100_000);
  });

  it('pendingReadings counts appends sent and not yet committed', async () => {
    const store = await openStore();
    const batch: Reading[] = Array.from({ length: 20_000 }, (_, i) => ({ tagId: `t${i % 10}`, ts: T0 + i, value: i, quality: 'good' }));
    const p = store.append(batch);
    const during = await store.stats();
    await p;
    expect(during.pendingReadings).toBe(20_000);
    expect(during.readingsCommitted).toBe(0);
    expect(await store.stats()).toMatchObject({ pendingReadings: 0, readingsCommitted: 20_000 });
  });

  it('close() waits for pending appends', async () => {
    const store = await Store.open({ path: tmp.file('a.db'), retention: { maxAgeDays: 30, maxSizeMiB: 100 }, log: memoryLogger().log });
    const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 5000 }, (_, i): Reading => ({ tagId: 'c', ts: T0 + b * 5000 + i, value: i, quality: 'good' })));
    const appends = batches.map((b) => store.append(b));
    await store.close();
    await Promise.all(appends);
    await expect(store.append([{ tagId: 'c', ts: T0, value: 1, quality: 'good' }])).rejects.toThrow(/closed/);
    const db = new Database(tmp.file('a.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(25_000);
    } finally {
      db.close();
    }
  });

  it('a read-only open reads while another store writes, and refuses writes', async () => {
    const writer = await openStore();
    await writer.append([{ tagId: 'w', ts: T0, value: 1, quality: 'good' }]);
    const reader = await openStore({ readOnly: true });
    expect((await reader.queryHistory('w', T0, T0 + 10_000, 10)).points).toEqual([[T0, 1, 'good']]);
    await writer.append([
      { tagId: 'w', ts: T0 + 1000, value: 2, quality: 'good' },
      { tagId: 'w2', ts: T0 + 1000, value: false, quality: 'bad', status: 'no connection' },
    ]);
    expect((await reader.queryHistory('w', T0, T0 + 10_000, 10)).points).toHaveLength(2);
    expect(await reader.latest(['w2'])).toEqual([{ tagId: 'w2', ts: T0 + 1000, value: false, quality: 'bad', status: 'no connection' }]);
    expect((await reader.listTagIds()).sort()).toEqual(['w', 'w2']);
    await expect(reader.append([{ tagId: 'w', ts: T0 + 2000, value: 3, quality: 'good' }])).rejects.toThrow(/read-only/);
    await expect(reader.pruneNow()).rejects.toThrow(/read-only/);
  });

  it('a read-only open works on a file no one is writing (no -wal/-shm left)', async () => {
    const writer = await openStore();
    await writer.append([{ tagId: 'z', ts: T0, value: 1, quality: 'good' }]);
    await writer.close();
    const reader = await openStore({ readOnly: true });
    expect((await reader.queryHistory('z', T0, T0, 10)).points).toEqual([[T0, 1, 'good']]);
    expect(await reader.latest()).toEqual([{ tagId: 'z', ts: T0, value: 1, quality: 'good' }]);
  });

  it('a read-only open of a missing file fails with a clear error', async () => {
    await expect(Store.open({ path: tmp.file('missing.db'), readOnly: true, retention: { maxAgeDays: 1, maxSizeMiB: 1 }, log: memoryLogger().log })).rejects.toThrow(/cannot open store/);
  });
});
