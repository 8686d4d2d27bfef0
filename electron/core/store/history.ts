/**
 * The history engine on top of the hot table (see README.md, "History engine"):
 * compaction of hot rows into per-tag compressed blocks of one slice each, rollups, range
 * reads that merge blocks and hot rows, trend queries (raw, M4 over raw, M4 over rollups)
 * and the figures `db stats` prints. Runs on the store worker's connection.
 */
import type Database from 'better-sqlite3';
import type { HistoryTrend, TrendSource } from '../../../shared/history/types.js';
import { type BlockColumns, decodeBlock, encodeBlock } from './block-codec.js';
import { ColumnBuilder, type HotRow, columnPoint, emptyColumns, mergeColumns, rowStrings, sliceColumns } from './columns.js';
import { POINTS_PER_BUCKET, m4Indices, m4Rollups } from './decimate.js';
import { HOUR_MS, MINUTE_MS, type Rollup, type RollupRow, combine, emptyRollup, rollupColumns, rollupFromRow, rollupParams } from './rollup.js';
import { BUCKET_MS, sql as hotSql } from './schema.js';

/** One block per tag and slice: 10 minutes, 600 readings at 1 Hz. */
export const SLICE_MS = 600_000;
export const BUCKETS_PER_SLICE = SLICE_MS / BUCKET_MS;
export const sliceOf = (ts: number): number => Math.floor(ts / SLICE_MS);

const sql = {
  hotSlice: `SELECT tag_id, ts, value, flags, status_id, receive_delta FROM readings WHERE bucket >= ? AND bucket < ?`,
  nextHotBucket: `SELECT bucket FROM readings WHERE bucket >= ? ORDER BY bucket LIMIT 1`,
  deleteHot: `DELETE FROM readings WHERE bucket >= ? AND bucket < ?`,
  blockGet: `SELECT data FROM blocks WHERE slice = ? AND tag_id = ?`,
  blockPut: `INSERT OR REPLACE INTO blocks(slice, tag_id, t0, t1, n, data) VALUES (?, ?, ?, ?, ?, ?)`,
  /** Params: lo slice, hi slice, tag. One seek per slice. */
  blocksRange: `WITH RECURSIVE s(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM s WHERE n < ?)
    SELECT b.slice, b.data FROM s CROSS JOIN blocks b ON b.slice = s.n AND b.tag_id = ? ORDER BY b.slice`,
  /** Params: lo bucket, hi bucket, tag, from, to. Oldest first, one seek per bucket. */
  hotRangeAsc: `WITH RECURSIVE b(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM b WHERE n < ?)
    SELECT r.ts, r.value, r.flags, r.status_id, r.receive_delta
    FROM b CROSS JOIN readings r ON r.bucket = b.n AND r.tag_id = ? AND r.ts BETWEEN ? AND ? ORDER BY r.ts`,
  hotBounds: hotSql.bucketBounds,
  blockBounds: `SELECT (SELECT min(slice) FROM blocks) AS lo, (SELECT max(slice) FROM blocks) AS hi`,
  rollupPut: `INSERT OR REPLACE INTO rollups(res, bucket, tag_id, n, nv, good, min, min_ts, max, max_ts, sum, first, first_ts, last, last_ts)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  /** Params: res, lo bucket, hi bucket, res, tag. One seek per bucket. */
  rollupRange: `WITH RECURSIVE b(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM b WHERE n < ?)
    SELECT r.bucket, r.n, r.nv, r.good, r.min, r.min_ts, r.max, r.max_ts, r.sum, r.first, r.first_ts, r.last, r.last_ts
    FROM b CROSS JOIN rollups r ON r.res = ? AND r.bucket = b.n AND r.tag_id = ? ORDER BY r.bucket`,
  rollupBounds: `SELECT count(*) AS rows, min(bucket) AS lo, max(bucket) AS hi FROM rollups WHERE res = ?`,
  /** Two subqueries: each is one seek on the primary key (res, bucket, ...). */
  rollupBucketBounds: `SELECT (SELECT min(bucket) FROM rollups WHERE res = ?) AS lo, (SELECT max(bucket) FROM rollups WHERE res = ?) AS hi`,
  blockTotals: `SELECT count(*) AS blocks, coalesce(sum(n), 0) AS readings FROM blocks`,
  hotCount: `SELECT count(*) FROM readings`,
  oldestBlock: `SELECT min(t0) FROM blocks WHERE slice = (SELECT min(slice) FROM blocks)`,
  newestBlock: `SELECT max(t1) FROM blocks WHERE slice = (SELECT max(slice) FROM blocks)`,
  oldestHot: hotSql.oldestTs,
  newestHot: `SELECT max(ts) FROM readings WHERE bucket = (SELECT max(bucket) FROM readings)`,
  tagCount: `SELECT count(*) FROM tags`,
  pageUse: `SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name`,
} as const;

type Statements = { [K in keyof typeof sql]: Database.Statement };

export interface SliceCompaction {
  readings: number;
  blocks: number;
  tags: Set<number>;
}

const toBytes = (data: Buffer | Uint8Array): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

export class History {
  private readonly st: Statements;

  constructor(private readonly db: Database.Database) {
    const st = {} as { -readonly [K in keyof Statements]: Database.Statement };
    for (const key of Object.keys(sql) as Array<keyof typeof sql>) st[key] = db.prepare(sql[key]);
    this.st = st;
  }

  // ---- compaction -------------------------------------------------------------------

  /** The oldest slice that still has hot rows, or undefined when the hot table is empty. */
  firstHotSlice(fromSlice = -Infinity): number | undefined {
    const from = Number.isFinite(fromSlice) ? fromSlice * BUCKETS_PER_SLICE : -9.2e15;
    const b = this.st.nextHotBucket.pluck().get(from) as number | undefined;
    this.st.nextHotBucket.pluck(false);
    return b === undefined ? undefined : Math.floor((b * BUCKET_MS) / SLICE_MS);
  }

  /**
   * Moves the hot rows of one slice into blocks (merging with a block already there: the
   * hot rows are newer and win on equal timestamps), writes the slice's minute rollups,
   * recomputes the hours they belong to and deletes the hot rows: one transaction, so a
   * crash leaves either all hot rows or all blocks.
   */
  compactSlice(slice: number): SliceCompaction {
    const loB = slice * BUCKETS_PER_SLICE;
    const hiB = loB + BUCKETS_PER_SLICE;
    const run = this.db.transaction((): SliceCompaction => {
      const perTag = new Map<number, ColumnBuilder>();
      let readings = 0;
      for (const row of this.st.hotSlice.raw(true).iterate(loB, hiB) as IterableIterator<[number, ...HotRow]>) {
        const tagId = row[0];
        let b = perTag.get(tagId);
        if (b === undefined) {
          b = new ColumnBuilder(Math.min(4096, BUCKETS_PER_SLICE));
          perTag.set(tagId, b);
        }
        b.pushHot([row[1], row[2], row[3], row[4], row[5]]);
        readings++;
      }
      this.st.hotSlice.raw(false);
      const hours = new Map<number, Set<number>>();
      let blocks = 0;
      for (const [tagId, builder] of perTag) {
        // Hot rows of one tag come in ts order within a bucket, buckets ascending.
        let cols = builder.finish();
        const existing = this.st.blockGet.pluck().get(slice, tagId) as Buffer | undefined;
        this.st.blockGet.pluck(false);
        if (existing !== undefined) cols = mergeColumns([decodeBlock(toBytes(existing)), cols]);
        this.putBlock(slice, tagId, cols, hours);
        blocks++;
      }
      this.updateHours(hours);
      this.st.deleteHot.run(loB, hiB);
      return { readings, blocks, tags: new Set(perTag.keys()) };
    });
    return run.immediate();
  }

  /**
   * Writes one tag's complete readings of a slice as its block, with their minute
   * rollups; notes the hours to recompute (updateHours) in `hours`. Inside a transaction.
   */
  putBlock(slice: number, tagId: number, cols: BlockColumns, hours: Map<number, Set<number>>): void {
    this.st.blockPut.run(slice, tagId, cols.ts[0]!, cols.ts[cols.count - 1]!, cols.count, encodeBlock(cols));
    for (const r of rollupColumns(cols, MINUTE_MS)) {
      this.st.rollupPut.run(MINUTE_MS, r.bucket, tagId, ...rollupParams(r));
      const hour = Math.floor((r.bucket * MINUTE_MS) / HOUR_MS);
      let set = hours.get(hour);
      if (set === undefined) hours.set(hour, (set = new Set()));
      set.add(tagId);
    }
  }

  /** Recomputes each (hour, tag) hour rollup from its stored minute rollups. */
  updateHours(hours: Map<number, Set<number>>): void {
    for (const [hour, tags] of hours) {
      const lo = (hour * HOUR_MS) / MINUTE_MS;
      for (const tagId of tags) {
        const h = emptyRollup(hour);
        for (const r of this.rollupRows(MINUTE_MS, lo, lo + HOUR_MS / MINUTE_MS - 1, tagId)) combine(h, r);
        this.st.rollupPut.run(HOUR_MS, hour, tagId, ...rollupParams(h));
      }
    }
  }

  // ---- reading ----------------------------------------------------------------------

  private rollupRows(res: number, lo: number, hi: number, tagId: number): Rollup[] {
    if (hi < lo) return [];
    const rows = this.st.rollupRange.raw(true).all(lo, hi, res, tagId) as RollupRow[];
    this.st.rollupRange.raw(false);
    return rows.map(rollupFromRow);
  }

  private bounds(stmt: Database.Statement): { lo: number; hi: number } | null {
    const r = stmt.get() as { lo: number | null; hi: number | null };
    return r.lo === null || r.hi === null ? null : { lo: r.lo, hi: r.hi };
  }

  private rollupBucketBounds(res: number): { lo: number; hi: number } | null {
    const r = this.st.rollupBucketBounds.get(res, res) as { lo: number | null; hi: number | null };
    return r.lo === null || r.hi === null ? null : { lo: r.lo, hi: r.hi };
  }

  /** Lowest and highest bucket of the hot table, null when it is empty. */
  hotBounds(): { lo: number; hi: number } | null {
    return this.bounds(this.st.hotBounds);
  }

  /** Lowest and highest slice that has a block, null when there is none. */
  blockBounds(): { lo: number; hi: number } | null {
    return this.bounds(this.st.blockBounds);
  }

  /** Decoded blocks of one tag overlapping [from, to], oldest first. */
  blockColumns(tagId: number, from: number, to: number): BlockColumns[] {
    const b = this.blockBounds();
    if (b === null) return [];
    const lo = Math.max(b.lo, sliceOf(from));
    const hi = Math.min(b.hi, sliceOf(to));
    if (hi < lo) return [];
    const out: BlockColumns[] = [];
    const rows = this.st.blocksRange.raw(true).all(lo, hi, tagId) as Array<[number, Buffer]>;
    this.st.blocksRange.raw(false);
    for (const [, data] of rows) out.push(sliceColumns(decodeBlock(toBytes(data)), from, to));
    return out;
  }

  /** Hot rows of one tag in [from, to], oldest first. */
  hotColumns(tagId: number, from: number, to: number): BlockColumns {
    const b = this.hotBounds();
    if (b === null) return emptyColumns();
    const lo = Math.max(b.lo, Math.floor(from / BUCKET_MS));
    const hi = Math.min(b.hi, Math.floor(to / BUCKET_MS));
    if (hi < lo) return emptyColumns();
    const builder = new ColumnBuilder(256);
    for (const r of this.st.hotRangeAsc.raw(true).iterate(lo, hi, tagId, from, to) as IterableIterator<HotRow>) builder.pushHot(r);
    this.st.hotRangeAsc.raw(false);
    return builder.finish();
  }

  /** Every stored reading of one tag in [from, to], oldest first (hot rows win over blocks). */
  rangeColumns(tagId: number, from: number, to: number): BlockColumns {
    return mergeColumns([...this.blockColumns(tagId, from, to), this.hotColumns(tagId, from, to)]);
  }

  /**
   * Rollups of one tag over [from, to] at `res`: the stored ones, plus the hot rows not
   * yet compacted, aggregated here (combined with a stored bucket that late rows join).
   */
  rollupsInRange(tagId: number, from: number, to: number, res: number): Rollup[] {
    const stored = new Map<number, Rollup>();
    const lo = Math.floor(from / res);
    const hi = Math.floor(to / res);
    const b = this.rollupBucketBounds(res);
    if (b !== null) {
      // Seek only where rollups of this resolution exist (they outlive pruned blocks).
      for (const r of this.rollupRows(res, Math.max(lo, b.lo), Math.min(hi, b.hi), tagId)) stored.set(r.bucket, r);
    }
    const hot = this.hotColumns(tagId, from, to);
    for (const r of rollupColumns(hot, res)) {
      const s = stored.get(r.bucket);
      if (s === undefined) stored.set(r.bucket, r);
      else combine(s, r);
    }
    return [...stored.values()].sort((x, y) => x.bucket - y.bucket);
  }

  /**
   * A trend in at most `points` points. The source is the coarsest that still gives at
   * least one stored bucket per output bucket: 1 h rollups, then 1 min rollups, else raw
   * readings (all of them when they fit, else M4 over them).
   */
  trend(key: string, tagId: number | undefined, from: number, to: number, points: number, statusText: (id: number) => string | undefined): HistoryTrend {
    const buckets = Math.max(1, Math.floor(points / POINTS_PER_BUCKET));
    const span = to - from + 1;
    const base = { tagId: key, from, to };
    if (tagId === undefined) return { ...base, source: 'raw', bucketMs: 0, points: [], readings: 0 };
    for (const [res, source] of [
      [HOUR_MS, 'rollup-1h'],
      [MINUTE_MS, 'rollup-1m'],
    ] as Array<[number, TrendSource]>) {
      if (span / res < buckets) continue;
      const rows = this.rollupsInRange(tagId, from, to, res);
      const readings = rows.reduce((n, r) => n + r.n, 0);
      // A sparse tag: every reading fits, so show them all.
      if (readings <= points) break;
      return { ...base, source, bucketMs: span / buckets, points: m4Rollups(rows, res, from, to, buckets), readings };
    }
    const cols = this.rangeColumns(tagId, from, to);
    const strs = rowStrings(cols);
    if (cols.count <= points) {
      const pts = new Array<HistoryTrend['points'][number]>(cols.count);
      let statuses: Array<string | null> | undefined;
      for (let i = 0; i < cols.count; i++) {
        pts[i] = columnPoint(cols, i, strs[i]);
        const s = cols.status[i]!;
        if (s >= 0) (statuses ??= new Array<string | null>(cols.count).fill(null))[i] = statusText(s) ?? null;
      }
      return { ...base, source: 'raw', bucketMs: 0, points: pts, readings: cols.count, ...(statuses === undefined ? {} : { statuses }) };
    }
    const picked = m4Indices(cols, from, to, buckets);
    return { ...base, source: 'decimated', bucketMs: span / buckets, points: picked.map((i) => columnPoint(cols, i, strs[i])), readings: cols.count };
  }

  // ---- figures ----------------------------------------------------------------------

  /** Oldest and newest stored reading, hot or compacted: four seeks, no scan. */
  timeBounds(): { oldestTs?: number; newestTs?: number } {
    const one = (s: Database.Statement): number | undefined => {
      const v = s.pluck().get() as number | null;
      s.pluck(false);
      return v ?? undefined;
    };
    const lows = [one(this.st.oldestBlock), one(this.st.oldestHot)].filter((v): v is number => v !== undefined);
    const highs = [one(this.st.newestBlock), one(this.st.newestHot)].filter((v): v is number => v !== undefined);
    return { ...(lows.length > 0 ? { oldestTs: Math.min(...lows) } : {}), ...(highs.length > 0 ? { newestTs: Math.max(...highs) } : {}) };
  }

  /** Reading and block counts (they scan both tables: for `db stats`, not for queries) and the time bounds. */
  totals(): { hotReadings: number; compactedReadings: number; blocks: number; oldestTs?: number; newestTs?: number } {
    const hotReadings = this.st.hotCount.pluck().get() as number;
    this.st.hotCount.pluck(false);
    const t = this.st.blockTotals.get() as { blocks: number; readings: number };
    return { hotReadings, compactedReadings: t.readings, blocks: t.blocks, ...this.timeBounds() };
  }

  rollupCoverage(res: number): { rows: number; oldestTs?: number; newestTs?: number } {
    const r = this.st.rollupBounds.get(res) as { rows: number; lo: number | null; hi: number | null };
    return { rows: r.rows, ...(r.lo === null ? {} : { oldestTs: r.lo * res }), ...(r.hi === null ? {} : { newestTs: (r.hi + 1) * res - 1 }) };
  }

  /** Bytes of pages per table (b-tree, overflow), from SQLite's dbstat. */
  pageUse(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.st.pageUse.all() as Array<{ name: string; bytes: number }>) out.set(r.name, r.bytes);
    return out;
  }

  tagCount(): number {
    const n = this.st.tagCount.pluck().get() as number;
    this.st.tagCount.pluck(false);
    return n;
  }
}
