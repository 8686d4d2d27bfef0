/**
 * Counts, sizes and ages for people, the same in the UI and the CLI (pure: no DOM, no Node).
 * Data output (csv, json) keeps raw numbers.
 */

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
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
