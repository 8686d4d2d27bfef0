/**
 * The timestamp catalogue: every named format with its documentation and its decoder.
 * A decoder turns one raw value into UTC nanoseconds since 1970 (BigInt, exact). Local
 * formats give wall-clock fields that are read in the caller's IANA zone with its DST policy.
 */
import {
  type Civil, type Decimal, NS_PER_MS, NS_PER_S, TimeError, WEEKDAY_NAMES, civilToNs, daysFromCivil,
  isInteger, pad, pivotYear, scaleRound, toBigInt, weekday,
} from './core.js';
import { gpsToUtcNs } from './leap.js';
import { type DstPolicy, wallToUtc } from './zone.js';

export type TimeInputKind = 'number' | 'string' | 'bytes';
export type TimeKind = 'instant' | 'date' | 'time-of-day' | 'duration';

/** One catalogue entry: what `sensorvault time formats` and docs/timestamp-formats.md show. */
export interface TimeFormat {
  /** Stable name, used in project files (`timestamp.format`) and on the command line. */
  readonly name: string;
  readonly family: string;
  /** number: an integer or decimal; string: text; bytes: the bytes in wire order (hex like 0x2301...). */
  readonly input: TimeInputKind;
  /** For bytes: the exact length. */
  readonly byteLength?: number;
  /** instant: a point in time; date: local midnight; time-of-day and duration: on 1970-01-01. */
  readonly kind: TimeKind;
  readonly layout: string;
  readonly epoch: string;
  /** The finest step the format can express; `digits` fraction digits are printed. With `variable`, text formats print the digits given (up to `digits`). */
  readonly resolution: { readonly unit: string; readonly digits: number; readonly variable?: boolean };
  readonly producers: readonly string[];
  /** Local wall-clock time: read in the site's IANA zone with the DST policy. */
  readonly local: boolean;
  /** A value of this format (what the CLI takes), and what it decodes to in UTC. */
  readonly example: { readonly value: string; readonly iso: string };
  readonly notes?: string;
}

export interface DecodeContext {
  timeZone: string;
  dst: DstPolicy;
  pivotYear: number;
}

export interface Decoded {
  ns: bigint;
  /** Fraction digits for text formats whose precision is what was written. */
  digits?: number;
  /** For durations: the ISO 8601 duration (PT2M30S). */
  duration?: string;
}

export type RawInput = Decimal | string | Uint8Array;

export interface FormatDefinition extends TimeFormat {
  decode(input: RawInput, ctx: DecodeContext): Decoded;
}

// ---------------------------------------------------------------------------------------
// Epochs (seconds since 1970-01-01) and helpers.

const s = (y: number, m: number, d: number) => BigInt(daysFromCivil(y, m, d)) * 86_400n;
const EPOCH_1601 = s(1601, 1, 1);
const EPOCH_0001 = s(1, 1, 1);
const EPOCH_1900 = s(1900, 1, 1);
const EPOCH_1904 = s(1904, 1, 1);
const EPOCH_1899_12_30 = s(1899, 12, 30);
const EPOCH_1899_12_31 = s(1899, 12, 31);
const EPOCH_1990 = s(1990, 1, 1);

const local = (ctx: DecodeContext, c: Civil): bigint => wallToUtc(civilToNs(c), ctx.timeZone, ctx.dst);
const localNs = (ctx: DecodeContext, wallNs: bigint): bigint => wallToUtc(wallNs, ctx.timeZone, ctx.dst);

function dec(input: RawInput): Decimal {
  if (typeof input === 'string' || input instanceof Uint8Array) throw new TimeError('expected a number');
  return input;
}
function text(input: RawInput): string {
  if (typeof input !== 'string') throw new TimeError('expected text');
  return input.trim();
}
function bytes(input: RawInput): Uint8Array {
  if (!(input instanceof Uint8Array)) throw new TimeError('expected bytes');
  return input;
}

function integer(d: Decimal, what: string, min: bigint, max: bigint, hint = ''): bigint {
  if (!isInteger(d)) throw new TimeError(`${d.text} has a fraction; ${what} is an integer${hint}`);
  const v = toBigInt(d);
  if (v < min || v > max) throw new TimeError(`${d.text} is outside ${min}..${max}, the range of ${what}`);
  return v;
}

function inRange(d: Decimal, what: string, min: number, max: number): void {
  const v = Number(d.text);
  if (!(v >= min && v <= max)) throw new TimeError(`${d.text} is outside ${min}..${max}, the range of ${what}`);
}

const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u32 = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
function uBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

const hex2 = (x: number) => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`;

/** One BCD byte (two decimal digits). */
function bcd(b: Uint8Array, i: number, field: string): number {
  const x = b[i]!;
  if ((x >> 4) > 9 || (x & 15) > 9) throw new TimeError(`byte ${i} (${field}) ${hex2(x)} is not BCD (both hex digits must be 0-9)`);
  return (x >> 4) * 10 + (x & 15);
}

/** A 16-bit register holding BCD digits (0x2026 -> 2026). */
function bcdWord(b: Uint8Array, i: number, field: string): number {
  return bcd(b, i, field) * 100 + bcd(b, i + 1, field);
}

/** Reorders wire bytes to most-significant-first; `order` names the wire positions (cdab = words swapped). */
function reorder(b: Uint8Array, order: string): Uint8Array {
  const out = new Uint8Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = b[order.indexOf(String.fromCharCode(97 + k))]!;
  return out;
}

function isoDuration(ms: number): string {
  if (ms === 0) return 'PT0S';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const secMs = ms % 60_000;
  const sec = secMs % 1000 === 0 ? String(secMs / 1000) : (secMs / 1000).toFixed(3).replace(/0+$/, '');
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}${secMs > 0 ? `${sec}S` : ''}`;
}

function checkWeekday(y: number, m: number, d: number, given: number, field: string, sundayIs: 1 | 7): void {
  const w = weekday(y, m, d);
  const expected = sundayIs === 1 ? w + 1 : w === 0 ? 7 : w;
  if (given !== expected) {
    throw new TimeError(`${field} ${given} does not match ${y}-${pad(m, 2)}-${pad(d, 2)}, a ${WEEKDAY_NAMES[w]} (${expected}); check the byte order or the format`);
  }
}

// ---------------------------------------------------------------------------------------
// Number formats: value x unit + epoch.

interface Linear {
  /** ns per unit as a fraction. */
  num: bigint;
  den?: bigint;
  /** Resolution in ns the result is rounded to (halves away from zero). */
  stepNs: bigint;
  epochS: bigint;
  /** Integer formats: the advice when a fraction is given. */
  integerOnly?: string;
  min?: number;
  max?: number;
  what: string;
}

const STEP_UNITS = new Map<bigint, string>([[NS_PER_S, '1 s'], [NS_PER_MS, '1 ms'], [1000n, '1 us'], [1n, '1 ns']]);

/** The fraction digits of a decimal as written after the point, e.g. ".5" (trailing zeros dropped). */
function fractionOf(d: Decimal): string {
  if (d.exponent >= 0) return '';
  const q = 10n ** BigInt(-d.exponent);
  const r = (d.mantissa < 0n ? -d.mantissa : d.mantissa) % q;
  return `.${r.toString().padStart(-d.exponent, '0').replace(/0+$/, '')}`;
}

function linear(d: Decimal, l: Linear): bigint {
  if (l.integerOnly !== undefined && !isInteger(d)) {
    throw new TimeError(`${l.what} has no fraction below ${STEP_UNITS.get(l.stepNs) ?? `${l.stepNs} ns`}; got ${fractionOf(d)} (in ${d.text}); ${l.integerOnly}`);
  }
  if (l.min !== undefined && l.max !== undefined) inRange(d, l.what, l.min, l.max);
  return scaleRound(d, l.num, (l.den ?? 1n) * l.stepNs) * l.stepNs + l.epochS * NS_PER_S;
}

/**
 * Decimal text in `unitDigits` (0 = seconds, 3 = ms, 6 = us, 9 = ns) keeping the digits written.
 * Fraction digits below 1 ns are cut when `cut` (the "as written" formats), else refused.
 */
function decimalText(input: RawInput, unitDigits: number, what: string, cut: boolean): Decoded {
  const t = text(input);
  if (!/^-?\d+(\.\d+)?$/.test(t)) throw new TimeError(`"${t}" is not a decimal number; ${what} is digits like 1774751400${unitDigits < 9 ? ' or 1774751400.5' : ''}`);
  const [i = '', written = ''] = t.replace('-', '').split('.');
  const room = 9 - unitDigits;
  if (written.length > room && !cut) {
    throw new TimeError(`${what} has no fraction below 1 ns; got .${written} (in ${t})${room > 0 ? `: at most ${room} fraction digits reach 1 ns` : ''}`);
  }
  const f = written.slice(0, room);
  const digits = unitDigits + f.length;
  const ns = BigInt(`${i}${f}`) * 10n ** BigInt(9 - digits) * (t.startsWith('-') ? -1n : 1n);
  return { ns, digits };
}

// ---------------------------------------------------------------------------------------
// Text formats.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Offset text (Z, +02:00, +0200, +02) to minutes. */
function offsetMinutes(o: string): number {
  if (o === 'Z' || o === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(o);
  if (m === null) throw new TimeError(`offset "${o}" is not Z, +hh:mm, +hhmm or +hh`);
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  if (h > 23 || min > 59) throw new TimeError(`offset "${o}" is out of range (hours 0..23, minutes 0..59)`);
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

/** Nanoseconds of fraction digits as written; digits below 1 ns are cut. */
function nanoOf(frac: string | undefined): number {
  return frac === undefined || frac === '' ? 0 : Number(frac.slice(0, 9).padEnd(9, '0'));
}

/** Fraction digits printed for a written fraction: as written, at most 9. */
const digitsOf = (frac: string | undefined): number => Math.min(9, frac?.length ?? 0);

/** Fields of a date-time text, then: with an offset, fixed; without, local in the zone. */
function zoned(ctx: DecodeContext, c: Civil, offset: string | undefined): bigint {
  if (offset === undefined) return local(ctx, c);
  return civilToNs(c) - BigInt(offsetMinutes(offset)) * 60n * NS_PER_S;
}

const ISO_EXTENDED = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?:\d{2})?)?$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})$/;

function isoLike(re: RegExp, example: string, requireOffset: 'any' | 'required' | 'forbidden', hint: string) {
  return (input: RawInput, ctx: DecodeContext): Decoded => {
    const t = text(input);
    const m = re.exec(t);
    if (m === null) throw new TimeError(`"${t}" is not in the form ${example}${hint}`);
    const offset = m[8];
    if (requireOffset === 'forbidden' && offset !== undefined) throw new TimeError(`"${t}" has an offset (${offset}); this format is local time without one: use iso8601 or rfc3339`);
    const c = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +(m[6] ?? 0), nano: nanoOf(m[7]) };
    return { ns: zoned(ctx, c, offset), digits: digitsOf(m[7]) };
  };
}

/** Day-month-year text with separator `sep`, optional time hh:mm[:ss]. */
function dayMonthText(order: 'mdy' | 'dmy', sep: string, yearDigits: 2 | 4, twelveHour = false) {
  const y = yearDigits === 4 ? '(\\d{4})' : '(\\d{2})';
  const time = twelveHour ? '[ T]+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([AaPp])\\.?[Mm]\\.?' : '(?:[ T]+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?)?';
  const re = new RegExp(`^(\\d{1,2})\\${sep}(\\d{1,2})\\${sep}${y}${time}$`);
  const shape = `${order === 'mdy' ? 'MM' : 'DD'}${sep}${order === 'mdy' ? 'DD' : 'MM'}${sep}${yearDigits === 4 ? 'YYYY' : 'YY'} ${twelveHour ? 'hh:mm:ss AM' : 'hh:mm:ss'}`;
  return (input: RawInput, ctx: DecodeContext): Decoded => {
    const t = text(input);
    const m = re.exec(t);
    if (m === null) throw new TimeError(`"${t}" is not in the form ${shape}${twelveHour ? '' : ' (time optional)'}`);
    const a = +m[1]!;
    const b = +m[2]!;
    const year = yearDigits === 4 ? +m[3]! : pivotYear(+m[3]!, ctx.pivotYear);
    let hour = +(m[4] ?? 0);
    if (twelveHour) {
      if (hour < 1 || hour > 12) throw new TimeError(`hour ${hour} is not 1..12 (12-hour clock with AM/PM)`);
      hour = (hour % 12) + (m[7]!.toLowerCase() === 'p' ? 12 : 0);
    }
    const [month, day] = order === 'mdy' ? [a, b] : [b, a];
    return { ns: local(ctx, { year, month, day, hour, minute: +(m[5] ?? 0), second: +(m[6] ?? 0) }) };
  };
}

function digitsNumber(input: RawInput, width: number, what: string): string {
  let t: string;
  if (typeof input === 'string') t = input.trim();
  else t = toBigInt(dec(input)).toString();
  if (typeof input !== 'string' && !isInteger(dec(input))) throw new TimeError(`${dec(input).text} has a fraction; ${what} is an integer of ${width} digits`);
  if (!/^\d+$/.test(t) || t.length > width) throw new TimeError(`"${t}" is not ${what} (${width} digits)`);
  return t.padStart(width, '0');
}

// ---------------------------------------------------------------------------------------

const PLC = ['Siemens S7-300/400/1200/1500 (STEP 7, TIA Portal)'];
const CODESYS = ['CODESYS V3 PLCs (WAGO, Schneider M241/M251, Festo, ifm)', 'Beckhoff TwinCAT 3'];
const EX_S = '1774751400';

function u32Orders(): FormatDefinition[] {
  const orders: Record<string, string> = {
    abcd: 'big-endian: high word first, high byte first (Modbus default)',
    cdab: 'word swap: low word first, bytes big-endian in each register',
    badc: 'byte swap: high word first, bytes swapped in each register',
    dcba: 'little-endian: low word first, bytes swapped in each register',
  };
  const wire: Record<string, string> = { abcd: '0x69C88EA8', cdab: '0x8EA869C8', badc: '0xC869A88E', dcba: '0xA88EC869' };
  return Object.entries(orders).map(([order, what]) => ({
    name: `unix-s-u32-${order}`, family: 'Unix epoch in Modbus registers', input: 'bytes', byteLength: 4, kind: 'instant',
    layout: `2 registers (4 bytes) holding an unsigned 32-bit count of seconds, order ${order.toUpperCase()}: ${what}. Bytes as read from the wire, A = most significant.`,
    epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 s', digits: 0 },
    producers: ['energy meters and RTUs with a Unix clock (Janitza, Carlo Gavazzi, Socomec)', 'Modbus gateways'], local: false,
    example: { value: wire[order]!, iso: '2026-03-29T02:30:00Z' },
    decode: (input) => {
      const b = reorder(bytes(input), order);
      return { ns: BigInt(u32(b, 0)) * NS_PER_S };
    },
  }));
}

function u64Orders(): FormatDefinition[] {
  const orders: Record<string, string> = {
    abcdefgh: 'big-endian: most significant register first, high byte first',
    ghefcdab: 'word swap: least significant register first, bytes big-endian in each register',
    badcfehg: 'byte swap: most significant register first, bytes swapped in each register',
    hgfedcba: 'little-endian: least significant register first, bytes swapped',
  };
  const value = 1774751400123n;
  const be = value.toString(16).padStart(16, '0').match(/../g)!;
  return Object.entries(orders).map(([order, what]) => {
    const w = [...order].map((c) => be[c.charCodeAt(0) - 97]).join('').toUpperCase();
    return {
      name: `unix-ms-u64-${order}`, family: 'Unix epoch in Modbus registers', input: 'bytes' as const, byteLength: 8, kind: 'instant' as const,
      layout: `4 registers (8 bytes) holding an unsigned 64-bit count of milliseconds, order ${order.toUpperCase()}: ${what}. A = most significant byte.`,
      epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 ms', digits: 3 },
      producers: ['PLCs writing a LINT/ULINT ms clock to holding registers', 'Modbus gateways and IoT edge devices'], local: false,
      example: { value: `0x${w}`, iso: '2026-03-29T02:30:00.123Z' },
      decode: (input: RawInput) => {
        const v = uBig(reorder(bytes(input), order));
        if (v > 253402300799999n) throw new TimeError(`${v} ms is after 9999-12-31; check the word order (this is ${order.toUpperCase()})`);
        return { ns: v * NS_PER_MS };
      },
    };
  });
}

export const FORMAT_DEFINITIONS: readonly FormatDefinition[] = [
  // ---- Unix ----------------------------------------------------------------------------
  {
    name: 'unix-s', family: 'Unix epoch', input: 'number', kind: 'instant',
    layout: 'Integer count of seconds (POSIX time: leap seconds not counted).', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 s', digits: 0 },
    producers: ['Linux/POSIX time()', 'MQTT/JSON payloads', 'many IoT devices and gateways'], local: false,
    example: { value: EX_S, iso: '2026-03-29T02:30:00Z' },
    decode: (i) => ({ ns: linear(dec(i), { num: NS_PER_S, stepNs: NS_PER_S, epochS: 0n, integerOnly: 'for fractions of a second use unix-s-float', what: 'unix-s' }) }),
  },
  {
    name: 'unix-s-float', family: 'Unix epoch', input: 'number', kind: 'instant',
    layout: 'Seconds as a decimal/float64 with a fraction (Python time.time()); rounded to the microsecond a float64 can hold.', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 us', digits: 6 },
    producers: ['Python time.time()', 'Node-RED', 'InfluxDB line protocol (precision s with fractions)', 'JSON telemetry'], local: false,
    example: { value: '1774751400.123456', iso: '2026-03-29T02:30:00.123456Z' },
    decode: (i) => ({ ns: linear(dec(i), { num: NS_PER_S, stepNs: 1000n, epochS: 0n, what: 'unix-s-float' }) }),
  },
  {
    name: 'unix-s-string', family: 'Unix epoch', input: 'string', kind: 'instant',
    layout: 'Seconds as decimal text, optional fraction ("1774751400.5"); the fraction digits written are kept up to 9 (1 ns), further digits are cut.', epoch: '1970-01-01T00:00:00Z', resolution: { unit: 'as written, up to 1 ns', digits: 9, variable: true },
    producers: ['CSV exports', 'JSON payloads with quoted numbers', 'syslog/journald'], local: false,
    example: { value: '1774751400.25', iso: '2026-03-29T02:30:00.25Z' },
    decode: (i) => decimalText(i, 0, 'unix-s-string', true),
  },
  {
    name: 'unix-ms', family: 'Unix epoch', input: 'number', kind: 'instant',
    layout: 'Integer count of milliseconds (JavaScript Date.now(), Java System.currentTimeMillis()).', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 ms', digits: 3 },
    producers: ['JavaScript/Java', 'Sparkplug B timestamps', 'Kafka', 'many MQTT devices'], local: false,
    example: { value: '1774751400123', iso: '2026-03-29T02:30:00.123Z' },
    decode: (i) => ({ ns: linear(dec(i), { num: NS_PER_MS, stepNs: NS_PER_MS, epochS: 0n, integerOnly: 'for fractions of a millisecond use unix-ms-float', what: 'unix-ms' }) }),
  },
  {
    name: 'unix-ms-float', family: 'Unix epoch', input: 'number', kind: 'instant',
    layout: 'Milliseconds with a fraction (performance.timeOrigin + now(), some historians).', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 us', digits: 6 },
    producers: ['browser performance timers', 'historians exporting float ms'], local: false,
    example: { value: '1774751400123.456', iso: '2026-03-29T02:30:00.123456Z' },
    decode: (i) => ({ ns: linear(dec(i), { num: NS_PER_MS, stepNs: 1000n, epochS: 0n, what: 'unix-ms-float' }) }),
  },
  {
    name: 'unix-ms-string', family: 'Unix epoch', input: 'string', kind: 'instant',
    layout: 'Milliseconds as decimal text, optional fraction; the digits written are kept up to 6 (1 ns), further digits are cut.', epoch: '1970-01-01T00:00:00Z', resolution: { unit: 'as written, 1 ms to 1 ns', digits: 9, variable: true },
    producers: ['JSON payloads with quoted 64-bit numbers', 'CSV exports'], local: false,
    example: { value: '1774751400123', iso: '2026-03-29T02:30:00.123Z' },
    decode: (i) => decimalText(i, 3, 'unix-ms-string', true),
  },
  {
    name: 'unix-us', family: 'Unix epoch', input: 'number', kind: 'instant',
    layout: 'Integer count of microseconds.', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 us', digits: 6 },
    producers: ['PostgreSQL/TimescaleDB internal', 'InfluxDB precision=u', 'Linux gettimeofday()'], local: false,
    example: { value: '1774751400123456', iso: '2026-03-29T02:30:00.123456Z' },
    decode: (i) => ({ ns: linear(dec(i), { num: 1000n, stepNs: 1000n, epochS: 0n, integerOnly: 'for a fractional count use unix-s-float or unix-ms-float', what: 'unix-us' }) }),
  },
  {
    name: 'unix-us-string', family: 'Unix epoch', input: 'string', kind: 'instant',
    layout: 'Microseconds as integer text (exact beyond 2^53).', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 us', digits: 6 },
    producers: ['JSON payloads with quoted 64-bit numbers'], local: false,
    example: { value: '1774751400123456', iso: '2026-03-29T02:30:00.123456Z' },
    decode: (i) => ({ ...decimalText(i, 6, 'unix-us-string', false), digits: 6 }),
  },
  {
    name: 'unix-ns', family: 'Unix epoch', input: 'number', kind: 'instant',
    layout: 'Integer count of nanoseconds (int64). Beyond 2^53 a JavaScript number loses digits: pass it as text or BigInt.', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 ns', digits: 9 },
    producers: ['InfluxDB line protocol (default precision)', 'Go time.UnixNano()', 'Linux clock_gettime', 'OpenTelemetry'], local: false,
    example: { value: '1774751400123456789', iso: '2026-03-29T02:30:00.123456789Z' },
    decode: (i) => ({ ns: linear(dec(i), { num: 1n, stepNs: 1n, epochS: 0n, integerOnly: 'nothing finer is kept: drop the fraction', what: 'unix-ns' }) }),
  },
  {
    name: 'unix-ns-string', family: 'Unix epoch', input: 'string', kind: 'instant',
    layout: 'Nanoseconds as integer text (OpenTelemetry JSON encodes int64 as a string).', epoch: '1970-01-01T00:00:00Z', resolution: { unit: '1 ns', digits: 9 },
    producers: ['OpenTelemetry OTLP/JSON timeUnixNano', 'InfluxDB exports'], local: false,
    example: { value: '1774751400123456789', iso: '2026-03-29T02:30:00.123456789Z' },
    decode: (i) => ({ ...decimalText(i, 9, 'unix-ns-string', false), digits: 9 }),
  },
  ...u32Orders(),
  ...u64Orders(),
  // ---- 100 ns tick formats -------------------------------------------------------------
  {
    name: 'opcua-datetime', family: '100 ns ticks', input: 'number', kind: 'instant',
    layout: 'Signed 64-bit count of 100 ns intervals (OPC UA Part 6, 5.2.2.5). 0 is the null DateTime (no time) and Int64 max means "no end"; both are refused.', epoch: '1601-01-01T00:00:00Z', resolution: { unit: '100 ns', digits: 7 },
    producers: ['OPC UA servers (SourceTimestamp, ServerTimestamp, DateTime variables)'], local: false,
    example: { value: '134192250001234567', iso: '2026-03-29T02:30:00.1234567Z' },
    decode: (i) => {
      const v = integer(dec(i), 'an OPC UA DateTime', -(2n ** 63n), 2n ** 63n - 1n);
      if (v === 0n) throw new TimeError('0 is the OPC UA null DateTime (no time set); the source has no timestamp, use the receive time');
      if (v === 2n ** 63n - 1n) throw new TimeError('Int64 max is the OPC UA "end of time" DateTime, not a point in time');
      if (v < 0n) throw new TimeError(`${v} is before 1601-01-01; OPC UA DateTime values are not negative`);
      return { ns: v * 100n + EPOCH_1601 * NS_PER_S };
    },
  },
  {
    name: 'opcua-datetime-le', family: '100 ns ticks', input: 'bytes', byteLength: 8, kind: 'instant',
    layout: 'The OPC UA binary encoding of DateTime: the Int64 tick count as 8 bytes little-endian (same value as opcua-datetime).', epoch: '1601-01-01T00:00:00Z', resolution: { unit: '100 ns', digits: 7 },
    producers: ['OPC UA binary protocol captures', 'PubSub UADP messages'], local: false,
    example: { value: '0x871AEFF023BFDC01', iso: '2026-03-29T02:30:00.1234567Z' },
    decode: (i) => {
      const v = uBig(bytes(i).slice().reverse());
      if (v === 0n) throw new TimeError('0 is the OPC UA null DateTime (no time set); the source has no timestamp, use the receive time');
      if (v >= 2n ** 63n - 1n) throw new TimeError('the sign bit or Int64 max is set: not a point in time (check the byte order: this format is little-endian)');
      return { ns: v * 100n + EPOCH_1601 * NS_PER_S };
    },
  },
  {
    name: 'windows-filetime', family: '100 ns ticks', input: 'number', kind: 'instant',
    layout: 'Unsigned 64-bit count of 100 ns intervals (FILETIME, dwHighDateTime:dwLowDateTime), UTC.', epoch: '1601-01-01T00:00:00Z', resolution: { unit: '100 ns', digits: 7 },
    producers: ['Windows GetSystemTimeAsFileTime', 'NTFS', 'Active Directory', 'WinCC/PCS 7 archives', 'OPC Classic (DA/HDA)'], local: false,
    example: { value: '134192250001234567', iso: '2026-03-29T02:30:00.1234567Z' },
    decode: (i) => ({ ns: integer(dec(i), 'a FILETIME (unsigned 64-bit)', 0n, 2n ** 63n - 1n) * 100n + EPOCH_1601 * NS_PER_S }),
  },
  {
    name: 'dotnet-ticks', family: '100 ns ticks', input: 'number', kind: 'instant',
    layout: '.NET DateTime.Ticks: 100 ns intervals since 0001-01-01 (proleptic Gregorian), as written by DateTime.UtcNow.Ticks. For DateTime.Now.Ticks (local) convert the result yourself.', epoch: '0001-01-01T00:00:00Z', resolution: { unit: '100 ns', digits: 7 },
    producers: ['.NET applications', 'C# edge services', 'some SCADA databases'], local: false,
    example: { value: '639103482001234567', iso: '2026-03-29T02:30:00.1234567Z' },
    decode: (i) => ({ ns: integer(dec(i), '.NET ticks (up to 9999-12-31)', 0n, 3155378975999999999n) * 100n + EPOCH_0001 * NS_PER_S }),
  },
  // ---- Spreadsheet serial dates --------------------------------------------------------
  {
    name: 'excel-1900', family: 'Spreadsheet serial date', input: 'number', kind: 'instant',
    layout: 'Days (fraction = time of day) in the Excel 1900 date system. Excel keeps the Lotus 1-2-3 bug: serial 60 is the non-existent 1900-02-29, so serials 1..59 count from 1899-12-31 and 61+ from 1899-12-30. Serial 60 and serials below 1 are refused.', epoch: 'serial 1 = 1900-01-01 (local time)', resolution: { unit: '1 ms', digits: 3 },
    producers: ['Microsoft Excel (Windows default)', 'LibreOffice Calc', 'CSV/XLSX exports from data loggers'], local: true,
    example: { value: '46110.1041666667', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i, ctx) => {
      const d = dec(i);
      inRange(d, 'an Excel 1900 serial (1 = 1900-01-01 .. 2958465 = 9999-12-31)', 1, 2958466 - 1e-9);
      const v = Number(d.text);
      if (v >= 60 && v < 61) throw new TimeError('serial 60 is 1900-02-29, a day that does not exist (the Lotus 1-2-3 leap-year bug Excel keeps); the device wrote a wrong date');
      const ms = scaleRound(d, 86_400_000n, 1n);
      return { ns: localNs(ctx, ((v < 60 ? EPOCH_1899_12_31 : EPOCH_1899_12_30) * 1000n + ms) * NS_PER_MS) };
    },
  },
  {
    name: 'excel-1904', family: 'Spreadsheet serial date', input: 'number', kind: 'instant',
    layout: 'Days (fraction = time of day) in the Excel 1904 date system: serial 0 = 1904-01-01.', epoch: '1904-01-01T00:00:00 (local time)', resolution: { unit: '1 ms', digits: 3 },
    producers: ['Excel for Mac before 2011 and workbooks with "Use 1904 date system"', 'Numbers'], local: true,
    example: { value: '44648.1041666667', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i, ctx) => {
      const d = dec(i);
      inRange(d, 'an Excel 1904 serial (0 = 1904-01-01 .. 2957003 = 9999-12-31)', 0, 2957004 - 1e-9);
      return { ns: localNs(ctx, (EPOCH_1904 * 1000n + scaleRound(d, 86_400_000n, 1n)) * NS_PER_MS) };
    },
  },
  {
    name: 'ole-automation', family: 'Spreadsheet serial date', input: 'number', kind: 'instant',
    layout: 'OLE Automation date (VARIANT DATE, .NET DateTime.ToOADate): days since 1899-12-30. Negative values: the integer part counts days back, the fraction is still the time forward from midnight (-1.25 = 1899-12-29 06:00).', epoch: '1899-12-30T00:00:00 (local time)', resolution: { unit: '1 ms', digits: 3 },
    producers: ['COM/OLE applications, VB6, VBA', '.NET ToOADate', 'WinCC and many Windows HMIs', 'ADO/SQL Server exports'], local: true,
    example: { value: '46110.1041666667', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i, ctx) => {
      const d = dec(i);
      inRange(d, 'an OLE Automation date (-657434 = 0100-01-01 .. 2958465.99999 = 9999-12-31)', -657435 + 1e-9, 2958466 - 1e-9);
      const totalMs = scaleRound(d, 86_400_000n, 1n);
      const whole = totalMs / 86_400_000n; // truncates toward zero
      const rest = totalMs - whole * 86_400_000n;
      const ms = whole * 86_400_000n + (rest < 0n ? -rest : rest);
      return { ns: localNs(ctx, (EPOCH_1899_12_30 * 1000n + ms) * NS_PER_MS) };
    },
  },
  // ---- Siemens S7 ----------------------------------------------------------------------
  {
    name: 's7-date-and-time', family: 'Siemens S7', input: 'bytes', byteLength: 8, kind: 'instant',
    layout: 'DATE_AND_TIME (DT), 8 bytes BCD: year (90..99 = 1990s, 00..89 = 2000..2089), month, day, hour, minute, second, then 3 BCD digits of ms and a weekday nibble (1 = Sunday .. 7 = Saturday; 0 = not set is accepted).', epoch: 'calendar fields (local time of the PLC clock)', resolution: { unit: '1 ms', digits: 3 },
    producers: [...PLC, 'S7 communication (PUT/GET, Snap7)'], local: true,
    example: { value: '0x2603290230000001', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i, ctx) => {
      const b = bytes(i);
      const yy = bcd(b, 0, 'year');
      const c = { year: yy >= 90 ? 1900 + yy : 2000 + yy, month: bcd(b, 1, 'month'), day: bcd(b, 2, 'day'), hour: bcd(b, 3, 'hour'), minute: bcd(b, 4, 'minute'), second: bcd(b, 5, 'second') };
      const msHigh = bcd(b, 6, 'milliseconds');
      const low = b[7]!;
      if ((low >> 4) > 9) throw new TimeError(`byte 7 ${hex2(low)}: the ms digit ${low >> 4} is not BCD 0-9`);
      const wd = low & 15;
      if (wd > 7) throw new TimeError(`byte 7 ${hex2(low)}: weekday ${wd} is not 1..7 (1 = Sunday)`);
      civilToNs(c);
      if (wd !== 0) checkWeekday(c.year, c.month, c.day, wd, 'weekday', 1);
      return { ns: local(ctx, { ...c, nano: (msHigh * 10 + (low >> 4)) * 1_000_000 }) };
    },
  },
  {
    name: 's7-dtl', family: 'Siemens S7', input: 'bytes', byteLength: 12, kind: 'instant',
    layout: 'DTL, 12 bytes: year UInt (2 bytes, 1970..2262), month, day, weekday (1 = Sunday .. 7; 0 = not set is accepted), hour, minute, second (1 byte each), nanoseconds UDInt (4 bytes), big-endian.', epoch: 'calendar fields (local time unless the program writes UTC)', resolution: { unit: '1 ns', digits: 9 },
    producers: ['Siemens S7-1200/1500 (RD_SYS_T, RD_LOC_T)'], local: true,
    example: { value: '0x07EA031D01021E00075BCD15', iso: '2026-03-29T02:30:00.123456789Z' },
    decode: (i, ctx) => {
      const b = bytes(i);
      const c = { year: u16(b, 0), month: b[2]!, day: b[3]!, hour: b[5]!, minute: b[6]!, second: b[7]!, nano: u32(b, 8) };
      if (c.year < 1970 || c.year > 2262) throw new TimeError(`year ${c.year} is not 1970..2262 (the DTL range)`);
      civilToNs(c);
      const wd = b[4]!;
      if (wd > 7) throw new TimeError(`weekday ${wd} is not 1..7 (1 = Sunday)`);
      if (wd !== 0) checkWeekday(c.year, c.month, c.day, wd, 'weekday', 1);
      return { ns: local(ctx, c) };
    },
  },
  {
    name: 's7-date', family: 'Siemens S7', input: 'number', kind: 'date',
    layout: 'DATE: unsigned 16-bit count of days (0 = 1990-01-01, max 65378 = 2168-12-31); decodes to local midnight.', epoch: '1990-01-01', resolution: { unit: '1 day', digits: 0 },
    producers: PLC, local: true,
    example: { value: '13236', iso: '2026-03-29T00:00:00Z' },
    decode: (i, ctx) => ({ ns: localNs(ctx, (EPOCH_1990 + integer(dec(i), 'an S7 DATE', 0n, 65378n) * 86_400n) * NS_PER_S) }),
  },
  {
    name: 's7-time-of-day', family: 'Siemens S7', input: 'number', kind: 'time-of-day',
    layout: 'TIME_OF_DAY (TOD): unsigned 32-bit ms since midnight (0..86399999). A time without a date: the result is that time on 1970-01-01.', epoch: 'midnight', resolution: { unit: '1 ms', digits: 3 },
    producers: PLC, local: false,
    example: { value: '9000123', iso: '1970-01-01T02:30:00.123Z' },
    decode: (i) => ({ ns: integer(dec(i), 'a TIME_OF_DAY (ms since midnight)', 0n, 86_399_999n) * NS_PER_MS }),
  },
  {
    name: 's5time', family: 'Siemens S7', input: 'bytes', byteLength: 2, kind: 'duration',
    layout: 'S5TIME, a duration in one word: bits 13-12 the time base (00 = 10 ms, 01 = 100 ms, 10 = 1 s, 11 = 10 s), bits 11-0 three BCD digits 0..999; bits 15-14 unused. Decodes to 1970-01-01 plus the duration (the ISO duration is reported too).', epoch: 'none (a duration)', resolution: { unit: '10 ms', digits: 2 },
    producers: [...PLC, 'S5 timers (SE, SD, SP)'], local: false,
    example: { value: '0x2150', iso: '1970-01-01T00:02:30.00Z' },
    decode: (i) => {
      const b = bytes(i);
      if (b[0]! >> 6 !== 0) throw new TimeError(`bits 15-14 of ${hex2(b[0]!)}${b[1]!.toString(16).toUpperCase().padStart(2, '0')} are set; S5TIME leaves them 0 (check the byte order)`);
      const base = [10, 100, 1000, 10_000][(b[0]! >> 4) & 3]!;
      const hundreds = b[0]! & 15;
      if (hundreds > 9) throw new TimeError(`the hundreds digit ${hundreds} is not BCD 0-9`);
      const count = hundreds * 100 + bcd(b, 1, 'tens and units');
      const ms = count * base;
      return { ns: BigInt(ms) * NS_PER_MS, duration: isoDuration(ms) };
    },
  },
  // ---- IEC 61131-3 ---------------------------------------------------------------------
  {
    name: 'iec61131-dt', family: 'IEC 61131-3', input: 'string', kind: 'instant',
    layout: 'DATE_AND_TIME literal: DT#YYYY-MM-DD-hh:mm:ss[.fff] (also DATE_AND_TIME#, any case).', epoch: 'calendar fields (local time)', resolution: { unit: 'as written, up to 1 ns', digits: 9, variable: true },
    producers: ['IEC 61131-3 programs and exports (CODESYS, TwinCAT, Siemens SCL, B&R)'], local: true,
    example: { value: 'DT#2026-03-29-02:30:00', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const t = text(i);
      const m = /^(?:DT|DATE_AND_TIME)#(\d{4})-(\d{1,2})-(\d{1,2})-(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$/i.exec(t);
      if (m === null) throw new TimeError(`"${t}" is not a DT literal like DT#2026-03-29-02:30:00 or DT#2026-03-29-02:30:00.250`);
      return { ns: local(ctx, { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, nano: nanoOf(m[7]) }), digits: digitsOf(m[7]) };
    },
  },
  {
    name: 'iec61131-dt-u32', family: 'IEC 61131-3', input: 'number', kind: 'instant',
    layout: 'DT in memory as CODESYS/TwinCAT store it: unsigned 32-bit seconds since 1970-01-01 (max 2106-02-07).', epoch: '1970-01-01T00:00:00 (local or UTC, as the PLC clock is set)', resolution: { unit: '1 s', digits: 0 },
    producers: CODESYS, local: true,
    example: { value: EX_S, iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => ({ ns: localNs(ctx, integer(dec(i), 'a DT (unsigned 32-bit seconds)', 0n, 4_294_967_295n) * NS_PER_S) }),
  },
  {
    name: 'iec61131-ldt', family: 'IEC 61131-3', input: 'number', kind: 'instant',
    layout: 'LDT (LDATE_AND_TIME, IEC 61131-3 3rd ed.): signed 64-bit nanoseconds since 1970-01-01. Pass values beyond 2^53 as text.', epoch: '1970-01-01T00:00:00 (local or UTC, as the PLC clock is set)', resolution: { unit: '1 ns', digits: 9 },
    producers: [...CODESYS, 'Siemens S7-1500 LDT'], local: true,
    example: { value: '1774751400123456789', iso: '2026-03-29T02:30:00.123456789Z' },
    decode: (i, ctx) => ({ ns: localNs(ctx, integer(dec(i), 'an LDT (64-bit ns)', -(2n ** 63n), 2n ** 63n - 1n)) }),
  },
  {
    name: 'iec61131-tod', family: 'IEC 61131-3', input: 'string', kind: 'time-of-day',
    layout: 'TIME_OF_DAY literal: TOD#hh:mm:ss[.fff] (also TIME_OF_DAY#). A time without a date: the result is that time on 1970-01-01.', epoch: 'midnight', resolution: { unit: 'as written, up to 1 ns', digits: 9, variable: true },
    producers: ['IEC 61131-3 programs and exports'], local: false,
    example: { value: 'TOD#02:30:00.5', iso: '1970-01-01T02:30:00.5Z' },
    decode: (i) => {
      const t = text(i);
      const m = /^(?:TOD|TIME_OF_DAY|LTOD|LTIME_OF_DAY)#(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$/i.exec(t);
      if (m === null) throw new TimeError(`"${t}" is not a TOD literal like TOD#14:30:00 or TOD#14:30:00.250`);
      return { ns: civilToNs({ year: 1970, month: 1, day: 1, hour: +m[1]!, minute: +m[2]!, second: +m[3]!, nano: nanoOf(m[4]) }), digits: digitsOf(m[4]) };
    },
  },
  {
    name: 'iec61131-tod-u32', family: 'IEC 61131-3', input: 'number', kind: 'time-of-day',
    layout: 'TOD in memory (CODESYS/TwinCAT): unsigned 32-bit ms since midnight. The result is that time on 1970-01-01.', epoch: 'midnight', resolution: { unit: '1 ms', digits: 3 },
    producers: CODESYS, local: false,
    example: { value: '9000500', iso: '1970-01-01T02:30:00.500Z' },
    decode: (i) => ({ ns: integer(dec(i), 'a TOD (ms since midnight)', 0n, 86_399_999n) * NS_PER_MS }),
  },
  {
    name: 'iec61131-date', family: 'IEC 61131-3', input: 'string', kind: 'date',
    layout: 'DATE literal: D#YYYY-MM-DD (also DATE#); decodes to local midnight.', epoch: 'calendar fields (local time)', resolution: { unit: '1 day', digits: 0 },
    producers: ['IEC 61131-3 programs and exports'], local: true,
    example: { value: 'D#2026-03-29', iso: '2026-03-29T00:00:00Z' },
    decode: (i, ctx) => {
      const t = text(i);
      const m = /^(?:D|DATE|LDATE|LD)#(\d{4})-(\d{1,2})-(\d{1,2})$/i.exec(t);
      if (m === null) throw new TimeError(`"${t}" is not a DATE literal like D#2026-03-29`);
      return { ns: local(ctx, { year: +m[1]!, month: +m[2]!, day: +m[3]! }) };
    },
  },
  // ---- BACnet --------------------------------------------------------------------------
  {
    name: 'bacnet-date-time', family: 'BACnet', input: 'bytes', byteLength: 8, kind: 'instant',
    layout: 'BACnetDateTime (ASHRAE 135, 20.2.12-13): Date = year-1900, month, day, weekday (1 = Monday .. 7 = Sunday); Time = hour, minute, second, hundredths. 0xFF means "unspecified" and month 13/14, day 32/33/34 are patterns (odd/even months, last/odd/even day): those are not a point in time and are refused, except a 0xFF weekday (the date fixes it) and 0xFF hundredths (read as .00).', epoch: 'calendar fields (local time of the device)', resolution: { unit: '10 ms', digits: 2 },
    producers: ['BACnet controllers (Local_Date/Local_Time, trend logs, event time stamps, COV)', 'Tridium Niagara', 'Siemens Desigo', 'JCI Metasys'], local: true,
    example: { value: '0x7E031D07021E0000', iso: '2026-03-29T02:30:00.00Z' },
    decode: (i, ctx) => decodeBacnetDate(bytes(i), ctx, true),
  },
  {
    name: 'bacnet-date', family: 'BACnet', input: 'bytes', byteLength: 4, kind: 'date',
    layout: 'BACnet Date alone (4 bytes: year-1900, month, day, weekday 1 = Monday); local midnight. 0xFF wildcards and month/day patterns are refused (weekday 0xFF is accepted).', epoch: 'calendar fields (local time)', resolution: { unit: '1 day', digits: 0 },
    producers: ['BACnet controllers (Local_Date, schedules, calendars)'], local: true,
    example: { value: '0x7E031D07', iso: '2026-03-29T00:00:00Z' },
    decode: (i, ctx) => decodeBacnetDate(bytes(i), ctx, false),
  },
  // ---- Modbus clock blocks and BCD -----------------------------------------------------
  {
    name: 'modbus-clock-ymdhms', family: 'Modbus clock block', input: 'bytes', byteLength: 12, kind: 'instant',
    layout: '6 holding registers, binary: year (full, e.g. 2026; 0..99 use the pivot), month, day, hour, minute, second; each a big-endian UINT16.', epoch: 'calendar fields (local time of the device clock)', resolution: { unit: '1 s', digits: 0 },
    producers: ['power meters (Schneider PM5000 date/time block, ABB, Eastron)', 'generator and solar inverter controllers', 'flow computers'], local: true,
    example: { value: '0x07EA0003001D0002001E0000', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const b = bytes(i);
      const w = (k: number) => u16(b, 2 * k);
      const y = w(0);
      return { ns: local(ctx, { year: y < 100 ? pivotYear(y, ctx.pivotYear) : y, month: w(1), day: w(2), hour: w(3), minute: w(4), second: w(5) }) };
    },
  },
  {
    name: 'modbus-clock-ymdhms-bcd', family: 'Modbus clock block', input: 'bytes', byteLength: 12, kind: 'instant',
    layout: '6 holding registers, each BCD: year 0x2026 (or 0x0026 with the pivot), month 0x0003, day 0x0029, hour, minute, second.', epoch: 'calendar fields (local time of the device clock)', resolution: { unit: '1 s', digits: 0 },
    producers: ['RTC chips exposed on Modbus (DS1307-style)', 'older meters and protection relays', 'DIN-rail controllers'], local: true,
    example: { value: '0x202600030029000200300000', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const b = bytes(i);
      const names = ['year', 'month', 'day', 'hour', 'minute', 'second'];
      const w = names.map((n, k) => bcdWord(b, 2 * k, n));
      const y = w[0]!;
      return { ns: local(ctx, { year: y < 100 ? pivotYear(y, ctx.pivotYear) : y, month: w[1]!, day: w[2]!, hour: w[3]!, minute: w[4]!, second: w[5]! }) };
    },
  },
  {
    name: 'modbus-clock-3reg', family: 'Modbus clock block', input: 'bytes', byteLength: 6, kind: 'instant',
    layout: '3 registers, one binary byte per field: YY MM | DD hh | mm ss (two-digit year with the pivot).', epoch: 'calendar fields (local time of the device clock)', resolution: { unit: '1 s', digits: 0 },
    producers: ['compact meters and VFDs with a packed RTC block (e.g. Carlo Gavazzi EM, Danfoss)', 'data loggers'], local: true,
    example: { value: '0x1A031D021E00', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const b = bytes(i);
      if (b[0]! > 99) throw new TimeError(`byte 0 (year) ${b[0]} is not 0..99 (a two-digit year)`);
      return { ns: local(ctx, { year: pivotYear(b[0]!, ctx.pivotYear), month: b[1]!, day: b[2]!, hour: b[3]!, minute: b[4]!, second: b[5]! }) };
    },
  },
  {
    name: 'bcd-yymmddhhmmss', family: 'Packed BCD', input: 'bytes', byteLength: 6, kind: 'instant',
    layout: '6 bytes packed BCD: YY MM DD hh mm ss (two-digit year with the pivot).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['RTC chips (DS1302/DS3231, PCF8563)', 'utility meters (IEC 62056/DLMS legacy)', 'Mitsubishi/Omron PLC clock registers'], local: true,
    example: { value: '0x260329023000', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const b = bytes(i);
      const f = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((n, k) => bcd(b, k, n));
      return { ns: local(ctx, { year: pivotYear(f[0]!, ctx.pivotYear), month: f[1]!, day: f[2]!, hour: f[3]!, minute: f[4]!, second: f[5]! }) };
    },
  },
  {
    name: 'bcd-yyyymmddhhmmss', family: 'Packed BCD', input: 'bytes', byteLength: 7, kind: 'instant',
    layout: '7 bytes packed BCD: YYYY (2 bytes) MM DD hh mm ss.', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['Omron/Keyence PLC clock areas', 'telecontrol RTUs', 'weighing terminals'], local: true,
    example: { value: '0x20260329023000', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const b = bytes(i);
      const f = ['century', 'year', 'month', 'day', 'hour', 'minute', 'second'].map((n, k) => bcd(b, k, n));
      return { ns: local(ctx, { year: f[0]! * 100 + f[1]!, month: f[2]!, day: f[3]!, hour: f[4]!, minute: f[5]!, second: f[6]! }) };
    },
  },
  {
    name: 'dos-datetime', family: 'Packed bit fields', input: 'number', kind: 'instant',
    layout: 'MS-DOS/FAT date and time in one 32-bit number (date << 16 | time): year-1980 (7 bits), month (4), day (5) | hour (5), minute (6), second/2 (5).', epoch: '1980-01-01 (local time)', resolution: { unit: '2 s', digits: 0 },
    producers: ['FAT file systems on SD cards of data loggers', 'ZIP archives', 'embedded controllers with FatFs'], local: true,
    example: { value: String(((46 << 25) | (3 << 21) | (29 << 16) | (2 << 11) | (30 << 5)) >>> 0), iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const v = Number(integer(dec(i), 'a DOS date-time (unsigned 32-bit)', 0n, 4_294_967_295n));
      const date = Math.floor(v / 65536);
      const time = v % 65536;
      const sec = (time & 31) * 2;
      if (sec > 58) throw new TimeError(`the seconds field ${time & 31} (x2 = ${sec}) is not 0..29`);
      return { ns: local(ctx, { year: 1980 + (date >> 9), month: (date >> 5) & 15, day: date & 31, hour: time >> 11, minute: (time >> 5) & 63, second: sec }) };
    },
  },
  // ---- Digit integers ------------------------------------------------------------------
  {
    name: 'yyyymmddhhmmss', family: 'Digit integers', input: 'number', kind: 'instant',
    layout: 'A 14-digit decimal integer YYYYMMDDhhmmss (20260329023000).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['PLC programs packing a clock into a LINT/DINT pair', 'MES/ERP interfaces', 'CSV exports of HMIs'], local: true,
    example: { value: '20260329023000', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const t = digitsNumber(i, 14, 'YYYYMMDDhhmmss');
      return { ns: local(ctx, { year: +t.slice(0, 4), month: +t.slice(4, 6), day: +t.slice(6, 8), hour: +t.slice(8, 10), minute: +t.slice(10, 12), second: +t.slice(12, 14) }) };
    },
  },
  {
    name: 'yymmddhhmmss', family: 'Digit integers', input: 'number', kind: 'instant',
    layout: 'A 12-digit decimal integer YYMMDDhhmmss (two-digit year with the pivot; leading zeros may be missing).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['meter and RTU event logs', 'GSM/SMS modem timestamps'], local: true,
    example: { value: '260329023000', iso: '2026-03-29T02:30:00Z' },
    decode: (i, ctx) => {
      const t = digitsNumber(i, 12, 'YYMMDDhhmmss');
      return { ns: local(ctx, { year: pivotYear(+t.slice(0, 2), ctx.pivotYear), month: +t.slice(2, 4), day: +t.slice(4, 6), hour: +t.slice(6, 8), minute: +t.slice(8, 10), second: +t.slice(10, 12) }) };
    },
  },
  {
    name: 'yyyymmdd', family: 'Digit integers', input: 'number', kind: 'date',
    layout: 'An 8-digit decimal integer YYYYMMDD; local midnight.', epoch: 'calendar fields (local time)', resolution: { unit: '1 day', digits: 0 },
    producers: ['batch records', 'ERP/MES interfaces', 'PLC recipe data'], local: true,
    example: { value: '20260329', iso: '2026-03-29T00:00:00Z' },
    decode: (i, ctx) => {
      const t = digitsNumber(i, 8, 'YYYYMMDD');
      return { ns: local(ctx, { year: +t.slice(0, 4), month: +t.slice(4, 6), day: +t.slice(6, 8) }) };
    },
  },
  {
    name: 'yyyymmddhhmmssfff', family: 'Digit integers', input: 'string', kind: 'instant',
    layout: '17 decimal digits YYYYMMDDhhmmssfff (milliseconds); text because it exceeds 2^53.', epoch: 'calendar fields (local time)', resolution: { unit: '1 ms', digits: 3 },
    producers: ['MES and historian exports', 'Chinese and Korean PLC/HMI logs'], local: true,
    example: { value: '20260329023000123', iso: '2026-03-29T02:30:00.123Z' },
    decode: (i, ctx) => {
      const t = digitsNumber(i, 17, 'YYYYMMDDhhmmssfff');
      return { ns: local(ctx, { year: +t.slice(0, 4), month: +t.slice(4, 6), day: +t.slice(6, 8), hour: +t.slice(8, 10), minute: +t.slice(10, 12), second: +t.slice(12, 14), nano: +t.slice(14, 17) * 1_000_000 }) };
    },
  },
  // ---- ISO 8601 / RFC ------------------------------------------------------------------
  {
    name: 'iso8601', family: 'ISO 8601 / RFC', input: 'string', kind: 'instant',
    layout: 'Extended format YYYY-MM-DDThh:mm[:ss[.f...]][offset], T or space, fraction after . or , kept up to 9 digits (1 ns), further digits cut; offset Z, +hh:mm, +hhmm or +hh. Without an offset the time is local (site zone).', epoch: 'calendar fields', resolution: { unit: 'as written, up to 1 ns', digits: 9, variable: true },
    producers: ['JSON APIs', 'MQTT payloads', 'Sparkplug/UNS bridges', 'most modern gateways'], local: true,
    example: { value: '2026-03-29T04:30:00+02:00', iso: '2026-03-29T02:30:00Z' },
    decode: isoLike(ISO_EXTENDED, '2026-03-29T04:30:00+02:00 (offset and fraction optional)', 'any', ''),
  },
  {
    name: 'iso8601-basic', family: 'ISO 8601 / RFC', input: 'string', kind: 'instant',
    layout: 'Basic format without separators: YYYYMMDDThhmm[ss[.f...]][Z|+hhmm|+hh]. Without an offset the time is local.', epoch: 'calendar fields', resolution: { unit: 'as written, up to 1 ns', digits: 9, variable: true },
    producers: ['file names and IDs', 'iCalendar (RFC 5545)', 'some historians and DICOM-like exports'], local: true,
    example: { value: '20260329T023000Z', iso: '2026-03-29T02:30:00Z' },
    decode: isoLike(ISO_BASIC, '20260329T023000Z (seconds, fraction and offset optional)', 'any', ''),
  },
  {
    name: 'iso8601-local', family: 'ISO 8601 / RFC', input: 'string', kind: 'instant',
    layout: 'Extended format without an offset (YYYY-MM-DDThh:mm:ss[.f...]): local time in the site zone. An offset is refused (use iso8601).', epoch: 'calendar fields (local time)', resolution: { unit: 'as written, up to 1 ns', digits: 9, variable: true },
    producers: ['HMI/SCADA CSV exports', 'SQL DATETIME columns', 'Node-RED without a zone'], local: true,
    example: { value: '2026-03-29T02:30:00', iso: '2026-03-29T02:30:00Z' },
    decode: isoLike(ISO_EXTENDED, '2026-03-29T02:30:00 (no offset)', 'forbidden', ''),
  },
  {
    name: 'iso8601-date', family: 'ISO 8601 / RFC', input: 'string', kind: 'date',
    layout: 'Calendar date YYYY-MM-DD (or basic YYYYMMDD is not accepted here: use yyyymmdd); local midnight.', epoch: 'calendar fields (local time)', resolution: { unit: '1 day', digits: 0 },
    producers: ['reports', 'batch and maintenance records'], local: true,
    example: { value: '2026-03-29', iso: '2026-03-29T00:00:00Z' },
    decode: (i, ctx) => {
      const t = text(i);
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
      if (m === null) throw new TimeError(`"${t}" is not a date like 2026-03-29`);
      return { ns: local(ctx, { year: +m[1]!, month: +m[2]!, day: +m[3]! }) };
    },
  },
  {
    name: 'rfc3339', family: 'ISO 8601 / RFC', input: 'string', kind: 'instant',
    layout: 'RFC 3339 date-time: YYYY-MM-DDThh:mm:ss[.f...](Z|+hh:mm), seconds and an offset required; -00:00 (unknown local offset) reads as UTC.', epoch: 'calendar fields with offset', resolution: { unit: 'as written, up to 1 ns', digits: 9, variable: true },
    producers: ['Internet protocols and REST APIs', 'Kubernetes/Go time.RFC3339Nano', 'OPC UA JSON encoding', 'syslog RFC 5424'], local: false,
    example: { value: '2026-03-29T02:30:00.123456Z', iso: '2026-03-29T02:30:00.123456Z' },
    decode: isoLike(RFC3339, '2026-03-29T02:30:00Z or 2026-03-29T04:30:00.5+02:00', 'required', ' (RFC 3339 needs seconds and an offset; for local times use iso8601-local)'),
  },
  {
    name: 'rfc2822', family: 'ISO 8601 / RFC', input: 'string', kind: 'instant',
    layout: 'RFC 2822/5322 date: [Day, ]DD Mon YYYY hh:mm[:ss] zone, zone +hhmm/-hhmm or UT, GMT, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT. Two-digit years follow RFC 2822 (00-49 = 20xx, 50-99 = 19xx); a wrong day name is refused.', epoch: 'calendar fields with offset', resolution: { unit: '1 s', digits: 0 },
    producers: ['e-mail and HTTP headers (Date, Last-Modified)', 'RSS', 'some web-based RTUs and cameras'], local: false,
    example: { value: 'Sun, 29 Mar 2026 04:30:00 +0200', iso: '2026-03-29T02:30:00Z' },
    decode: (i) => {
      const t = text(i).replace(/\s+/g, ' ');
      const m = /^(?:([A-Za-z]{3}), ?)?(\d{1,2}) ([A-Za-z]{3}) (\d{2,4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|[A-Za-z]{1,3})$/.exec(t);
      if (m === null) throw new TimeError(`"${t}" is not an RFC 2822 date like Sun, 29 Mar 2026 04:30:00 +0200`);
      const month = MONTHS.indexOf(m[3]!.toLowerCase()) + 1;
      if (month === 0) throw new TimeError(`month "${m[3]}" is not Jan..Dec`);
      let year = +m[4]!;
      if (m[4]!.length === 2) year += year < 50 ? 2000 : 1900;
      else if (m[4]!.length === 3) year += 1900;
      const zones: Record<string, number> = { UT: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };
      const z = m[8]!;
      let offset: number;
      if (/^[+-]\d{4}$/.test(z)) {
        const h = +z.slice(1, 3);
        const mm = +z.slice(3, 5);
        if (mm > 59) throw new TimeError(`zone "${z}" has minutes ${mm} (not 0..59)`);
        offset = (z[0] === '-' ? -1 : 1) * (h * 60 + mm);
      } else {
        const known = zones[z.toUpperCase()];
        if (known === undefined) throw new TimeError(`zone "${z}" is not +hhmm, -hhmm, UT, GMT, Z or a US zone (EST, EDT, CST, CDT, MST, MDT, PST, PDT)`);
        offset = known;
      }
      const c = { year, month, day: +m[2]!, hour: +m[5]!, minute: +m[6]!, second: +(m[7] ?? 0) };
      const ns = civilToNs(c);
      if (m[1] !== undefined) {
        const names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
        const given = names.indexOf(m[1].toLowerCase());
        if (given < 0) throw new TimeError(`day name "${m[1]}" is not Mon..Sun`);
        const w = weekday(c.year, c.month, c.day);
        if (given !== w) throw new TimeError(`day name "${m[1]}" does not match ${c.year}-${pad(c.month, 2)}-${pad(c.day, 2)}, a ${WEEKDAY_NAMES[w]}`);
      }
      return { ns: ns - BigInt(offset) * 60n * NS_PER_S };
    },
  },
  // ---- Regional day/month strings ------------------------------------------------------
  {
    name: 'us-mdy', family: 'Regional date strings', input: 'string', kind: 'instant',
    layout: 'US order MM/DD/YYYY[ hh:mm[:ss]] (24-hour clock, 1- or 2-digit month/day).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['US-locale HMIs and SCADA CSV exports (FactoryTalk, iFIX, Wonderware)', 'Excel CSV in en-US'], local: true,
    example: { value: '03/29/2026 02:30:00', iso: '2026-03-29T02:30:00Z' },
    decode: dayMonthText('mdy', '/', 4),
  },
  {
    name: 'us-mdy-2y', family: 'Regional date strings', input: 'string', kind: 'instant',
    layout: 'US order with a two-digit year: MM/DD/YY[ hh:mm[:ss]] (pivot).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['older US HMIs, chart recorders and loggers'], local: true,
    example: { value: '03/29/26 02:30:00', iso: '2026-03-29T02:30:00Z' },
    decode: dayMonthText('mdy', '/', 2),
  },
  {
    name: 'us-mdy-12h', family: 'Regional date strings', input: 'string', kind: 'instant',
    layout: 'US order with a 12-hour clock: MM/DD/YYYY hh:mm[:ss] AM|PM (12:xx AM = 00:xx).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['Windows en-US exports', 'US building automation front-ends'], local: true,
    example: { value: '3/29/2026 2:30:00 AM', iso: '2026-03-29T02:30:00Z' },
    decode: dayMonthText('mdy', '/', 4, true),
  },
  {
    name: 'eu-dmy-dot', family: 'Regional date strings', input: 'string', kind: 'instant',
    layout: 'German/central European DD.MM.YYYY[ hh:mm[:ss]].', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['Siemens WinCC and TIA exports in de-DE', 'German/Swiss/Austrian HMIs and loggers'], local: true,
    example: { value: '29.03.2026 02:30:00', iso: '2026-03-29T02:30:00Z' },
    decode: dayMonthText('dmy', '.', 4),
  },
  {
    name: 'eu-dmy-dot-2y', family: 'Regional date strings', input: 'string', kind: 'instant',
    layout: 'DD.MM.YY[ hh:mm[:ss]] with a two-digit year (pivot).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['older German panels and chart recorders'], local: true,
    example: { value: '29.03.26 02:30', iso: '2026-03-29T02:30:00Z' },
    decode: dayMonthText('dmy', '.', 2),
  },
  {
    name: 'eu-dmy-slash', family: 'Regional date strings', input: 'string', kind: 'instant',
    layout: 'British/French DD/MM/YYYY[ hh:mm[:ss]].', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['en-GB, fr-FR, es-ES, it-IT exports', 'Schneider/AVEVA HMIs in Europe'], local: true,
    example: { value: '29/03/2026 02:30:00', iso: '2026-03-29T02:30:00Z' },
    decode: dayMonthText('dmy', '/', 4),
  },
  {
    name: 'eu-dmy-slash-2y', family: 'Regional date strings', input: 'string', kind: 'instant',
    layout: 'DD/MM/YY[ hh:mm[:ss]] with a two-digit year (pivot).', epoch: 'calendar fields (local time)', resolution: { unit: '1 s', digits: 0 },
    producers: ['older European loggers and printers'], local: true,
    example: { value: '29/03/26 02:30:00', iso: '2026-03-29T02:30:00Z' },
    decode: dayMonthText('dmy', '/', 2),
  },
  // ---- Astronomical / navigation / network ---------------------------------------------
  {
    name: 'julian-day', family: 'Julian day', input: 'number', kind: 'instant',
    layout: 'Julian Day number with fraction: days since -4712-01-01T12:00 (proleptic Julian calendar), UTC; JD 2440587.5 = 1970-01-01T00:00Z.', epoch: '-4712-01-01T12:00:00 (Julian calendar)', resolution: { unit: '1 ms', digits: 3 },
    producers: ['astronomy and solar-tracking controllers', 'satellite and meteorological data'], local: false,
    example: { value: '2461128.6041666665', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i) => ({ ns: (scaleRound(dec(i), 86_400_000n, 1n) - 2440587n * 86_400_000n - 43_200_000n) * NS_PER_MS }),
  },
  {
    name: 'mjd', family: 'Julian day', input: 'number', kind: 'instant',
    layout: 'Modified Julian Date: JD - 2400000.5, days since 1858-11-17T00:00Z with fraction; MJD 40587 = 1970-01-01.', epoch: '1858-11-17T00:00:00Z', resolution: { unit: '1 ms', digits: 3 },
    producers: ['satellite/GNSS products', 'IRIG and time-code equipment', 'scientific instruments'], local: false,
    example: { value: '61128.104166666664', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i) => ({ ns: (scaleRound(dec(i), 86_400_000n, 1n) - 40587n * 86_400_000n) * NS_PER_MS }),
  },
  {
    name: 'gps-seconds', family: 'GPS time', input: 'number', kind: 'instant',
    layout: 'Seconds (fraction allowed) since the GPS epoch in GPS time, which counts leap seconds: UTC = GPS - (GPS-UTC), 18 s since 2017-01-01, from the leap-second table. An inserted leap second (23:59:60) reads as the following 00:00:00.', epoch: '1980-01-06T00:00:00Z', resolution: { unit: '1 ms', digits: 3 },
    producers: ['GNSS receivers (u-blox, Trimble, Septentrio)', 'PTP grandmasters and substation clocks (IEC 61850)', 'LIGO/seismic data'], local: false,
    example: { value: '1458786618', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i) => {
      const d = dec(i);
      inRange(d, 'GPS seconds', 0, 1e12);
      return { ns: gpsToUtcNs(scaleRound(d, 1000n, 1n) * NS_PER_MS) };
    },
  },
  {
    name: 'gps-week-seconds', family: 'GPS time', input: 'string', kind: 'instant',
    layout: 'GPS week number (full, not modulo 1024) and seconds of week (0 <= tow < 604800, fraction allowed), written "week:tow", "week,tow" or "week tow". Leap seconds as gps-seconds.', epoch: '1980-01-06T00:00:00Z (week 0)', resolution: { unit: '1 ms', digits: 3 },
    producers: ['GNSS receivers (NMEA-less binary protocols, RINEX)', 'GPS-disciplined clocks'], local: false,
    example: { value: '2412:009018', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i) => {
      const t = text(i);
      const m = /^(\d{1,5})\s*[:, ]\s*(\d+(?:\.\d+)?)$/.exec(t);
      if (m === null) throw new TimeError(`"${t}" is not "week:seconds" like 2412:9018.5`);
      const tow = toDecimalLocal(m[2]!);
      if (Number(m[2]) >= 604800) throw new TimeError(`seconds of week ${m[2]} is not 0..604799.999 (the week has 604800 s)`);
      return { ns: gpsToUtcNs((BigInt(+m[1]!) * 604_800_000n + scaleRound(tow, 1000n, 1n)) * NS_PER_MS) };
    },
  },
  {
    name: 'gps-week-ms-bytes', family: 'GPS time', input: 'bytes', byteLength: 6, kind: 'instant',
    layout: '6 bytes big-endian: UINT16 full GPS week, UINT32 milliseconds of week (0..604799999). Leap seconds as gps-seconds.', epoch: '1980-01-06T00:00:00Z (week 0)', resolution: { unit: '1 ms', digits: 3 },
    producers: ['GNSS receivers mapped to Modbus/CAN registers', 'u-blox NAV-TIMEGPS (iTOW + week)'], local: false,
    example: { value: '0x096C00899A90', iso: '2026-03-29T02:30:00.000Z' },
    decode: (i) => {
      const b = bytes(i);
      const week = u16(b, 0);
      const ms = u32(b, 2);
      if (ms >= 604_800_000) throw new TimeError(`milliseconds of week ${ms} is not 0..604799999`);
      return { ns: gpsToUtcNs((BigInt(week) * 604_800_000n + BigInt(ms)) * NS_PER_MS) };
    },
  },
  {
    name: 'ntp-64', family: 'NTP', input: 'bytes', byteLength: 8, kind: 'instant',
    layout: 'NTP timestamp (RFC 5905), 8 bytes big-endian: UINT32 seconds since 1900-01-01 (era 0, until 2036-02-07) and UINT32 fraction of 2^-32 s (cut to ns).', epoch: '1900-01-01T00:00:00Z', resolution: { unit: '1 ns (2^-32 s cut to ns)', digits: 9 },
    producers: ['NTP/SNTP packets', 'PTP/IEEE 1588 management tools', 'RTP/RTCP sender reports', 'IEC 61850 (UtcTime uses a 24-bit fraction)'], local: false,
    example: { value: '0xED730D2820000000', iso: '2026-03-29T02:30:00.125000000Z' },
    decode: (i) => {
      const b = bytes(i);
      const sec = BigInt(u32(b, 0));
      const frac = BigInt(u32(b, 4));
      return { ns: (EPOCH_1900 + sec) * NS_PER_S + (frac * NS_PER_S) / 4_294_967_296n };
    },
  },
  {
    name: 'ntp-32', family: 'NTP', input: 'number', kind: 'instant',
    layout: 'NTP seconds alone: unsigned 32-bit seconds since 1900-01-01 (era 0), as in RFC 868 Time protocol and the NTP seconds field.', epoch: '1900-01-01T00:00:00Z', resolution: { unit: '1 s', digits: 0 },
    producers: ['RFC 868 time servers', 'NTP seconds fields in device registers', 'SNMP/DOCSIS'], local: false,
    example: { value: '3983740200', iso: '2026-03-29T02:30:00Z' },
    decode: (i) => ({ ns: (EPOCH_1900 + integer(dec(i), 'NTP seconds (unsigned 32-bit, era 0)', 0n, 4_294_967_295n)) * NS_PER_S }),
  },
  {
    name: 'labview-seconds', family: 'Other epochs', input: 'number', kind: 'instant',
    layout: 'LabVIEW timestamp as a float: seconds since 1904-01-01T00:00Z (UTC), fraction allowed.', epoch: '1904-01-01T00:00:00Z', resolution: { unit: '1 us', digits: 6 },
    producers: ['NI LabVIEW and TestStand', 'NI CompactRIO/cDAQ', 'classic Mac OS (integer seconds)'], local: false,
    example: { value: '3857596200.5', iso: '2026-03-29T02:30:00.500000Z' },
    decode: (i) => ({ ns: linear(dec(i), { num: NS_PER_S, stepNs: 1000n, epochS: EPOCH_1904, what: 'a LabVIEW timestamp' }) }),
  },
];

/** Exact decimal of a digits[.digits] text. */
function toDecimalLocal(t: string): Decimal {
  const [a, b = ''] = t.split('.');
  return { mantissa: BigInt(`${a}${b}`), exponent: -b.length, fractionDigits: b.length, text: t };
}

function decodeBacnetDate(b: Uint8Array, ctx: DecodeContext, withTime: boolean): Decoded {
  const field = (i: number, name: string, special: Record<number, string> = {}) => {
    const x = b[i]!;
    if (x === 0xff) throw new TimeError(`byte ${i} (${name}) is 0xFF, the BACnet "unspecified" wildcard; a wildcard date or time is not a point in time (the device has no valid clock value)`);
    const why = special[x];
    if (why !== undefined) throw new TimeError(`byte ${i} (${name}) is ${x} (${why}), a BACnet pattern, not a single ${name}`);
    return x;
  };
  const year = 1900 + field(0, 'year');
  const month = field(1, 'month', { 13: 'odd months', 14: 'even months' });
  const day = field(2, 'day', { 32: 'last day of month', 33: 'odd days', 34: 'even days' });
  const wd = b[3]!;
  const c: Civil = { year, month, day };
  civilToNs(c);
  if (wd !== 0xff) {
    if (wd < 1 || wd > 7) throw new TimeError(`byte 3 (weekday) ${wd} is not 1..7 (1 = Monday) or 0xFF`);
    checkWeekday(year, month, day, wd, 'byte 3 (weekday)', 7);
  }
  if (!withTime) return { ns: local(ctx, c) };
  const hundredths = b[7] === 0xff ? 0 : b[7]!;
  if (hundredths > 99) throw new TimeError(`byte 7 (hundredths) ${hundredths} is not 0..99 or 0xFF`);
  return { ns: local(ctx, { ...c, hour: field(4, 'hour'), minute: field(5, 'minute'), second: field(6, 'second'), nano: hundredths * 10_000_000 }) };
}

