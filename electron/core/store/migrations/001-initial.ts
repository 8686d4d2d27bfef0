import type { Migration } from './types.js';

// Layout and its measurement: see ../schema.ts. No foreign keys: they would cost a
// lookup per inserted reading.
export const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        unit TEXT NOT NULL DEFAULT '',
        -- newest reading's ts as of the last hint flush (see engine.ts); NULL: none
        last_ts INTEGER
      );
      CREATE TABLE statuses (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE
      );
      CREATE TABLE readings (
        bucket INTEGER NOT NULL,
        tag_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        value,
        flags INTEGER NOT NULL,
        status_id INTEGER,
        PRIMARY KEY (bucket, tag_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value
      ) WITHOUT ROWID;
    `);
  },
};
