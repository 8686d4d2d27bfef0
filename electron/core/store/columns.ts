/**
 * Readings of one tag as columns (the shape block-codec.ts encodes): a growable builder,
 * conversion from hot-table rows, a merge in which the newer source wins on equal
 * timestamps, and conversion back to readings.
 */
import type { HistoryPoint } from '../../../shared/api/types.js';
import type { Quality, Value } from '../../../shared/reading.js';
import type { BlockColumns } from './block-codec.js';
import { ValueKind } from './protocol.js';
import { FLAG_BOOLEAN, QUALITY_MASK, qualityName } from './schema.js';

/** A hot-table row as `.raw()` returns it: ts, value, flags, status_id, receive_delta. */
export type HotRow = [ts: number, value: number | string | null, flags: number, statusId: number | null, receiveDelta: number | null];

export class ColumnBuilder {
  count = 0;
  private ts: Float64Array;
  private kind: Uint8Array;
  private num: Float64Array;
  private quality: Uint8Array;
  private status: Int32Array;
  private recv: Float64Array;
  private readonly strings: string[] = [];

  constructor(capacity = 64) {
    this.ts = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.num = new Float64Array(capacity);
    this.quality = new Uint8Array(capacity);
    this.status = new Int32Array(capacity);
    this.recv = new Float64Array(capacity);
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.ts = f64(this.ts);
    this.num = f64(this.num);
    this.recv = f64(this.recv);
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.kind = u8(this.kind);
    this.quality = u8(this.quality);
    const s = new Int32Array(cap);
    s.set(this.status);
    this.status = s;
  }

  push(ts: number, kind: number, num: number, str: string | undefined, quality: number, status: number, recvDelta: number): void {
    if (this.count === this.ts.length) this.grow();
    const i = this.count++;
    this.ts[i] = ts;
    this.kind[i] = kind;
    this.num[i] = kind === ValueKind.number || kind === ValueKind.boolean ? num : 0;
    this.quality[i] = quality;
    this.status[i] = status;
    this.recv[i] = recvDelta;
    if (kind === ValueKind.string) this.strings.push(str ?? '');
  }

  pushHot(r: HotRow): void {
    const [ts, value, flags, statusId, receiveDelta] = r;
    let kind: number;
    let num = 0;
    let str: string | undefined;
    if ((flags & FLAG_BOOLEAN) !== 0) {
      kind = value === null ? ValueKind.null : ValueKind.boolean;
      num = value === 0 || value === null ? 0 : 1;
    } else if (typeof value === 'number') {
      kind = ValueKind.number;
      num = value;
    } else if (typeof value === 'string') {
      kind = ValueKind.string;
      str = value;
    } else {
      kind = ValueKind.null;
    }
    this.push(ts, kind, num, str, flags & QUALITY_MASK, statusId ?? -1, receiveDelta ?? Number.NaN);
  }

  /** Appends row i of `c`; `str` is that row's string when it is of kind string. */
  pushFrom(c: BlockColumns, i: number, str: string | undefined): void {
    this.push(c.ts[i]!, c.kind[i]!, c.num[i]!, str, c.quality[i]!, c.status[i]!, c.recvDelta[i]!);
  }

  finish(): BlockColumns {
    const n = this.count;
    return {
      count: n,
      ts: this.ts.slice(0, n),
      kind: this.kind.slice(0, n),
      num: this.num.slice(0, n),
      strings: this.strings.slice(),
      quality: this.quality.slice(0, n),
      status: this.status.slice(0, n),
      recvDelta: this.recv.slice(0, n),
    };
  }
}

export const emptyColumns = (): BlockColumns => new ColumnBuilder(1).finish();

/** The string of each row (undefined for other kinds), for random access. */
export function rowStrings(c: BlockColumns): Array<string | undefined> {
  const out = new Array<string | undefined>(c.count);
  let k = 0;
  for (let i = 0; i < c.count; i++) out[i] = c.kind[i] === ValueKind.string ? c.strings[k++] : undefined;
  return out;
}

/**
 * Merges time-ordered column sets into one, oldest first. On equal timestamps the source
 * later in `sources` wins (pass older data first: blocks, then hot rows).
 */
export function mergeColumns(sources: readonly BlockColumns[]): BlockColumns {
  const live = sources.filter((s) => s.count > 0);
  if (live.length === 0) return emptyColumns();
  if (live.length === 1) return live[0]!;
  const strs = live.map(rowStrings);
  const pos = live.map(() => 0);
  const out = new ColumnBuilder(live.reduce((n, s) => n + s.count, 0));
  for (;;) {
    let best = -1;
    let bestTs = Number.POSITIVE_INFINITY;
    for (let s = 0; s < live.length; s++) {
      const p = pos[s]!;
      if (p >= live[s]!.count) continue;
      const t = live[s]!.ts[p]!;
      // `<=`: a later source wins a tie.
      if (t <= bestTs) {
        bestTs = t;
        best = s;
      }
    }
    if (best < 0) break;
    // Skip the rows of earlier sources at the same ts: they are replaced.
    for (let s = 0; s < live.length; s++) {
      if (s !== best && pos[s]! < live[s]!.count && live[s]!.ts[pos[s]!] === bestTs) pos[s]!++;
    }
    const p = pos[best]!++;
    out.pushFrom(live[best]!, p, strs[best]![p]);
  }
  return out.finish();
}

/** Rows with from <= ts <= to. */
export function sliceColumns(c: BlockColumns, from: number, to: number): BlockColumns {
  let lo = 0;
  while (lo < c.count && c.ts[lo]! < from) lo++;
  let hi = c.count;
  while (hi > lo && c.ts[hi - 1]! > to) hi--;
  if (lo === 0 && hi === c.count) return c;
  return subColumns(c, lo, hi);
}

/** Rows [lo, hi). */
export function subColumns(c: BlockColumns, lo: number, hi: number): BlockColumns {
  let skip = 0;
  for (let i = 0; i < lo; i++) if (c.kind[i] === ValueKind.string) skip++;
  let take = 0;
  for (let i = lo; i < hi; i++) if (c.kind[i] === ValueKind.string) take++;
  return {
    count: hi - lo,
    ts: c.ts.subarray(lo, hi),
    kind: c.kind.subarray(lo, hi),
    num: c.num.subarray(lo, hi),
    strings: c.strings.slice(skip, skip + take),
    quality: c.quality.subarray(lo, hi),
    status: c.status.subarray(lo, hi),
    recvDelta: c.recvDelta.subarray(lo, hi),
  };
}

export function columnValue(c: BlockColumns, i: number, str: string | undefined): Value {
  switch (c.kind[i]) {
    case ValueKind.number: {
      const v = c.num[i]!;
      // SQLite has no NaN: it reads back as null, in blocks as in the hot table.
      return Number.isNaN(v) ? null : v;
    }
    case ValueKind.boolean:
      return c.num[i] !== 0;
    case ValueKind.string:
      return str ?? '';
    default:
      return null;
  }
}

export const columnQuality = (c: BlockColumns, i: number): Quality => qualityName[c.quality[i]!] ?? 'bad';

export function columnPoint(c: BlockColumns, i: number, str: string | undefined): HistoryPoint {
  return [c.ts[i]!, columnValue(c, i, str), columnQuality(c, i)];
}
