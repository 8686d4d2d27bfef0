/**
 * Per-tag compressed block codec of the history engine: one block holds up to 2^20
 * consecutive readings of one tag, columnar. Pure: no SQLite, no I/O, no module state.
 *
 * FORMAT, version 1 (all multi-byte header fields little-endian)
 *
 *   offset  size  field
 *   0       1     version (1)
 *   1       3     reserved, zero
 *   4       4     count: rows, 1 .. 2^20
 *   8       4     W: words in the bit stream
 *   12      4     checksum (below)
 *   16      4*W   bit stream: W 32-bit words, each stored little-endian; bits are read
 *                 from each word's most significant bit down; the last word is padded
 *                 with zero bits
 *   16+4W   rest  string section (below)
 *
 * Checksum: h = 0x811C9DC5; for each x of (bytes 0..11 of the header, then each bit-stream
 * word as an unsigned 32-bit integer, then each byte of the string section):
 * h = imul32(h XOR x, 0x01000193); h = h XOR (h >>> 15). Stored as unsigned 32-bit.
 * Every step is a bijection of h, so any change to one byte or word is always detected.
 *
 * Codes used in the bit stream (bits.ts, codec/ints.ts):
 *   bits(n)  n bits, most significant first
 *   i54      54-bit two's complement: bits(22) high part (signed), bits(32) low part
 *   gamma    Elias gamma of n >= 1: (b - 1) zero bits, then n in b bits, b = bit length of n
 *   sv       signed integer with zero runs: see codec/ints.ts (prefix 0, 10, 110, 1110,
 *            11110, 111110 + 5/9/13/20/32-bit two's complement; 1111110 + i54 ("wide");
 *            1111111 + bits(20) n: the next n values are 0). A run never crosses the end
 *            of a sequence.
 *   runs(b)  run-length sequence of small values: repeated (value bits(b), length gamma)
 *            until the lengths add up to the sequence's size exactly
 *
 * Sections, in order, in the bit stream:
 *   1. timestamps (count values)
 *        bits(1) mode: 0 = delta-of-delta, 1 = delta minus a fixed period
 *        mode 1: gamma P (period in ms, 1 <= P < 2^32)
 *        i54 ts[0]
 *        count - 1 sv codes r. State ref = 0 (mode 0) or P (mode 1). For each row i >= 1:
 *          r from the wide bucket: ts[i] = r (an absolute time); mode 0: ref = 0
 *          otherwise: delta = ref + r; ts[i] = ts[i-1] + delta; mode 0: ref = delta
 *        (Poll jitter makes delta - P smaller than a delta-of-delta; the encoder picks the
 *        cheaper mode per block.)
 *   2. kind: runs(2) over count rows (ValueKind: number 0, boolean 1, string 2, null 3)
 *   3. quality: runs(2) over count rows (0 good, 1 uncertain, 2 bad; 3 is corrupt)
 *   4. status: repeated (gamma status+2, gamma length) until count rows (status -1 = none)
 *   5. recvDelta: presence runs(1) over count rows (1 = present, 0 = NaN); then, if any are
 *        present, bits(1) mode and one sv code per present value: mode 0: the difference to
 *        the previous present value (first: to 0); mode 1: the value itself
 *   6. booleans: if any row has kind boolean, runs(1) over the boolean rows in row order
 *   7. numbers: if any row has kind number, over the m number rows in row order:
 *        bits(2) encoding:
 *        0 decimal: bits(4) e (0..10); value = k / 10^e
 *        1 scaled:  bits(32) high, bits(32) low: the float64 s; value = k * s
 *           (a register times a factor: 217 * 0.1 = 21.700000000000003; counts * 100/27648)
 *          then for 0 and 1: bits(1) dod (0: sv codes are deltas of k; 1: delta-of-delta,
 *          previous delta starting at 0), gamma (exceptions + 1), per exception in row
 *          order gamma (gap to the previous exception's index, first: index + 1) and the
 *          float64 as bits(32) high, bits(32) low; then m sv codes giving k (k starts at 0;
 *          an exception row repeats the previous k and its value is the stored float64).
 *          Exceptions are NaN, +-Infinity, -0 and any value that does not round-trip.
 *        2 Gorilla XOR: bits(32) high, bits(32) low of the first float64; then per value
 *          x = bits XOR previous bits: 0 -> x = 0; 10 -> x's meaningful bits in the current
 *          window (leading L, trailing T zeros; 64 - L - T bits); 11 -> bits(6) L,
 *          bits(6) len - 1, len bits, T = 64 - L - len, which becomes the window.
 *          Meaningful bits longer than 32 are written as the high (len - 32) bits first.
 *   The stream must end here (only zero padding in the last word).
 *
 * String section: per row of kind string, in row order: LEB128 varint v, then v >> 1 bytes:
 * UTF-8 when v & 1 = 0, UTF-16LE code units when v & 1 = 1 (only for strings with lone
 * surrogates, which UTF-8 cannot carry). It must end exactly at the end of the block.
 *
 * For kinds other than number and boolean, decode gives num = 0. recvDelta -0 decodes as 0.
 * decodeBlock returns columns that are views of one ArrayBuffer: copy a column before
 * transferring its buffer to another thread.
 */
import { BitReader, BitWriter } from './codec/bits.js';
import { SvSequence, nonZeroBits } from './codec/ints.js';
import { ValueKind } from './protocol.js';

export interface BlockColumns {
  count: number;
  /** Integer UTC ms, strictly increasing, in [-8.64e15, 8.64e15]. */
  ts: Float64Array;
  /** ValueKind per row. */
  kind: Uint8Array;
  /** Number rows: the value, bit-exact; boolean rows: 0 or 1; others ignored (decode gives 0). */
  num: Float64Array;
  /** One per row of kind string, in row order. */
  strings: string[];
  /** 0 good, 1 uncertain, 2 bad. */
  quality: Uint8Array;
  /** Status dictionary id >= 0, or -1 for none. */
  status: Int32Array;
  /** receiveTs - ts in integer ms (|d| < 2^53), or NaN when absent. */
  recvDelta: Float64Array;
}

export const BLOCK_FORMAT_VERSION = 1;

const HEADER_BYTES = 16;
const MAX_COUNT = 1 << 20;
const TS_LIMIT = 8.64e15;
const TWO32 = 4294967296;
const TWO31 = 2147483648;
const TWO50 = 2 ** 50;
const TWO52 = 2 ** 52;
const TWO53 = 2 ** 53;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
const NUM_DECIMAL = 0;
const NUM_SCALED = 1;
const NUM_GORILLA = 2;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the high / low 32-bit half of a float64 in a Uint32Array view. */
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------
// encode

export function encodeBlock(c: BlockColumns): Uint8Array {
  const n = c.count;
  validate(c);
  const w = new BitWriter((n >> 1) + 64);
  encodeTimestamps(w, c.ts, n);
  writeRuns(w, c.kind, n, 2);
  writeRuns(w, c.quality, n, 2);
  writeStatus(w, c.status, n);
  writeRecv(w, c.recvDelta, n);

  let booleans = 0;
  let numbers = 0;
  for (let i = 0; i < n; i++) {
    const k = c.kind[i]!;
    if (k === ValueKind.number) numbers++;
    else if (k === ValueKind.boolean) booleans++;
  }
  if (booleans > 0) {
    const b = new Uint8Array(booleans);
    for (let i = 0, j = 0; i < n; i++) if (c.kind[i] === ValueKind.boolean) b[j++] = c.num[i]!;
    writeRuns(w, b, booleans, 1);
  }
  if (numbers > 0) {
    const v = new Float64Array(numbers);
    if (numbers === n) v.set(c.num.subarray(0, n));
    else for (let i = 0, j = 0; i < n; i++) if (c.kind[i] === ValueKind.number) v[j++] = c.num[i]!;
    encodeNumbers(w, v);
  }
  const words = w.finish();
  const strings = encodeStrings(c.strings);

  const out = new Uint8Array(HEADER_BYTES + words.length * 4 + strings.length);
  const view = new DataView(out.buffer);
  out[0] = BLOCK_FORMAT_VERSION;
  view.setUint32(4, n, true);
  view.setUint32(8, words.length, true);
  if (LITTLE_ENDIAN) out.set(new Uint8Array(words.buffer, words.byteOffset, words.length * 4), HEADER_BYTES);
  else for (let i = 0; i < words.length; i++) view.setUint32(HEADER_BYTES + 4 * i, words[i]!, true);
  out.set(strings, HEADER_BYTES + words.length * 4);
  view.setUint32(12, checksum(out, words, strings), true);
  return out;
}

function validate(c: BlockColumns): void {
  const n = c.count;
  if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT) throw new Error(`block: count ${n} is out of range; a block holds 1 to ${MAX_COUNT} rows`);
  for (const [name, col] of [
    ['ts', c.ts],
    ['kind', c.kind],
    ['num', c.num],
    ['quality', c.quality],
    ['status', c.status],
    ['recvDelta', c.recvDelta],
  ] as const) {
    if (col.length < n) throw new Error(`block: column ${name} has ${col.length} rows, fewer than count ${n}`);
  }
  let strings = 0;
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = c.ts[i]!;
    if (!Number.isInteger(t) || t < -TS_LIMIT || t > TS_LIMIT) throw new Error(`block: ts[${i}] = ${t} is not an integer UTC ms time in [-8.64e15, 8.64e15]`);
    if (t <= prev) throw new Error(`block: ts[${i}] = ${t} is not after ts[${i - 1}] = ${prev}; timestamps in a block must be strictly increasing`);
    prev = t;
    const k = c.kind[i]!;
    if (k > 3) throw new Error(`block: kind[${i}] = ${k} is not a ValueKind (0 number, 1 boolean, 2 string, 3 null)`);
    if (k === ValueKind.string) strings++;
    else if (k === ValueKind.boolean && c.num[i] !== 0 && c.num[i] !== 1) throw new Error(`block: num[${i}] = ${c.num[i]} for a boolean row; it must be 0 or 1`);
    if (c.quality[i]! > 2) throw new Error(`block: quality[${i}] = ${c.quality[i]} is not 0 good, 1 uncertain or 2 bad`);
    if (c.status[i]! < -1) throw new Error(`block: status[${i}] = ${c.status[i]}; it must be a dictionary id >= 0 or -1 for none`);
    const d = c.recvDelta[i]!;
    if (!Number.isNaN(d) && !(Number.isInteger(d) && Math.abs(d) < TWO53)) throw new Error(`block: recvDelta[${i}] = ${d}; it must be an integer ms difference (|d| < 2^53) or NaN`);
  }
  if (c.strings.length !== strings) throw new Error(`block: ${c.strings.length} strings given for ${strings} rows of kind string; there must be one per string row`);
}

/** Median of up to 63 deltas spread over the block: the period the poller aimed at. */
function typicalPeriod(ts: Float64Array, n: number): number {
  const k = Math.min(n - 1, 63);
  const d = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const i = 1 + Math.floor((j * (n - 1)) / k);
    d[j] = ts[i]! - ts[i - 1]!;
  }
  d.sort();
  return d[k >> 1]!;
}

const svBits = (r: number): number => (r === 0 ? 1 : r >= -TWO31 && r < TWO31 ? nonZeroBits(r) : 61);

function encodeTimestamps(w: BitWriter, ts: Float64Array, n: number): void {
  let mode = 0;
  let period = 0;
  if (n >= 3) {
    period = typicalPeriod(ts, n);
    if (period >= 1 && period < TWO32) {
      let costDod = 0;
      let costFixed = 0;
      let prevDelta = 0;
      for (let i = 1; i < n; i++) {
        const delta = ts[i]! - ts[i - 1]!;
        costDod += svBits(delta - prevDelta);
        costFixed += svBits(delta - period);
        prevDelta = delta;
      }
      if (costFixed + 2 * (32 - Math.clz32(period)) < costDod) mode = 1;
    }
  }
  w.write(mode, 1);
  if (mode === 1) w.gamma(period);
  w.write54(ts[0]!);
  let ref = mode === 1 ? period : 0;
  const seq = new SvSequence(w);
  for (let i = 1; i < n; i++) {
    const prev = ts[i - 1]!;
    const t = ts[i]!;
    const r = t - prev - ref;
    if (r === 0 && prev + ref === t) {
      seq.zero();
    } else if (r >= -TWO31 && r < TWO31 && r !== 0 && prev + (ref + r) === t) {
      seq.value(r);
      if (mode === 0) ref += r;
    } else {
      seq.wide(t);
      if (mode === 0) ref = 0;
    }
  }
  seq.end();
}

function writeRuns(w: BitWriter, values: Uint8Array, n: number, width: number): void {
  let i = 0;
  while (i < n) {
    const v = values[i]!;
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    w.write(v, width);
    w.gamma(j - i);
    i = j;
  }
}

function writeStatus(w: BitWriter, status: Int32Array, n: number): void {
  let i = 0;
  while (i < n) {
    const v = status[i]!;
    let j = i + 1;
    while (j < n && status[j] === v) j++;
    w.gamma(v + 2);
    w.gamma(j - i);
    i = j;
  }
}

function writeRecv(w: BitWriter, recv: Float64Array, n: number): void {
  let first = 0;
  while (first < n && Number.isNaN(recv[first]!)) first++;
  if (first === n) {
    w.write(0, 1);
    w.gamma(n);
    return;
  }
  const present = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(recv[i]!)) {
      present[i] = 1;
      any = true;
    }
  }
  writeRuns(w, present, n, 1);
  if (!any) return;
  let costDelta = 0;
  let costDirect = 0;
  let prev = 0;
  let deltaSafe = true;
  for (let i = 0; i < n; i++) {
    const d = recv[i]!;
    if (Number.isNaN(d)) continue;
    const diff = d - prev;
    if (!(Math.abs(diff) < TWO52)) deltaSafe = false;
    costDelta += svBits(diff);
    costDirect += svBits(d);
    prev = d;
  }
  const mode = deltaSafe && costDelta < costDirect ? 0 : 1;
  w.write(mode, 1);
  prev = 0;
  const seq = new SvSequence(w);
  for (let i = 0; i < n; i++) {
    const d = recv[i]!;
    if (Number.isNaN(d)) continue;
    seq.value(mode === 0 ? d - prev : d + 0);
    prev = d;
  }
  seq.end();
}

/** Same float64, telling -0 from 0 (NaN is never the same: it goes to the exceptions). */
const same = (a: number, b: number): boolean => a === b && (a !== 0 || 1 / a === 1 / b);

/** Integer form of the numbers, or why not (-1): what both integer encodings share. */
interface IntForm {
  k: Float64Array;
  exceptions: Int32Array;
  exceptionCount: number;
}

/** Smallest e <= 10 with every value (but at most `limit` exceptions) = round(v*10^e)/10^e. */
function decimalExponent(v: Float64Array, limit: number): number {
  let e = 0;
  let misses = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const start = e;
    for (;;) {
      const p = POW10[e]!;
      const k = Math.round(x * p) + 0;
      if (Math.abs(k) < TWO50 && same(k / p, x)) break;
      if (++e > 10) {
        e = start;
        if (++misses > limit) return -1;
        break;
      }
    }
  }
  return e;
}

function decimalForm(v: Float64Array, e: number, limit: number, form: IntForm): boolean {
  const p = POW10[e]!;
  let prev = 0;
  let misses = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const k = Math.round(x * p) + 0;
    if (Math.abs(k) < TWO50 && same(k / p, x)) prev = k;
    else {
      if (misses >= limit) return false;
      form.exceptions[misses++] = i;
    }
    form.k[i] = prev;
  }
  form.exceptionCount = misses;
  return true;
}

function scaledMisses(v: Float64Array, s: number, limit: number): number {
  let misses = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const k = Math.round(x / s) + 0;
    if (!(Math.abs(k) < TWO50 && same(k * s, x)) && ++misses > limit) return misses;
  }
  return misses;
}

/** A factor s with v = k * s for integers k (a register times its scaling), or NaN. */
function findScale(v: Float64Array, limit: number): number {
  let anchor = NaN;
  let step = Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x) || x === 0) continue;
    if (!(Math.abs(x) >= Math.abs(anchor))) anchor = x;
    if (i > 0) {
      const d = Math.abs(x - v[i - 1]!);
      if (d > 0 && d < step) step = d;
    }
  }
  if (Number.isNaN(anchor)) return NaN;
  if (!Number.isFinite(step)) step = Math.abs(anchor);
  for (const divisor of [1, 2, 3, 4, 5, 8, 10]) {
    const ka = Math.round(anchor / (step / divisor));
    if (ka === 0 || !(Math.abs(ka) < TWO50)) continue;
    const s0 = anchor / ka;
    const ulp = 2 ** (Math.floor(Math.log2(Math.abs(s0))) - 52);
    for (const j of [0, 1, -1, 2, -2]) {
      const s = s0 + j * ulp;
      if (s === 0 || !Number.isFinite(s)) continue;
      if (scaledMisses(v, s, limit) <= limit) return s;
    }
  }
  return NaN;
}

function scaledForm(v: Float64Array, s: number, limit: number, form: IntForm): boolean {
  let prev = 0;
  let misses = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const k = Math.round(x / s) + 0;
    if (Math.abs(k) < TWO50 && same(k * s, x)) prev = k;
    else {
      if (misses >= limit) return false;
      form.exceptions[misses++] = i;
    }
    form.k[i] = prev;
  }
  form.exceptionCount = misses;
  return true;
}

function writeIntForm(w: BitWriter, v: Float64Array, bits: Uint32Array, encoding: number, param: number, form: IntForm): void {
  const m = v.length;
  const k = form.k;
  let costDelta = 0;
  let costDod = 0;
  let prev = 0;
  let prevDelta = 0;
  for (let i = 0; i < m; i++) {
    const delta = k[i]! - prev;
    costDelta += svBits(delta);
    costDod += svBits(delta - prevDelta);
    prev = k[i]!;
    prevDelta = delta;
  }
  const dod = costDod < costDelta ? 1 : 0;
  w.write(encoding, 2);
  if (encoding === NUM_DECIMAL) w.write(param, 4);
  else {
    scratch[0] = param;
    w.write(scratchBits[HI]!, 32);
    w.write(scratchBits[LO]!, 32);
  }
  w.write(dod, 1);
  w.gamma(form.exceptionCount + 1);
  let last = -1;
  for (let j = 0; j < form.exceptionCount; j++) {
    const i = form.exceptions[j]!;
    w.gamma(i - last);
    last = i;
    w.write(bits[2 * i + HI]!, 32);
    w.write(bits[2 * i + LO]!, 32);
  }
  prev = 0;
  prevDelta = 0;
  const seq = new SvSequence(w);
  for (let i = 0; i < m; i++) {
    const delta = k[i]! - prev;
    seq.value(dod === 1 ? delta - prevDelta : delta);
    prev = k[i]!;
    prevDelta = delta;
  }
  seq.end();
}

// A float64 <-> two 32-bit halves, used only synchronously inside one call.
const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

const ctz32 = (x: number): number => 31 - Math.clz32(x & -x);

function writeMeaningful(w: BitWriter, h: number, l: number, t: number, len: number): void {
  let hi: number;
  let lo: number;
  if (t >= 32) {
    hi = 0;
    lo = h >>> (t - 32);
  } else if (t > 0) {
    lo = (l >>> t) | (h << (32 - t));
    hi = h >>> t;
  } else {
    hi = h;
    lo = l;
  }
  if (len > 32) {
    w.write(hi, len - 32);
    w.write(lo, 32);
  } else w.write(lo, len);
}

function writeGorilla(w: BitWriter, bits: Uint32Array, m: number): void {
  w.write(NUM_GORILLA, 2);
  let ph = bits[HI]!;
  let pl = bits[LO]!;
  w.write(ph, 32);
  w.write(pl, 32);
  let wl = -1;
  let wt = 0;
  for (let i = 1; i < m; i++) {
    const h = bits[2 * i + HI]!;
    const l = bits[2 * i + LO]!;
    const xh = h ^ ph;
    const xl = l ^ pl;
    ph = h;
    pl = l;
    if (xh === 0 && xl === 0) {
      w.write(0, 1);
      continue;
    }
    const lead = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (wl >= 0 && lead >= wl && trail >= wt) {
      w.write(0b10, 2);
      writeMeaningful(w, xh, xl, wt, 64 - wl - wt);
    } else {
      const len = 64 - lead - trail;
      w.write(0b11, 2);
      w.write(lead, 6);
      w.write(len - 1, 6);
      writeMeaningful(w, xh, xl, trail, len);
      wl = lead;
      wt = trail;
    }
  }
}

function encodeNumbers(w: BitWriter, v: Float64Array): void {
  const m = v.length;
  const bits = new Uint32Array(v.buffer, v.byteOffset, 2 * m);
  const limit = m >> 4;
  const form: IntForm = { k: new Float64Array(m), exceptions: new Int32Array(limit + 1), exceptionCount: 0 };
  let encoding = -1;
  let param = 0;
  const e = decimalExponent(v, limit);
  if (e >= 0 && decimalForm(v, e, limit, form)) {
    encoding = NUM_DECIMAL;
    param = e;
  }
  if (encoding < 0 || form.exceptionCount > 0) {
    const s = findScale(v, limit);
    const scaled: IntForm = { k: new Float64Array(m), exceptions: new Int32Array(limit + 1), exceptionCount: 0 };
    if (!Number.isNaN(s) && scaledForm(v, s, limit, scaled) && (encoding < 0 || scaled.exceptionCount < form.exceptionCount)) {
      encoding = NUM_SCALED;
      param = s;
      form.k = scaled.k;
      form.exceptions = scaled.exceptions;
      form.exceptionCount = scaled.exceptionCount;
    }
  }
  if (encoding >= 0 && form.exceptionCount === 0) {
    writeIntForm(w, v, bits, encoding, param, form);
    return;
  }
  const gorilla = new BitWriter((m >> 1) + 8);
  writeGorilla(gorilla, bits, m);
  if (encoding >= 0) {
    const ints = new BitWriter((m >> 2) + 8);
    writeIntForm(ints, v, bits, encoding, param, form);
    if (ints.bitLength <= gorilla.bitLength) {
      w.append(ints);
      return;
    }
  }
  w.append(gorilla);
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function encodeStrings(strings: string[]): Uint8Array {
  if (strings.length === 0) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const s of strings) {
    let body: Uint8Array;
    let flag = 0;
    if (hasLoneSurrogate(s)) {
      body = new Uint8Array(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        body[2 * i] = c & 0xff;
        body[2 * i + 1] = c >>> 8;
      }
      flag = 1;
    } else body = utf8Encoder.encode(s);
    let x = body.length * 2 + flag;
    const head: number[] = [];
    while (x >= 0x80) {
      head.push((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    head.push(x);
    parts.push(Uint8Array.from(head), body);
    total += head.length + body.length;
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function checksum(header: Uint8Array, words: Uint32Array, strings: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 12; i++) {
    h = Math.imul(h ^ header[i]!, 0x01000193);
    h ^= h >>> 15;
  }
  for (let i = 0; i < words.length; i++) {
    h = Math.imul(h ^ words[i]!, 0x01000193);
    h ^= h >>> 15;
  }
  for (let i = 0; i < strings.length; i++) {
    h = Math.imul(h ^ strings[i]!, 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------
// decode

export function decodeBlock(bytes: Uint8Array): BlockColumns {
  if (bytes.length < HEADER_BYTES) throw new Error(`block: truncated: ${bytes.length} bytes, but a block has a ${HEADER_BYTES}-byte header`);
  const version = bytes[0]!;
  if (version !== BLOCK_FORMAT_VERSION) throw new Error(`block: unknown format version ${version} (this build reads version ${BLOCK_FORMAT_VERSION}); the block was written by another build or is corrupt`);
  if (bytes[1] !== 0 || bytes[2] !== 0 || bytes[3] !== 0) throw new Error('block: reserved header bytes 1..3 are not zero; the block is corrupt');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  const wordCount = view.getUint32(8, true);
  if (n < 1 || n > MAX_COUNT) throw new Error(`block: header count ${n} is out of range 1..${MAX_COUNT}; the block is corrupt`);
  const stringsStart = HEADER_BYTES + wordCount * 4;
  if (stringsStart > bytes.length) throw new Error(`block: truncated: the header announces ${wordCount} bit-stream words (${stringsStart} bytes with the header) but the block has ${bytes.length} bytes`);
  let words: Uint32Array;
  if (LITTLE_ENDIAN && (bytes.byteOffset + HEADER_BYTES) % 4 === 0) words = new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, wordCount);
  else if (LITTLE_ENDIAN) words = new Uint32Array(bytes.slice(HEADER_BYTES, stringsStart).buffer);
  else {
    words = new Uint32Array(wordCount);
    for (let i = 0; i < wordCount; i++) words[i] = view.getUint32(HEADER_BYTES + 4 * i, true);
  }
  const stringBytes = bytes.subarray(stringsStart);
  const stored = view.getUint32(12, true);
  const computed = checksum(bytes, words, stringBytes);
  if (stored !== computed) throw new Error(`block: checksum mismatch (stored ${stored.toString(16)}, computed ${computed.toString(16)}); the block is corrupt or truncated`);

  const r = new BitReader(words, 'timestamp');
  // One allocation for all columns (a typed array each is several times slower at 600 rows).
  const buffer = new ArrayBuffer(n * 30);
  const out: BlockColumns = {
    count: n,
    ts: new Float64Array(buffer, 0, n),
    num: new Float64Array(buffer, n * 8, n),
    recvDelta: new Float64Array(buffer, n * 16, n),
    status: new Int32Array(buffer, n * 24, n),
    kind: new Uint8Array(buffer, n * 28, n),
    quality: new Uint8Array(buffer, n * 29, n),
    strings: [],
  };
  decodeTimestamps(r, out.ts, n);
  r.section = 'kind';
  readRuns(r, out.kind, n, 2);
  r.section = 'quality';
  readRuns(r, out.quality, n, 2);
  r.section = 'status';
  readStatus(r, out.status, n);
  r.section = 'recvDelta';
  readRecv(r, out.recvDelta, n);

  let booleans = 0;
  let numbers = 0;
  let strings = 0;
  for (let i = 0; i < n; i++) {
    if (out.quality[i]! > 2) throw new Error(`block: quality code 3 at row ${i}; the block is corrupt`);
    const k = out.kind[i]!;
    if (k === ValueKind.number) numbers++;
    else if (k === ValueKind.boolean) booleans++;
    else if (k === ValueKind.string) strings++;
  }
  if (booleans > 0) {
    r.section = 'boolean';
    const b = new Uint8Array(booleans);
    readRuns(r, b, booleans, 1);
    for (let i = 0, j = 0; i < n; i++) if (out.kind[i] === ValueKind.boolean) out.num[i] = b[j++]!;
  }
  if (numbers > 0) {
    r.section = 'number';
    if (numbers === n) decodeNumbers(r, out.num);
    else {
      const v = new Float64Array(numbers);
      decodeNumbers(r, v);
      for (let i = 0, j = 0; i < n; i++) if (out.kind[i] === ValueKind.number) out.num[i] = v[j++]!;
    }
  }
  r.end();
  out.strings = decodeStrings(stringBytes, strings);
  return out;
}

function endOfSequence(r: BitReader): void {
  if (r.zeros > 0) throw new Error(`block: a zero run in the ${r.section} section goes ${r.zeros} values past its end; the block is corrupt`);
}

function decodeTimestamps(r: BitReader, ts: Float64Array, n: number): void {
  const mode = r.bit();
  const period = mode === 1 ? r.gamma() : 0;
  let t = r.read54();
  ts[0] = t;
  let ref = period;
  for (let i = 1; i < n; i++) {
    const v = r.sv();
    if (r.wide) {
      if (!(v > t)) throw new Error(`block: timestamp of row ${i} (${v}) is not after row ${i - 1} (${t}); the block is corrupt`);
      t = v;
      if (mode === 0) ref = 0;
    } else {
      const delta = ref + v;
      if (!(delta >= 1)) throw new Error(`block: timestamp delta ${delta} ms at row ${i} is not positive; the block is corrupt`);
      t += delta;
      if (mode === 0) ref = delta;
    }
    ts[i] = t;
  }
  endOfSequence(r);
  if (ts[0]! < -TS_LIMIT || t > TS_LIMIT) throw new Error('block: timestamps outside [-8.64e15, 8.64e15]; the block is corrupt');
}

function readRuns(r: BitReader, out: Uint8Array, n: number, width: number): void {
  let i = 0;
  while (i < n) {
    const v = r.read(width);
    const len = r.gamma();
    if (len > n - i) throw new Error(`block: a run of ${len} rows in the ${r.section} section passes the end (${n - i} rows left); the block is corrupt`);
    out.fill(v, i, i + len);
    i += len;
  }
}

function readStatus(r: BitReader, out: Int32Array, n: number): void {
  let i = 0;
  while (i < n) {
    const v = r.gamma() - 2;
    const len = r.gamma();
    if (len > n - i) throw new Error(`block: a run of ${len} rows in the status section passes the end (${n - i} rows left); the block is corrupt`);
    out.fill(v, i, i + len);
    i += len;
  }
}

function readRecv(r: BitReader, out: Float64Array, n: number): void {
  const present = new Uint8Array(n);
  readRuns(r, present, n, 1);
  if (present[0] === 0 && present[n - 1] === 0 && present.indexOf(1) < 0) {
    out.fill(NaN);
    return;
  }
  let any = false;
  for (let i = 0; i < n; i++) if (present[i] === 1) any = true;
  if (!any) {
    out.fill(NaN);
    return;
  }
  const mode = r.bit();
  let prev = 0;
  for (let i = 0; i < n; i++) {
    if (present[i] === 0) {
      out[i] = NaN;
      continue;
    }
    const v = r.sv();
    prev = mode === 0 ? prev + v : v;
    out[i] = prev;
  }
  endOfSequence(r);
}

function decodeNumbers(r: BitReader, out: Float64Array): void {
  const m = out.length;
  const bits = new Uint32Array(out.buffer, out.byteOffset, 2 * m);
  const encoding = r.read(2);
  if (encoding === NUM_GORILLA) {
    decodeGorilla(r, bits, m);
    return;
  }
  if (encoding !== NUM_DECIMAL && encoding !== NUM_SCALED) throw new Error(`block: unknown number encoding ${encoding}; the block is corrupt`);
  let p = 1;
  let s = 1;
  if (encoding === NUM_DECIMAL) {
    const e = r.read(4);
    if (e > 10) throw new Error(`block: decimal exponent ${e} is above 10; the block is corrupt`);
    p = POW10[e]!;
  } else {
    scratchBits[HI] = r.read(32);
    scratchBits[LO] = r.read(32);
    s = scratch[0]!;
    if (s === 0 || !Number.isFinite(s)) throw new Error(`block: number scale ${s} is not a finite non-zero factor; the block is corrupt`);
  }
  const dod = r.bit();
  const exceptionCount = r.gamma() - 1;
  if (exceptionCount > m) throw new Error(`block: ${exceptionCount} number exceptions for ${m} numbers; the block is corrupt`);
  const where = new Int32Array(exceptionCount);
  const raw = new Uint32Array(2 * exceptionCount);
  let last = -1;
  for (let j = 0; j < exceptionCount; j++) {
    last += r.gamma();
    if (last >= m) throw new Error(`block: number exception at index ${last} of ${m}; the block is corrupt`);
    where[j] = last;
    raw[2 * j] = r.read(32);
    raw[2 * j + 1] = r.read(32);
  }
  let k = 0;
  let prevDelta = 0;
  if (encoding === NUM_DECIMAL) {
    for (let i = 0; i < m; i++) {
      const v = r.sv();
      const delta = dod === 1 ? prevDelta + v : v;
      prevDelta = delta;
      k += delta;
      out[i] = k / p;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const v = r.sv();
      const delta = dod === 1 ? prevDelta + v : v;
      prevDelta = delta;
      k += delta;
      out[i] = k * s;
    }
  }
  endOfSequence(r);
  for (let j = 0; j < exceptionCount; j++) {
    const i = where[j]!;
    bits[2 * i + HI] = raw[2 * j]!;
    bits[2 * i + LO] = raw[2 * j + 1]!;
  }
}

function decodeGorilla(r: BitReader, bits: Uint32Array, m: number): void {
  let h = r.read(32);
  let l = r.read(32);
  bits[HI] = h;
  bits[LO] = l;
  let wl = -1;
  let wt = 0;
  let len = 0;
  for (let i = 1; i < m; i++) {
    if (r.bit() === 1) {
      if (r.bit() === 1) {
        wl = r.read(6);
        len = r.read(6) + 1;
        wt = 64 - wl - len;
        if (wt < 0) throw new Error(`block: Gorilla window of ${wl} leading and ${len} meaningful bits exceeds 64 at number ${i}; the block is corrupt`);
      } else if (wl < 0) throw new Error(`block: Gorilla window reused before one was set, at number ${i}; the block is corrupt`);
      let mh = 0;
      let ml: number;
      if (len > 32) {
        mh = r.read(len - 32);
        ml = r.read(32);
      } else ml = r.read(len);
      if (wt >= 32) h ^= ml << (wt - 32);
      else if (wt > 0) {
        h ^= (mh << wt) | (ml >>> (32 - wt));
        l ^= ml << wt;
      } else {
        h ^= mh;
        l ^= ml;
      }
    }
    bits[2 * i + HI] = h;
    bits[2 * i + LO] = l;
  }
}

function decodeStrings(bytes: Uint8Array, count: number): string[] {
  const out: string[] = new Array<string>(count);
  let pos = 0;
  for (let j = 0; j < count; j++) {
    let x = 0;
    let scale = 1;
    for (;;) {
      if (pos >= bytes.length) throw new Error(`block: string section truncated in the length of string ${j} of ${count}`);
      const b = bytes[pos++]!;
      x += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 35) throw new Error(`block: string ${j} has an overlong length prefix; the block is corrupt`);
    }
    const size = Math.floor(x / 2);
    if (pos + size > bytes.length) throw new Error(`block: string ${j} of ${count} announces ${size} bytes but only ${bytes.length - pos} remain; the block is truncated`);
    const body = bytes.subarray(pos, pos + size);
    pos += size;
    if (x % 2 === 0) {
      try {
        out[j] = utf8Decoder.decode(body);
      } catch {
        throw new Error(`block: string ${j} of ${count} is not valid UTF-8; the block is corrupt`);
      }
    } else {
      if (size % 2 !== 0) throw new Error(`block: UTF-16 string ${j} has an odd byte length ${size}; the block is corrupt`);
      let s = '';
      for (let i = 0; i < size; i += 2) s += String.fromCharCode(body[i]! | (body[i + 1]! << 8));
      out[j] = s;
    }
  }
  if (pos !== bytes.length) throw new Error(`block: ${bytes.length - pos} bytes after the last string; the block is corrupt`);
  return out;
}
