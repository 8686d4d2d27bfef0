import { describe, expect, it } from 'vitest';
import { defaultDecimals } from '../../../shared/format/decimals.js';
import { formatValue } from '../../../renderer/src/format/format.js';

describe('formatValue', () => {
  it('groups counters and never writes them in scientific notation', () => {
    expect(formatValue(12_345_678)).toBe('12,345,678');
    expect(formatValue(12_345_678.4)).toBe('12,345,678');
    expect(formatValue(12_345_678.912, 3)).toBe('12,345,678.912');
    expect(formatValue(-987_654_321_012)).toBe('-987,654,321,012');
    expect(formatValue(2 ** 60)).not.toMatch(/e/);
  });

  it('shows exactly the tag decimals when it has them', () => {
    expect(formatValue(20.6, 2)).toBe('20.60');
    expect(formatValue(45.26, 1)).toBe('45.3');
    expect(formatValue(3, 0)).toBe('3');
  });

  it('formats fractions by magnitude without a tag setting, trailing zeros dropped', () => {
    expect(formatValue(20.6)).toBe('20.6');
    expect(formatValue(20.599636)).toBe('20.5996');
    expect(formatValue(0.00125)).toBe('0.00125');
    expect(formatValue(2.5e-9)).toBe('2.5e-9');
  });

  it('keeps booleans, text, null and non-finite values readable', () => {
    expect(formatValue(true)).toBe('TRUE');
    expect(formatValue('auto')).toBe('auto');
    expect(formatValue(null)).toBe('—');
    expect(formatValue(Number.NaN)).toBe('NaN');
  });
});

describe('defaultDecimals', () => {
  it('takes whole numbers for integer registers and the factor decimals for scaled counters', () => {
    expect(defaultDecimals('integer', { kind: 'none' })).toBe(0);
    expect(defaultDecimals('integer', { kind: 'linear', factor: 0.001, offset: 0 })).toBe(3);
    expect(defaultDecimals('integer', { kind: 'linear', factor: 0.1, offset: 0.25 })).toBe(2);
    expect(defaultDecimals('integer', { kind: 'linear', factor: 1e-7, offset: 0 })).toBe(6);
  });

  it('takes about four significant digits of a mapped range', () => {
    expect(defaultDecimals('integer', { kind: 'range', rawLow: 0, rawHigh: 27648, low: 0, high: 100 })).toBe(1);
    expect(defaultDecimals('float', { kind: 'range', rawLow: 4, rawHigh: 20, low: 0, high: 10 })).toBe(2);
    expect(defaultDecimals('float', { kind: 'range', rawLow: 0, rawHigh: 1, low: 0, high: 5000 })).toBe(0);
  });

  it('leaves floats and unknown types to the magnitude rule', () => {
    expect(defaultDecimals('float', { kind: 'none' })).toBeUndefined();
    expect(defaultDecimals('unknown', { kind: 'none' })).toBeUndefined();
    expect(defaultDecimals('float', { kind: 'linear', factor: 2, offset: 0 })).toBeUndefined();
  });
});
