/**
 * The store's database side: owns the better-sqlite3 connection. Runs in the store worker
 * (worker.ts); everything here is synchronous except pruning, which deletes in bounded
 * chunks and yields between them so appends are never held up for long.
 */
import Database from 'better-sqlite3';
import type { HistoryPoint, HistorySeries } from '../../../shared/api/types.js';
import type { Reading, Value } from '../../../shared/reading.js';
import { LatestCache, type CachedValue } from './latest-cache.js';
import { checkVersion, migrate } from './migrations/index.js';
import type { DbStats, HistoryTrend } from '../../../shared/history/types.js';
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
      if (!clean && b !== null) {
        const from = this.hintMark === null ? b.lo : Math.max(b.lo, this.hintMark - LATE_SLACK_BUCKETS);
        const rows = this.db.prepare('SELECT tag_id AS id, max(ts) AS ts FROM readings WHERE bucket >= ? GROUP BY tag_id').all(from) as Array<{ id: number; ts: number }>;
        for (const r of rows) {
          const hint = this.hints.get(r.id);
          if (hint === null || hint === undefined || r.ts > hint) {
            this.stmt.setHint.run(r.ts, r.id);
            this.hints.set(r.id, r.ts);
          }
        }
        this.stmt.setMeta.run(HINT_MARK_KEY, b.hi);
        this.hintMark = b.hi;
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
    const r = this.stmt.bucketBounds.get() as { lo: number | null; hi: number | null };
    return r.lo === null || r.hi === null ? null : { lo: r.lo, hi: r.hi };
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
    void [key, from, to, points];
    throw new Error('queryTrend: being built');
  }

  dbStats(): DbStats {
    throw new Error('dbStats: being built');
  }

  async compact(options: CompactOptions, pause: () => Promise<void>): Promise<CompactResult> {
    void [options, pause];
    throw new Error('compact: being built');
  }

  queryHistory(key: string, from: number, to: number, limit: number, order: 'newest' | 'oldest' = 'newest'): HistorySeries {
    void order;
    const tagId = this.lookupTag(key);
    const b = this.bounds();
    const max = Math.max(0, Math.floor(limit));
    if (tagId === undefined || b === null || to < from) return { tagId: key, points: [], truncated: false };
    const loB = Math.max(bucketOf(from), b.lo);
    const hiB = Math.min(bucketOf(to), b.hi);
    const rows = this.rangeDesc(tagId, from, to, loB, hiB, max + 1);
    const truncated = rows.length > max;
    if (truncated) rows.length = max;
    const points: HistoryPoint[] = new Array<HistoryPoint>(rows.length);
    let receiveTs: number[] | undefined;
    let statuses: (string | null)[] | undefined;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[rows.length - 1 - i]!;
      points[i] = [r.ts, this.rowValue(r), qualityName[r.flags & QUALITY_MASK] ?? 'bad'];
      if (r.statusId !== null) (statuses ??= new Array<string | null>(rows.length).fill(null))[i] = this.statusText(r.statusId) ?? null;
      if (r.receiveDelta !== null) (receiveTs ??= points.slice(0, i).map((p) => p[0]))[i] = r.ts + r.receiveDelta;
      else if (receiveTs !== undefined) receiveTs[i] = r.ts;
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

  private oldestTs(): number | undefined {
    const v = this.stmt.oldestTs.pluck().get() as number | null;
    this.stmt.oldestTs.pluck(false);
    return v ?? undefined;
  }

  private forgetPruned(): void {
    // Cached latest readings may have been deleted: resolve them again when asked.
    this.latestCache.forgetOlderThan(this.oldestTs());
  }

  /** Age first, then size; each in chunks of PRUNE_CHUNK_ROWS with `pause()` between. */
  async prune(now: number, retention: Retention, pause: () => Promise<void>): Promise<Results['prune']> {
    this.writable();
    const result: Results['prune'] = { age: null, size: null };
    if (Number.isFinite(retention.maxAgeDays) && retention.maxAgeDays > 0) {
      const cutoff = Math.floor(now - retention.maxAgeDays * DAY_MS);
      const cutoffB = bucketOf(cutoff);
      let total = 0;
      for (;;) {
        const boundary = this.stmt.chunkBoundary.pluck().get(cutoffB, PRUNE_CHUNK_ROWS) as number | undefined;
        total += this.stmt.deleteBelowBucket.run(boundary ?? cutoffB).changes;
        if (boundary === undefined || this.closing) break;
        await pause();
      }
      total += this.stmt.deleteInBucketBefore.run(cutoffB, cutoff).changes;
      if (total > 0) result.age = { prunedReadings: total, reason: 'age', limit: cutoff, ...this.oldestField() };
    }
    if (Number.isFinite(retention.maxSizeMiB) && retention.maxSizeMiB > 0) {
      const budget = retention.maxSizeMiB * MIB;
      let total = 0;
      let used = this.bytesUsed();
      if (used > budget) {
        const target = budget * SIZE_TARGET;
        while (used > target && !this.closing) {
          const b = this.bounds();
          if (b === null) break;
          // ~35 B per reading on disk: aim low (64) and converge over a few chunks.
          const rows = Math.min(PRUNE_CHUNK_ROWS, Math.max(500, Math.ceil((used - target) / 64)));
          const boundary = this.stmt.chunkBoundary.pluck().get(b.hi, rows) as number | undefined;
          const n = this.stmt.deleteBelowBucket.run(boundary ?? b.hi).changes;
          if (n === 0) break;
          total += n;
          used = this.bytesUsed();
          await pause();
        }
      }
      if (total > 0) result.size = { prunedReadings: total, reason: 'size', limit: budget, ...this.oldestField() };
    }
    this.stmt.chunkBoundary.pluck(false);
    if (result.age !== null || result.size !== null) {
      this.forgetPruned();
      this.log('debug', 'prune done', { age: result.age?.prunedReadings ?? 0, size: result.size?.prunedReadings ?? 0 });
    }
    return result;
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
