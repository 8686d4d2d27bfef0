/**
 * Storage layout of readings, and the SQL of the hot paths.
 *
 * readings(bucket, tag_id, ts, value, flags, status_id) WITHOUT ROWID,
 * PRIMARY KEY(bucket, tag_id, ts), bucket = floor(ts / BUCKET_MS).
 *
 * Why (measured here, 800 tags x 1 Hz, 120 commits of 1 s, 600 s of history, 4 KiB pages;
 * bench/store.bench.ts re-measures the chosen layout):
 *   layout                          WAL B/reading  stored B/reading  ratio   1-tag 600 s query
 *   (bucket, tag_id, ts) 1 s bucket      64.7          34.2           1.89    0.72 ms
 *     same, poll phases scrambled        78.8          34.1           2.31   (bench worst case)
 *   (ts, tag_id) time-first              57.5          28.4           2.02   13.5  ms (range scan)
 *   rowid + index(tag_id, ts)          5119.5          49.3         103.8     0.47 ms
 *   (tag_id, ts) tag-first             5083.1          29.1         174.5     0.31 ms
 * A commit only touches the tail of the b-tree (the last one or two buckets), like a
 * time-first key, while a per-tag range read seeks once per bucket instead of scanning
 * every tag's rows. The bucket must not be much longer than the commit interval, or each
 * commit rewrites every page of the open bucket; shorter commits cost more WAL with any
 * layout (here: 500 ms 2.7x, 250 ms 4.2x, 100 ms 8.2x), so commit about once a second.
 *
 * Values: the column has no affinity, so numbers stay REAL/INTEGER and strings stay TEXT
 * ('12' is not turned into 12). Booleans are stored as INTEGER 0/1 with FLAG_BOOLEAN set in
 * `flags`, so the type is kept per reading (a tag may change type across project edits).
 * flags = quality code (0 good, 1 uncertain, 2 bad) | FLAG_BOOLEAN. NaN cannot be stored by
 * SQLite (it becomes NULL), so a NaN value reads back as null.
 *
 * Same tag, same millisecond: INSERT OR REPLACE, the later append wins.
 */
import type { Quality } from '../../../shared/reading.js';

export const BUCKET_MS = 1000;
/** Buckets per range-query statement: bounds the work between checks of the limit. */
export const QUERY_CHUNK_BUCKETS = 3600;
export const FLAG_BOOLEAN = 4;
export const QUALITY_MASK = 3;

export const qualityCode: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2 };
export const qualityName: readonly Quality[] = ['good', 'uncertain', 'bad'];

export const bucketOf = (ts: number): number => Math.floor(ts / BUCKET_MS);

export const sql = {
  insertReading: `INSERT OR REPLACE INTO readings(bucket, tag_id, ts, value, flags, status_id, receive_delta) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  upsertTag: `INSERT INTO tags(key, name, unit) VALUES (?, ?, ?)
    ON CONFLICT(key) DO UPDATE SET name = excluded.name, unit = excluded.unit
    WHERE name IS NOT excluded.name OR unit IS NOT excluded.unit`,
  insertTagIfMissing: `INSERT INTO tags(key, name, unit) VALUES (?, ?, '') ON CONFLICT(key) DO NOTHING`,
  tagIdByKey: `SELECT id FROM tags WHERE key = ?`,
  allTags: `SELECT id, key, last_ts FROM tags ORDER BY id`,
  insertStatus: `INSERT INTO statuses(text) VALUES (?) ON CONFLICT(text) DO NOTHING`,
  statusIdByText: `SELECT id FROM statuses WHERE text = ?`,
  allStatuses: `SELECT id, text FROM statuses`,
  // Two subqueries: min() and max() in one SELECT would scan the table.
  bucketBounds: `SELECT (SELECT min(bucket) FROM readings) AS lo, (SELECT max(bucket) FROM readings) AS hi`,
  /**
   * Params: hi bucket, lo bucket, tag id, from, to, limit. One seek per bucket from hi
   * down to lo (a recursive CTE of bucket numbers joined on the primary key prefix),
   * newest first. (Plain `?`: better-sqlite3 treats `?NNN` as named parameters.)
   */
  rangeDesc: `WITH RECURSIVE b(n) AS (SELECT ? UNION ALL SELECT n - 1 FROM b WHERE n > ?)
    SELECT r.ts AS ts, r.value AS value, r.flags AS flags, r.status_id AS statusId, r.receive_delta AS receiveDelta
    FROM b JOIN readings r ON r.bucket = b.n AND r.tag_id = ? AND r.ts BETWEEN ? AND ?
    ORDER BY r.ts DESC LIMIT ?`,
  readingAt: `SELECT ts, value, flags, status_id AS statusId, receive_delta AS receiveDelta FROM readings WHERE bucket = ? AND tag_id = ? AND ts = ?`,
  setHint: `UPDATE tags SET last_ts = ? WHERE id = ?`,
  getMeta: `SELECT value FROM meta WHERE key = ?`,
  setMeta: `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
  /** Params: bucket, n. The bucket n rows into the table below it: where a bounded delete stops. */
  chunkBoundary: `SELECT bucket FROM readings WHERE bucket < ? ORDER BY bucket LIMIT 1 OFFSET ?`,
  deleteBelowBucket: `DELETE FROM readings WHERE bucket < ?`,
  deleteInBucketBefore: `DELETE FROM readings WHERE bucket = ? AND ts < ?`,
  oldestTs: `SELECT min(ts) FROM readings WHERE bucket = (SELECT min(bucket) FROM readings)`,
} as const;
