import type { Value } from '../../../shared/reading.js';

/*
 * How numbers and durations read on screen (timestamps: time.ts). Pure functions, so every view
 * formats the same way.
 */

/**
 * A reading's value. Numbers get thousands grouping and never scientific notation for
 * whole numbers (12,345,678 kWh, not 1.23457e+7): with `decimals` (the tag's, see
 * TagInfo) exactly that many; without, whole numbers exactly and fractions to about six
 * significant digits, trailing zeros dropped. Booleans read TRUE/FALSE.
 */
export function formatValue(value: Value, decimals?: number): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (decimals !== undefined) return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  if (Number.isInteger(value)) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const magnitude = Math.abs(value);
  // Below a millionth fixed decimals would read 0: a fraction that small keeps its exponent.
  if (magnitude < 1e-6) return value.toPrecision(4).replace(/\.?0+e/, 'e');
  const fraction = Math.min(MAX_FRACTION, Math.max(0, 5 - Math.floor(Math.log10(magnitude))));
  return value.toLocaleString('en-US', { maximumFractionDigits: fraction });
}

const MAX_FRACTION = 12;

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

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
