/**
 * The store's database side: owns the better-sqlite3 connection. Runs in the store worker
 * (worker.ts); everything here is synchronous except pruning, which deletes in bounded
 * chunks and yields between them so appends are never held up for long.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { HistoryPoint, HistorySeries } from '../../../shared/api/types.js';
import type { Reading, Value } from '../../../shared/reading.js';
import { LatestCache, type CachedValue } from './latest-cache.js';
import { checkVersion, migrate } from './migrations/index.js';
import type { DbStats, HistoryTrend, PruneRecord } from '../../../shared/history/types.js';
import { columnPoint, rowStrings } from './columns.js';
import { History, SLICE_MS, sliceOf } from './history.js';
import { HOUR_MS, MINUTE_MS } from './rollup.js';
import type { AppendBatch, CompactOptions, CompactResult, PrunedEvent, Results, Retention, TagMeta, WorkerInit } from './protocol.js';
import { ValueKind } from './protocol.js';
import { BUCKET_MS, FLAG_BOOLEAN, QUALITY_MASK, QUERY_CHUNK_BUCKETS, bucketOf, qualityName, sql } from './schema.js';
import { type WriterLock, acquireWriterLock } from './writer-lock.js';

const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;
/** Rows per prune transaction: a few ms of work each. */
const PRUNE_CHUNK_ROWS = 20_000;
/** Stop a size prune at this share of the budget, so it does not run again at once. */
const SIZE_TARGET = 0.9;
const TS_MIN = -8.64e15;
const TS_MAX = 8.64e15;
const HINT_MARK_KEY = 'latest_hint_mark';
const CLEAN_CLOSE_KEY = 'clean_close';
const LAST_PRUNE_KEY = 'last_prune';
const LAST_COMPACTION_KEY = 'last_compaction';
/** Slices per history read step (1 h): bounds the decoding done before a limit is checked. */
const READ_STEP_SLICES = 6;
/**
 * Readings are assumed to arrive at most this late (in buckets) relative to the newest one:
 * after a crash, the hints are repaired from the buckets since the last flush minus this.
 */
const LATE_SLACK_BUCKETS = 300;

interface Row {
  ts: number;
  value: number | string | null;
  flags: number;
  statusId: number | null;
  receiveDelta: number | null;
}

export type EngineLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export class StoreEngine {
  readonly schemaVersion: number;
  private readonly db: Database.Database;
  private readonly stmt: { -readonly [K in keyof typeof sql]: Database.Statement };
  private readonly tagIdByKey = new Map<string, number>();
  private readonly tagKeyById = new Map<number, string>();
  /**
   * tags.last_ts as stored. Exact for a writable open (repaired at open after a crash,
   * flushed every prune tick and at close): the ts of the tag's newest reading as of the
   * last flush; null when it had none.
   */
  private readonly hints = new Map<number, number | null>();
  private readonly statusIdByText = new Map<string, number>();
  private readonly statusTextById = new Map<number, string>();
  /** Newest committed reading per tag id. */
  private readonly latestCache = new LatestCache();
  private hintMark: number | null;
  private closing = false;
  /** Held while open read-write: one writer per database (writer-lock.ts). */
  private readonly writerLock: WriterLock | null;
  private readonly history: History;

  constructor(private readonly init: WorkerInit, private readonly log: EngineLog) {
    // Before the database is touched: a refused second writer must not even migrate it.
    this.writerLock = init.readOnly ? null : acquireWriterLock(init.path, init.command);
    try {
      this.db = new Database(init.path, { readonly: init.readOnly, fileMustExist: init.readOnly, timeout: 5000 });
    } catch (err) {
      this.writerLock?.release();
      throw err;
    }
    try {
      if (init.readOnly) {
        this.schemaVersion = checkVersion(this.db, init.path);
      } else {
        // WAL: readers (the CLI, the UI's history queries) never block the writer.
        this.db.pragma('journal_mode = WAL');
        // NORMAL in WAL mode: a commit is durable against a killed process or worker (the
        // WAL is in the OS page cache); only an OS crash or power cut can lose the last
        // commits, never corrupt the file. FULL would add an fsync per commit.
        this.db.pragma('synchronous = NORMAL');
        // Don't leave a huge WAL file behind after a burst (e.g. a large prune).
        this.db.pragma('journal_size_limit = 67108864');
        this.schemaVersion = migrate(this.db, init.path);
      }
      this.db.pragma('cache_size = -16384');
      const stmt = {} as { -readonly [K in keyof typeof sql]: Database.Statement };
      for (const key of Object.keys(sql) as Array<keyof typeof sql>) stmt[key] = this.db.prepare(sql[key]);
      this.stmt = stmt;
      this.history = new History(this.db);
      for (const r of this.stmt.allTags.all() as Array<{ id: number; key: string; last_ts: number | null }>) {
        this.tagIdByKey.set(r.key, r.id);
        this.tagKeyById.set(r.id, r.key);
        this.hints.set(r.id, r.last_ts);
      }
      for (const r of this.stmt.allStatuses.all() as Array<{ id: number; text: string }>) {
        this.statusIdByText.set(r.text, r.id);
        this.statusTextById.set(r.id, r.text);
      }
      this.hintMark = this.readMark();
      if (!init.readOnly) this.repairHints();
    } catch (err) {
      this.db.close();
      this.writerLock?.release();
      throw err;
    }
  }

  private writable(): void {
    if (this.init.readOnly) throw new Error(`store ${this.init.path} is open read-only`);
  }

  private readMark(): number | null {
    const mark = this.stmt.getMeta.get(HINT_MARK_KEY) as { value: number } | undefined;
    return mark?.value ?? null;
  }

  /**
   * After a crash the hints lag by what was committed since the last flush: rescan those
   * buckets (a bounded, time-ordered range) once and make them exact again.
   */
  private repairHints(): void {
    const clean = (this.stmt.getMeta.get(CLEAN_CLOSE_KEY) as { value: number } | undefined)?.value === 1;
    const b = this.bounds();
    const run = this.db.transaction(() => {
      if (!clean && (b !== null || this.history.blockBounds() !== null)) {
        const lo = b?.lo ?? -9e15;
        const from = this.hintMark === null ? lo : Math.max(lo, this.hintMark - LATE_SLACK_BUCKETS);
        const rows = this.db.prepare('SELECT tag_id AS id, max(ts) AS ts FROM readings WHERE bucket >= ? GROUP BY tag_id').all(from) as Array<{ id: number; ts: number }>;
        // A compaction since the last flush moved some of them into blocks.
        const fromSlice = sliceOf(from * BUCKET_MS);
        rows.push(...(this.db.prepare('SELECT tag_id AS id, max(t1) AS ts FROM blocks WHERE slice >= ? GROUP BY tag_id').all(fromSlice) as Array<{ id: number; ts: number }>));
        for (const r of rows) {
          const hint = this.hints.get(r.id);
          if (hint === null || hint === undefined || r.ts > hint) {
            this.stmt.setHint.run(r.ts, r.id);
            this.hints.set(r.id, r.ts);
          }
        }
        if (b !== null) {
          this.stmt.setMeta.run(HINT_MARK_KEY, b.hi);
          this.hintMark = b.hi;
        }
        this.log('info', 'repaired latest-reading hints after an unclean shutdown', { tags: rows.length, fromBucket: from });
      }
      this.stmt.setMeta.run(CLEAN_CLOSE_KEY, 0);
    });
    run.immediate();
  }

  ensureTags(tags: readonly TagMeta[]): Results['ensureTags'] {
    this.writable();
    const run = this.db.transaction(() => {
      for (const t of tags) this.stmt.upsertTag.run(t.tagId, t.name, t.unit);
      return tags.map((t): [string, number] => [t.tagId, this.resolveTag(t.tagId)]);
    });
    return run.immediate();
  }

  /** Known ids for the given keys (read-only opens use this to map keys). */
  tagIds(keys: readonly string[]): Results['tagIds'] {
    const out: Results['tagIds'] = [];
    for (const k of keys) {
      const id = this.lookupTag(k);
      if (id !== undefined) out.push([k, id]);
    }
    return out;
  }

  private lookupTag(key: string): number | undefined {
    let id = this.tagIdByKey.get(key);
    if (id === undefined && this.init.readOnly) {
      // Another process may have added it since we opened.
      const row = this.stmt.tagIdByKey.get(key) as { id: number } | undefined;
      if (row !== undefined) {
        id = row.id;
        this.tagIdByKey.set(key, id);
        this.tagKeyById.set(id, key);
      }
    }
    return id;
  }

  /** Inside a write transaction: the id of `key`, creating the tag if needed. */
  private resolveTag(key: string): number {
    let id = this.tagIdByKey.get(key);
    if (id === undefined) {
      this.stmt.insertTagIfMissing.run(key, key);
      id = (this.stmt.tagIdByKey.get(key) as { id: number }).id;
      this.tagIdByKey.set(key, id);
      this.tagKeyById.set(id, key);
      this.hints.set(id, null);
    }
    return id;
  }

  private resolveStatus(text: string): number {
    let id = this.statusIdByText.get(text);
    if (id === undefined) {
      this.stmt.insertStatus.run(text);
      id = (this.stmt.statusIdByText.get(text) as { id: number }).id;
      this.statusIdByText.set(text, id);
      this.statusTextById.set(id, text);
    }
    return id;
  }

  append(b: AppendBatch): Results['append'] {
    this.writable();
    const insert = this.stmt.insertReading;
    // Rows per statement in the bulk of a batch: one native call binds 32 rows, ~1.4x the
    // throughput of one run() per row (the store worker is the pipeline's bottleneck).
    // Rows keep their order, so "same tag and ms: the later append wins" holds within a
    // statement too. Prepared per batch (tens of µs, once per commit interval).
    const ROWS = 32;
    const bulkEnd = b.count - (b.count % ROWS);
    const bulk = bulkEnd > 0 ? this.db.prepare(sql.insertReading + ', (?, ?, ?, ?, ?, ?, ?)'.repeat(ROWS - 1)) : undefined;
    const args: unknown[] = new Array<unknown>(bulk === undefined ? 0 : ROWS * 7);
    let bound = 0;
    let newIds: number[] = [];
    let statusIds: number[] = [];
    const run = this.db.transaction(() => {
      newIds = b.newKeys.map((k) => this.resolveTag(k));
      statusIds = b.statusTexts.map((t) => this.resolveStatus(t));
      let si = 0;
      for (let i = 0; i < b.count; i++) {
        const t = b.tag[i]!;
        const tagId = t >= 0 ? t : newIds[-t - 1]!;
        const f = b.flags[i]!;
        let flags = f & QUALITY_MASK;
        let value: number | bigint | string | null;
        switch (f >> 2) {
          case ValueKind.number: {
            const v = b.num[i]!;
            // Bound as INTEGER, whole numbers take 0-6 bytes instead of 8.
            value = Number.isSafeInteger(v) ? BigInt(v) : v;
            break;
          }
          case ValueKind.boolean:
            value = b.num[i] !== 0 ? 1n : 0n;
            flags |= FLAG_BOOLEAN;
            break;
          case ValueKind.string:
            value = b.strings[si++] ?? '';
            break;
          default:
            value = null;
        }
        const ts = b.ts[i]!;
        const s = b.status[i]!;
        const recv = b.recv[i]!;
        const statusId = s >= 0 ? statusIds[s]! : null;
        const delta = Number.isNaN(recv) ? null : recv - ts;
        if (bulk !== undefined && i < bulkEnd) {
          args[bound++] = Math.floor(ts / BUCKET_MS);
          args[bound++] = tagId;
          args[bound++] = ts;
          args[bound++] = value;
          args[bound++] = flags;
          args[bound++] = statusId;
          args[bound++] = delta;
          if (bound === args.length) {
            bulk.run(args);
            bound = 0;
          }
        } else insert.run(Math.floor(ts / BUCKET_MS), tagId, ts, value, flags, statusId, delta);
      }
    });
    run.immediate();
    // Committed: only now do these become the latest readings.
    let si = 0;
    for (let i = 0; i < b.count; i++) {
      const t = b.tag[i]!;
      const tagId = t >= 0 ? t : newIds[-t - 1]!;
      const f = b.flags[i]!;
      const str = f >> 2 === ValueKind.string ? b.strings[si++] : undefined;
      const s = b.status[i]!;
      const floor = this.latestCache.known(tagId) ? null : this.hints.get(tagId);
      this.latestCache.offer(tagId, b.ts[i]!, b.num[i]!, f, str, s >= 0 ? statusIds[s]! : -1, floor);
    }
    return { committed: b.count, newIds };
  }

  private rowValue(r: Row): Value {
    if ((r.flags & FLAG_BOOLEAN) !== 0) return r.value === null ? null : r.value !== 0;
    return r.value;
  }

  private rowReading(key: string, r: Row): Reading {
    const reading: Reading = { tagId: key, ts: r.ts, value: this.rowValue(r), quality: qualityName[r.flags & QUALITY_MASK] ?? 'bad' };
    if (r.receiveDelta !== null) reading.receiveTs = r.ts + r.receiveDelta;
    if (r.statusId !== null) {
      const text = this.statusTextById.get(r.statusId) ?? this.loadStatus(r.statusId);
      if (text !== undefined) reading.status = text;
    }
    return reading;
  }

  private loadStatus(id: number): string | undefined {
    // Read-only opens: another process may have added it.
    const row = this.db.prepare('SELECT text FROM statuses WHERE id = ?').get(id) as { text: string } | undefined;
    if (row !== undefined) this.statusTextById.set(id, row.text);
    return row?.text;
  }

  private bounds(): { lo: number; hi: number } | null {
    return this.history.hotBounds();
  }

  /** Newest first, at most `max` rows, walking bucket chunks from hiB down to loB. */
  private rangeDesc(tagId: number, from: number, to: number, loB: number, hiB: number, max: number): Row[] {
    const out: Row[] = [];
    for (let hi = hiB; hi >= loB && out.length < max; hi -= QUERY_CHUNK_BUCKETS) {
      const lo = Math.max(loB, hi - QUERY_CHUNK_BUCKETS + 1);
      const rows = this.stmt.rangeDesc.all(hi, lo, tagId, from, to, max - out.length) as Row[];
      for (const r of rows) out.push(r);
    }
    return out;
  }

  queryTrend(key: string, from: number, to: number, points: number): HistoryTrend {
    return this.history.trend(key, this.lookupTag(key), from, to, Math.max(1, Math.floor(points)), this.statusText);
  }

  dbStats(): DbStats {
    const t = this.history.totals();
    const pages = this.history.pageUse();
    const sum = (names: string[]) => names.reduce((n, k) => n + (pages.get(k) ?? 0), 0);
    const hotBytes = sum(['readings']);
    const blockBytes = sum(['blocks', 'blocks_slice_tag']);
    const rollupBytes = sum(['rollups']);
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const free = (this.db.pragma('freelist_count', { simple: true }) as number) * pageSize;
    const fileSize = (f: string) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    };
    const readings = t.hotReadings + t.compactedReadings;
    const readingBytes = hotBytes + blockBytes;
    const lastPrune = this.metaJson<PruneRecord>(LAST_PRUNE_KEY);
    const lastCompaction = this.metaJson<NonNullable<DbStats['lastCompaction']>>(LAST_COMPACTION_KEY);
    return {
      path: this.init.path,
      readings,
      hotReadings: t.hotReadings,
      compactedReadings: t.compactedReadings,
      blocks: t.blocks,
      tags: this.history.tagCount(),
      ...(t.oldestTs === undefined ? {} : { oldestTs: t.oldestTs }),
      ...(t.newestTs === undefined ? {} : { newestTs: t.newestTs }),
      // page_count counts the pages still in the WAL too: the file as it is once checkpointed.
      fileBytes: (this.db.pragma('page_count', { simple: true }) as number) * pageSize,
      walBytes: fileSize(`${this.init.path}-wal`),
      readingBytes,
      hotBytes,
      blockBytes,
      rollupBytes,
      freeBytes: free,
      bytesPerReading: readings === 0 ? 0 : readingBytes / readings,
      hotShare: readings === 0 ? 0 : t.hotReadings / readings,
      rollups: { '1m': this.history.rollupCoverage(MINUTE_MS), '1h': this.history.rollupCoverage(HOUR_MS) },
      ...(lastPrune === undefined ? {} : { lastPrune }),
      ...(lastCompaction === undefined ? {} : { lastCompaction }),
    };
  }

  private metaJson<T>(key: string): T | undefined {
    const row = this.stmt.getMeta.get(key) as { value: string } | undefined;
    if (row === undefined || typeof row.value !== 'string') return undefined;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return undefined;
    }
  }

  /**
   * Compacts hot slices that end at or before now - olderThanMs (0: every slice, the
   * newest partial one too), one transaction per slice, yielding between slices so
   * appends and queries go through.
   */
  async compact(options: CompactOptions, pause: () => Promise<void>): Promise<CompactResult> {
    this.writable();
    const started = performance.now();
    const olderThan = options.olderThanMs ?? 0;
    const lastSlice = olderThan <= 0 ? Number.POSITIVE_INFINITY : sliceOf(options.now - olderThan) - 1;
    let readings = 0;
    let blocks = 0;
    const tags = new Set<number>();
    let next: number | undefined = this.history.firstHotSlice();
    while (next !== undefined && next <= lastSlice && !this.closing) {
      const sliceStarted = performance.now();
      const r = this.history.compactSlice(next);
      readings += r.readings;
      blocks += r.blocks;
      for (const t of r.tags) tags.add(t);
      next = this.history.firstHotSlice(next + 1);
      const duty = options.dutyCycle ?? 1;
      if (duty < 1 && duty > 0 && next !== undefined) {
        // Waits in short steps, so a close never waits for a throttled compaction.
        const until = performance.now() + Math.min(10_000, (performance.now() - sliceStarted) * (1 / duty - 1));
        while (!this.closing && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, Math.min(50, until - performance.now())));
      } else {
        await pause();
      }
    }
    const ms = performance.now() - started;
    if (readings > 0) {
      this.stmt.setMeta.run(LAST_COMPACTION_KEY, JSON.stringify({ at: options.now, readings, blocks, ms: Math.round(ms) }));
      this.log('debug', 'compaction done', { readings, blocks, ms: Math.round(ms) });
    }
    return { readings, blocks, tags: tags.size, ms };
  }

  queryHistory(key: string, from: number, to: number, limit: number, order: 'newest' | 'oldest' = 'newest'): HistorySeries {
    const tagId = this.lookupTag(key);
    const max = Math.max(0, Math.floor(limit));
    if (tagId === undefined || to < from) return { tagId: key, points: [], truncated: false };
    const t = this.history.timeBounds();
    if (t.oldestTs === undefined || t.newestTs === undefined) return { tagId: key, points: [], truncated: false };
    const lo = Math.max(from, t.oldestTs);
    const hi = Math.min(to, t.newestTs);
    // Walk the range an hour of slices at a time from the end the limit keeps, so a
    // small limit over a long range decodes little.
    const parts: ReturnType<History['rangeColumns']>[] = [];
    let n = 0;
    const step = READ_STEP_SLICES * SLICE_MS;
    if (order === 'newest') {
      for (let end = hi; end >= lo && n <= max; ) {
        const start = Math.max(lo, (sliceOf(end) - READ_STEP_SLICES + 1) * SLICE_MS);
        const c = this.history.rangeColumns(tagId, start, end);
        parts.unshift(c);
        n += c.count;
        end = start - 1;
      }
    } else {
      for (let start = lo; start <= hi && n <= max; ) {
        const end = Math.min(hi, sliceOf(start) * SLICE_MS + step - 1);
        const c = this.history.rangeColumns(tagId, start, end);
        parts.push(c);
        n += c.count;
        start = end + 1;
      }
    }
    let total = 0;
    for (const c of parts) total += c.count;
    const truncated = total > max;
    // Which rows of the concatenation to keep.
    const skip = truncated && order === 'newest' ? total - max : 0;
    const keep = Math.min(total, max);
    const points: HistoryPoint[] = new Array<HistoryPoint>(keep);
    let receiveTs: number[] | undefined;
    let statuses: (string | null)[] | undefined;
    let k = 0;
    let seen = 0;
    for (const c of parts) {
      if (k >= keep) break;
      if (seen + c.count <= skip) {
        seen += c.count;
        continue;
      }
      const strs = rowStrings(c);
      for (let i = Math.max(0, skip - seen); i < c.count && k < keep; i++, k++) {
        points[k] = columnPoint(c, i, strs[i]);
        const s = c.status[i]!;
        if (s >= 0) (statuses ??= new Array<string | null>(keep).fill(null))[k] = this.statusText(s) ?? null;
        const d = c.recvDelta[i]!;
        if (!Number.isNaN(d)) (receiveTs ??= points.slice(0, k).map((p) => p[0]))[k] = c.ts[i]! + d;
        else if (receiveTs !== undefined) receiveTs[k] = c.ts[i]!;
      }
      seen += c.count;
    }
    return { tagId: key, points, truncated, ...(statuses === undefined ? {} : { statuses }), ...(receiveTs === undefined ? {} : { receiveTs }) };
  }

  private statusText = (id: number): string | undefined => this.statusTextById.get(id) ?? this.loadStatus(id);

  private resolveLatest(tagId: number, b: { lo: number; hi: number } | null): Reading | null {
    const key = this.tagKeyById.get(tagId)!;
    const cached = this.latestCache.reading(tagId, key, this.statusText);
    if (cached !== undefined) return cached;
    let found: Row | undefined;
    const hint = this.hints.get(tagId);
    if (hint !== null && hint !== undefined) {
      // Exact hint: one primary-key lookup (gone if pruned, and then so is everything older).
      found = this.stmt.readingAt.get(bucketOf(hint), tagId, hint) as Row | undefined;
      // Compacted since: it is in the tag's block of that slice.
      if (found === undefined) found = this.blockRowAt(tagId, hint);
    }
    if (this.init.readOnly && b !== null) {
      // Another process writes: anything newer than its last flush is in the recent buckets.
      const floor = this.hintMark === null ? b.lo : Math.max(b.lo, this.hintMark - LATE_SLACK_BUCKETS);
      const recent = this.rangeDesc(tagId, TS_MIN, TS_MAX, floor, b.hi, 1)[0];
      if (recent !== undefined && (found === undefined || recent.ts > found.ts)) found = recent;
    }
    if (found === undefined) {
      if (!this.init.readOnly) this.latestCache.resolved(tagId, null);
      return null;
    }
    // A read-only open follows another writer: don't cache what may change under us.
    if (!this.init.readOnly) this.latestCache.resolved(tagId, cachedValue(found));
    return this.rowReading(key, found);
  }

  /** The reading of `tagId` at exactly `ts` from its block, as a hot-table row. */
  private blockRowAt(tagId: number, ts: number): Row | undefined {
    for (const c of this.history.blockColumns(tagId, ts, ts)) {
      if (c.count === 0) continue;
      const [t, value] = columnPoint(c, 0, rowStrings(c)[0]);
      const kind = c.kind[0]!;
      const d = c.recvDelta[0]!;
      return {
        ts: t,
        value: typeof value === 'boolean' ? (value ? 1 : 0) : value,
        flags: c.quality[0]! | (kind === ValueKind.boolean ? FLAG_BOOLEAN : 0),
        statusId: c.status[0]! >= 0 ? c.status[0]! : null,
        receiveDelta: Number.isNaN(d) ? null : d,
      };
    }
    return undefined;
  }

  latest(keys?: readonly string[]): Reading[] {
    if (this.init.readOnly) {
      this.reloadTags();
      this.hintMark = this.readMark();
    }
    const b = this.bounds();
    const ids = keys === undefined ? [...this.tagKeyById.keys()] : keys.map((k) => this.lookupTag(k)).filter((id): id is number => id !== undefined);
    const out: Reading[] = [];
    for (const id of ids) {
      const r = this.resolveLatest(id, b);
      if (r !== null) out.push(r);
    }
    return out;
  }

  private reloadTags(): void {
    for (const r of this.stmt.allTags.all() as Array<{ id: number; key: string; last_ts: number | null }>) {
      this.tagIdByKey.set(r.key, r.id);
      this.tagKeyById.set(r.id, r.key);
      this.hints.set(r.id, r.last_ts);
    }
  }

  listTagIds(): string[] {
    if (this.init.readOnly) this.reloadTags();
    return [...this.tagIdByKey.keys()];
  }

  bytesUsed(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  /** Writes the newest ts of each tag appended since the last flush to tags.last_ts. */
  flushHints(): number {
    if (this.init.readOnly) return 0;
    const b = this.bounds();
    let n = 0;
    const run = this.db.transaction(() => {
      for (const [id, ts] of this.latestCache.takeDirty()) {
        this.stmt.setHint.run(ts, id);
        this.hints.set(id, ts);
        n++;
      }
      if (b !== null) {
        this.stmt.setMeta.run(HINT_MARK_KEY, b.hi);
        this.hintMark = b.hi;
      }
    });
    run.immediate();
    return n;
  }

  /** The oldest stored reading, hot or compacted. */
  private oldestTs(): number | undefined {
    return this.history.timeBounds().oldestTs;
  }

  private forgetPruned(): void {
    // Cached latest readings may have been deleted: resolve them again when asked.
    this.latestCache.forgetOlderThan(this.oldestTs());
  }

  /**
   * Age first, then size; in chunks with `pause()` between. By age: raw readings (hot rows
   * and blocks) per tag group (retention.perTag, else the default), rollups by their own
   * longer age. By size: the oldest slice of raw readings of all tags first, and only when
   * no raw reading is left, the oldest rollups.
   */
  async prune(now: number, retention: Retention, pause: () => Promise<void>): Promise<Results['prune']> {
    this.writable();
    const result: Results['prune'] = { age: null, size: null };
    const groups = this.retentionGroups(retention);
    const ageCutoff = (days: number) => Math.floor(now - days * DAY_MS);
    if (groups.some((g) => Number.isFinite(g.maxAgeDays) && g.maxAgeDays > 0)) {
      let total = 0;
      // Hot rows: all tags at once (a time-ordered range), up to the longest raw age; the
      // rest of a tag group's rows go as blocks once compacted.
      const hotCutoff = ageCutoff(Math.max(...groups.map((g) => g.maxAgeDays)));
      const cutoffB = bucketOf(hotCutoff);
      for (;;) {
        const boundary = this.stmt.chunkBoundary.pluck().get(cutoffB, PRUNE_CHUNK_ROWS) as number | undefined;
        total += this.stmt.deleteBelowBucket.run(boundary ?? cutoffB).changes;
        if (boundary === undefined || this.closing) break;
        await pause();
      }
      total += this.stmt.deleteInBucketBefore.run(cutoffB, hotCutoff).changes;
      for (const g of groups) {
        total += await this.deleteBlocksBefore(sliceOf(ageCutoff(g.maxAgeDays)), g, pause);
        this.deleteRollupsBefore(ageCutoff(g.rollupMaxAgeDays), g);
      }
      if (total > 0) result.age = { prunedReadings: total, reason: 'age', limit: ageCutoff(retention.maxAgeDays), ...this.oldestField() };
    }
    if (Number.isFinite(retention.maxSizeMiB) && retention.maxSizeMiB > 0) {
      const budget = retention.maxSizeMiB * MIB;
      let total = 0;
      let used = this.bytesUsed();
      if (used > budget) {
        const target = budget * SIZE_TARGET;
        const everyone = { tagIds: null, exclude: [] as number[] };
        while (used > target && !this.closing) {
          const hb = this.bounds();
          const oldestBlockSlice = this.history.blockBounds()?.lo;
          const oldestHotSlice = hb === null ? undefined : sliceOf(hb.lo * BUCKET_MS);
          let n = 0;
          if (oldestBlockSlice !== undefined && (oldestHotSlice === undefined || oldestBlockSlice <= oldestHotSlice)) {
            // A few slices of all tags at a time (blocks are ~1 KiB each).
            n = await this.deleteBlocksBefore(oldestBlockSlice + 6, everyone, pause);
          } else if (hb !== null) {
            const rows = Math.min(PRUNE_CHUNK_ROWS, Math.max(500, Math.ceil((used - target) / 64)));
            const boundary = this.stmt.chunkBoundary.pluck().get(hb.hi, rows) as number | undefined;
            n = this.stmt.deleteBelowBucket.run(boundary ?? hb.hi).changes;
          } else {
            // Only rollups left: the oldest day of them.
            const c = this.history.rollupCoverage(HOUR_MS);
            if (c.oldestTs === undefined || !this.deleteRollupsBefore(c.oldestTs + DAY_MS, everyone)) break;
          }
          total += n;
          used = this.bytesUsed();
          await pause();
        }
      }
      this.stmt.chunkBoundary.pluck(false);
      if (total > 0) result.size = { prunedReadings: total, reason: 'size', limit: budget, ...this.oldestField() };
    }
    this.stmt.chunkBoundary.pluck(false);
    if (result.age !== null || result.size !== null) {
      this.forgetPruned();
      this.recordPrune(now, retention, result);
      this.log('debug', 'prune done', { age: result.age?.prunedReadings ?? 0, size: result.size?.prunedReadings ?? 0 });
    }
    return result;
  }

  private recordPrune(now: number, retention: Retention, r: Results['prune']): void {
    const e = r.size ?? r.age;
    if (e === null) return;
    const iso = (ts: number) => new Date(ts).toISOString();
    const total = (r.age?.prunedReadings ?? 0) + (r.size?.prunedReadings ?? 0);
    const message =
      r.size !== null
        ? `pruned ${total} readings${e.oldestKeptTs !== undefined ? `; the oldest kept is from ${iso(e.oldestKeptTs)}` : ''} (disk budget ${retention.maxSizeMiB} MiB reached; raise store.retention.maxSizeMiB or free disk to keep more)`
        : `pruned ${total} readings older than ${iso(e.limit)} (age limit ${retention.maxAgeDays} d)`;
    const record: PruneRecord = { at: now, reason: e.reason, prunedReadings: total, ...(e.oldestKeptTs === undefined ? {} : { oldestKeptTs: e.oldestKeptTs }), message };
    this.stmt.setMeta.run(LAST_PRUNE_KEY, JSON.stringify(record));
  }

  /**
   * Tag groups with their ages: each perTag rule's tags, then everyone else with the
   * default. `tagIds` null means "all tags except `exclude`".
   */
  private retentionGroups(retention: Retention): Array<{ tagIds: number[] | null; exclude: number[]; maxAgeDays: number; rollupMaxAgeDays: number }> {
    const rollupDefault = retention.rollupMaxAgeDays ?? Math.max(365, retention.maxAgeDays * 10);
    const out: Array<{ tagIds: number[] | null; exclude: number[]; maxAgeDays: number; rollupMaxAgeDays: number }> = [];
    const claimed = new Set<number>();
    for (const rule of retention.perTag ?? []) {
      const ids = rule.tagIds.map((k) => this.tagIdByKey.get(k)).filter((id): id is number => id !== undefined && !claimed.has(id));
      for (const id of ids) claimed.add(id);
      if (ids.length > 0) out.push({ tagIds: ids, exclude: [], maxAgeDays: rule.maxAgeDays, rollupMaxAgeDays: Math.max(rule.rollupMaxAgeDays, rule.maxAgeDays) });
    }
    out.push({ tagIds: null, exclude: [...claimed], maxAgeDays: retention.maxAgeDays, rollupMaxAgeDays: Math.max(rollupDefault, retention.maxAgeDays) });
    return out;
  }

  private tagFilter(g: { tagIds: number[] | null; exclude: number[] }): string {
    if (g.tagIds !== null) return ` AND tag_id IN (${g.tagIds.join(',')})`;
    return g.exclude.length > 0 ? ` AND tag_id NOT IN (${g.exclude.join(',')})` : '';
  }

  /** Deletes the group's blocks of slices < `slice`, a few hours of slices per transaction; returns the readings deleted. */
  private async deleteBlocksBefore(slice: number, g: { tagIds: number[] | null; exclude: number[] }, pause: () => Promise<void>): Promise<number> {
    const filter = this.tagFilter(g);
    const count = this.db.prepare(`SELECT coalesce(sum(n), 0) FROM blocks WHERE slice >= ? AND slice < ?${filter}`).pluck();
    const del = this.db.prepare(`DELETE FROM blocks WHERE slice >= ? AND slice < ?${filter}`);
    let total = 0;
    let lo = this.history.blockBounds()?.lo;
    while (lo !== undefined && lo < slice && !this.closing) {
      const hi = Math.min(slice, lo + 36);
      const run = this.db.transaction(() => {
        const n = count.get(lo, hi) as number;
        del.run(lo, hi);
        return n;
      });
      total += run.immediate();
      lo = hi;
      if (lo < slice) await pause();
    }
    return total;
  }

  /** Deletes the group's rollups of buckets that end before `cutoff`; true when any went. */
  private deleteRollupsBefore(cutoff: number, g: { tagIds: number[] | null; exclude: number[] }): boolean {
    const filter = this.tagFilter(g);
    let n = 0;
    for (const res of [MINUTE_MS, HOUR_MS]) n += this.db.prepare(`DELETE FROM rollups WHERE res = ? AND bucket < ?${filter}`).run(res, Math.floor(cutoff / res)).changes;
    return n > 0;
  }

  private oldestField(): Pick<PrunedEvent, 'oldestKeptTs'> {
    const oldest = this.oldestTs();
    return oldest === undefined ? {} : { oldestKeptTs: oldest };
  }

  /** Stops a running prune at its next chunk. */
  stopPruning(): void {
    this.closing = true;
  }

  close(): void {
    if (!this.db.open) return;
    if (!this.init.readOnly) {
      this.flushHints();
      this.stmt.setMeta.run(CLEAN_CLOSE_KEY, 1);
      // Fold the WAL into the main file so a copied .db is complete on its own.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
    this.db.close();
    this.writerLock?.release();
  }

  /** Direct handle for tests of query plans; not used by the store itself. */
  get connection(): Database.Database {
    return this.db;
  }
}

function cachedValue(r: Row): CachedValue {
  const quality = r.flags & QUALITY_MASK;
  const statusId = r.statusId ?? -1;
  if ((r.flags & FLAG_BOOLEAN) !== 0) return { ts: r.ts, kind: ValueKind.boolean, num: r.value === 0 ? 0 : 1, str: undefined, quality, statusId };
  if (typeof r.value === 'number') return { ts: r.ts, kind: ValueKind.number, num: r.value, str: undefined, quality, statusId };
  if (typeof r.value === 'string') return { ts: r.ts, kind: ValueKind.string, num: 0, str: r.value, quality, statusId };
  return { ts: r.ts, kind: ValueKind.null, num: 0, str: undefined, quality, statusId };
}
