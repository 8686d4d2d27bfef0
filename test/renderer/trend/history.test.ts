import { describe, expect, it } from 'vitest';
import type { SensorVaultApi } from '../../../shared/api/contract.js';
import type { HistoryTrend } from '../../../shared/history/types.js';
import { createTimeFormatter } from '../../../renderer/src/format/time.js';
import { findGaps } from '../../../renderer/src/trend/gaps.js';
import {
  customRange,
  describeSource,
  formatSpan,
  fromInputValue,
  historySilenceLimitMs,
  pointsForWidth,
  presetRange,
  resetZoom,
  shownRange,
  timeTicks,
  toInputValue,
  zoomInto,
} from '../../../renderer/src/trend/history.js';
import { createTrendHistory } from '../../../renderer/src/trend/history-store.js';

const utc = createTimeFormatter('UTC');
const kolkata = createTimeFormatter('Asia/Kolkata');
const berlin = createTimeFormatter('Europe/Berlin');
const DAY = 86_400_000;

describe('trend history: points, source wording, zoom', () => {
  it('asks for two points per CSS pixel, between 200 and 20,000', () => {
    expect(pointsForWidth(1000)).toBe(2000);
    expect(pointsForWidth(1234.4)).toBe(2469);
    expect(pointsForWidth(50)).toBe(200);
    expect(pointsForWidth(0)).toBe(200);
    expect(pointsForWidth(50_000)).toBe(20_000);
    expect(pointsForWidth(Number.NaN)).toBe(200);
  });

  it('resolves presets to a range ending now', () => {
    expect(presetRange('24h', 10 * DAY)).toEqual({ from: 9 * DAY, to: 10 * DAY });
    expect(presetRange('30d', 40 * DAY)).toEqual({ from: 10 * DAY, to: 40 * DAY });
    expect(presetRange('live', 1)).toBeUndefined();
    expect(presetRange('custom', 1)).toBeUndefined();
  });

  it('says where the points come from, with units', () => {
    expect(describeSource({ source: 'decimated', bucketMs: 43_200, readings: 86_400, points: [] })).toBe('86,400 readings · min/max per 43 s (decimated)');
    expect(describeSource({ source: 'raw', bucketMs: 0, readings: 3_600, points: [] })).toBe('3,600 readings · every reading');
    expect(describeSource({ source: 'raw', bucketMs: 0, readings: 0, points: [] })).toBe('no readings in this range');
    expect(describeSource({ source: 'rollup-1m', bucketMs: 600_000, readings: 2_592_000, points: [] })).toBe('2,592,000 readings · min/max per 10 min from 1-minute rollups');
    expect(describeSource({ source: 'rollup-1h', bucketMs: 7_200_000, readings: 1, points: [] })).toBe('1 reading · min/max per 2 h from 1-hour rollups');
    expect(formatSpan(450)).toBe('450 ms');
    expect(formatSpan(1_500)).toBe('1.5 s');
    expect(formatSpan(90 * 60_000)).toBe('1.5 h');
    expect(formatSpan(7 * DAY)).toBe('7 d');
  });

  it('zooms inside the picked range and resets to it', () => {
    const base = { from: 1_000_000, to: 1_000_000 + DAY };
    const zoomed = zoomInto({ base }, base.from + 7_200_000.4, base.from + 3_600_000.6)!;
    expect(zoomed.zoom).toEqual({ from: base.from + 3_600_000, to: base.from + 7_200_001 });
    expect(shownRange(zoomed)).toEqual(zoomed.zoom);
    // Clipped to the picked range; a click is not a zoom.
    expect(zoomInto({ base }, base.from - 5_000, base.from + 10_000)!.zoom).toEqual({ from: base.from, to: base.from + 10_000 });
    expect(zoomInto({ base }, base.from + 10, base.from + 20)).toBeUndefined();
    // Zooming a zoom narrows it further, still against the picked range.
    const again = zoomInto(zoomed, base.from + 4_000_000, base.from + 5_000_000)!;
    expect(again.zoom).toEqual({ from: base.from + 4_000_000, to: base.from + 5_000_000 });
    expect(shownRange(resetZoom(again))).toEqual(base);
  });

  it('treats a whole empty bucket as no data for decimated sources, and one poll as live for raw', () => {
    expect(historySilenceLimitMs('raw', 0, 1_000)).toBe(2_500);
    expect(historySilenceLimitMs('decimated', 43_200, 1_000)).toBe(45_700);
    expect(historySilenceLimitMs('rollup-1m', 600_000, 1_000)).toBe(600_000 + 120_500);
    // M4 points of a 1 s tag in 10 s buckets: four per bucket, up to a bucket apart; then two empty buckets.
    const ts = [0, 3_000, 7_000, 9_000, 10_000, 12_000, 18_000, 19_000, 50_000, 52_000, 55_000, 59_000];
    const gaps = findGaps({ ts, quality: ts.map(() => 'good' as const), reasons: ts.map(() => undefined) }, { maxSilenceMs: historySilenceLimitMs('decimated', 10_000, 1_000), now: 60_000, knownFrom: 0 });
    expect(gaps).toEqual([{ kind: 'no-data', from: 19_000, to: 50_000, ongoing: false }]);
  });

  it('reads and writes the custom inputs as wall time in the chosen zone', () => {
    const ts = Date.UTC(2026, 11, 2, 8, 30, 15);
    expect(toInputValue(utc, ts)).toBe('2026-12-02T08:30:15');
    expect(toInputValue(kolkata, ts)).toBe('2026-12-02T14:00:15');
    expect(fromInputValue(kolkata, '2026-12-02T14:00:15')).toBe(ts);
    expect(fromInputValue(utc, '2026-12-02T08:30')).toBe(ts - 15_000);
    // Either side of a DST change in Berlin (2026-03-29 02:00 → 03:00).
    expect(fromInputValue(berlin, '2026-03-29T01:30')).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(fromInputValue(berlin, '2026-03-29T03:30')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(fromInputValue(utc, 'yesterday')).toBeUndefined();
  });

  it('explains a wrong custom range in words', () => {
    expect(customRange(utc, '', '')).toEqual({ ok: false, message: 'Enter a From and a To time, then press Show.' });
    expect(customRange(utc, '2026-12-02T08:00', '')).toMatchObject({ ok: false, message: expect.stringMatching(/^Enter a To time/) });
    expect(customRange(utc, '2026-12-02T09:00', '2026-12-02T08:00')).toMatchObject({ ok: false, message: expect.stringMatching(/From must be before To/) });
    expect(customRange(utc, '2026-12-02T08:00', '2026-12-02T09:00')).toEqual({ ok: true, range: { from: Date.UTC(2026, 11, 2, 8), to: Date.UTC(2026, 11, 2, 9) } });
  });

  it('labels the time axis with clock times, and the date where the day changes on long ranges', () => {
    const t0 = Date.UTC(2026, 11, 2, 18);
    const hours = [0, 6, 12].map((h) => t0 + h * 3_600_000);
    expect(timeTicks(utc, hours.slice(0, 1), 60_000, 3_600_000)).toEqual(['18:00']);
    expect(timeTicks(utc, hours, 6 * 3_600_000, DAY)).toEqual(['12-02 18:00', '12-03 00:00', '06:00']);
    expect(timeTicks(kolkata, hours, 6 * 3_600_000, DAY)).toEqual(['12-02 23:30', '12-03 05:30', '11:30']);
    expect(timeTicks(utc, [Date.UTC(2026, 11, 1), Date.UTC(2026, 11, 2)], DAY, 30 * DAY)).toEqual(['12-01', '12-02']);
  });
});

function trendOf(tagId: string, from: number, to: number, points: number): HistoryTrend {
  return { tagId, from, to, source: 'decimated', bucketMs: Math.ceil((to - from) / (points / 4)), points: [[from, 1, 'good']], readings: 86_400 };
}

describe('trend history store', () => {
  it('queries each tag for the picked range at the plot width, re-queries on zoom and resize, and drops superseded answers', async () => {
    const calls: { tagId: string; from: number; to: number; points: number }[] = [];
    const pending: (() => void)[] = [];
    const api = {
      queryTrend: (params: { tagId: string; from: number; to: number; points: number }) => {
        calls.push(params);
        return new Promise((resolve) => pending.push(() => resolve({ ok: true, result: trendOf(params.tagId, params.from, params.to, params.points) })));
      },
    } as unknown as Pick<SensorVaultApi, 'queryTrend'>;
    let clock = 0;
    const history = createTrendHistory(api, { now: () => 10 * DAY, clock: () => clock });
    history.setTags(['a', 'b']);
    history.setWidth(800);
    expect(calls).toEqual([]);
    history.pickRange('24h');
    expect(calls).toEqual([
      { tagId: 'a', from: 9 * DAY, to: 10 * DAY, points: 1600 },
      { tagId: 'b', from: 9 * DAY, to: 10 * DAY, points: 1600 },
    ]);
    expect(history.store.getState().results.get('a')?.status).toBe('loading');
    clock = 12;
    pending.splice(0).forEach((settle) => settle());
    await Promise.resolve();
    await Promise.resolve();
    const ready = history.store.getState().results.get('a')!;
    expect(ready).toMatchObject({ status: 'ready', ms: 12, points: 1600 });
    expect(describeSource(ready.trend!)).toBe('86,400 readings · min/max per 3.6 min (decimated)');

    history.zoom(9 * DAY + 3_600_000, 9 * DAY + 7_200_000);
    expect(calls.slice(2)).toEqual([
      { tagId: 'a', from: 9 * DAY + 3_600_000, to: 9 * DAY + 7_200_000, points: 1600 },
      { tagId: 'b', from: 9 * DAY + 3_600_000, to: 9 * DAY + 7_200_000, points: 1600 },
    ]);
    // The old points stay drawn while the zoomed ones load.
    expect(history.store.getState().results.get('a')).toMatchObject({ status: 'loading', trend: ready.trend });
    const stale = pending.splice(0);
    history.setWidth(1000);
    expect(calls.slice(4).map((c) => c.points)).toEqual([2000, 2000]);
    stale.forEach((settle) => settle());
    await Promise.resolve();
    await Promise.resolve();
    expect(history.store.getState().results.get('a')?.status).toBe('loading');
    pending.splice(0).forEach((settle) => settle());
    await Promise.resolve();
    await Promise.resolve();
    expect(history.store.getState().results.get('b')).toMatchObject({ status: 'ready', points: 2000, range: { from: 9 * DAY + 3_600_000 } });

    history.resetZoom();
    expect(calls.slice(6)[0]).toEqual({ tagId: 'a', from: 9 * DAY, to: 10 * DAY, points: 2000 });
    history.pickRange('live');
    expect(history.store.getState().results.size).toBe(0);
    const before = calls.length;
    history.setWidth(1200);
    history.setTags(['a']);
    expect(calls.length).toBe(before);
  });

  it('keeps the error of a failed query, with how long it took', async () => {
    const api = {
      queryTrend: () => Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'the database is closed' } }),
    } as unknown as Pick<SensorVaultApi, 'queryTrend'>;
    const history = createTrendHistory(api, { now: () => DAY, clock: () => 5 });
    history.setTags(['a']);
    history.pickCustom({ from: 0, to: DAY });
    await Promise.resolve();
    await Promise.resolve();
    expect(history.store.getState()).toMatchObject({ range: 'custom' });
    expect(history.store.getState().results.get('a')).toMatchObject({ status: 'error', error: { code: 'unavailable' }, ms: 0 });
  });
});

describe('trend history spans', () => {
  it('reads the 24 h range as hours and a week as days', () => {
    expect(formatSpan(DAY)).toBe('24 h');
    expect(formatSpan(36 * 3_600_000)).toBe('36 h');
    expect(formatSpan(30 * DAY)).toBe('30 d');
  });
});
