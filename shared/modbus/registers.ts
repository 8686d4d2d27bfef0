import { shortestFloat32 } from '../format/float32.js';
import { StatusText } from '../reading.js';

/**
 * Modbus-style 16-bit register decoding and encoding. Pure functions, no state; in shared/
 * so the register-map assistant (shared/modbus/scan.ts, the renderer) decodes the same way
 * as the normalizer (electron/core/normalizer/registers.ts re-exports this module).
 *
 * Byte orders, with the value's bytes named a (most significant) .. in big-endian order:
 * - abcd: words in order, high byte first in each word (Modbus default, big-endian);
 * - cdab: word order reversed (for 64 bits all four words are reversed: gh ef cd ab);
 * - badc: word order kept, the two bytes of every word swapped;
 * - dcba: both, i.e. fully little-endian.
 * For one-register types cdab equals abcd and dcba equals badc (the address grammar
 * rejects the redundant spellings). Strings: abcd puts the first character in the high
 * byte, badc in the low byte.
 */
export type RegisterType = 'bool' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64' | 'string';
/** abcd: big-endian (Modbus default); cdab: word-swapped; badc: byte-swapped in each word; dcba: both. */
export type WordOrder = 'abcd' | 'cdab' | 'badc' | 'dcba';
/** The register form of a driver's DecodeSpec (electron/core/drivers/types.ts), structurally the same. */
export interface RegisterSpec {
  kind: 'registers';
  type: RegisterType;
  order: WordOrder;
  bit?: number;
  length?: number;
}

export interface DecodedRegisters {
  value: number | boolean | string;
  /** Set when the value is usable but not exact (precision loss) or not a number. */
  status?: string;
}

const TWO_POW_53 = 2n ** 53n;

/** Number of 16-bit registers a value of this type occupies. */
export function registerCount(type: RegisterType, length?: number): number {
  switch (type) {
    case 'bool':
    case 'int16':
    case 'uint16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4;
    case 'string':
      if (length === undefined || !Number.isInteger(length) || length < 1) {
        throw new RangeError('a string needs a length of at least 1 character');
      }
      return Math.ceil(length / 2);
  }
}

export const wordsReversed = (order: WordOrder): boolean => order === 'cdab' || order === 'dcba';
export const bytesSwapped = (order: WordOrder): boolean => order === 'badc' || order === 'dcba';
export const swap16 = (w: number): number => ((w & 0xff) << 8) | (w >>> 8);

/**
 * Scratch for decoding (one to four registers): decodeRegisters runs once per reading,
 * and a fresh ArrayBuffer + DataView each time was a tenth of the pipeline's CPU.
 * Synchronous use only: filled and read within one decodeRegisters call.
 */
const scratch = new DataView(new ArrayBuffer(8));

/** Turns wire words into the value's big-endian bytes (a first), in `scratch`. */
function toBigEndianBytes(words: Uint16Array, count: number, order: WordOrder): DataView {
  const view = scratch;
  const reverse = wordsReversed(order);
  const swap = bytesSwapped(order);
  for (let i = 0; i < count; i++) {
    const w = words[reverse ? count - 1 - i : i] as number;
    view.setUint16(i * 2, swap ? swap16(w) : w, false);
  }
  return view;
}

/** Turns the value's big-endian bytes into wire words (inverse of toBigEndianBytes). */
function fromBigEndianBytes(view: DataView, order: WordOrder): Uint16Array {
  const count = view.byteLength / 2;
  const out = new Uint16Array(count);
  const reverse = wordsReversed(order);
  const swap = bytesSwapped(order);
  for (let i = 0; i < count; i++) {
    const w = view.getUint16(i * 2, false);
    out[reverse ? count - 1 - i : i] = swap ? swap16(w) : w;
  }
  return out;
}

function fromBigInt(v: bigint): DecodedRegisters {
  if (v > TWO_POW_53 || v < -TWO_POW_53) return { value: Number(v), status: StatusText.precisionLoss };
  return { value: Number(v) };
}

function fromFloat(v: number): DecodedRegisters {
  return Number.isNaN(v) ? { value: v, status: StatusText.notANumber } : { value: v };
}

/**
 * Decodes the registers of one point. `words` holds at least `registerCount` registers
 * as they came off the wire (extra words are ignored); fewer is a driver bug and throws.
 */
export function decodeRegisters(words: Uint16Array, spec: RegisterSpec): DecodedRegisters {
  const count = registerCount(spec.type, spec.length);
  if (words.length < count) {
    throw new RangeError(`${spec.type} needs ${count} register(s), got ${words.length}`);
  }
  if (spec.type === 'string') {
    const length = spec.length as number;
    const swap = bytesSwapped(spec.order);
    let text = '';
    let end = 0;
    const codes: number[] = [];
    for (let i = 0; i < length; i++) {
      const w = words[i >> 1] as number;
      const highFirst = (i & 1) === 0 ? !swap : swap;
      const code = highFirst ? w >>> 8 : w & 0xff;
      codes.push(code);
      if (code !== 0) end = i + 1;
    }
    for (let i = 0; i < end; i++) text += String.fromCharCode(codes[i] as number);
    return { value: text };
  }
  const view = toBigEndianBytes(words, count, spec.order);
  switch (spec.type) {
    case 'bool': {
      const w = view.getUint16(0, false);
      return { value: spec.bit === undefined ? w !== 0 : ((w >>> spec.bit) & 1) === 1 };
    }
    case 'int16':
      return { value: view.getInt16(0, false) };
    case 'uint16':
      return { value: view.getUint16(0, false) };
    case 'int32':
      return { value: view.getInt32(0, false) };
    case 'uint32':
      return { value: view.getUint32(0, false) };
    case 'int64':
      return fromBigInt(view.getBigInt64(0, false));
    case 'uint64':
      return fromBigInt(view.getBigUint64(0, false));
    case 'float32':
      // The shortest decimal of the float32, so store, CSV and UI show 20.6, not 20.600000381469727.
      return fromFloat(shortestFloat32(view.getFloat32(0, false)));
    case 'float64':
      return fromFloat(view.getFloat64(0, false));
  }
}

const intRanges = {
  int16: [-32768n, 32767n],
  uint16: [0n, 65535n],
  int32: [-2147483648n, 2147483647n],
  uint32: [0n, 4294967295n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
} as const;

function toInteger(value: unknown, type: keyof typeof intRanges): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) v = BigInt(value.trim());
  else throw new RangeError(`${type} needs an integer, got ${JSON.stringify(String(value))}`);
  const [low, high] = intRanges[type];
  if (v < low || v > high) throw new RangeError(`${v} is out of range for ${type} (${low}..${high})`);
  return v;
}

/**
 * Encodes a value into wire registers for a write (FC6 for one register, FC16 for more).
 * Throws a RangeError naming the problem when the value does not fit the type. A single
 * bit of a register cannot be encoded alone (it needs the other 15 bits).
 */
export function encodeRegisters(value: number | boolean | string | bigint, spec: RegisterSpec): Uint16Array {
  const count = registerCount(spec.type, spec.length);
  if (spec.type === 'string') {
    if (typeof value !== 'string') throw new RangeError(`string needs text, got ${typeof value}`);
    const length = spec.length as number;
    if (value.length > length) throw new RangeError(`text of ${value.length} characters does not fit string:${length}`);
    const swap = bytesSwapped(spec.order);
    const out = new Uint16Array(count);
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0xff) throw new RangeError(`character ${JSON.stringify(value[i])} does not fit one byte`);
      const highFirst = (i & 1) === 0 ? !swap : swap;
      out[i >> 1] = (out[i >> 1] as number) | (highFirst ? code << 8 : code);
    }
    return out;
  }
  const view = new DataView(new ArrayBuffer(count * 2));
  switch (spec.type) {
    case 'bool': {
      if (spec.bit !== undefined) throw new RangeError('a single bit of a register cannot be written on its own');
      if (typeof value !== 'boolean') throw new RangeError(`bool needs true or false, got ${JSON.stringify(String(value))}`);
      view.setUint16(0, value ? 1 : 0, false);
      break;
    }
    case 'int16':
      view.setInt16(0, Number(toInteger(value, 'int16')), false);
      break;
    case 'uint16':
      view.setUint16(0, Number(toInteger(value, 'uint16')), false);
      break;
    case 'int32':
      view.setInt32(0, Number(toInteger(value, 'int32')), false);
      break;
    case 'uint32':
      view.setUint32(0, Number(toInteger(value, 'uint32')), false);
      break;
    case 'int64':
      view.setBigInt64(0, toInteger(value, 'int64'), false);
      break;
    case 'uint64':
      view.setBigUint64(0, toInteger(value, 'uint64'), false);
      break;
    case 'float32':
    case 'float64': {
      if (typeof value !== 'number') throw new RangeError(`${spec.type} needs a number, got ${typeof value}`);
      if (spec.type === 'float32') view.setFloat32(0, value, false);
      else view.setFloat64(0, value, false);
      break;
    }
  }
  return fromBigEndianBytes(view, spec.order);
}
