/**
 * The newest committed reading per tag, kept columnar and indexed by the tag's integer
 * id, so that updating it after a commit of 10k readings costs a few typed-array writes
 * per row and no objects; Reading objects are built only when asked for.
 */
import type { Quality, Reading, Value } from '../../../shared/reading.js';
import { ValueKind } from './protocol.js';
import { qualityName } from './schema.js';

const UNKNOWN = 0;
const NONE = 1;
const SET = 2;

export interface CachedValue {
  ts: number;
  kind: number;
  num: number;
  str: string | undefined;
  quality: number;
  statusId: number;
}

export class LatestCache {
  private state = new Uint8Array(0);
  private ts = new Float64Array(0);
  private num = new Float64Array(0);
  /** quality | kind << 2, as in AppendBatch.flags. */
  private flags = new Uint8Array(0);
  /** Status id in the database, -1 for none. */
  private status = new Int32Array(0);
  private str: Array<string | undefined> = [];
  private dirty = new Uint8Array(0);
  private dirtyList: number[] = [];

  private ensure(id: number): void {
    if (id < this.state.length) return;
    let cap = Math.max(64, this.state.length);
    while (cap <= id) cap *= 2;
    const grow = <T extends Uint8Array | Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.state = grow(this.state, (n) => new Uint8Array(n));
    this.ts = grow(this.ts, (n) => new Float64Array(n));
    this.num = grow(this.num, (n) => new Float64Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.status = grow(this.status, (n) => new Int32Array(n));
    this.dirty = grow(this.dirty, (n) => new Uint8Array(n));
  }

  known(id: number): boolean {
    return id < this.state.length && this.state[id] !== UNKNOWN;
  }

  /** The cached newest ts; undefined when unknown or none. */
  newestTs(id: number): number | undefined {
    return id < this.state.length && this.state[id] === SET ? this.ts[id] : undefined;
  }

  /**
   * Offers a committed reading: kept if the tag is unknown and `floor` (the stored hint)
   * is not newer, or if it is at least as new as the cached one. Marks the tag dirty.
   */
  offer(id: number, ts: number, num: number, flags: number, str: string | undefined, statusId: number, floor: number | null | undefined): void {
    this.ensure(id);
    const s = this.state[id];
    if (s === SET ? ts < this.ts[id]! : s === UNKNOWN && floor !== null && floor !== undefined && ts < floor) return;
    this.put(id, ts, num, flags, str, statusId);
    if (this.dirty[id] === 0) {
      this.dirty[id] = 1;
      this.dirtyList.push(id);
    }
  }

  /** Records what a lookup in the database found (not dirty: it is what is stored). */
  resolved(id: number, v: CachedValue | null): void {
    this.ensure(id);
    if (v === null) this.state[id] = NONE;
    else this.put(id, v.ts, v.num, v.quality | (v.kind << 2), v.str, v.statusId);
  }

  private put(id: number, ts: number, num: number, flags: number, str: string | undefined, statusId: number): void {
    this.state[id] = SET;
    this.ts[id] = ts;
    this.num[id] = num;
    this.flags[id] = flags;
    this.status[id] = statusId;
    this.str[id] = str;
  }

  /** undefined: unknown; null: the tag has no reading. */
  reading(id: number, key: string, statusText: (id: number) => string | undefined): Reading | null | undefined {
    if (id >= this.state.length || this.state[id] === UNKNOWN) return undefined;
    if (this.state[id] === NONE) return null;
    const f = this.flags[id]!;
    const kind = f >> 2;
    const n = this.num[id]!;
    let value: Value;
    if (kind === ValueKind.number) value = Number.isNaN(n) ? null : n;
    else if (kind === ValueKind.boolean) value = n !== 0;
    else if (kind === ValueKind.string) value = this.str[id] ?? '';
    else value = null;
    const r: Reading = { tagId: key, ts: this.ts[id]!, value, quality: (qualityName[f & 3] ?? 'bad') as Quality };
    const sid = this.status[id]!;
    if (sid >= 0) {
      const text = statusText(sid);
      if (text !== undefined) r.status = text;
    }
    return r;
  }

  /** Tags whose newest reading is older than `oldest` (or all, if undefined) now have none. */
  forgetOlderThan(oldest: number | undefined): void {
    for (let id = 0; id < this.state.length; id++) {
      if (this.state[id] === SET && (oldest === undefined || this.ts[id]! < oldest)) {
        this.state[id] = NONE;
        this.str[id] = undefined;
      }
    }
  }

  /** Dirty tags with their newest ts; clears the dirty set. */
  takeDirty(): Array<[id: number, ts: number]> {
    const out: Array<[number, number]> = [];
    for (const id of this.dirtyList) {
      this.dirty[id] = 0;
      if (this.state[id] === SET) out.push([id, this.ts[id]!]);
    }
    this.dirtyList = [];
    return out;
  }
}
