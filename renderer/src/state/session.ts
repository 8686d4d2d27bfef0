import type { StoreApi } from 'zustand/vanilla';
import type { SensorVaultApi } from '../../../shared/api/contract.js';
import type { HistoryPoint } from '../../../shared/api/types.js';
import type { Quality, Reading, Value } from '../../../shared/reading.js';
import type { HostConnection } from '../api/connect.js';
import { type TrendHistory, createTrendHistory } from '../trend/history-store.js';
import { createEditor, type Editor } from './editor.js';
import { createMappingStore, type MappingStore } from './mapping.js';
import { createStorageStore, type StorageStore } from './storage.js';
import { type SettingsState, type SettingsStorage, createSettingsStore } from './settings.js';
import {
  type CatalogState,
  type ClockState,
  type DevicesState,
  type LiveState,
  type SelectionState,
  type SystemState,
  type TrendSeries,
  type TrendState,
  TREND_WINDOWS,
  createCatalogStore,
  createClockStore,
  createDevicesStore,
  createLiveStore,
  createSelectionStore,
  createSystemStore,
  createTrendStore,
} from './stores.js';

/** Everything the views read, plus the one object that talks to the host. */
export interface Session {
  kind: HostConnection['kind'];
  system: StoreApi<SystemState>;
  devices: StoreApi<DevicesState>;
  catalog: StoreApi<CatalogState>;
  live: StoreApi<LiveState>;
  selection: StoreApi<SelectionState>;
  trend: StoreApi<TrendState>;
  /** The trend's history ranges (1 h … 30 d, custom, zoom): one `history:trend` query per selected tag. */
  trendHistory: TrendHistory;
  clock: StoreApi<ClockState>;
  /** The engineer's display choices (time zone), persisted by the browser. */
  settings: StoreApi<SettingsState>;
  /** Project edits, browsing, long operations, certificates, and which screen is shown. */
  editor: Editor;
  /** The mapping editor: every tag of the project, staged edits, undo/redo, one Apply. */
  mapping: MappingStore;
  /** The storage screen: capacity plan, database stats, prunes seen. */
  storage: StorageStore;
  start(): void;
  stop(): void;
  /** Re-fetches every snapshot (devices, tags, live values, trend history). */
  reload(): void;
}

export interface SessionOptions {
  /** Live readings reach the stores at most this often, whatever the host sends. */
  flushIntervalMs?: number;
  /** How often store stats and device counters are refreshed. */
  pollIntervalMs?: number;
  /** How often ages and countdowns tick. */
  clockIntervalMs?: number;
  now?: () => number;
  /** Where settings persist; the browser's localStorage unless given. */
  settingsStorage?: SettingsStorage;
}

/** The trend back-fills at least this much history when a tag is selected. */
const MIN_BACKFILL_MS = 600_000;
/** Buffers keep the largest window plus a margin. */
const KEEP_MS = TREND_WINDOWS[TREND_WINDOWS.length - 1]!.ms + 60_000;
const MAX_POINTS_PER_SERIES = 100_000;
const HISTORY_LIMIT = 20_000;

export function createSession(connection: HostConnection, options: SessionOptions = {}): Session {
  const api: SensorVaultApi = connection.api;
  const now = options.now ?? Date.now;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const clockIntervalMs = options.clockIntervalMs ?? 250;

  const system = createSystemStore(connection.link.current());
  const devices = createDevicesStore();
  const catalog = createCatalogStore();
  const live = createLiveStore();
  const selection = createSelectionStore();
  const trend = createTrendStore();
  const trendHistory = createTrendHistory(api, { now });
  const clock = createClockStore(now());
  const settings = createSettingsStore(options.settingsStorage ?? (typeof localStorage === 'undefined' ? undefined : localStorage));
  const editor = createEditor(api, {
    afterApply: () => {
      void loadDevices();
      void loadTags();
    },
  });

  const mapping = createMappingStore(api, {
    afterApply: () => {
      void loadDevices();
      void loadTags();
      void editor.loadProject();
    },
  });

  const storage = createStorageStore(api);

  const disposers: (() => void)[] = [];
  let pendingLive = new Map<string, Reading>();
  let pendingTrend: Reading[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let lastFlushAt = 0;
  let lastTagsReloadAt = 0;
  let running = false;
  /** Per tag, the id of the newest history request: older answers are dropped. */
  const backfillRequests = new Map<string, number>();
  let nextRequestId = 1;

  function flush(): void {
    flushTimer = undefined;
    lastFlushAt = now();
    const readings = pendingLive;
    pendingLive = new Map();
    const trendReadings = pendingTrend;
    pendingTrend = [];
    if (readings.size > 0) live.getState().merge(readings.values());
    if (trendReadings.length > 0) appendToTrend(trendReadings);
    const { loaded, byId } = catalog.getState();
    if (loaded && lastFlushAt - lastTagsReloadAt > 5_000) {
      for (const tagId of readings.keys()) {
        if (!byId.has(tagId)) {
          // A tag the catalog does not know yet: the project changed under us.
          void loadTags();
          break;
        }
      }
    }
  }

  function onLiveReadings(batch: Reading[]): void {
    const selected = trend.getState().series;
    for (const reading of batch) {
      const previous = pendingLive.get(reading.tagId);
      if (previous === undefined || previous.ts <= reading.ts) pendingLive.set(reading.tagId, reading);
      if (selected.has(reading.tagId)) pendingTrend.push(reading);
    }
    if (flushTimer === undefined) flushTimer = setTimeout(flush, Math.max(0, lastFlushAt + flushIntervalMs - now()));
  }

  function appendToTrend(readings: readonly Reading[]): void {
    const series = trend.getState().series;
    let changed = false;
    for (const reading of readings) {
      const buffer = series.get(reading.tagId);
      if (buffer === undefined) continue;
      const lastTs = buffer.ts[buffer.ts.length - 1];
      if (lastTs !== undefined && reading.ts <= lastTs) continue;
      buffer.ts.push(reading.ts);
      buffer.values.push(reading.value);
      buffer.quality.push(reading.quality);
      buffer.reasons.push(reading.status);
      changed = true;
    }
    if (!changed) return;
    const cutoff = now() - KEEP_MS;
    for (const buffer of series.values()) prune(buffer, cutoff);
    trend.setState((state) => ({ version: state.version + 1 }));
  }

  function prune(buffer: TrendSeries, cutoff: number): void {
    let drop = 0;
    while (drop < buffer.ts.length && buffer.ts[drop]! < cutoff) drop++;
    drop = Math.max(drop, buffer.ts.length - MAX_POINTS_PER_SERIES);
    if (drop > 0) {
      buffer.ts.splice(0, drop);
      buffer.values.splice(0, drop);
      buffer.quality.splice(0, drop);
      buffer.reasons.splice(0, drop);
    }
  }

  async function loadSystemInfo(): Promise<void> {
    const answer = await api.getSystemInfo({});
    if (answer.ok) system.setState({ info: answer.result, infoError: undefined });
    else system.setState({ infoError: answer.error });
  }

  async function loadStats(): Promise<void> {
    const answer = await api.getStoreStats({});
    if (answer.ok) system.setState({ stats: answer.result, statsError: undefined });
    else system.setState({ statsError: answer.error });
  }

  async function loadDevices(): Promise<void> {
    const answer = await api.listDevices({});
    if (answer.ok) devices.setState({ loaded: true, devices: answer.result, error: undefined });
    else devices.setState({ error: answer.error });
  }

  async function loadTags(): Promise<void> {
    lastTagsReloadAt = now();
    const answer = await api.listTags({});
    if (answer.ok) catalog.setState({ loaded: true, tags: answer.result, byId: new Map(answer.result.map((t) => [t.tagId, t])), error: undefined });
    else catalog.setState({ error: answer.error });
  }

  async function loadSnapshot(): Promise<void> {
    const answer = await api.getLiveSnapshot({});
    if (answer.ok) {
      live.getState().merge(answer.result);
      live.setState({ snapshotError: undefined });
    } else live.setState({ snapshotError: answer.error });
  }

  function backfillMs(): number {
    return Math.max(MIN_BACKFILL_MS, trend.getState().windowMs);
  }

  async function backfill(tagId: string): Promise<void> {
    const requestId = nextRequestId++;
    backfillRequests.set(tagId, requestId);
    const to = now();
    const answer = await api.queryHistory({ tagId, from: to - backfillMs(), to, limit: HISTORY_LIMIT });
    if (backfillRequests.get(tagId) !== requestId) return;
    backfillRequests.delete(tagId);
    const buffer = trend.getState().series.get(tagId);
    if (buffer === undefined) return;
    if (answer.ok) mergeHistory(buffer, answer.result.points, answer.result.truncated, to - backfillMs(), answer.result.statuses);
    else {
      buffer.status = 'error';
      buffer.error = answer.error;
    }
    trend.setState((state) => ({ version: state.version + 1 }));
  }

  /** History first, then whatever arrived live after its newest point. */
  function mergeHistory(buffer: TrendSeries, points: readonly HistoryPoint[], truncated: boolean, from: number, statuses?: readonly (string | null)[]): void {
    const ts: number[] = [];
    const values: Value[] = [];
    const qualities: Quality[] = [];
    const reasons: (string | undefined)[] = [];
    points.forEach(([t, value, quality], i) => {
      if (ts.length > 0 && t <= ts[ts.length - 1]!) return;
      ts.push(t);
      values.push(value);
      qualities.push(quality);
      // Back-filled bad readings keep their reason, as live ones do.
      reasons.push(statuses?.[i] ?? undefined);
    });
    const newestHistory = ts[ts.length - 1] ?? -Infinity;
    for (let i = 0; i < buffer.ts.length; i++) {
      if (buffer.ts[i]! > newestHistory) {
        ts.push(buffer.ts[i]!);
        values.push(buffer.values[i]!);
        qualities.push(buffer.quality[i]!);
        reasons.push(buffer.reasons[i]);
      }
    }
    buffer.ts = ts;
    buffer.values = values;
    buffer.quality = qualities;
    buffer.reasons = reasons;
    // Truncated history lost its oldest points: only after the first one kept is a gap known.
    buffer.knownFrom = truncated ? ts[0] : Math.min(from, buffer.knownFrom ?? from);
    buffer.status = 'ready';
    buffer.error = undefined;
    buffer.truncated = truncated;
  }

  function syncTrendWithSelection(selected: readonly string[]): void {
    const current = trend.getState().series;
    const wanted = new Set(selected);
    let changed = current.size !== wanted.size;
    const series = new Map<string, TrendSeries>();
    const added: string[] = [];
    for (const tagId of selected) {
      const existing = current.get(tagId);
      if (existing !== undefined) series.set(tagId, existing);
      else {
        series.set(tagId, { ts: [], values: [], quality: [], reasons: [], status: 'loading', truncated: false });
        added.push(tagId);
        changed = true;
      }
    }
    for (const tagId of current.keys()) if (!wanted.has(tagId)) backfillRequests.delete(tagId);
    if (!changed) return;
    trend.setState((state) => ({ series, version: state.version + 1 }));
    if (running) for (const tagId of added) void backfill(tagId);
  }

  function reloadAll(): void {
    void loadSystemInfo();
    void loadDevices();
    void loadTags();
    void loadSnapshot();
    void loadStats();
    for (const tagId of trend.getState().series.keys()) void backfill(tagId);
    if (trendHistory.store.getState().range !== 'live') trendHistory.refresh();
  }

  function every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    disposers.push(() => clearInterval(timer));
  }

  return {
    kind: connection.kind,
    system,
    devices,
    catalog,
    live,
    selection,
    trend,
    trendHistory,
    clock,
    settings,
    editor,
    mapping,
    storage,
    start() {
      if (running) return;
      running = true;
      // Subscribe before fetching snapshots so nothing falls between the two.
      disposers.push(api.onLiveReadings(onLiveReadings));
      disposers.push(api.onDeviceStatus((status) => devices.getState().upsert(status)));
      disposers.push(api.onOperationProgress((operation) => editor.onProgress(operation)));
      disposers.push(storage.getState().watch());
      disposers.push(connection.link.onChange((link) => system.setState({ link })));
      disposers.push(connection.link.onReconnect(reloadAll));
      disposers.push(selection.subscribe((state, previous) => {
        if (state.selected !== previous.selected) {
          syncTrendWithSelection(state.selected);
          trendHistory.setTags(state.selected);
        }
      }));
      trendHistory.setTags(selection.getState().selected);
      disposers.push(trend.subscribe((state, previous) => {
        if (state.windowMs > previous.windowMs) for (const tagId of state.series.keys()) void backfill(tagId);
      }));
      connection.start();
      system.setState({ link: connection.link.current() });
      reloadAll();
      every(pollIntervalMs, () => {
        if (system.getState().link.kind === 'lost') return;
        void loadStats();
        void loadDevices();
        // Whatever failed to load is retried on the same beat.
        if (system.getState().info === undefined) void loadSystemInfo();
        if (!catalog.getState().loaded) void loadTags();
        if (live.getState().snapshotError !== undefined) void loadSnapshot();
      });
      every(clockIntervalMs, () => clock.setState({ now: now() }));
    },
    stop() {
      running = false;
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      for (const dispose of disposers.splice(0)) dispose();
      editor.stop();
      connection.stop();
    },
    reload: reloadAll,
  };
}
