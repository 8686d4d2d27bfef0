import type { Quality, Value } from '../../../shared/reading.js';

/*
 * Where a trend must not draw a line. Two kinds, drawn differently:
 * - no data: no reading for longer than about two poll intervals (host stopped,
 *   demo restarted, readings lost), or before the first reading the history knows of;
 * - bad quality: the core said the value is not valid, with its reason. A bad reading
 *   holds until the next reading, as in the live table (an outage is marked bad once).
 */

export interface TrendGap {
  kind: 'no-data' | 'bad';
  /** UTC ms. */
  from: number;
  to: number;
  /** Bad quality only: why, when the reading said. */
  status?: string;
  /** True when the gap runs up to now (still no data / still bad). */
  ongoing: boolean;
}

export interface GapInput {
  ts: readonly number[];
  quality: readonly Quality[];
  reasons: readonly (string | undefined)[];
}

export interface GapOptions {
  /** Longest silence that is still a normal poll (see silenceLimitMs). */
  maxSilenceMs: number;
  /** Now (UTC ms): a series whose last reading is older than maxSilenceMs has an ongoing gap. */
  now: number;
  /** From when the buffer has the complete history; silence after it, before the first reading, is a gap. Undefined: unknown. */
  knownFrom?: number;
}

/** Slack for the live feed's 250 ms throttle and a poll that answers late. */
const SILENCE_SLACK_MS = 500;

/** "About two poll intervals": more silence than this is no data. */
export function silenceLimitMs(intervalMs: number): number {
  return 2 * Math.max(intervalMs, 100) + SILENCE_SLACK_MS;
}

export function findGaps(series: GapInput, options: GapOptions): TrendGap[] {
  const { ts, quality, reasons } = series;
  const { maxSilenceMs, now, knownFrom } = options;
  const gaps: TrendGap[] = [];
  const n = ts.length;
  if (n === 0) {
    if (knownFrom !== undefined && now - knownFrom > maxSilenceMs) gaps.push({ kind: 'no-data', from: knownFrom, to: now, ongoing: true });
    return gaps;
  }
  if (knownFrom !== undefined && ts[0]! - knownFrom > maxSilenceMs) gaps.push({ kind: 'no-data', from: knownFrom, to: ts[0]!, ongoing: false });
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    const next = i + 1 < n ? ts[i + 1]! : undefined;
    if (quality[i] === 'bad') {
      const status = reasons[i];
      const to = next ?? Math.max(now, t);
      const previous = gaps[gaps.length - 1];
      // Consecutive bad readings with the same reason are one band.
      if (previous !== undefined && previous.kind === 'bad' && previous.to === t && previous.status === status) {
        previous.to = to;
        previous.ongoing = next === undefined;
      } else gaps.push({ kind: 'bad', from: t, to, ...(status === undefined ? {} : { status }), ongoing: next === undefined });
      continue;
    }
    if (next !== undefined) {
      if (next - t > maxSilenceMs) gaps.push({ kind: 'no-data', from: t, to: next, ongoing: false });
    } else if (now - t > maxSilenceMs) gaps.push({ kind: 'no-data', from: t, to: now, ongoing: true });
  }
  return gaps;
}

/**
 * The series' points ready for a line: each no-data gap gets a `null` just after its
 * start, so the line breaks there instead of joining across it; bad readings are `null`.
 */
export function withGapBreaks(ts: readonly number[], y: readonly (number | null)[], gaps: readonly TrendGap[]): { ts: number[]; y: (number | null)[] } {
  const breaks = new Set(gaps.filter((g) => g.kind === 'no-data').map((g) => g.from));
  const outTs: number[] = [];
  const outY: (number | null)[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    outTs.push(t);
    outY.push(y[i] ?? null);
    const next = ts[i + 1];
    if (breaks.has(t) && next !== undefined && next > t + 1) {
      outTs.push(t + 1);
      outY.push(null);
    }
  }
  return { ts: outTs, y: outY };
}

/** A band drawn on one lane: the gaps of one kind (and reason) that overlap, with the tags they belong to. */
export interface GapBand {
  kind: TrendGap['kind'];
  from: number;
  to: number;
  status?: string;
  ongoing: boolean;
  /** Names of the tags with this gap. */
  tags: string[];
}

/** Merges the gaps of the series sharing a lane into bands (overlapping gaps of the same kind and reason become one). */
export function laneBands(perSeries: readonly { name: string; gaps: readonly TrendGap[] }[]): GapBand[] {
  const all = perSeries.flatMap((s) => s.gaps.map((g) => ({ ...g, name: s.name })));
  all.sort((a, b) => (a.kind === b.kind ? a.from - b.from : a.kind < b.kind ? -1 : 1));
  const bands: GapBand[] = [];
  for (const g of all) {
    const last = bands[bands.length - 1];
    if (last !== undefined && last.kind === g.kind && last.status === g.status && g.from <= last.to) {
      last.to = Math.max(last.to, g.to);
      last.ongoing = last.ongoing || g.ongoing;
      if (!last.tags.includes(g.name)) last.tags.push(g.name);
    } else bands.push({ kind: g.kind, from: g.from, to: g.to, ...(g.status === undefined ? {} : { status: g.status }), ongoing: g.ongoing, tags: [g.name] });
  }
  return bands.sort((a, b) => a.from - b.from);
}

/** What a band says on hover, e.g. "no data 12:01:05–12:03:40 (TT-101)". `span` formats the times in the chosen zone. */
export function bandLabel(band: GapBand, span: (from: number, to: number) => string): string {
  const what = band.kind === 'no-data' ? 'no data' : `bad quality${band.status === undefined ? '' : `: ${band.status}`}`;
  const until = band.ongoing ? ' (still)' : '';
  return `${what} ${span(band.from, band.to)}${until} · ${band.tags.join(', ')}`;
}

/** The value a reading plots, or null when it breaks the line (bad quality, not a number). */
export function isDrawable(value: Value, quality: Quality): boolean {
  return quality !== 'bad' && value !== null && (typeof value !== 'number' || Number.isFinite(value));
}
