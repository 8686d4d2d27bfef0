import type { HistoryTrend, TrendSource } from '../../../shared/history/types.js';
import { formatCount } from '../../../shared/format/units.js';
import type { TimeFormatter } from '../format/time.js';
import { silenceLimitMs } from './gaps.js';

/*
 * History ranges of the trend, decided without the DOM: which ranges there are, how many
 * points to ask for, what the answer's source says in words, how zoom narrows a range,
 * when a silence between history points is "no data", and the custom range's inputs.
 */

export type RangeId = 'live' | '1h' | '8h' | '24h' | '7d' | '30d' | 'custom';

export const HISTORY_RANGES: readonly { id: RangeId; label: string; ms?: number }[] = [
  { id: 'live', label: 'Live' },
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 d', ms: 30 * 86_400_000 },
  { id: 'custom', label: 'Custom' },
];

export const MIN_POINTS = 200;
export const MAX_POINTS = 20_000;
/** A zoom narrower than this is a click, not a drag. */
export const MIN_ZOOM_MS = 1_000;

export interface TimeRange {
  /** UTC ms. */
  from: number;
  to: number;
}

/** Points to ask for: two per CSS pixel of the plot (M4 keeps up to four per bucket), within the contract's limits. */
export function pointsForWidth(cssPixels: number): number {
  if (!Number.isFinite(cssPixels)) return MIN_POINTS;
  return Math.min(MAX_POINTS, Math.max(MIN_POINTS, Math.round(cssPixels * 2)));
}

/** A preset range ending now, or undefined for live and custom. */
export function presetRange(id: RangeId, now: number): TimeRange | undefined {
  const ms = HISTORY_RANGES.find((r) => r.id === id)?.ms;
  return ms === undefined ? undefined : { from: now - ms, to: now };
}

/** "43 s", "2 min", "1.5 h", "3 d": a span with its unit, for people. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  const round = (v: number) => (v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));
  if (abs < 1_000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${round(ms / 1_000)} s`;
  if (abs < 3_600_000) return `${round(ms / 60_000)} min`;
  // Up to two days in hours: the "24 h" range reads as 24 h, not 1 d.
  if (abs < 2 * 86_400_000) return `${round(ms / 3_600_000)} h`;
  return `${round(ms / 86_400_000)} d`;
}

/** Where a trend's points come from, in words: "86,400 readings · min/max per 43 s (decimated)". */
export function describeSource(trend: Pick<HistoryTrend, 'source' | 'bucketMs' | 'readings' | 'points'>): string {
  const readings = `${formatCount(trend.readings)} ${trend.readings === 1 ? 'reading' : 'readings'}`;
  switch (trend.source) {
    case 'raw':
      return trend.readings === 0 ? 'no readings in this range' : `${readings} · every reading`;
    case 'decimated':
      return `${readings} · min/max per ${formatSpan(trend.bucketMs)} (decimated)`;
    case 'rollup-1m':
      return `${readings} · min/max per ${formatSpan(trend.bucketMs)} from 1-minute rollups`;
    case 'rollup-1h':
      return `${readings} · min/max per ${formatSpan(trend.bucketMs)} from 1-hour rollups`;
  }
}

/** How far apart the underlying values are: the poll interval for readings, the rollup width for rollups. */
function resolutionMs(source: TrendSource, intervalMs: number): number {
  if (source === 'rollup-1m') return 60_000;
  if (source === 'rollup-1h') return 3_600_000;
  return intervalMs;
}

/**
 * Longest silence between two history points that is still data. Raw: as live (about two
 * poll intervals). Decimated and rollups: a bucket's points can be up to a bucket apart, so
 * a gap is a whole bucket without a reading: one bucket plus the live limit at the source's
 * resolution.
 */
export function historySilenceLimitMs(source: TrendSource, bucketMs: number, intervalMs: number): number {
  const limit = silenceLimitMs(resolutionMs(source, intervalMs));
  return source === 'raw' ? limit : bucketMs + limit;
}

/** The range a history trend shows: the zoom when there is one, else the picked range. */
export interface ZoomState {
  base: TimeRange;
  zoom?: TimeRange;
}

export function shownRange(state: ZoomState): TimeRange {
  return state.zoom ?? state.base;
}

/** Zoom into [a, b] (in either order), clipped to the base range; undefined when the drag was too small to mean a zoom. */
export function zoomInto(state: ZoomState, a: number, b: number): ZoomState | undefined {
  const from = Math.max(state.base.from, Math.min(a, b));
  const to = Math.min(state.base.to, Math.max(a, b));
  if (!(to - from >= MIN_ZOOM_MS)) return undefined;
  return { base: state.base, zoom: { from: Math.floor(from), to: Math.ceil(to) } };
}

export function resetZoom(state: ZoomState): ZoomState {
  return { base: state.base };
}

/** The value of a datetime-local input (YYYY-MM-DDTHH:MM[:SS]) for ts, as wall time in the shown zone. */
export function toInputValue(shown: TimeFormatter, ts: number): string {
  return shown.dateTime(ts).slice(0, 19).replace(' ', 'T');
}

/** A datetime-local value read as wall time in the shown zone, in UTC ms; undefined when it is not a time. */
export function fromInputValue(shown: TimeFormatter, value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (!Number.isFinite(wall)) return undefined;
  // The zone's offset at the instant itself; twice, so a guess on the wrong side of a DST change corrects itself.
  let ts = wall - shown.offsetMinutes(wall) * 60_000;
  ts = wall - shown.offsetMinutes(ts) * 60_000;
  return ts;
}

/** The custom range from the two inputs, or what is wrong with them, in words. */
export function customRange(shown: TimeFormatter, fromValue: string, toValue: string): { ok: true; range: TimeRange } | { ok: false; message: string } {
  const from = fromInputValue(shown, fromValue);
  const to = fromInputValue(shown, toValue);
  if (from === undefined && to === undefined) return { ok: false, message: 'Enter a From and a To time, then press Show.' };
  if (from === undefined) return { ok: false, message: 'Enter a From time (date and time), then press Show.' };
  if (to === undefined) return { ok: false, message: 'Enter a To time (date and time), then press Show.' };
  if (to - from < MIN_ZOOM_MS) return { ok: false, message: 'From must be before To (at least 1 s apart): change one of them, then press Show.' };
  return { ok: true, range: { from, to } };
}

/**
 * Time axis labels. Up to 6 h shown: clock times, as live. Longer: the date ("12-02 14:00")
 * on the first tick and where the day changes, the clock elsewhere; whole days show the date.
 */
export function timeTicks(shown: TimeFormatter, splits: readonly number[], incrementMs: number, spanMs: number): string[] {
  const withSeconds = incrementMs < 60_000;
  if (spanMs <= 6 * 3_600_000) return splits.map((ts) => shown.clock(ts, withSeconds));
  let previousDate = '';
  return splits.map((ts) => {
    const date = shown.date(ts);
    const day = date.slice(5);
    const changed = date !== previousDate;
    previousDate = date;
    if (incrementMs >= 86_400_000) return day;
    return changed ? `${day} ${shown.clock(ts, withSeconds)}` : shown.clock(ts, withSeconds);
  });
}
