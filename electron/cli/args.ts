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

/** Parses `500ms`, `10s`, `5m`, `2h`, `1d`, or a bare number of seconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) throw new UsageError(`${option}: "${text}" is not a duration; use e.g. 30s, 5m, 2h`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1000;
  return Math.round(value * factor);
}

export function parsePort(text: string, option: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${option}: "${text}" is not a port number (0-65535)`);
  return port;
}

/** Parses an ISO 8601 time (a zone is required, to keep time UTC inside) into UTC ms. */
export function parseIsoTime(text: string, option: string): number {
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) {
    throw new UsageError(`${option}: "${text}" has no time zone; add Z for UTC (e.g. 2026-12-01T08:00:00Z)`);
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${option}: "${text}" is not an ISO 8601 time`);
  return ms;
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
