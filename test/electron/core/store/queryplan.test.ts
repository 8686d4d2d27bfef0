import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../../electron/core/store/migrations/index.js';
import { sql } from '../../../../electron/core/store/schema.js';
import { tempDir, type TempDir } from './helpers.js';

// The hot queries must search the primary key, never scan readings.
describe('store query plans', () => {
  let tmp: TempDir;
  let db: Database.Database;
  beforeEach(() => {
    tmp = tempDir();
    db = new Database(tmp.file('plan.db'));
    migrate(db, 'plan.db');
    // Some rows and statistics, so the planner sees a realistic table.
    const ins = db.prepare(sql.insertReading);
    db.transaction(() => {
      for (let s = 0; s < 200; s++) for (let t = 1; t <= 50; t++) ins.run(s, t, s * 1000 + t, s, 0, null, null);
    })();
    db.exec('ANALYZE');
  });
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  const plan = (source: string, ...args: unknown[]): string[] =>
    (db.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail);
  const noScanOfReadings = (details: string[]) => {
    for (const d of details) expect(d).not.toMatch(/^SCAN (readings|r)\b/);
  };

  it('range query: one primary-key search per bucket', () => {
    const p = plan(sql.rangeDesc, 199, 100, 7, 100_000, 199_999, 1000);
    expect(p).toContain('SEARCH r USING PRIMARY KEY (bucket=? AND tag_id=? AND ts>? AND ts<?)');
    noScanOfReadings(p);
  });

  it('bucket bounds, prune boundary and deletes use the primary key', () => {
    for (const [source, args] of [
      [sql.bucketBounds, []],
      [sql.chunkBoundary, [150, 20_000]],
      [sql.deleteBelowBucket, [150]],
      [sql.deleteInBucketBefore, [150, 150_500]],
      [sql.oldestTs, []],
      [sql.readingAt, [150, 7, 150_007]],
    ] as const) {
      const p = plan(source, ...args);
      expect(p.some((d) => /SEARCH readings USING PRIMARY KEY/.test(d))).toBe(true);
      noScanOfReadings(p);
    }
  });

  it('tag and status lookups use their unique indexes', () => {
    expect(plan(sql.tagIdByKey, 'x').join()).toMatch(/SEARCH tags USING COVERING INDEX/);
    expect(plan(sql.statusIdByText, 'x').join()).toMatch(/SEARCH statuses USING COVERING INDEX/);
  });
});
