import { describe, expect, it } from 'vitest';
import type { Quality } from '../../../shared/reading.js';
import { bandLabel, findGaps, laneBands, silenceLimitMs, withGapBreaks } from '../../../renderer/src/trend/gaps.js';

function series(points: [number, Quality, string?][]) {
  return { ts: points.map((p) => p[0]), quality: points.map((p) => p[1]), reasons: points.map((p) => p[2]) };
}

describe('trend gaps', () => {
  it('allows about two poll intervals of silence', () => {
    expect(silenceLimitMs(500)).toBe(1_500);
    expect(silenceLimitMs(2_000)).toBe(4_500);
  });

  it('finds no gap in a steady poll', () => {
    const s = series([[0, 'good'], [500, 'good'], [1_000, 'good'], [1_600, 'good']]);
    expect(findGaps(s, { maxSilenceMs: 1_500, now: 2_000 })).toEqual([]);
  });

  it('marks silence longer than the limit as no data, between two runs and up to now', () => {
    const s = series([[0, 'good'], [500, 'good'], [60_000, 'good'], [60_500, 'good']]);
    expect(findGaps(s, { maxSilenceMs: 1_500, now: 70_000 })).toEqual([
      { kind: 'no-data', from: 500, to: 60_000, ongoing: false },
      { kind: 'no-data', from: 60_500, to: 70_000, ongoing: true },
    ]);
  });

  it('marks the time before the first reading as no data when the history is complete from there', () => {
    const s = series([[10_000, 'good'], [10_500, 'good']]);
    expect(findGaps(s, { maxSilenceMs: 1_500, now: 11_000, knownFrom: 0 })).toEqual([{ kind: 'no-data', from: 0, to: 10_000, ongoing: false }]);
    // Unknown start (truncated history): nothing is claimed before the first point.
    expect(findGaps(s, { maxSilenceMs: 1_500, now: 11_000 })).toEqual([]);
    expect(findGaps(series([]), { maxSilenceMs: 1_500, now: 11_000, knownFrom: 0 })).toEqual([{ kind: 'no-data', from: 0, to: 11_000, ongoing: true }]);
  });

  it('holds a bad reading until the next reading, one band per reason, apart from no data', () => {
    const s = series([
      [0, 'good'],
      [500, 'bad', 'no response'],
      [1_000, 'bad', 'no response'],
      [1_500, 'bad', 'illegal data address'],
      [2_000, 'good'],
      // An outage: marked bad once, then silence until the device is back.
      [2_500, 'bad', 'no connection: refused'],
      [30_000, 'good'],
    ]);
    expect(findGaps(s, { maxSilenceMs: 1_500, now: 30_100 })).toEqual([
      { kind: 'bad', from: 500, to: 1_500, status: 'no response', ongoing: false },
      { kind: 'bad', from: 1_500, to: 2_000, status: 'illegal data address', ongoing: false },
      { kind: 'bad', from: 2_500, to: 30_000, status: 'no connection: refused', ongoing: false },
    ]);
    expect(findGaps(series([[0, 'good'], [500, 'bad', 'no connection']]), { maxSilenceMs: 1_500, now: 9_000 })).toEqual([
      { kind: 'bad', from: 500, to: 9_000, status: 'no connection', ongoing: true },
    ]);
  });

  it('uncertain readings are drawn, not gaps', () => {
    expect(findGaps(series([[0, 'uncertain'], [500, 'uncertain']]), { maxSilenceMs: 1_500, now: 600 })).toEqual([]);
  });

  it('breaks the line right after the start of each no-data gap', () => {
    const gaps = [{ kind: 'no-data' as const, from: 500, to: 60_000, ongoing: false }];
    expect(withGapBreaks([0, 500, 60_000], [1, 2, 3], gaps)).toEqual({ ts: [0, 500, 501, 60_000], y: [1, 2, null, 3] });
    // Bad gaps break by their own null values; nothing is inserted for them.
    expect(withGapBreaks([0, 500], [1, null], [{ kind: 'bad', from: 500, to: 600, ongoing: true }])).toEqual({ ts: [0, 500], y: [1, null] });
  });

  it('merges the gaps of a lane into bands naming their tags, and labels them', () => {
    const bands = laneBands([
      { name: 'TT-101', gaps: [{ kind: 'no-data', from: 1_000, to: 9_000, ongoing: false }] },
      { name: 'PT-101', gaps: [{ kind: 'no-data', from: 1_200, to: 9_100, ongoing: false }, { kind: 'bad', from: 20_000, to: 25_000, status: 'no connection', ongoing: true }] },
    ]);
    expect(bands).toEqual([
      { kind: 'no-data', from: 1_000, to: 9_100, ongoing: false, tags: ['TT-101', 'PT-101'] },
      { kind: 'bad', from: 20_000, to: 25_000, status: 'no connection', ongoing: true, tags: ['PT-101'] },
    ]);
    const span = (from: number, to: number) => `${from}–${to}`;
    expect(bandLabel(bands[0]!, span)).toBe('no data 1000–9100 · TT-101, PT-101');
    expect(bandLabel(bands[1]!, span)).toBe('bad quality: no connection 20000–25000 (still) · PT-101');
  });
});
