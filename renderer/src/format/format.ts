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

export { formatBytes, formatCount, formatDuration } from '../../../shared/format/units.js';
