/**
 * Building blocks of the timestamp catalogue: exact decimal arithmetic (BigInt), the
 * proleptic Gregorian calendar, checked wall-clock fields and the UTC ISO 8601 output.
 * Every decoder works in integer nanoseconds since 1970-01-01T00:00:00Z so microsecond
 * and nanosecond formats keep their digits.
 */

/** A decoding failure; the message says what is wrong and what to do. */
export class TimeError extends Error {
  override name = 'TimeError';
}

export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;
export const NS_PER_DAY = 86_400n * NS_PER_S;

/** A decimal number exactly: value = mantissa * 10^exponent. */
export interface Decimal {
  mantissa: bigint;
  exponent: number;
  /** Digits after the decimal point as written (0 for an integer). */
  fractionDigits: number;
  text: string;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal text (or a JS number via its shortest round-trip text) exactly. */
export function toDecimal(value: number | bigint | string, label: string): Decimal {
  if (typeof value === 'bigint') return { mantissa: value, exponent: 0, fractionDigits: 0, text: value.toString() };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TimeError(`${label}: ${value} is not a finite number`);
  }
  const text = typeof value === 'number' ? String(value) : value.trim().replace(/_/g, '');
  const m = DECIMAL.exec(text);
  if (m === null || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) {
    throw new TimeError(`${label}: "${text}" is not a number; pass digits like 1774751400 or 45678.5`);
  }
  const frac = m[3] ?? '';
  const digits = `${m[2] ?? ''}${frac}`.replace(/^0+(?=\d)/, '');
  const mantissa = BigInt(digits === '' ? '0' : digits) * (m[1] === '-' ? -1n : 1n);
  const exponent = Number(m[4] ?? 0) - frac.length;
  return { mantissa, exponent, fractionDigits: Math.max(0, -exponent), text };
}

export function isInteger(d: Decimal): boolean {
  if (d.exponent >= 0) return true;
  return d.mantissa % 10n ** BigInt(-d.exponent) === 0n;
}

/** The integer value of an integral decimal. */
export function toBigInt(d: Decimal): bigint {
  return d.exponent >= 0 ? d.mantissa * 10n ** BigInt(d.exponent) : d.mantissa / 10n ** BigInt(-d.exponent);
}

/** round(n / d), halves away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** floor(n / d) for d > 0. */
export function divFloor(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** round(value * num / den), halves away from zero. */
export function scaleRound(d: Decimal, num: bigint, den: bigint): bigint {
  let n = d.mantissa * num;
  let q = den;
  if (d.exponent >= 0) n *= 10n ** BigInt(d.exponent);
  else q *= 10n ** BigInt(-d.exponent);
  return divRound(n, q);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = year - (month <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

/** Day of week of a date: 0 = Sunday .. 6 = Saturday. */
export function weekday(year: number, month: number, day: number): number {
  return (((daysFromCivil(year, month, day) + 4) % 7) + 7) % 7;
}

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Wall-clock fields as a device wrote them (not yet tied to a zone). */
export interface Civil {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** Nanoseconds within the second. */
  nano?: number;
}

function inRange(name: string, value: number, low: number, high: number, hint = ''): void {
  if (!Number.isInteger(value) || value < low || value > high) throw new TimeError(`${name} ${value} is not ${low}..${high}${hint}`);
}

/** Checks each field and returns the wall time as ns since 1970-01-01 "as if UTC". */
export function civilToNs(c: Civil): bigint {
  inRange('year', c.year, -271820, 275759);
  inRange('month', c.month, 1, 12);
  const dim = daysInMonth(c.year, c.month);
  inRange('day', c.day, 1, dim, ` (${c.year}-${pad(c.month, 2)} has ${dim} days)`);
  inRange('hour', c.hour ?? 0, 0, 23);
  inRange('minute', c.minute ?? 0, 0, 59);
  inRange('second', c.second ?? 0, 0, 59, c.second === 60 ? ' (a leap second 23:59:60 has no UTC/POSIX representation)' : '');
  inRange('fraction (ns)', c.nano ?? 0, 0, 999_999_999);
  const seconds = BigInt(daysFromCivil(c.year, c.month, c.day)) * 86_400n + BigInt((c.hour ?? 0) * 3600 + (c.minute ?? 0) * 60 + (c.second ?? 0));
  return seconds * NS_PER_S + BigInt(c.nano ?? 0);
}

export function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

/** "2026-03-29" and "02:30" (":SS" and the fraction only when not zero) of a wall time in ns. */
export function describeWall(wallNs: bigint): { date: string; time: string } {
  const days = divFloor(wallNs, NS_PER_DAY);
  const inDay = wallNs - days * NS_PER_DAY;
  const [y, m, d] = civilFromDays(Number(days));
  const secs = Number(inDay / NS_PER_S);
  const nano = Number(inDay % NS_PER_S);
  let time = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}`;
  if (secs % 60 !== 0 || nano !== 0) time += `:${pad(secs % 60, 2)}`;
  if (nano !== 0) time += `.${pad(nano, 9).replace(/0+$/, '')}`;
  return { date: `${formatYear(y)}-${pad(m, 2)}-${pad(d, 2)}`, time };
}

function formatYear(y: number): string {
  if (y >= 0 && y <= 9999) return pad(y, 4);
  return `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 6)}`;
}

/**
 * UTC ISO 8601 of `ms` (integer ms since 1970, may be negative) with `digits` fraction
 * digits (0..9); `subMs` adds nanoseconds within the millisecond (0..999999). Digits
 * beyond the resolution are cut, not rounded, as clocks do.
 */
export function formatUtcIso(ms: number, digits: number, subMs = 0): string {
  if (!Number.isInteger(ms)) throw new RangeError(`formatUtcIso: ms ${ms} is not an integer`);
  return formatNsIso(BigInt(ms) * NS_PER_MS + BigInt(Math.trunc(subMs)), digits);
}

export function formatNsIso(ns: bigint, digits: number): string {
  const d = Math.max(0, Math.min(9, Math.trunc(digits)));
  const days = divFloor(ns, NS_PER_DAY);
  const inDay = ns - days * NS_PER_DAY;
  const [y, m, day] = civilFromDays(Number(days));
  const secs = Number(inDay / NS_PER_S);
  const nano = Number(inDay % NS_PER_S);
  const frac = d === 0 ? '' : `.${pad(nano, 9).slice(0, d)}`;
  return `${formatYear(y)}-${pad(m, 2)}-${pad(day, 2)}T${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}${frac}Z`;
}

/** The instants every format is limited to: 1601-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z. */
export const MIN_YEAR = 1601;
export const MAX_YEAR = 9999;
export const MIN_NS = BigInt(daysFromCivil(MIN_YEAR, 1, 1)) * NS_PER_DAY;
export const MAX_NS = BigInt(daysFromCivil(MAX_YEAR + 1, 1, 1)) * NS_PER_DAY - 1n;

/** floor(n / d) for BigInt, d > 0. */
function floorBig(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** The proleptic Gregorian year of an instant (ns since 1970), exact for any size. */
export function yearOfNs(ns: bigint): bigint {
  const z = floorBig(ns, NS_PER_DAY) + 719468n;
  const era = floorBig(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  return yoe + era * 400n + (mp >= 10n ? 1n : 0n);
}

/** Refuses an instant outside the years 1601..9999, naming its year. */
export function checkYearRange(ns: bigint): void {
  if (ns >= MIN_NS && ns <= MAX_NS) return;
  const year = yearOfNs(ns).toString();
  const digits = year.replace('-', '').length;
  throw new TimeError(
    `the value is in ${digits <= 16 ? `the year ${year}` : `a year of ${digits} digits${year.startsWith('-') ? ' before year 0' : ''}`}, outside ${MIN_YEAR}..${MAX_YEAR} (the years ISO 8601 writes without expansion); check the format, its unit (s, ms, us, ns) and the byte order`,
  );
}

/** Two-digit year with a pivot: yy >= pivot -> 19yy, else 20yy (pivot 70: 70..99 -> 1970..1999). */
export function pivotYear(yy: number, pivot: number): number {
  return yy >= pivot ? 1900 + yy : 2000 + yy;
}
