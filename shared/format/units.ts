/**
 * Counts, sizes and ages for people, the same in the UI and the CLI (pure: no DOM, no Node).
 * Data output (csv, json) keeps raw numbers.
 */

/** Whole numbers with thousands separators: "69,120,000" (a rate per day rounds). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 512 B, 41.2 KiB, 41.2 MiB, 1.25 GiB (binary units). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** The size with its exact byte count where the rounded one hides it: "41.2 MiB (43,200,512 B)". */
export function formatBytesExact(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${formatBytes(bytes)} (${formatCount(bytes)} B)`;
}

/** Elapsed time, compact: "0.4 s", "12 s", "4 min 12 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 10_000) return `${(clamped / 1000).toFixed(1)} s`;
  const seconds = Math.floor(clamped / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A UTC time with how long ago it was: "2026-12-04T08:00:00.000Z (3 h 5 min ago)". */
export function formatTimeAgo(ts: number, now = Date.now()): string {
  const iso = new Date(ts).toISOString();
  return ts > now ? `${iso} (in ${formatDuration(ts - now)})` : `${iso} (${formatDuration(now - ts)} ago)`;
}

// Disk sizes as engineers type and read them (the capacity planner's CLI and view):
// decimal units (kB, MB, GB, TB: powers of 1000) and binary units (KiB, MiB, GiB, TiB:
// powers of 1024) are both accepted; the plan prints decimal units, as disks are sold.

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
  k: 1e3, m: 1e6, g: 1e9, t: 1e12,
};

/** For help texts and errors: the size forms parseSize accepts. */
export const SIZE_FORMS = '20GB, 500MiB, 2TB, 1.5 GiB (kB MB GB TB are powers of 1000; KiB MiB GiB TiB of 1024)';

/** Bytes, or an error in words naming what was wrong. */
export function parseSize(text: string): { ok: true; bytes: number } | { ok: false; message: string } {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (match === null) return { ok: false, message: `"${text}" is not a size; use e.g. ${SIZE_FORMS}` };
  const unit = match[2]!.toLowerCase();
  if (unit === '') return { ok: false, message: `"${text}" has no unit; use e.g. ${SIZE_FORMS}` };
  const factor = SIZE_UNITS[unit];
  if (factor === undefined) return { ok: false, message: `"${text}": unknown unit "${match[2]}"; use e.g. ${SIZE_FORMS}` };
  const bytes = Math.round(Number(match[1]) * factor);
  if (!(bytes > 0)) return { ok: false, message: `"${text}" is not more than zero; use e.g. ${SIZE_FORMS}` };
  return { ok: true, bytes };
}

/** "1.23 GB", "456 MB", "12.3 kB", "800 B": three significant digits, decimal units. */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(value) : String(Number(value.toPrecision(3)))} ${units[i]}`;
}

/** "8.1 days", "1 day", "1,234 days"; under a day in hours, minutes or seconds ("6 h", "8.6 s"). */
export function formatDays(days: number): string {
  if (days > 0 && days < 1) {
    const seconds = days * 86_400;
    if (seconds < 60) return `${Number(seconds.toPrecision(2))} s`;
    if (seconds < 3600) return `${Number((seconds / 60).toPrecision(2))} min`;
    return `${Number((seconds / 3600).toPrecision(2))} h`;
  }
  const text = days >= 100 ? formatCount(days) : days.toFixed(1).replace(/\.0$/, '');
  return `${text} ${text === '1' ? 'day' : 'days'}`;
}

/** "12.3 kbit/s", "1.5 Mbit/s", "800 bit/s". */
export function formatBitRate(bitsPerSecond: number): string {
  if (bitsPerSecond >= 1e6) return `${(bitsPerSecond / 1e6).toPrecision(3)} Mbit/s`;
  if (bitsPerSecond >= 1e3) return `${(bitsPerSecond / 1e3).toPrecision(3)} kbit/s`;
  return `${Math.round(bitsPerSecond)} bit/s`;
}
