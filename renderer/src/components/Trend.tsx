import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiError } from '../../../shared/api/contract.js';
import type { TrendSeries } from '../state/stores.js';
import { MAX_TREND_TAGS, TREND_WINDOWS } from '../state/stores.js';
import { formatClockTick, formatLocalTime, formatValue } from '../format/format.js';
import { useSession, useSessionStore } from '../session-context.js';
import { ErrorNotice } from './ErrorNotice.js';

/** Distinct on white and for the common colour-vision deficiencies (Okabe–Ito, plus two). */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8B4513'];

interface SeriesConfig {
  tagId: string;
  name: string;
  unit: string;
  color: string;
}

function scaleKey(unit: string): string {
  return `unit:${unit}`;
}

function buildOptions(configs: readonly SeriesConfig[], width: number, height: number, legendHost: HTMLElement): uPlot.Options {
  const units = [...new Set(configs.map((c) => c.unit))];
  const scales: uPlot.Scales = { x: { time: true } };
  for (const unit of units) scales[scaleKey(unit)] = { auto: true };
  const axisStyle = { stroke: '#1a1a1a', font: '13px system-ui, "DejaVu Sans", sans-serif', labelFont: 'bold 13px system-ui, "DejaVu Sans", sans-serif' };
  const grid = { stroke: '#d5d9de', width: 1 };
  // One axis per unit for the first two units (left, right); further units share the plot, read them in the legend.
  const axes: uPlot.Axis[] = [
    {
      ...axisStyle,
      grid,
      ticks: { stroke: '#9aa0a6' },
      // 24-hour local time; seconds only when ticks are closer than a minute.
      values: (_u, splits, _axis, _space, increment) => splits.map((ts) => formatClockTick(ts, increment < 60_000)),
    },
  ];
  units.slice(0, 2).forEach((unit, index) => {
    axes.push({
      ...axisStyle,
      scale: scaleKey(unit),
      side: index === 0 ? 3 : 1,
      label: unit === '' ? '(no unit)' : unit,
      labelSize: 22,
      space: 22,
      size: 64,
      grid: index === 0 ? grid : { show: false },
      ticks: { stroke: '#9aa0a6' },
      values: (_u, splits) => splits.map((v) => formatValue(v)),
    });
  });
  return {
    width,
    height,
    ms: 1,
    scales,
    axes,
    cursor: { drag: { x: false, y: false } },
    // The legend lives beside the plot: with several series a legend below would eat the plot's height.
    legend: { live: true, mount: (_u, table) => legendHost.appendChild(table) },
    series: [
      { label: 'Time', value: (_u, ts, _s, dataIdx) => (dataIdx === null || ts === null || ts === undefined ? 'latest' : formatLocalTime(ts)) },
      ...configs.map<uPlot.Series>((c) => ({
        // The unit rides with the value, so it stays visible when a long name is cut.
        label: c.name,
        scale: scaleKey(c.unit),
        stroke: c.color,
        width: 2,
        spanGaps: false,
        points: { show: false },
        // Without the cursor on the plot, the legend shows the latest value.
        value: (u, v, seriesIdx, dataIdx) => {
          const shown = dataIdx === null ? latest(u.data[seriesIdx]) : v;
          const text = shown === null || shown === undefined ? '—' : formatValue(shown);
          return c.unit === '' ? text : `${text} ${c.unit}`;
        },
      })),
    ],
  };
}

function latest(values: ArrayLike<number | null | undefined> | undefined): number | null {
  if (values === undefined) return null;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
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

/** One x array for all series: missing points are `undefined` (line spans), gaps stay `null`. */
function alignedData(configs: readonly SeriesConfig[], series: ReadonlyMap<string, TrendSeries>, from: number): uPlot.AlignedData {
  const tables: uPlot.AlignedData[] = configs.map((c) => {
    const buffer = series.get(c.tagId);
    if (buffer === undefined) return [[], []];
    // Keep one point before the window so the line enters from the edge.
    const start = Math.max(0, lowerBound(buffer.ts, from) - 1);
    return [buffer.ts.slice(start), buffer.values.slice(start)];
  });
  if (tables.length === 1) return tables[0]!;
  // 1 = NULL_RETAIN: a null (bad quality) stays a gap after the join.
  return uPlot.join(tables, tables.map(() => [0, 1] as uPlot.JoinNullMode[]));
}

function plotSize(wrapper: HTMLElement): { width: number; height: number } {
  return { width: Math.max(200, wrapper.clientWidth), height: Math.max(120, wrapper.clientHeight) };
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
      if (buffer.ts.length > 0 && buffer.values.every((v) => v === null)) empty.push(c.name);
    }
  }
  const notes = [
    loading.length > 0 ? `loading history: ${loading.join(', ')}` : '',
    empty.length > 0 ? `nothing to draw (bad quality or not numeric): ${empty.join(', ')}` : '',
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

export function Trend() {
  const session = useSession();
  const selected = useSessionStore('selection', (s) => s.selected);
  const byId = useSessionStore('catalog', (s) => s.byId);
  const windowMs = useSessionStore('trend', (s) => s.windowMs);
  const version = useSessionStore('trend', (s) => s.version);
  const series = useSessionStore('trend', (s) => s.series);
  const second = useSessionStore('clock', (s) => Math.floor(s.now / 1000));
  const wrapperRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);

  // Keyed on what the plot shows, so a catalog reload (e.g. after a reconnect) does not rebuild it.
  const configKey = selected
    .map((tagId) => {
      const tag = byId.get(tagId);
      return `${tagId}\t${tag?.name ?? tagId}\t${tag?.unit ?? ''}`;
    })
    .join('\n');
  const configs = useMemo<SeriesConfig[]>(
    () =>
      configKey === ''
        ? []
        : configKey.split('\n').map((line, index) => {
            const [tagId = '', name = '', unit = ''] = line.split('\t');
            return { tagId, name, unit, color: PALETTE[index % PALETTE.length]! };
          }),
    [configKey],
  );

  useEffect(() => {
    const wrapper = wrapperRef.current;
    const legendHost = legendRef.current;
    if (wrapper === null || legendHost === null || configs.length === 0) return;
    const { width, height } = plotSize(wrapper);
    const plot = new uPlot(buildOptions(configs, width, height, legendHost), undefined, wrapper);
    plotRef.current = plot;
    const observer = new ResizeObserver(() => plot.setSize(plotSize(wrapper)));
    observer.observe(wrapper);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [configs]);

  useEffect(() => {
    const plot = plotRef.current;
    if (plot === null) return;
    const now = Date.now();
    plot.setData(alignedData(configs, series, now - windowMs), false);
    plot.setScale('x', { min: now - windowMs, max: now });
    if (plot.cursor.idx === null || plot.cursor.idx === undefined) plot.setLegend({});
  }, [configs, series, version, windowMs]);

  useEffect(() => {
    // Keep the time axis moving even when no reading arrives (a dead device shows as a flat end).
    const plot = plotRef.current;
    if (plot === null) return;
    const now = second * 1000;
    plot.setScale('x', { min: now - windowMs, max: now });
  }, [second, windowMs]);

  return (
    <section className="panel trend-panel" aria-labelledby="trend-title">
      <div className="panel-toolbar">
        <h2 id="trend-title" className="panel-title">
          Trend
        </h2>
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
        <span className="panel-count" data-testid="trend-series-count" data-count={configs.length}>
          {configs.length} series
        </span>
        <span className="muted">time axis: local time · bad quality drawn as gaps</span>
      </div>
      <SeriesStatus configs={configs} />
      <div className="trend-body">
        {configs.length === 0 && (
          <div className="empty-state trend-empty">Tick up to {MAX_TREND_TAGS} tags in the live values table to trend them here. The last 10 minutes are loaded from the database.</div>
        )}
        <div className="trend-canvas" ref={wrapperRef} data-testid="trend-canvas" hidden={configs.length === 0} />
        <div className="trend-legend" ref={legendRef} hidden={configs.length === 0} aria-label="Trend legend" />
      </div>
    </section>
  );
}
