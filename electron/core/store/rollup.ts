/**
 * Rollups: per tag and bucket (1 min, 1 h), n (readings), nv (readings aggregated: a
 * finite number or a boolean as 0/1, quality not bad), good (good-quality readings), and
 * min/max (with their times), sum, first and last (with their times) over the aggregated
 * ones. Minute rollups are computed from a tag's complete readings of a slice; an hour is
 * recomputed from its minutes, so late data never double-counts.
 */
import type { BlockColumns } from './block-codec.js';
import { ValueKind } from './protocol.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const ROLLUP_RESOLUTIONS = [MINUTE_MS, HOUR_MS] as const;

export interface Rollup {
  bucket: number;
  n: number;
  nv: number;
  good: number;
  min: number;
  minTs: number;
  max: number;
  maxTs: number;
  sum: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
}

/** Row order of the rollups table after (res, bucket, tag_id). */
export type RollupRow = [bucket: number, n: number, nv: number, good: number, min: number | null, minTs: number | null, max: number | null, maxTs: number | null, sum: number | null, first: number | null, firstTs: number | null, last: number | null, lastTs: number | null];

export function emptyRollup(bucket: number): Rollup {
  return { bucket, n: 0, nv: 0, good: 0, min: Infinity, minTs: 0, max: -Infinity, maxTs: 0, sum: 0, first: 0, firstTs: Infinity, last: 0, lastTs: -Infinity };
}

/** Adds reading i of `c` to `r`. */
export function addReading(r: Rollup, c: BlockColumns, i: number): void {
  r.n++;
  const q = c.quality[i]!;
  if (q === 0) r.good++;
  const k = c.kind[i]!;
  if (q === 2 || (k !== ValueKind.number && k !== ValueKind.boolean)) return;
  const v = c.num[i]!;
  if (!Number.isFinite(v)) return;
  const ts = c.ts[i]!;
  r.nv++;
  r.sum += v;
  if (v < r.min) {
    r.min = v;
    r.minTs = ts;
  }
  if (v > r.max) {
    r.max = v;
    r.maxTs = ts;
  }
  if (ts < r.firstTs) {
    r.firstTs = ts;
    r.first = v;
  }
  if (ts > r.lastTs) {
    r.lastTs = ts;
    r.last = v;
  }
}

/** Folds `b` into `a` (disjoint readings). */
export function combine(a: Rollup, b: Rollup): void {
  a.n += b.n;
  a.good += b.good;
  if (b.nv === 0) return;
  a.nv += b.nv;
  a.sum += b.sum;
  if (b.min < a.min) {
    a.min = b.min;
    a.minTs = b.minTs;
  }
  if (b.max > a.max) {
    a.max = b.max;
    a.maxTs = b.maxTs;
  }
  if (b.firstTs < a.firstTs) {
    a.firstTs = b.firstTs;
    a.first = b.first;
  }
  if (b.lastTs > a.lastTs) {
    a.lastTs = b.lastTs;
    a.last = b.last;
  }
}

/** Rollups of one tag's time-ordered readings at resolution `res`, oldest first. */
export function rollupColumns(c: BlockColumns, res: number): Rollup[] {
  const out: Rollup[] = [];
  let cur: Rollup | undefined;
  for (let i = 0; i < c.count; i++) {
    const b = Math.floor(c.ts[i]! / res);
    if (cur === undefined || cur.bucket !== b) {
      cur = emptyRollup(b);
      out.push(cur);
    }
    addReading(cur, c, i);
  }
  return out;
}

/** SQL parameters after (res, bucket, tag_id) ... in table order: nulls where nothing was aggregated. */
export function rollupParams(r: Rollup): Array<number | null> {
  if (r.nv === 0) return [r.n, 0, r.good, null, null, null, null, null, null, null, null, null];
  return [r.n, r.nv, r.good, r.min, r.minTs, r.max, r.maxTs, r.sum, r.first, r.firstTs, r.last, r.lastTs];
}

export function rollupFromRow(row: RollupRow): Rollup {
  const [bucket, n, nv, good, min, minTs, max, maxTs, sum, first, firstTs, last, lastTs] = row;
  if (nv === 0) return { ...emptyRollup(bucket), n, good };
  return { bucket, n, nv, good, min: min!, minTs: minTs!, max: max!, maxTs: maxTs!, sum: sum!, first: first!, firstTs: firstTs!, last: last!, lastTs: lastTs! };
}
