/**
 * Columnar encoding of an append (see AppendBatch): typed arrays whose buffers are
 * transferred to the worker, plus the few strings that must be cloned.
 */
import type { Reading } from '../../../shared/reading.js';
import type { AppendBatch } from './protocol.js';
import { ValueKind } from './protocol.js';
import { qualityCode } from './schema.js';

/** Transfer list for postMessage: the batch's typed-array buffers. */
export const transferList = (b: AppendBatch): ArrayBuffer[] => [b.tag.buffer, b.ts.buffer, b.recv.buffer, b.num.buffer, b.flags.buffer, b.status.buffer] as ArrayBuffer[];

/** `tagIds` maps known tag keys to database ids; other keys go to `newKeys`. */
export function encodeAppend(readings: ReadonlyArray<Reading>, tagIds: ReadonlyMap<string, number>): { batch: AppendBatch; newKeys: string[] } {
  const count = readings.length;
  const tag = new Int32Array(count);
  const ts = new Float64Array(count);
  const recv = new Float64Array(count);
  const num = new Float64Array(count);
  const flags = new Uint8Array(count);
  const status = new Int32Array(count);
  const strings: string[] = [];
  const statusTexts: string[] = [];
  const statusIndex = new Map<string, number>();
  const newKeys: string[] = [];
  const newIndex = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const r = readings[i]!;
    const id = tagIds.get(r.tagId);
    if (id !== undefined) tag[i] = id;
    else {
      let k = newIndex.get(r.tagId);
      if (k === undefined) {
        k = newKeys.length;
        newKeys.push(r.tagId);
        newIndex.set(r.tagId, k);
      }
      tag[i] = -k - 1;
    }
    ts[i] = r.ts;
    recv[i] = r.receiveTs === undefined || r.receiveTs === r.ts ? Number.NaN : r.receiveTs;
    const q = qualityCode[r.quality];
    const v = r.value;
    let kind: number;
    if (typeof v === 'number') {
      kind = ValueKind.number;
      num[i] = v;
    } else if (typeof v === 'boolean') {
      kind = ValueKind.boolean;
      num[i] = v ? 1 : 0;
    } else if (typeof v === 'string') {
      kind = ValueKind.string;
      strings.push(v);
    } else kind = ValueKind.null;
    flags[i] = q | (kind << 2);
    if (r.status === undefined) status[i] = -1;
    else {
      let s = statusIndex.get(r.status);
      if (s === undefined) {
        s = statusTexts.length;
        statusTexts.push(r.status);
        statusIndex.set(r.status, s);
      }
      status[i] = s;
    }
  }
  return { batch: { count, tag, ts, recv, num, flags, status, strings, statusTexts, newKeys }, newKeys };
}
