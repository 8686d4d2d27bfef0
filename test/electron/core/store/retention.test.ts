import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, type PrunedInfo, type StoreOptions } from '../../../../electron/core/store/store.js';
import type { Reading } from '../../../../shared/reading.js';
import { memoryLogger, tempDir, type TempDir } from './helpers.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('store retention', () => {
  let tmp: TempDir;
  let store: Store | undefined;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    tmp.remove();
  });

  const openStore = async (retention: StoreOptions['retention'], extra: Partial<StoreOptions> = {}) => {
    const logger = memoryLogger();
    store = await Store.open({ path: tmp.file('r.db'), retention, log: logger.log, now: () => NOW, ...extra });
    return { store, lines: logger.lines };
  };

  it('prunes readings older than maxAgeDays, reports and logs it', async () => {
    const { store, lines } = await openStore({ maxAgeDays: 3, maxSizeMiB: 1024 });
    // One reading per tag every 10 min over the last 10 days, for 20 tags.
    const readings: Reading[] = [];
    for (let ts = NOW - 10 * DAY; ts <= NOW; ts += 600_000) for (let t = 0; t < 20; t++) readings.push({ tagId: `t${t}`, ts, value: t, quality: 'good' });
    for (let i = 0; i < readings.length; i += 10_000) await store.append(readings.slice(i, i + 10_000));
    const events: PrunedInfo[] = [];
    store.onPruned((e) => events.push(e));
    const cutoff = NOW - 3 * DAY;
    const expected = readings.filter((r) => r.ts < cutoff).length;
    expect(expected).toBeGreaterThan(20_000); // more than one prune chunk

    const result = await store.pruneNow();
    expect(result).toEqual({ prunedReadings: expected, reason: 'age' });
    expect(events).toEqual([{ prunedReadings: expected, reason: 'age', oldestKeptTs: cutoff }]);
    expect(lines.some((l) => l.includes(`pruned ${expected} readings older than ${new Date(cutoff).toISOString()} (age limit 3 d)`))).toBe(true);
    const series = await store.queryHistory('t5', NOW - 20 * DAY, NOW, 100_000);
    expect(series.points[0]![0]).toBe(cutoff);
    expect(series.points).toHaveLength(readings.filter((r) => r.tagId === 't5' && r.ts >= cutoff).length);
    expect((await store.stats()).prunedReadings).toBe(expected);
    expect(await store.pruneNow()).toEqual({ prunedReadings: 0, reason: 'none' });
  });

  it('prunes the oldest readings down to ~90% of maxSizeMiB', async () => {
    const { store, lines } = await openStore({ maxAgeDays: 3650, maxSizeMiB: 1 });
    const tags = 200;
    let ts = NOW - DAY;
    // ~3 MiB of readings, 1 s apart per tag.
    for (let b = 0; b < 10; b++) {
      const batch: Reading[] = [];
      for (let s = 0; s < 50; s++, ts += 1000) for (let t = 0; t < tags; t++) batch.push({ tagId: `t${t}`, ts, value: Math.sin(ts + t), quality: 'good' });
      await store.append(batch);
    }
    const lastTs = ts - 1000;
    expect((await store.stats()).bytesUsed).toBeGreaterThan(2 * 1024 * 1024);
    const events: PrunedInfo[] = [];
    store.onPruned((e) => events.push(e));

    const result = await store.pruneNow();
    expect(result.reason).toBe('size');
    expect(result.prunedReadings).toBeGreaterThan(0);
    const used = (await store.stats()).bytesUsed;
    expect(used).toBeLessThanOrEqual(0.9 * 1024 * 1024);
    // Not far below the target either: it deletes in measured steps.
    expect(used).toBeGreaterThan(0.5 * 1024 * 1024);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'size', prunedReadings: result.prunedReadings });
    expect(lines.some((l) => l.includes(`pruned ${result.prunedReadings} readings older than ${new Date(events[0]!.oldestKeptTs!).toISOString()} (size budget 1 MiB reached)`))).toBe(true);
    // Oldest first: what is left is a contiguous, newest slice.
    const series = await store.queryHistory('t0', NOW - 2 * DAY, NOW + DAY, 100_000);
    expect(series.points.at(-1)![0]).toBe(lastTs);
    expect(series.points[0]![0]).toBeGreaterThanOrEqual(events[0]!.oldestKeptTs!);
    expect(series.points.length).toBe((lastTs - series.points[0]![0]) / 1000 + 1);
    // Appending keeps working while a prune runs.
    const [pr] = await Promise.all([store.pruneNow(), store.append([{ tagId: 't0', ts: lastTs + 1000, value: 1, quality: 'good' }])]);
    expect(pr.reason).toBe('none');
    expect((await store.latest(['t0']))[0]?.ts).toBe(lastTs + 1000);
  });

  it('latest() forgets readings that were pruned', async () => {
    const { store } = await openStore({ maxAgeDays: 1, maxSizeMiB: 1024 });
    await store.append([
      { tagId: 'old', ts: NOW - 2 * DAY, value: 1, quality: 'good' },
      { tagId: 'new', ts: NOW - 1000, value: 2, quality: 'good' },
    ]);
    expect(await store.latest()).toHaveLength(2);
    await store.pruneNow();
    expect(await store.latest()).toEqual([{ tagId: 'new', ts: NOW - 1000, value: 2, quality: 'good' }]);
  });

  it('runs on its own every pruneIntervalMs', async () => {
    const { store } = await openStore({ maxAgeDays: 1, maxSizeMiB: 1024 }, { pruneIntervalMs: 50 });
    await store.append([{ tagId: 'a', ts: NOW - 5 * DAY, value: 1, quality: 'good' }]);
    const event = await new Promise<PrunedInfo>((resolve) => store.onPruned(resolve));
    expect(event).toEqual({ prunedReadings: 1, reason: 'age' });
  });
});
