import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../../shared/reading.js';
import { silentLogger } from '../../../../electron/core/log.js';
import { LiveFeed } from '../../../../electron/core/pipeline/live-feed.js';
import { Pipeline } from '../../../../electron/core/pipeline/pipeline.js';
import { waitFor } from '../../../support/tcp-driver.js';

// The commit target here is an in-memory recorder standing in for the store's
// transport, so batching and retry can be observed exactly; the store itself is
// exercised against a real SQLite file in test/electron/core/store and test/electron/core/runtime.
function recorder(failFirst = 0) {
  const commits: Reading[][] = [];
  let failures = failFirst;
  return {
    commits,
    append: async (batch: ReadonlyArray<Reading>) => {
      if (failures > 0) {
        failures--;
        throw new Error('disk I/O error');
      }
      commits.push([...batch]);
    },
  };
}

const reading = (tagId: string, ts: number, value = ts): Reading => ({ tagId, ts, value, quality: 'good' });

describe('Pipeline', () => {
  it('commits everything pushed within one interval as one batch, in order', async () => {
    const store = recorder();
    const pipeline = new Pipeline({ store, commitIntervalMs: 50, log: silentLogger });
    for (let i = 0; i < 100; i++) pipeline.push([reading('a', i), reading('b', i)]);
    await waitFor(() => store.commits.length === 1, 2000, 'one commit');
    expect(store.commits[0]).toHaveLength(200);
    expect(store.commits[0]?.[0]).toEqual(reading('a', 0));
    expect(store.commits[0]?.[199]).toEqual(reading('b', 99));
    expect(pipeline.stats()).toMatchObject({ committed: 200, commits: 1, pending: 0 });
    await pipeline.close();
  });

  it('fans out to sinks as readings arrive, before the commit', async () => {
    const store = recorder();
    const pipeline = new Pipeline({ store, commitIntervalMs: 10_000, log: silentLogger });
    const seen: Reading[] = [];
    const detach = pipeline.attach({ write: (batch) => seen.push(...batch) });
    pipeline.push([reading('a', 1)]);
    expect(seen).toHaveLength(1);
    expect(store.commits).toHaveLength(0);
    detach();
    pipeline.push([reading('a', 2)]);
    expect(seen).toHaveLength(1);
    await pipeline.close();
    expect(store.commits.flat()).toHaveLength(2);
  });

  it('keeps a failed batch and commits it, oldest first, on the next interval', async () => {
    const store = recorder(2);
    const pipeline = new Pipeline({ store, commitIntervalMs: 20, log: silentLogger });
    pipeline.push([reading('a', 1)]);
    await waitFor(() => pipeline.stats().failedCommits >= 1, 2000, 'first failure');
    pipeline.push([reading('a', 2)]);
    await waitFor(() => store.commits.length >= 1, 3000, 'a successful commit');
    await pipeline.flush();
    expect(store.commits.flat().map((r) => r.ts)).toEqual([1, 2]);
    expect(pipeline.stats().failedCommits).toBe(2);
    await pipeline.close();
  });

  it('commits early when the batch limit is reached', async () => {
    const store = recorder();
    const pipeline = new Pipeline({ store, commitIntervalMs: 60_000, maxBatch: 1000, log: silentLogger });
    pipeline.push(Array.from({ length: 1500 }, (_, i) => reading('a', i)));
    await waitFor(() => store.commits.length === 1, 2000, 'early commit');
    await pipeline.close();
  });
});

describe('LiveFeed', () => {
  it('coalesces per tag: one batch per interval with only the latest reading of each tag', async () => {
    const feed = new LiveFeed(30);
    const batches: Reading[][] = [];
    feed.subscribe((b) => batches.push(b));
    for (let i = 0; i < 1000; i++) feed.write([reading('a', i), reading('b', i)]);
    await waitFor(() => batches.length === 1, 2000, 'batch');
    expect(batches[0]).toEqual([reading('a', 999), reading('b', 999)]);
    expect(feed.snapshot()).toHaveLength(2);
    feed.close();
  });

  it('never replaces a newer reading with an older one', () => {
    const feed = new LiveFeed(30);
    feed.write([reading('a', 10)]);
    feed.write([{ tagId: 'a', ts: 5, value: null, quality: 'bad', status: 'no connection' }]);
    expect(feed.get('a')?.ts).toBe(10);
    feed.close();
  });
});
