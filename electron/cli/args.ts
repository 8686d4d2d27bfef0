import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Something went wrong doing the work: exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, wk: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

/** For --help: the duration forms parseDuration accepts. */
export const durationForms = '500ms, 90s, 5min (or 5m), 1h30m, 2h, 2d, 1w, 1.5h, PT1H30M (ISO 8601), or a bare number of seconds';

/** For --help: the time forms parseTimeArg accepts, one per line. */
export const timeForms = `  now
  -1h, "90s ago"            that long before now
  now-24h, now+5min         now with an offset
  today, yesterday          midnight in this machine's local time zone; with an offset
                            too: today+8h, yesterday-30min
  2026-12-01T08:00:00Z      ISO 8601 with a zone (Z, +01:00 or -0500)
Offsets and durations: ${durationForms}.`;

/** The same, in one line for error messages. */
const timeFormsInline = 'now, -1h, "90s ago", now-24h, today or yesterday (midnight in the local time zone, also today+8h), or ISO 8601 with a zone (2026-12-01T08:00:00Z)';

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Duration in ms, or undefined when `text` is not one (no sign allowed). */
function durationMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const iso = ISO_DURATION.exec(t);
  if (iso !== null && t.length > 1 && !/T$/i.test(t)) {
    const [w, d, h, m, s] = iso.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number];
    return Math.round(w * 604_800_000 + d * 86_400_000 + h * 3_600_000 + m * 60_000 + s * 1000);
  }
  // One or more <number><unit> parts: 1h30m, 1h 30min, 90s.
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/giy;
  let total = 0;
  let parts = 0;
  let at = 0;
  for (let m = part.exec(t); m !== null; m = part.exec(t)) {
    const factor = UNIT_MS[m[2]!.toLowerCase()];
    if (factor === undefined) return undefined;
    total += Number(m[1]) * factor;
    parts++;
    at = part.lastIndex;
  }
  return parts > 0 && at === t.length ? Math.round(total) : undefined;
}

/** Parses a duration (see durationForms) into ms; `option` names the flag in errors. */
export function parseDuration(text: string, option: string): number {
  const ms = durationMs(text);
  if (ms === undefined) {
    const hint = /^\s*[-+]/.test(text) ? ' (a duration has no sign)' : '';
    throw new UsageError(`${option}: "${text}" is not a duration${hint}; use e.g. ${durationForms}`);
  }
  return ms;
}

export function parsePort(text: string, option: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${option}: "${text}" is not a port number (0-65535)`);
  return port;
}

/**
 * `--from -1h`: parseArgs would read -1h as an option and refuse. A value that starts
 * with a dash and a digit after one of `options` is passed as `--from=-1h` instead.
 */
export function attachSignedValues(argv: readonly string[], options: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (options.includes(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Local midnight `daysBack` calendar days before `now` (so a DST day is 23 or 25 h). */
function localMidnight(now: number, daysBack: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - daysBack);
  return d.getTime();
}

/**
 * Parses a point in time for --from/--to (see timeForms) into UTC ms. `today` and
 * `yesterday` are midnight in the machine's local time zone; ISO times need a zone.
 */
export function parseTimeArg(text: string, option: string, now = Date.now()): number {
  const t = text.trim();
  const fail = (why: string) => new UsageError(`${option}: "${text}" ${why}; use ${timeFormsInline}`);
  const relative = /^(now|today|yesterday)?\s*(?:([-+])\s*(.+))?$/i.exec(t);
  if (relative !== null && (relative[1] !== undefined || relative[2] !== undefined)) {
    const anchor = (relative[1] ?? 'now').toLowerCase();
    const base = anchor === 'now' ? now : localMidnight(now, anchor === 'today' ? 0 : 1);
    if (relative[2] === undefined) return base;
    const offset = durationMs(relative[3]!);
    if (offset === undefined) throw fail(`has an offset "${relative[3]}" that is not a duration`);
    return relative[2] === '-' ? base - offset : base + offset;
  }
  const ago = /^(.+?)\s+ago$/i.exec(t);
  if (ago !== null) {
    const offset = durationMs(ago[1]!);
    if (offset === undefined) throw fail(`starts with "${ago[1]}", which is not a duration`);
    return now - offset;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    if (!/[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
      throw new UsageError(`${option}: "${text}" has no time zone; add Z for UTC or an offset (e.g. 2026-12-01T08:00:00Z, 2026-12-01T09:00+01:00), or use today/yesterday for local midnight`);
    }
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) throw fail('is not a valid ISO 8601 time');
    return ms;
  }
  throw fail('is not a time');
}

/** The installed package root (works from electron/ sources and from dist/). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'sensorvault') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the sensorvault package root');
    dir = parent;
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Resolves once SIGINT/SIGTERM arrives or `ms` passes (if given). */
export function untilStopped(ms?: number): Promise<string> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = (why: string) => {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(why);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    if (ms !== undefined) timer = setTimeout(() => done('duration elapsed'), ms);
  });
}
