import type { Migration } from './types.js';

// The history engine (see ../README.md, "History engine"): per-tag compressed blocks of
// one 10-minute slice each, and rollups at 1 min and 1 h. Both are keyed time-first, so
// the compactor appends at the tail of their b-trees (cheap WAL, like the hot table), and
// a per-tag range read seeks once per slice / bucket.
export const migration: Migration = {
  version: 3,
  name: 'history-blocks-rollups',
  up(db) {
    db.exec(`
      CREATE TABLE blocks (
        slice INTEGER NOT NULL,   -- floor(ts / SLICE_MS): one block per tag and slice
        tag_id INTEGER NOT NULL,
        t0 INTEGER NOT NULL,      -- first and last reading time (UTC ms)
        t1 INTEGER NOT NULL,
        n INTEGER NOT NULL,       -- readings in the block
        data BLOB NOT NULL,       -- block-codec.ts format
        PRIMARY KEY (slice, tag_id)
      ) WITHOUT ROWID;
      CREATE TABLE rollups (
        res INTEGER NOT NULL,     -- bucket width (ms): 60000 or 3600000
        bucket INTEGER NOT NULL,  -- floor(ts / res)
        tag_id INTEGER NOT NULL,
        n INTEGER NOT NULL,       -- readings in the bucket
        nv INTEGER NOT NULL,      -- of which aggregated: a finite number or boolean, quality not bad
        good INTEGER NOT NULL,    -- of which good quality
        min REAL, min_ts INTEGER,
        max REAL, max_ts INTEGER,
        sum REAL,
        first REAL, first_ts INTEGER,
        last REAL, last_ts INTEGER,
        PRIMARY KEY (res, bucket, tag_id)
      ) WITHOUT ROWID;
    `);
  },
};
