import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError } from '../../../shared/api/contract.js';
import type { DeviceStatus, StoreStats, SystemInfo, TagInfo } from '../../../shared/api/types.js';
import type { Quality, Reading, UtcMillis, Value } from '../../../shared/reading.js';
import type { LinkState } from '../api/link.js';

/*
 * The UI's state, one small zustand store per concern. Stores hold data and pure
 * state changes only; talking to the host is the session's job (session.ts).
 * Every store is created per session: there is no module-level state.
 */

export interface SystemState {
  info?: SystemInfo;
  infoError?: ApiError;
  stats?: StoreStats;
  statsError?: ApiError;
  link: LinkState;
}

export interface DevicesState {
  loaded: boolean;
  devices: readonly DeviceStatus[];
  error?: ApiError;
  /** Replaces one device's status, keeping list order (new devices go last). */
  upsert(status: DeviceStatus): void;
}

export interface CatalogState {
  loaded: boolean;
  tags: readonly TagInfo[];
  byId: ReadonlyMap<string, TagInfo>;
  error?: ApiError;
}

export interface LiveState {
  /** Latest reading per tag id. Replaced (never mutated) on every flush, so selectors see changes. */
  readings: ReadonlyMap<string, Reading>;
  snapshotError?: ApiError;
  /** Keeps, per tag, whichever reading is newer. */
  merge(readings: Iterable<Reading>): void;
}

/** Most tags a trend shows at once: more lines than this stop being readable. */
export const MAX_TREND_TAGS = 8;

export interface SelectionState {
  /** Tag ids selected for the trend, in the order they were picked (this fixes their colours). */
  selected: readonly string[];
  filter: string;
  /** Live table shows only this device's tags (a device card was clicked). */
  deviceId?: string;
  /** Set when a selection was refused, in words. */
  notice?: string;
  toggle(tagId: string): void;
  clear(): void;
  setFilter(filter: string): void;
  /** Filters the live table to one device; the same device again, or undefined, clears it. */
  filterDevice(deviceId: string | undefined): void;
}

export interface TrendSeries {
  /** UTC ms, ascending. Appended in place; `TrendState.version` tells subscribers. */
  ts: number[];
  /** The reading's value as it came (number, boolean, text or null); the trend module decides how to draw it. */
  values: Value[];
  quality: Quality[];
  /** Why a reading is not good (e.g. "no connection"), shown on the trend's bad-quality bands. */
  reasons: (string | undefined)[];
  /** Start of the back-filled history (UTC ms): before it the buffer knows nothing, after it a missing reading is a real gap. */
  knownFrom?: number;
  status: 'loading' | 'ready' | 'error';
  error?: ApiError;
  /** History held more points than were fetched; the oldest are missing. */
  truncated: boolean;
}

export const TREND_WINDOWS = [
  { label: '1 min', ms: 60_000 },
  { label: '10 min', ms: 600_000 },
  { label: '1 h', ms: 3_600_000 },
] as const;

export interface TrendState {
  windowMs: number;
  series: ReadonlyMap<string, TrendSeries>;
  /** Bumped whenever any buffer changes. */
  version: number;
  setWindow(ms: number): void;
}

export interface ClockState {
  now: UtcMillis;
}

export function createSystemStore(link: LinkState): StoreApi<SystemState> {
  return createStore<SystemState>()(() => ({ link }));
}

export function createDevicesStore(): StoreApi<DevicesState> {
  return createStore<DevicesState>()((set) => ({
    loaded: false,
    devices: [],
    upsert: (status) =>
      set((state) => {
        const index = state.devices.findIndex((d) => d.deviceId === status.deviceId);
        if (index < 0) return { devices: [...state.devices, status] };
        const devices = state.devices.slice();
        devices[index] = status;
        return { devices };
      }),
  }));
}

export function createCatalogStore(): StoreApi<CatalogState> {
  return createStore<CatalogState>()(() => ({ loaded: false, tags: [], byId: new Map() }));
}

export function createLiveStore(): StoreApi<LiveState> {
  return createStore<LiveState>()((set) => ({
    readings: new Map(),
    merge: (incoming) =>
      set((state) => {
        const readings = new Map(state.readings);
        let changed = false;
        for (const reading of incoming) {
          const previous = readings.get(reading.tagId);
          if (previous !== undefined && previous.ts > reading.ts) continue;
          readings.set(reading.tagId, reading);
          changed = true;
        }
        return changed ? { readings } : state;
      }),
  }));
}

export function createSelectionStore(): StoreApi<SelectionState> {
  return createStore<SelectionState>()((set) => ({
    selected: [],
    filter: '',
    toggle: (tagId) =>
      set((state) => {
        if (state.selected.includes(tagId)) return { selected: state.selected.filter((id) => id !== tagId), notice: undefined };
        if (state.selected.length >= MAX_TREND_TAGS) {
          return { notice: `The trend shows at most ${MAX_TREND_TAGS} tags. Untick one before adding another.` };
        }
        return { selected: [...state.selected, tagId], notice: undefined };
      }),
    clear: () => set({ selected: [], notice: undefined }),
    setFilter: (filter) => set({ filter }),
    filterDevice: (deviceId) => set((state) => ({ deviceId: deviceId === state.deviceId ? undefined : deviceId })),
  }));
}

export function createTrendStore(): StoreApi<TrendState> {
  return createStore<TrendState>()((set) => ({
    windowMs: 600_000,
    series: new Map(),
    version: 0,
    setWindow: (ms) => set({ windowMs: ms }),
  }));
}

export function createClockStore(now: UtcMillis): StoreApi<ClockState> {
  return createStore<ClockState>()(() => ({ now }));
}
