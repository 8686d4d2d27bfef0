import type { Scaling } from '../project.js';

/**
 * How many decimals a tag's value shows when the tag does not say (`decimals` in the
 * project): whole numbers for integer registers, the factor's decimals for a scaled
 * counter (Wh × 0.001 → 3), about four significant digits of a mapped range (0..100 % → 1).
 * Undefined when nothing is known: the UI then formats by the value's magnitude.
 */
export type ValueKind = 'integer' | 'float' | 'unknown';

const MAX_DECIMALS = 6;

function decimalsOf(n: number): number {
  if (!Number.isFinite(n) || Number.isInteger(n)) return 0;
  // Shortest round-trip text of the number, e.g. 0.001 -> "0.001", 1e-7 -> "1e-7".
  const text = String(n);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent !== null) return Number(exponent[1]) + (text.split('e')[0]?.split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

/** About four significant digits of an engineering span. */
function spanDecimals(signedSpan: number): number | undefined {
  const span = Math.abs(signedSpan);
  if (span === 0 || !Number.isFinite(span)) return undefined;
  return Math.min(MAX_DECIMALS, Math.max(0, 3 - Math.floor(Math.log10(span))));
}

export function defaultDecimals(kind: ValueKind, scaling: Scaling): number | undefined {
  switch (scaling.kind) {
    case 'range':
    case 'sqrt':
    case 'ma4-20':
      return spanDecimals(scaling.high - scaling.low);
    case 'two-point':
      return spanDecimals(scaling.eng2 - scaling.eng1);
    case 'clamp':
      return kind === 'integer' ? 0 : undefined;
    case 'linear':
      if (kind !== 'integer') return undefined;
      return Math.min(MAX_DECIMALS, Math.max(decimalsOf(scaling.factor), decimalsOf(scaling.offset)));
    case 'none':
      return kind === 'integer' ? 0 : undefined;
  }
}
