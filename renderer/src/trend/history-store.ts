import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError, SensorVaultApi } from '../../../shared/api/contract.js';
import type { HistoryTrend } from '../../../shared/history/types.js';
import { type RangeId, type TimeRange, type ZoomState, pointsForWidth, presetRange, resetZoom, shownRange, zoomInto } from './history.js';

/*
 * The trend's history range: which range is picked, the zoom inside it, and one
 * `history:trend` query per tag for what is shown. Any change of tags, range, zoom or
 * plot width re-queries; answers to superseded queries are dropped.
 */

export interface TrendQueryResult {
  status: 'loading' | 'ready' | 'error';
  /** The range and points this result was asked for. */
  range: TimeRange;
  points: number;
  trend?: HistoryTrend;
  error?: ApiError;
  /** How long the query took, ms (ready or error). */
  ms?: number;
}

export interface TrendHistoryState {
  range: RangeId;
  /** Picked range and zoom; undefined while live. */
  zoom?: ZoomState;
  /** Points asked per tag (two per CSS pixel of the plot). */
  points: number;
  tagIds: readonly string[];
  results: ReadonlyMap<string, TrendQueryResult>;
  /** Bumped on every result change. */
  version: number;
}

export interface TrendHistory {
  store: StoreApi<TrendHistoryState>;
  /** Live, or a preset ending now (picking the same preset again moves it to now). */
  pickRange(id: Exclude<RangeId, 'custom'>): void;
  pickCustom(range: TimeRange): void;
  /** Zoom to the dragged span (clipped to the picked range); ignored for tiny drags and while live. */
  zoom(a: number, b: number): void;
  resetZoom(): void;
  /** The plot is this wide (CSS pixels). */
  setWidth(cssPixels: number): void;
  setTags(tagIds: readonly string[]): void;
  /** Runs the queries again for what is shown. */
  refresh(): void;
}

export function createTrendHistory(api: Pick<SensorVaultApi, 'queryTrend'>, options: { now?: () => number; clock?: () => number } = {}): TrendHistory {
  const now = options.now ?? Date.now;
  const clock = options.clock ?? (() => (typeof performance === 'undefined' ? Date.now() : performance.now()));
  const store = createStore<TrendHistoryState>()(() => ({ range: 'live', points: pointsForWidth(1000), tagIds: [], results: new Map(), version: 0 }));
  let generation = 0;

  function refresh(): void {
    generation++;
    const state = store.getState();
    if (state.zoom === undefined || state.range === 'live') {
      store.setState((s) => ({ results: new Map(), version: s.version + 1 }));
      return;
    }
    const range = shownRange(state.zoom);
    const points = state.points;
    const mine = generation;
    const results = new Map<string, TrendQueryResult>();
    for (const tagId of state.tagIds) {
      const previous = state.results.get(tagId);
      // The previous points stay drawn while the new ones load.
      results.set(tagId, { ...(previous ?? {}), status: 'loading', range, points });
    }
    store.setState((s) => ({ results, version: s.version + 1 }));
    for (const tagId of state.tagIds) {
      const started = clock();
      void api.queryTrend({ tagId, from: Math.floor(range.from), to: Math.ceil(range.to), points }).then(
        (answer) => settle(mine, tagId, range, points, started, answer.ok ? { trend: answer.result } : { error: answer.error }),
        (err: unknown) => settle(mine, tagId, range, points, started, { error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } }),
      );
    }
  }

  function settle(mine: number, tagId: string, range: TimeRange, points: number, started: number, outcome: { trend: HistoryTrend } | { error: ApiError }): void {
    if (mine !== generation) return;
    const ms = Math.max(0, clock() - started);
    store.setState((s) => {
      const results = new Map(s.results);
      if ('trend' in outcome) results.set(tagId, { status: 'ready', range, points, trend: outcome.trend, ms });
      else results.set(tagId, { status: 'error', range, points, error: outcome.error, ms });
      return { results, version: s.version + 1 };
    });
  }

  return {
    store,
    pickRange(id) {
      const base = presetRange(id, now());
      if (base === undefined) store.setState({ range: 'live', zoom: undefined });
      else store.setState({ range: id, zoom: { base } });
      refresh();
    },
    pickCustom(range) {
      store.setState({ range: 'custom', zoom: { base: range } });
      refresh();
    },
    zoom(a, b) {
      const state = store.getState();
      if (state.zoom === undefined) return;
      const next = zoomInto(state.zoom, a, b);
      if (next === undefined) return;
      store.setState({ zoom: next });
      refresh();
    },
    resetZoom() {
      const state = store.getState();
      if (state.zoom?.zoom === undefined) return;
      store.setState({ zoom: resetZoom(state.zoom) });
      refresh();
    },
    setWidth(cssPixels) {
      const points = pointsForWidth(cssPixels);
      if (points === store.getState().points) return;
      store.setState({ points });
      if (store.getState().range !== 'live') refresh();
    },
    setTags(tagIds) {
      const current = store.getState().tagIds;
      if (current.length === tagIds.length && current.every((t, i) => t === tagIds[i])) return;
      store.setState({ tagIds: [...tagIds] });
      if (store.getState().range !== 'live') refresh();
    },
    refresh,
  };
}
