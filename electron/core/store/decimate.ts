/**
 * M4 decimation (Jugel et al., "M4: a visualization-oriented time series data
 * aggregation", VLDB 2014): per pixel-wide bucket, the first, last, minimum and maximum
 * reading. Drawn as a line, it is pixel-identical to drawing every reading, and no extreme
 * is ever dropped. We keep a fifth point per bucket: the first reading whose quality
 * differs from the bucket's first, so a short bad spell stays visible at any zoom.
 * Points per bucket: at most POINTS_PER_BUCKET.
 */
import type { HistoryPoint } from '../../../shared/api/types.js';
import type { Quality } from '../../../shared/reading.js';
import type { BlockColumns } from './block-codec.js';
import { ValueKind } from './protocol.js';
import type { Rollup } from './rollup.js';

export const POINTS_PER_BUCKET = 5;

const numeric = (c: BlockColumns, i: number): boolean => {
  const k = c.kind[i]!;
  return (k === ValueKind.number && Number.isFinite(c.num[i]!)) || k === ValueKind.boolean;
};

/**
 * Row indices of `c` (time-ordered, all within [from, to]) that M4 keeps with `buckets`
 * equal-width buckets over [from, to], in time order.
 */
export function m4Indices(c: BlockColumns, from: number, to: number, buckets: number): number[] {
  const width = Math.max(1, (to - from + 1) / buckets);
  const out: number[] = [];
  let i = 0;
  while (i < c.count) {
    const b = Math.min(buckets - 1, Math.floor((c.ts[i]! - from) / width));
    const first = i;
    let last = i;
    let min = -1;
    let max = -1;
    let change = -1;
    const q0 = c.quality[i]!;
    for (; i < c.count; i++) {
      if (Math.min(buckets - 1, Math.floor((c.ts[i]! - from) / width)) !== b) break;
      last = i;
      if (change < 0 && c.quality[i] !== q0) change = i;
      if (numeric(c, i)) {
        const v = c.num[i]!;
        if (min < 0 || v < c.num[min]!) min = i;
        if (max < 0 || v > c.num[max]!) max = i;
      }
    }
    const picked = [first, min, max, change, last].filter((x) => x >= 0).sort((a, b2) => a - b2);
    for (let k = 0; k < picked.length; k++) if (k === 0 || picked[k] !== picked[k - 1]) out.push(picked[k]!);
  }
  return out;
}

function qualityOf(good: number, n: number, nv: number): Quality {
  if (nv === 0) return 'bad';
  return good === n ? 'good' : 'uncertain';
}

/**
 * M4 over rollups (time-ordered by bucket, resolution `res`): per output bucket the
 * first, min, max and last aggregated readings at their own times; a bucket whose
 * readings were all bad (or not numeric) is one null point marked bad at its start.
 * Points outside [from, to] (rollup buckets overlapping the edges) are dropped.
 */
export function m4Rollups(rows: readonly Rollup[], res: number, from: number, to: number, buckets: number): HistoryPoint[] {
  const width = Math.max(1, (to - from + 1) / buckets);
  const out: HistoryPoint[] = [];
  let i = 0;
  while (i < rows.length) {
    const start = rows[i]!.bucket * res;
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((start - from) / width)));
    let n = 0;
    let nv = 0;
    let good = 0;
    let first: Rollup | undefined;
    let last: Rollup | undefined;
    let min: Rollup | undefined;
    let max: Rollup | undefined;
    for (; i < rows.length; i++) {
      const r = rows[i]!;
      if (Math.min(buckets - 1, Math.max(0, Math.floor((r.bucket * res - from) / width))) !== b) break;
      n += r.n;
      good += r.good;
      if (r.nv === 0) continue;
      nv += r.nv;
      if (first === undefined || r.firstTs < first.firstTs) first = r;
      if (last === undefined || r.lastTs > last.lastTs) last = r;
      if (min === undefined || r.min < min.min) min = r;
      if (max === undefined || r.max > max.max) max = r;
    }
    const q = qualityOf(good, n, nv);
    if (nv === 0) {
      const ts = Math.max(from, start);
      if (ts <= to) out.push([ts, null, 'bad']);
      continue;
    }
    const pts: Array<[number, number]> = [
      [first!.firstTs, first!.first],
      [min!.minTs, min!.min],
      [max!.maxTs, max!.max],
      [last!.lastTs, last!.last],
    ];
    pts.sort((a, c) => a[0] - c[0]);
    let prev = Number.NaN;
    for (const [ts, v] of pts) {
      if (ts === prev || ts < from || ts > to) continue;
      prev = ts;
      out.push([ts, v, q]);
    }
  }
  return out;
}
