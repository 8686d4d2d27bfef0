/**
 * Messages between the Store client (poller thread) and the store worker (owns the
 * SQLite connection). Appends travel columnar in typed arrays whose buffers are
 * transferred, not copied; only string values and status texts are cloned.
 */
import type { HistorySeries } from '../../../shared/api/types.js';
import type { DbStats, HistoryTrend } from '../../../shared/history/types.js';
import type { Reading } from '../../../shared/reading.js';
import type { WriterInfo } from './writer-lock.js';

/** What the worker needs to open the database (sent as workerData). */
export interface WorkerInit {
  path: string;
  readOnly: boolean;
  /** Names this process in the writer lock (read-write opens); default: process.argv. */
  command?: string;
}

/**
 * One append, columnar. Row i is (tag[i], ts[i], num[i] | next string, flags[i], status[i]).
 * tag[i] >= 0 is a database tag id; tag[i] < 0 refers to newKeys[-tag[i] - 1], a tag the
 * client has no id for yet (the worker creates it and returns its id).
 */
export interface AppendBatch {
  count: number;
  tag: Int32Array;
  ts: Float64Array;
  /** Receive time when it differs from ts, else NaN. */
  recv: Float64Array;
  /** Numeric value (booleans as 0/1); ignored for string and null values. */
  num: Float64Array;
  /** quality code | value kind << 2 (see ValueKind). */
  flags: Uint8Array;
  /** Index into statusTexts, or -1 for no status. */
  status: Int32Array;
  /** String values, in row order, one per row of kind string. */
  strings: string[];
  statusTexts: string[];
  newKeys: string[];
}

export const ValueKind = { number: 0, boolean: 1, string: 2, null: 3 } as const;

export interface TagMeta {
  tagId: string;
  name: string;
  unit: string;
}

export interface PrunedEvent {
  prunedReadings: number;
  reason: 'age' | 'size';
  oldestKeptTs?: number;
  /** Age cutoff (UTC ms) or size budget (bytes) that caused the prune. */
  limit: number;
}

export interface Retention {
  /** Raw readings (hot rows and blocks) older than this go. */
  maxAgeDays: number;
  maxSizeMiB: number;
  /** Rollups older than this go (default: 10 × maxAgeDays, at least 365). */
  rollupMaxAgeDays?: number;
  /**
   * Per-tag exceptions (resolved from the project's rules by tag id or asset-path pattern):
   * a tag named here keeps raw readings and rollups for these ages instead.
   */
  perTag?: Array<{ tagIds: string[]; maxAgeDays: number; rollupMaxAgeDays: number }>;
}

export interface CompactOptions {
  /** Compact hot readings older than now - olderThanMs; 0 (default) compacts everything. */
  olderThanMs?: number;
  now: number;
  /**
   * Share of the worker's time compaction may take, 0 < d <= 1 (default 1: as fast as it
   * can). Background compaction uses 0.25: after each slice it waits 3x as long as the
   * slice took, so appends keep most of the worker even while a backlog is compacted.
   */
  dutyCycle?: number;
}

export interface CompactResult {
  readings: number;
  blocks: number;
  tags: number;
  ms: number;
}

export type Request =
  | { op: 'ensureTags'; tags: TagMeta[] }
  | { op: 'append'; batch: AppendBatch }
  | { op: 'queryHistory'; tagId: string; from: number; to: number; limit: number; order: 'newest' | 'oldest' }
  | { op: 'queryTrend'; tagId: string; from: number; to: number; points: number }
  | { op: 'dbStats' }
  | { op: 'compact'; options: CompactOptions }
  | { op: 'latest'; tagIds?: string[] }
  | { op: 'listTagIds' }
  | { op: 'tagIds'; keys: string[] }
  | { op: 'bytesUsed' }
  | { op: 'prune'; now: number; retention: Retention }
  | { op: 'flushHints' }
  | { op: 'close' };

export interface Results {
  ensureTags: Array<[key: string, id: number]>;
  append: { committed: number; newIds: number[] };
  queryHistory: HistorySeries;
  queryTrend: HistoryTrend;
  dbStats: DbStats;
  compact: CompactResult;
  latest: Reading[];
  listTagIds: string[];
  tagIds: Array<[key: string, id: number]>;
  bytesUsed: number;
  prune: { age: PrunedEvent | null; size: PrunedEvent | null };
  flushHints: number;
  close: null;
}

export type Op = Request['op'];

export interface RequestEnvelope {
  id: number;
  req: Request;
}

export type WorkerMessage =
  | { kind: 'ready'; schemaVersion: number }
  | { kind: 'fatal'; error: string; locked?: { holder: WriterInfo | undefined } }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };
