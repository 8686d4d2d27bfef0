/*
 * Every timestamp on screen goes through one formatter, built for one IANA time zone with
 * Intl.DateTimeFormat, so the trend, the live table and tooltips always agree.
 */

/** What the engineer picks in the header: this computer's zone, or UTC. */
export type TimeZoneChoice = 'local' | 'utc';

export const TIME_ZONE_CHOICES: readonly TimeZoneChoice[] = ['local', 'utc'];

export function isTimeZoneChoice(value: unknown): value is TimeZoneChoice {
  return value === 'local' || value === 'utc';
}

export interface TimeFormatter {
  /** IANA zone name, e.g. "Europe/Berlin" or "UTC". */
  zone: string;
  /** Short name for headers: "UTC" or "UTC+05:30". */
  label(ts: number): string;
  /** "14:03:07.215" */
  time(ts: number): string;
  /** "14:03" or "14:03:07", for axis ticks. */
  clock(ts: number, withSeconds: boolean): string;
  /** "2026-12-02 14:03:07.215" */
  dateTime(ts: number): string;
  /** "2026-12-02" */
  date(ts: number): string;
  /** Minutes east of UTC at that instant (DST-aware). */
  offsetMinutes(ts: number): number;
  /** A Date whose local fields read as wall time in this zone (what uPlot's tzDate wants for tick placement). */
  wallDate(ts: number): Date;
}

/** The machine's zone as the browser reports it. */
export function machineTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function zoneOf(choice: TimeZoneChoice, machineZone: string = machineTimeZone()): string {
  return choice === 'utc' ? 'UTC' : machineZone;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Throws a RangeError naming the zone when the browser does not know it. */
export function createTimeFormatter(zone: string): TimeFormatter {
  const intl = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  // Milliseconds are zone-independent; Intl only gives fields down to seconds here.
  const fields = (ts: number): Fields => {
    const out: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of intl.formatToParts(ts)) {
      if (part.type in out) out[part.type as keyof Fields] = Number(part.value);
    }
    return out;
  };
  const millis = (ts: number) => pad(((ts % 1000) + 1000) % 1000, 3);
  const hms = (f: Fields) => `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
  const ymd = (f: Fields) => `${f.year}-${pad(f.month)}-${pad(f.day)}`;
  const offsetMinutes = (ts: number) => {
    const f = fields(ts);
    const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
    return Math.round((asUtc - Math.floor(ts / 1000) * 1000) / 60_000);
  };
  return {
    zone: intl.resolvedOptions().timeZone,
    label: (ts) => formatOffset(offsetMinutes(ts)),
    time: (ts) => `${hms(fields(ts))}.${millis(ts)}`,
    clock: (ts, withSeconds) => {
      const f = fields(ts);
      return withSeconds ? hms(f) : `${pad(f.hour)}:${pad(f.minute)}`;
    },
    dateTime: (ts) => {
      const f = fields(ts);
      return `${ymd(f)} ${hms(f)}.${millis(ts)}`;
    },
    date: (ts) => ymd(fields(ts)),
    offsetMinutes,
    wallDate: (ts) => {
      const f = fields(ts);
      return new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, ((ts % 1000) + 1000) % 1000);
    },
  };
}

/** "14:03:07.215 UTC+01:00": a time with the zone it is in, for tooltips. */
export function timeWithZone(formatter: TimeFormatter, ts: number): string {
  return `${formatter.dateTime(ts)} ${formatter.label(ts)}`;
}

/** "12:01:05–12:03:40", or with dates when the span crosses midnight in that zone. */
export function formatTimeSpan(formatter: TimeFormatter, from: number, to: number): string {
  const sameDay = formatter.date(from) === formatter.date(to);
  if (sameDay) return `${formatter.clock(from, true)}–${formatter.clock(to, true)}`;
  return `${formatter.date(from)} ${formatter.clock(from, true)}–${formatter.date(to)} ${formatter.clock(to, true)}`;
}
