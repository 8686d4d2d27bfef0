import { useEffect, useId, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { useStore } from 'zustand';
import 'uplot/dist/uPlot.min.css';
import type { ApiError } from '../../../shared/api/contract.js';
import type { HistoryTrend } from '../../../shared/history/types.js';
import type { TrendSeries } from '../state/stores.js';
import { MAX_TREND_TAGS, TREND_WINDOWS } from '../state/stores.js';
import { formatCount, formatValue } from '../format/format.js';
import { type TimeFormatter, formatTimeSpan } from '../format/time.js';
import { useTimeFormats } from '../format/use-time-format.js';
import { useSession, useSessionStore } from '../session-context.js';
import { type GapBand, bandLabel, findGaps, isDrawable, laneBands, silenceLimitMs, withGapBreaks } from '../trend/gaps.js';
import { BOOLEAN_STATES, type Lane, type SeriesKind, assignLanes, detectKind, enumStates, formatTick, plotY, unitLabel } from '../trend/lanes.js';
import { HISTORY_RANGES, type TimeRange, customRange, describeSource, formatSpan, historySilenceLimitMs, shownRange, timeTicks, toInputValue } from '../trend/history.js';
import type { TrendHistory, TrendQueryResult } from '../trend/history-store.js';
import { ErrorNotice } from './ErrorNotice.js';

/** Distinct on white and for the common colour-vision deficiencies (Okabe–Ito, plus two). */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8B4513'];

/** Width of every y axis, the same in every lane so the time axes line up. */
const AXIS_SIZE = 96;
/** Room above an analog lane's plot for its horizontal unit labels. */
const UNIT_LABEL_ROOM = 24;
const X_AXIS_SIZE = 30;
const STEP_LANE_HEIGHT = 40;
/** Room above a step lane's plot for its tag name and states. */
const STEP_NAME_ROOM = 13;
const MIN_ANALOG_HEIGHT = 38;
const FONT = '12px system-ui, "DejaVu Sans", sans-serif';

interface SeriesConfig {
  tagId: string;
  name: string;
  unit: string;
  intervalMs: number;
  /** Silence means the value held (no "no data" band), see TagInfo.reportsOnChange. */
  reportsOnChange: boolean;
  kind: SeriesKind;
  /** Enumeration states, in the order they first appeared (booleans: FALSE, TRUE). */
  states: readonly string[];
  color: string;
}

/** One uPlot per lane, and what its draw hooks need. */
interface LanePlot {
  lane: Lane;
  series: SeriesConfig[];
  plot: uPlot;
  bands: GapBand[];
  layer: HTMLDivElement;
  legend?: HTMLElement;
}

/** First index whose ts is >= t (binary search). */
function lowerBound(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function laneHeights(lanes: readonly Lane[], states: (lane: Lane) => number, total: number): number[] {
  const fixed = lanes.map((lane) => (lane.kind === 'analog' ? 0 : lane.kind === 'boolean' ? STEP_LANE_HEIGHT : Math.max(STEP_LANE_HEIGHT, 18 + 16 * states(lane))));
  const analogCount = lanes.filter((l) => l.kind === 'analog').length;
  const rest = total - X_AXIS_SIZE - fixed.reduce((a, b) => a + b, 0) - analogCount * UNIT_LABEL_ROOM;
  const analog = analogCount === 0 ? 0 : Math.max(MIN_ANALOG_HEIGHT, Math.floor(rest / analogCount));
  return lanes.map((lane, i) => (lane.kind === 'analog' ? analog + UNIT_LABEL_ROOM : fixed[i]!) + (i === lanes.length - 1 ? X_AXIS_SIZE : 0));
}

/** Draws the gap bands as elements in the plot's overlay: hoverable (title) and visible to tests. */
function renderBands(lane: LanePlot, shown: TimeFormatter): void {
  const { plot, layer, bands } = lane;
  const width = plot.over.clientWidth;
  const parts: HTMLElement[] = [];
  for (const band of bands) {
    const left = Math.max(0, plot.valToPos(band.from, 'x'));
    const right = Math.min(width, plot.valToPos(band.to, 'x'));
    if (!(right > left)) continue;
    const el = document.createElement('div');
    el.className = `trend-gap trend-gap-${band.kind}`;
    el.dataset.testid = 'trend-gap';
    el.dataset.kind = band.kind;
    el.dataset.from = String(band.from);
    el.dataset.to = String(band.to);
    el.dataset.tags = band.tags.join('\n');
    el.style.left = `${left}px`;
    el.style.width = `${Math.max(2, right - left)}px`;
    el.title = `${bandLabel(band, (from, to) => formatTimeSpan(shown, from, to))} (${shown.label(band.from)})`;
    el.setAttribute('aria-label', el.title);
    if (right - left > 90 && lane.lane.kind === 'analog') {
      const text = document.createElement('span');
      text.className = 'trend-gap-text';
      // The reason's first clause ("no connection"); the whole of it is on hover.
      text.textContent = band.kind === 'no-data' ? 'no data' : (band.status?.split(':')[0] ?? 'bad quality');
      el.appendChild(text);
    }
    parts.push(el);
  }
  layer.replaceChildren(...parts);
}

/** Horizontal unit labels above each axis (uPlot's rotated labels read upside down on the right and sit on the ticks). */
function renderUnitLabels(lane: LanePlot): void {
  if (lane.lane.kind !== 'analog') return;
  const { plot } = lane;
  const wrap = plot.over.parentElement;
  if (wrap === null) return;
  wrap.querySelectorAll('.trend-axis-label').forEach((el) => el.remove());
  const overLeft = plot.over.offsetLeft;
  const overRight = overLeft + plot.over.offsetWidth;
  for (const axis of lane.lane.axes) {
    const members = lane.series.filter((s) => axis.tagIds.includes(s.tagId));
    const el = document.createElement('div');
    el.className = `trend-axis-label trend-axis-label-${axis.side}`;
    el.dataset.testid = 'trend-axis-label';
    el.dataset.unit = axis.unit;
    el.dataset.side = axis.side;
    el.dataset.tags = members.map((m) => m.tagId).join(' ');
    el.textContent = unitLabel(axis.unit);
    el.title = `${unitLabel(axis.unit)}: ${members.map((m) => m.name).join(', ')}`;
    el.style.color = members.length === 1 ? members[0]!.color : '#1a1a1a';
    el.style.width = `${AXIS_SIZE - 8}px`;
    el.style.left = axis.side === 'left' ? `${overLeft - AXIS_SIZE + 4}px` : `${overRight + 4}px`;
    wrap.appendChild(el);
  }
}

function buildLanePlot(
  lane: Lane,
  series: SeriesConfig[],
  size: { width: number; height: number },
  options: {
    isLast: boolean;
    isFirst: boolean;
    needsRight: boolean;
    syncKey: string;
    legendHost: HTMLElement;
    shown: TimeFormatter;
    other: TimeFormatter;
    host: HTMLElement;
    /** History range shown: drag on the plot to zoom into the dragged span. */
    history?: { onZoom(a: number, b: number): void };
  },
): LanePlot {
  const { shown, other } = options;
  const grid = { stroke: '#d5d9de', width: 1 };
  const ticks = { stroke: '#9aa0a6' };
  const axisBase = { stroke: '#1a1a1a', font: FONT, size: AXIS_SIZE, ticks };
  const xAxis: uPlot.Axis = options.isLast
    ? { ...axisBase, size: X_AXIS_SIZE, space: 90, grid, values: (u, splits, _a, _s, increment) => timeTicks(shown, splits, increment, (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)) }
    : { ...axisBase, size: 0, space: 80, grid, ticks: { show: false }, values: (_u, splits) => splits.map(() => '') };
  const scales: uPlot.Scales = { x: { time: true } };
  const axes: uPlot.Axis[] = [xAxis];
  const uSeries: uPlot.Series[] = [
    {
      label: 'Time',
      value: (_u, ts) => (ts === null || ts === undefined ? (options.history === undefined ? 'latest' : '—') : options.history === undefined ? shown.time(ts) : shown.dateTime(ts)),
    },
  ];
  let right = false;
  if (lane.kind === 'analog') {
    for (const axis of lane.axes) {
      scales[axis.scale] = { auto: true };
      const members = series.filter((s) => axis.tagIds.includes(s.tagId));
      if (axis.side === 'right') right = true;
      axes.push({
        ...axisBase,
        scale: axis.scale,
        side: axis.side === 'left' ? 3 : 1,
        stroke: members.length === 1 ? members[0]!.color : '#1a1a1a',
        grid: axis.side === 'left' ? grid : { show: false },
        // Dense enough that a short lane still has two ticks to read against.
        space: 22,
        values: (_u, splits, _a, _s, increment) => splits.map((v) => formatTick(v, increment)),
      });
    }
    for (const s of series) {
      const axis = lane.axes.find((a) => a.tagIds.includes(s.tagId))!;
      uSeries.push({
        label: s.name,
        scale: axis.scale,
        stroke: s.color,
        width: 2,
        spanGaps: false,
        points: { show: false },
        value: (u, v, seriesIdx, dataIdx) => {
          const shownValue = dataIdx === null ? (options.history === undefined ? latest(u.data[seriesIdx]) : null) : v;
          const text = shownValue === null || shownValue === undefined ? '—' : formatValue(shownValue);
          return s.unit === '' ? text : `${text} ${s.unit}`;
        },
      });
    }
  } else {
    const s = series[0]!;
    const states = s.states;
    scales.state = { auto: false, range: [-0.35, Math.max(1, states.length - 1) + 0.35] };
    axes.push({
      ...axisBase,
      scale: 'state',
      side: 3,
      stroke: s.color,
      grid: { show: false },
      splits: () => states.map((_, i) => i),
      values: (_u, splits) => splits.map((i) => {
        const text = states[i] ?? '';
        return text.length > 10 ? `${text.slice(0, 9)}…` : text;
      }),
    });
    uSeries.push({
      label: s.name,
      scale: 'state',
      stroke: s.color,
      width: 2,
      spanGaps: false,
      points: { show: false },
      paths: uPlot.paths.stepped!({ align: 1 }),
      ...(s.kind === 'boolean' ? { fill: `${s.color}33`, fillTo: 0 } : {}),
      value: (u, v, seriesIdx, dataIdx) => {
        const y = dataIdx === null ? latest(u.data[seriesIdx]) : v;
        return y === null || y === undefined ? '—' : (states[Math.round(y)] ?? '—');
      },
    });
  }
  if (options.needsRight && !right) {
    // A blank right axis keeps this lane's plot as wide as the lanes that have one.
    const scale = lane.kind === 'analog' ? lane.axes[0]!.scale : 'state';
    axes.push({ ...axisBase, scale, side: 1, grid: { show: false }, ticks: { show: false }, values: (_u, splits) => splits.map(() => '') });
  }
  let legendEl: HTMLElement | undefined;
  const holder: { lane?: LanePlot } = {};
  const plot = new uPlot(
    {
      width: size.width,
      height: size.height,
      ms: 1,
      // Tick placement (whole minutes, hours) follows the chosen zone, not the browser's.
      tzDate: (ts) => shown.wallDate(ts),
      padding: [lane.kind === 'analog' ? UNIT_LABEL_ROOM : STEP_NAME_ROOM, options.needsRight ? 0 : 12, 0, 0],
      scales,
      axes,
      cursor: { drag: options.history === undefined ? { x: false, y: false } : { x: true, y: false, setScale: false }, sync: { key: options.syncKey } },
      legend: {
        live: true,
        mount: (_u, table) => {
          legendEl = table;
          table.dataset.lane = lane.id;
          options.legendHost.appendChild(table);
        },
      },
      series: uSeries,
      hooks: {
        draw: [
          () => {
            if (holder.lane === undefined) return;
            renderBands(holder.lane, shown);
            renderUnitLabels(holder.lane);
          },
        ],
        setSelect: [
          (u) => {
            const history = options.history;
            if (history === undefined || u.select.width < 3) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            history.onZoom(a, b);
          },
        ],
        setLegend: [
          (u) => {
            // The time row shows the chosen zone; its tooltip the other one.
            const cell = legendEl?.querySelector<HTMLElement>('.u-series:first-child .u-value');
            const idx = u.cursor.idx;
            const ts = idx === null || idx === undefined ? undefined : u.data[0][idx];
            if (cell !== null && cell !== undefined) cell.title = ts === undefined ? '' : `${other.dateTime(ts)} ${other.label(ts)}`;
          },
        ],
      },
    },
    undefined,
    options.host,
  );
  plot.root.dataset.testid = 'trend-lane';
  plot.root.dataset.lane = lane.id;
  plot.root.dataset.kind = lane.kind;
  const layer = document.createElement('div');
  layer.className = 'trend-gap-layer';
  plot.over.appendChild(layer);
  if (lane.kind !== 'analog') {
    // Above the plot, not on it: the name must not hide the newest state.
    const label = document.createElement('div');
    label.className = 'trend-lane-name';
    label.dataset.testid = 'trend-lane-name';
    label.textContent = `${series[0]!.name} · ${series[0]!.states.join(' / ')}`;
    label.style.color = series[0]!.color;
    label.style.left = `${plot.over.offsetLeft + 2}px`;
    plot.over.parentElement?.appendChild(label);
  }
  const lanePlot: LanePlot = { lane, series, plot, bands: [], layer, ...(legendEl === undefined ? {} : { legend: legendEl }) };
  holder.lane = lanePlot;
  if (!options.isFirst) legendEl?.classList.add('trend-legend-follow');
  return lanePlot;
}

function latest(values: ArrayLike<number | null | undefined> | undefined): number | null {
  if (values === undefined) return null;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/** What one series draws: its points, and the silence that still counts as data. */
interface SeriesSource {
  buffer: Pick<TrendSeries, 'ts' | 'values' | 'quality' | 'reasons' | 'knownFrom'>;
  maxSilenceMs: number;
  /** The end of what the buffer can know (now, or the end of a history range). */
  now: number;
}

/** The live buffer of a series, drawn up to now. */
function liveSource(c: SeriesConfig, series: ReadonlyMap<string, TrendSeries>, now: number): SeriesSource | undefined {
  const buffer = series.get(c.tagId);
  if (buffer === undefined || buffer.status !== 'ready') return undefined;
  // A tag that reports on change is silent while its value holds: silence is not missing data.
  return { buffer, maxSilenceMs: c.reportsOnChange ? Number.POSITIVE_INFINITY : silenceLimitMs(c.intervalMs), now };
}

/** A history query's points, drawn over its range; a decimated source's spacing is its bucket. */
function historySource(c: SeriesConfig, result: TrendQueryResult | undefined, now: number): SeriesSource | undefined {
  const trend = result?.trend;
  if (result === undefined || trend === undefined) return undefined;
  const ts: number[] = [];
  const values: TrendSeries['values'] = [];
  const quality: TrendSeries['quality'] = [];
  const reasons: (string | undefined)[] = [];
  trend.points.forEach(([t, v, q], i) => {
    ts.push(t);
    values.push(v);
    quality.push(q);
    reasons.push(trend.statuses?.[i] ?? undefined);
  });
  const maxSilenceMs = c.reportsOnChange ? Number.POSITIVE_INFINITY : historySilenceLimitMs(trend.source, trend.bucketMs, c.intervalMs);
  return { buffer: { ts, values, quality, reasons, knownFrom: trend.from }, maxSilenceMs, now: Math.min(now, trend.to) };
}

/** The lane's data and gap bands over [from, ...]. */
function laneData(lane: LanePlot, sourceOf: (c: SeriesConfig) => SeriesSource | undefined, from: number): uPlot.AlignedData {
  const perSeries: { name: string; gaps: ReturnType<typeof findGaps> }[] = [];
  const tables: uPlot.AlignedData[] = lane.series.map((c) => {
    const source = sourceOf(c);
    if (source === undefined) return [[], []];
    const { buffer, maxSilenceMs, now } = source;
    const gaps = findGaps(buffer, { maxSilenceMs, now, ...(buffer.knownFrom === undefined ? {} : { knownFrom: buffer.knownFrom }) });
    perSeries.push({ name: c.name, gaps: gaps.filter((g) => g.to >= from) });
    // Keep one point before the window so the line enters from the edge.
    const start = Math.max(0, lowerBound(buffer.ts, from) - 1);
    const ts = buffer.ts.slice(start);
    const y = ts.map((_, i) => plotY(c.kind, buffer.values[start + i]!, buffer.quality[start + i]!, c.states));
    const broken = withGapBreaks(ts, y, gaps);
    return [broken.ts, broken.y];
  });
  lane.bands = laneBands(perSeries);
  if (tables.length === 1) return tables[0]!;
  // 2 = NULL_EXPAND: a null (bad quality, gap break) also blanks the other series' x slots up to this series' next point;
  // otherwise the line would join across the gap through those (undefined = span) slots.
  return uPlot.join(tables, tables.map(() => [0, 2] as uPlot.JoinNullMode[]));
}

/** For tests and the curious: what the lane's plot holds (drawn points, their min and max) as data attributes. */
function exposePlotted(lane: LanePlot): void {
  let points = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let s = 1; s < lane.plot.data.length; s++) {
    for (const v of lane.plot.data[s]!) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      points++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const root = lane.plot.root;
  root.dataset.points = String(points);
  if (points > 0) {
    root.dataset.min = String(min);
    root.dataset.max = String(max);
  } else {
    delete root.dataset.min;
    delete root.dataset.max;
  }
}

/** One line of notes about the series (loading, truncated, nothing to draw), and any history error. */
function SeriesStatus({ configs }: { configs: readonly SeriesConfig[] }) {
  const series = useSessionStore('trend', (s) => s.series);
  useSessionStore('trend', (s) => s.version);
  const loading: string[] = [];
  const truncated: string[] = [];
  const empty: string[] = [];
  const errors: { name: string; tagId: string; error: ApiError }[] = [];
  for (const c of configs) {
    const buffer = series.get(c.tagId);
    if (buffer === undefined) continue;
    if (buffer.status === 'loading') loading.push(c.name);
    else if (buffer.status === 'error' && buffer.error !== undefined) errors.push({ name: c.name, tagId: c.tagId, error: buffer.error });
    else {
      if (buffer.truncated) truncated.push(c.name);
      if (buffer.ts.length > 0 && buffer.values.every((v, i) => !isDrawable(v, buffer.quality[i]!))) empty.push(c.name);
    }
  }
  const notes = [
    loading.length > 0 ? `loading history: ${loading.join(', ')}` : '',
    empty.length > 0 ? `nothing to draw (bad quality or no value): ${empty.join(', ')}` : '',
    truncated.length > 0 ? `history truncated to the newest points: ${truncated.join(', ')}` : '',
  ].filter((note) => note !== '');
  if (notes.length === 0 && errors.length === 0) return null;
  return (
    <div className="trend-status">
      {notes.length > 0 && (
        <div className="trend-notes" title={notes.join('\n')}>
          {notes.join(' · ')}
        </div>
      )}
      {errors.map((e) => (
        <ErrorNotice key={e.tagId} what={`Could not load the history of ${e.name}`} error={e.error} />
      ))}
    </div>
  );
}

/** A range as the header shows it: "12-02 14:00–12-03 14:00" this year, with the year before that. */
function rangeText(shown: TimeFormatter, range: TimeRange, now: number): string {
  const clock = (ts: number) => shown.clock(ts, range.to - range.from < 600_000);
  const thisYear = shown.date(now).slice(0, 4);
  const date = (ts: number) => (shown.date(ts).startsWith(thisYear) ? shown.date(ts).slice(5) : shown.date(ts));
  const from = `${date(range.from)} ${clock(range.from)}`;
  const to = shown.date(range.to) === shown.date(range.from) ? clock(range.to) : `${date(range.to)} ${clock(range.to)}`;
  return `${from}–${to}`;
}

function withUnit(value: number, unit: string): string {
  const text = formatValue(value);
  return unit === '' ? text : `${text} ${unit}`;
}

/** Lowest and highest good value among the points (M4 keeps every bucket's extremes, so these are the range's). */
function goodExtremes(points: HistoryTrend['points']): { min: number; max: number } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [, v, q] of points) {
    if (q === 'bad' || typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : undefined;
}

/** Per tag: where the history points come from, the query's progress, or what went wrong and what to do. */
function HistoryStatus({ configs, history }: { configs: readonly SeriesConfig[]; history: TrendHistory }) {
  const results = useStore(history.store, (s) => s.results);
  const rows = configs.flatMap((c) => {
    const r = results.get(c.tagId);
    return r === undefined ? [] : [{ c, r }];
  });
  if (rows.length === 0) return null;
  const span = formatSpan(rows[0]!.r.range.to - rows[0]!.r.range.from);
  return (
    <div className="trend-status trend-history-status">
      {rows.map(({ c, r }) => {
        const common = { 'data-testid': 'trend-history-source', 'data-tag-id': c.tagId, 'data-status': r.status, 'data-requested': r.points };
        if (r.status === 'error' && r.error !== undefined) {
          return (
            <div key={c.tagId} {...common}>
              <ErrorNotice
                what={`Could not load ${span} of history for ${c.name}`}
                error={r.error}
                advice="Pick the range again to retry, try a shorter range, or pick Live to see the newest readings. If it keeps failing, check that the host is running and its database is readable."
              />
            </div>
          );
        }
        const trend = r.trend;
        const extremes = trend === undefined || c.kind !== 'analog' ? undefined : goodExtremes(trend.points);
        const done = r.status === 'ready' && trend !== undefined;
        return (
          <div
            key={c.tagId}
            className={`trend-history-line${r.status === 'loading' ? ' trend-history-loading' : ''}`}
            {...common}
            {...(trend === undefined ? {} : { 'data-source': trend.source, 'data-points': trend.points.length, 'data-readings': trend.readings, 'data-bucket-ms': trend.bucketMs })}
          >
            <span className="trend-history-swatch" style={{ background: c.color }} aria-hidden="true" />
            <span className="trend-history-name">{c.name}:</span>{' '}
            {r.status === 'loading' && (
              <span className="trend-history-progress" role="status">
                <span className="trend-spinner" aria-hidden="true" /> loading {span} of history…{trend === undefined ? '' : ' '}
              </span>
            )}
            {trend !== undefined && <span className="trend-history-source">{describeSource(trend)}</span>}
            {extremes !== undefined && (
              <span data-testid="trend-history-extremes">
                {' '}
                · min {withUnit(extremes.min, c.unit)} · max {withUnit(extremes.max, c.unit)}
              </span>
            )}
            {trend !== undefined && <span className="muted"> · {formatCount(trend.points.length)} points drawn</span>}
            {done && r.ms !== undefined && <span className="muted" data-testid="trend-history-ms"> · loaded in {formatCount(r.ms)} ms</span>}
          </div>
        );
      })}
    </div>
  );
}

/** The custom range's two inputs, in the shown zone, with what is wrong with them in words. */
function CustomRange({ history, shown, initial }: { history: TrendHistory; shown: TimeFormatter; initial: TimeRange }) {
  const [from, setFrom] = useState(() => toInputValue(shown, initial.from));
  const [to, setTo] = useState(() => toInputValue(shown, initial.to));
  const [message, setMessage] = useState<string | undefined>(undefined);
  const zone = shown.label(initial.to);
  return (
    <form
      className="trend-custom"
      data-testid="trend-custom"
      onSubmit={(e) => {
        e.preventDefault();
        const checked = customRange(shown, from, to);
        if (checked.ok) {
          setMessage(undefined);
          history.pickCustom(checked.range);
        } else setMessage(checked.message);
      }}
    >
      <label>
        From <input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="trend-custom-from" aria-invalid={message !== undefined} />
      </label>
      <label>
        To <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} data-testid="trend-custom-to" aria-invalid={message !== undefined} />
      </label>
      <span className="muted">{zone === 'UTC' ? 'UTC' : `${shown.zone} (${zone})`}</span>
      <button type="submit">Show</button>
      {message !== undefined && (
        <span className="field-error" role="alert" data-testid="trend-custom-error">
          {message}
        </span>
      )}
    </form>
  );
}

export function Trend() {
  const session = useSession();
  const history = session.trendHistory;
  const selected = useSessionStore('selection', (s) => s.selected);
  const byId = useSessionStore('catalog', (s) => s.byId);
  const windowMs = useSessionStore('trend', (s) => s.windowMs);
  const version = useSessionStore('trend', (s) => s.version);
  const series = useSessionStore('trend', (s) => s.series);
  const second = useSessionStore('clock', (s) => Math.floor(s.now / 1000));
  const range = useStore(history.store, (s) => s.range);
  const zoom = useStore(history.store, (s) => s.zoom);
  const results = useStore(history.store, (s) => s.results);
  const [customOpen, setCustomOpen] = useState(false);
  const isHistory = range !== 'live' && zoom !== undefined;
  const { shown, other } = useTimeFormats();
  const syncKey = useId();
  const wrapperRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const lanesRef = useRef<LanePlot[]>([]);

  // Keyed on what the plots show (name, unit, kind, states), so new readings and catalog reloads do not rebuild them.
  const configKey = selected
    .map((tagId) => {
      const tag = byId.get(tagId);
      const buffer = series.get(tagId);
      const historyValues = isHistory ? results.get(tagId)?.trend?.points.map((p) => p[1]) : undefined;
      const values = historyValues !== undefined && historyValues.length > 0 ? historyValues : (buffer?.values ?? []);
      const kind = detectKind(values);
      const states = kind === 'boolean' ? BOOLEAN_STATES : kind === 'enum' ? enumStates(values) : [];
      return JSON.stringify([tagId, tag?.name ?? tagId, tag?.unit ?? '', tag?.intervalMs ?? 1000, tag?.reportsOnChange ?? false, kind, states]);
    })
    .join('\n');
  const configs = useMemo<SeriesConfig[]>(
    () =>
      configKey === ''
        ? []
        : configKey.split('\n').map((line, index) => {
            const [tagId, name, unit, intervalMs, reportsOnChange, kind, states] = JSON.parse(line) as [string, string, string, number, boolean, SeriesKind, string[]];
            return { tagId, name, unit, intervalMs, reportsOnChange, kind, states, color: PALETTE[index % PALETTE.length]! };
          }),
    [configKey],
  );
  const lanes = useMemo(() => assignLanes(configs), [configs]);

  useEffect(() => {
    const wrapper = wrapperRef.current;
    const legendHost = legendRef.current;
    if (wrapper === null || legendHost === null || configs.length === 0) return;
    const needsRight = lanes.some((l) => l.kind === 'analog' && l.axes.length > 1);
    const statesOf = (lane: Lane) => (lane.kind === 'analog' ? 0 : configs.find((c) => c.tagId === lane.tagId)?.states.length ?? 2);
    const sizes = () => {
      const width = Math.max(200, wrapper.clientWidth);
      // 2 px short of the wrapper, so rounding never adds a scroll bar.
      return laneHeights(lanes, statesOf, Math.max(160, wrapper.clientHeight - 2)).map((height) => ({ width, height }));
    };
    const initial = sizes();
    const zoomTo = { onZoom: (a: number, b: number) => history.zoom(a, b) };
    // Points per query follow the plot area's width in CSS pixels: the lane's width less its axes (from the layout,
    // not measured: uPlot hides an axis while its scale has no data, which would widen the plot until the first points).
    const plotWidth = () => sizes()[0]!.width - AXIS_SIZE - (needsRight ? AXIS_SIZE : 12);
    history.setWidth(plotWidth());
    let widthTimer: ReturnType<typeof setTimeout> | undefined;
    const built = lanes.map((lane, index) => {
      const members = lane.kind === 'analog' ? configs.filter((c) => lane.axes.some((a) => a.tagIds.includes(c.tagId))) : configs.filter((c) => c.tagId === lane.tagId);
      return buildLanePlot(lane, members, initial[index]!, {
        isFirst: index === 0,
        isLast: index === lanes.length - 1,
        needsRight,
        syncKey,
        legendHost,
        shown,
        other,
        host: wrapper,
        ...(isHistory ? { history: zoomTo } : {}),
      });
    });
    lanesRef.current = built;
    const observer = new ResizeObserver(() => {
      const next = sizes();
      built.forEach((l, i) => l.plot.setSize(next[i]!));
      // Re-asked once the resize settles.
      if (widthTimer !== undefined) clearTimeout(widthTimer);
      widthTimer = setTimeout(() => history.setWidth(plotWidth()), 300);
    });
    observer.observe(wrapper);
    return () => {
      if (widthTimer !== undefined) clearTimeout(widthTimer);
      observer.disconnect();
      for (const l of built) l.plot.destroy();
      lanesRef.current = [];
    };
  }, [configs, lanes, syncKey, shown, other, isHistory, history]);

  // Live: redrawn on every batch and every second (the time axis moves, an ongoing gap grows). History: when a result lands.
  const liveTick = isHistory ? 0 : second;
  useEffect(() => {
    if (isHistory) {
      const { from, to } = shownRange(zoom);
      const now = Date.now();
      for (const lane of lanesRef.current) {
        lane.plot.setData(laneData(lane, (c) => historySource(c, results.get(c.tagId), now), from), false);
        lane.plot.setScale('x', { min: from, max: to });
        exposePlotted(lane);
      }
      return;
    }
    const now = Math.max(Date.now(), liveTick * 1000);
    for (const lane of lanesRef.current) {
      lane.plot.setData(laneData(lane, (c) => liveSource(c, series, now), now - windowMs), false);
      lane.plot.setScale('x', { min: now - windowMs, max: now });
      exposePlotted(lane);
      if (lane.plot.cursor.idx === null || lane.plot.cursor.idx === undefined) lane.plot.setLegend({});
    }
  }, [configs, lanes, series, version, windowMs, liveTick, shown, isHistory, zoom, results]);

  const zone = shown.label(second * 1000);
  const shownSpan = zoom === undefined ? undefined : shownRange(zoom);
  return (
    <section className="panel trend-panel" aria-labelledby="trend-title">
      <div className="panel-toolbar">
        <h2 id="trend-title" className="panel-title">
          Trend
        </h2>
        <div className="segmented" role="group" aria-label="Range">
          {HISTORY_RANGES.map((r) => {
            const active = r.id === 'custom' ? customOpen || range === 'custom' : r.id === range && !(customOpen && r.id !== 'live');
            return (
              <button
                key={r.id}
                type="button"
                className={active ? 'active' : undefined}
                aria-pressed={active}
                data-range={r.id}
                title={r.id === 'live' ? 'Live readings, with the last minutes from the database' : r.id === 'custom' ? 'Pick a From and To time' : `The last ${r.label} from the database (press again to move it to now)`}
                onClick={() => {
                  if (r.id === 'custom') {
                    setCustomOpen(true);
                    return;
                  }
                  setCustomOpen(false);
                  history.pickRange(r.id);
                }}
              >
                {r.label}
              </button>
            );
          })}
        </div>
        {!isHistory && (
          <div className="segmented" role="group" aria-label="Time window">
            {TREND_WINDOWS.map((w) => (
              <button
                key={w.ms}
                type="button"
                className={w.ms === windowMs ? 'active' : undefined}
                aria-pressed={w.ms === windowMs}
                onClick={() => session.trend.getState().setWindow(w.ms)}
              >
                {w.label}
              </button>
            ))}
          </div>
        )}
        {isHistory && shownSpan !== undefined && (
          <span className="trend-range" data-testid="trend-range" data-from={shownSpan.from} data-to={shownSpan.to} data-zoomed={zoom.zoom !== undefined} title={`${shown.dateTime(shownSpan.from)} – ${shown.dateTime(shownSpan.to)} ${shown.label(shownSpan.to)}`}>
            {rangeText(shown, shownSpan, second * 1000)}
            {zoom.zoom !== undefined ? ' (zoomed)' : ''}
          </span>
        )}
        {isHistory && zoom.zoom !== undefined && (
          <button type="button" className="trend-reset-zoom" data-testid="trend-reset-zoom" onClick={() => history.resetZoom()}>
            Reset zoom
          </button>
        )}
        {isHistory && zoom.zoom === undefined && (
          <span className="muted trend-zoom-hint" title="Drag across the plot to zoom into that span at full resolution">
            drag to zoom
          </span>
        )}
        <span className="panel-count" data-testid="trend-series-count" data-count={configs.length}>
          {configs.length} series
        </span>
        <span className="trend-key muted" data-testid="trend-time-zone" title={`Time axis in ${shown.zone} (${zone}); hover the legend's time for ${other.zone}`}>
          time: {zone === 'UTC' ? 'UTC' : `${shown.zone} (${zone})`}
        </span>
        <span className="trend-key">
          <span className="trend-key-swatch trend-gap-no-data" aria-hidden="true" /> no data
        </span>
        <span className="trend-key">
          <span className="trend-key-swatch trend-gap-bad" aria-hidden="true" /> bad quality
        </span>
      </div>
      {customOpen && <CustomRange history={history} shown={shown} initial={zoom?.base ?? { from: Date.now() - 3_600_000, to: Date.now() }} />}
      {isHistory ? <HistoryStatus configs={configs} history={history} /> : <SeriesStatus configs={configs} />}
      <div className="trend-body">
        {configs.length === 0 && (
          <div className="empty-state trend-empty">
            Tick up to {MAX_TREND_TAGS} tags in the live values table to trend them here. Live loads the last 10 minutes from the database; 1 h to 30 d and Custom show history.
          </div>
        )}
        <div className="trend-canvas" ref={wrapperRef} data-testid="trend-canvas" data-mode={isHistory ? 'history' : 'live'} hidden={configs.length === 0} />
        <div className="trend-legend" ref={legendRef} hidden={configs.length === 0} aria-label="Trend legend" />
      </div>
    </section>
  );
}
