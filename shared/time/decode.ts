import { NS_PER_MS, TimeError, checkYearRange, divFloor, formatNsIso, toDecimal } from './core.js';
import { type DecodeContext, FORMAT_DEFINITIONS, type FormatDefinition, type RawInput, type TimeFormat, type TimeKind } from './formats.js';
import { type DstPolicy, zoneFor } from './zone.js';

export interface DecodeOptions {
  /** IANA zone local-time formats are read in; default 'UTC'. */
  timeZone?: string;
  /** A local time in a DST gap or overlap: earlier, later or reject (the default). */
  dst?: DstPolicy;
  /** Two-digit years: yy >= pivotYear -> 19yy, else 20yy; default 70. */
  pivotYear?: number;
}

export type TimeValue = number | bigint | string | Uint8Array;

export type DecodeResult =
  | {
      ok: true;
      /** UTC ms since 1970 (floor). */
      ms: number;
      /** UTC ISO 8601 with as many fraction digits as the format resolves. */
      iso: string;
      /** The digits printed, and the nanoseconds within `ms` (0..999999) for us/ns formats. */
      fraction: { digits: number; subMsNs: number };
      kind: TimeKind;
      /** Durations (s5time): ISO 8601 duration, e.g. PT2M30S. */
      duration?: string;
    }
  | { ok: false; error: string };

const byName = new Map<string, FormatDefinition>(FORMAT_DEFINITIONS.map((f) => [f.name, f]));

/** The catalogue (documentation only, no decoders), in a stable order. */
export const TIME_FORMATS: readonly TimeFormat[] = Object.freeze(
  FORMAT_DEFINITIONS.map(({ decode: _decode, ...meta }) => Object.freeze(meta) as TimeFormat),
);

export function findTimeFormat(name: string): TimeFormat | undefined {
  return TIME_FORMATS.find((f) => f.name === name);
}

/** Hex text of bytes in wire order ("0x2301 1512", "23:01:15") to bytes. */
export function hexToBytes(text: string): Uint8Array | undefined {
  const t = text.trim().replace(/^0x/i, '').replace(/[\s:_-]/g, '');
  if (t === '' || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t)) return undefined;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toInput(def: FormatDefinition, value: TimeValue): RawInput {
  switch (def.input) {
    case 'number':
      if (value instanceof Uint8Array) throw new TimeError(`takes a number, not bytes`);
      if (typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        throw new TimeError(`${value} is beyond 2^53, where a JavaScript number has lost digits; pass it as text or BigInt`);
      }
      return toDecimal(value, 'value');
    case 'string':
      if (value instanceof Uint8Array) throw new TimeError('takes text, not bytes');
      return String(value);
    case 'bytes': {
      let b: Uint8Array | undefined;
      if (value instanceof Uint8Array) b = value;
      else if (typeof value === 'string') b = hexToBytes(value);
      if (b === undefined) throw new TimeError(`takes ${def.byteLength} bytes as hex in wire order (e.g. ${def.example.value}), not ${JSON.stringify(typeof value === 'bigint' ? value.toString() : value)}`);
      if (def.byteLength !== undefined && b.length !== def.byteLength) {
        throw new TimeError(`needs ${def.byteLength} bytes (${def.byteLength * 2} hex digits), got ${b.length}; e.g. ${def.example.value}`);
      }
      return b;
    }
  }
}

/** Decodes one raw value with a named format of the catalogue. Never throws. */
export function decodeTime(name: string, value: TimeValue, options: DecodeOptions = {}): DecodeResult {
  const def = byName.get(name);
  if (def === undefined) {
    const near = TIME_FORMATS.filter((f) => f.name.startsWith(name.split('-')[0] ?? name)).map((f) => f.name).slice(0, 8);
    return { ok: false, error: `unknown time format "${name}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}; list them with \`sensorvault time formats\`` };
  }
  try {
    const ctx = context(options);
    const decoded = def.decode(toInput(def, value), ctx);
    checkYearRange(decoded.ns);
    const digits = def.resolution.variable === true ? Math.min(def.resolution.digits, decoded.digits ?? def.resolution.digits) : def.resolution.digits;
    const ms = divFloor(decoded.ns, NS_PER_MS);
    return {
      ok: true,
      ms: Number(ms),
      iso: formatNsIso(decoded.ns, digits),
      fraction: { digits, subMsNs: Number(decoded.ns - ms * NS_PER_MS) },
      kind: def.kind,
      ...(decoded.duration === undefined ? {} : { duration: decoded.duration }),
    };
  } catch (error) {
    if (error instanceof TimeError) {
      // A message that starts with the format's name ("unix-ns has no fraction ...") needs no prefix.
      return { ok: false, error: error.message.startsWith(`${name} `) ? error.message : `${name}: ${error.message}` };
    }
    throw error;
  }
}

function context(options: DecodeOptions): DecodeContext {
  const timeZone = options.timeZone ?? 'UTC';
  if (timeZone !== 'UTC') zoneFor(timeZone);
  const dst = options.dst ?? 'reject';
  if (dst !== 'earlier' && dst !== 'later' && dst !== 'reject') throw new TimeError(`dst "${String(dst)}" is not earlier, later or reject`);
  const pivotYear = options.pivotYear ?? 70;
  if (!Number.isInteger(pivotYear) || pivotYear < 0 || pivotYear > 99) throw new TimeError(`pivotYear ${pivotYear} is not an integer 0..99`);
  return { timeZone, dst, pivotYear };
}

/**
 * A raw value from the command line: `0x...` hex -> bytes (wire order); a decimal integer
 * -> number (text when beyond 2^53, so no digit is lost); a decimal -> number (text beyond 2^53); else text.
 */
export function parseTimeValue(raw: string): number | string | Uint8Array {
  const t = raw.trim();
  if (/^0x[0-9a-f_\s:-]+$/i.test(t)) {
    const b = hexToBytes(t);
    if (b !== undefined) return b;
  }
  if (/^[+-]?\d+$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : t;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) {
    // Beyond 2^53 a number has lost digits (of the integer part and every fraction digit): keep the text.
    const n = Number(t);
    return Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER ? n : t;
  }
  return raw;
}
