import type { Migration } from './types.js';

// A reading keeps the time it was received as well as its chosen (source) time. Stored as
// the difference to ts, NULL when they are equal (receive-time tags, most polled values):
// a NULL costs one header byte, so tags that never differ pay almost nothing.
export const migration: Migration = {
  version: 2,
  name: 'receive-time',
  up(db) {
    db.exec(`ALTER TABLE readings ADD COLUMN receive_delta INTEGER`);
  },
};
