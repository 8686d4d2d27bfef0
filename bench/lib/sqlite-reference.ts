/**
 * The reference every store/pipeline bench compares against: a raw better-sqlite3
 * insert loop on the store's own schema, 10k rows per transaction, on this thread.
 */
import Database from 'better-sqlite3';
import { migrate } from '../../electron/core/store/migrations/index.js';
import { BUCKET_MS, sql } from '../../electron/core/store/schema.js';
import type { Reading } from '../../shared/reading.js';

export const T0 = Date.UTC(2026, 11, 1);
export const BATCH = 10_000;

/** `total` readings of `tags` tags at 1 Hz, in pipeline-sized batches. */
export function makeBatches(tags: number, total: number): Reading[][] {
  const batches: Reading[][] = [];
  let batch: Reading[] = [];
  for (let i = 0; i < total; i++) {
    const t = i % tags;
    const s = Math.floor(i / tags);
    batch.push({ tagId: `dev1/tag${t}`, ts: T0 + s * 1000 + (t % 1000), value: Math.sin(i) * 100, quality: 'good' });
    if (batch.length === BATCH) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export function rawDb(dbPath: string): Database.Database {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db, dbPath);
  return db;
}

/**
 * Reference: a raw insert loop on the same schema, 10k rows per transaction. Tag ids are
 * resolved and rows laid out as bind arrays before the clock starts: only inserts are timed.
 */
export function rawInsert(batches: Reading[][], dbPath: string): number {
  const db = rawDb(dbPath);
  const upsert = db.prepare(`INSERT INTO tags(key, name, unit) VALUES (?, ?, '') ON CONFLICT(key) DO NOTHING`);
  const select = db.prepare('SELECT id FROM tags WHERE key = ?').pluck();
  const ids = new Map<string, number>();
  const rows = batches.map((b) =>
    b.map((r) => {
      let id = ids.get(r.tagId);
      if (id === undefined) {
        upsert.run(r.tagId, r.tagId);
        id = select.get(r.tagId) as number;
        ids.set(r.tagId, id);
      }
      return [Math.floor(r.ts / BUCKET_MS), id, r.ts, r.value as number, 0, null, null] as const;
    }),
  );
  const ins = db.prepare(sql.insertReading);
  const tx = db.transaction((batch: ReadonlyArray<readonly unknown[]>) => {
    for (const row of batch) ins.run(...row);
  });
  const start = performance.now();
  for (const b of rows) tx(b);
  const s = (performance.now() - start) / 1000;
  db.close();
  return (batches.length * batches[0]!.length) / s;
}

