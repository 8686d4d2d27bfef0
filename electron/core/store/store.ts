/**
 * The store client, used on the poller thread. It encodes appends columnar (typed
 * arrays, transferred) and forwards everything else to the store worker, which owns the
 * SQLite connection (see worker.ts, engine.ts, schema.ts for the layout).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HistorySeries, StoreStats } from '../../../shared/api/types.js';
import type { DbStats, HistoryTrend } from '../../../shared/history/types.js';
import type { Reading } from '../../../shared/reading.js';
import type { Logger } from '../log.js';
import { encodeAppend, transferList } from './codec.js';
import type { CompactResult, Op, PrunedEvent, Request, Results, Retention, WorkerInit, WorkerMessage } from './protocol.js';
import { DatabaseLockedError, describeThisProcess } from './writer-lock.js';

export { DatabaseLockedError } from './writer-lock.js';
export type { CompactResult, Retention } from './protocol.js';

export interface StoreOptions {
  /** SQLite file. */
  path: string;
  retention: Retention;
  /** How often retention runs; default 60 s. */
  pruneIntervalMs?: number;
  log: Logger;
  /** Injectable clock (UTC ms), for retention. */
  now?: () => number;
  /**
   * Open for reading only, e.g. the CLI reading a database another process is writing
   * (WAL allows concurrent readers). No migrations, no retention; writes are rejected.
   */
  readOnly?: boolean;
  /**
   * Background compaction of hot readings into compressed blocks (history.ts): every
   * `intervalMs` (default 60 s), slices that ended more than `hotWindowMs` (default 5 min)
   * ago. false: only compactNow() compacts.
   */
  compaction?: { intervalMs?: number; hotWindowMs?: number } | false;
}

export interface PrunedInfo {
  prunedReadings: number;
  reason: 'age' | 'size';
  oldestKeptTs?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const MIB = 1024 * 1024;

/**
 * The worker next to this file: worker.js when compiled; under vitest/tsx the source is
 * .ts, so a small eval'd bootstrap registers tsx's ESM hooks and then imports worker.ts.
 * (`execArgv: ['--import', 'tsx']` does not apply the hooks to a worker's entry on Node 20.)
 */
function startWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData: init });
  const tsxPackage = pathToFileURL(createRequire(here).resolve('tsx/package.json'));
  const api = new URL('./dist/esm/api/index.mjs', tsxPackage).href;
  const entry = new URL('./worker.ts', here).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true, workerData: init });
}

function formatAge(days: number): string {
  return `${days} d`;
}

export class Store {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: PrunedInfo) => void>();
  /** Tag key -> database id, learned from ensureTags and appends. */
  private readonly tagIds = new Map<string, number>();
  private nextId = 1;
  private failure: Error | null = null;
  private closed: Promise<void> | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruneRunning: Promise<unknown> | null = null;
  private compactTimer: NodeJS.Timeout | null = null;
  private compactRunning = false;
  private readonly appends = new Set<Promise<unknown>>();
  private readonly counters = { readingsCommitted: 0, commits: 0, lastCommitAt: undefined as number | undefined, pendingReadings: 0, prunedReadings: 0 };
  private readonly now: () => number;
  private readonly log: Logger;

  private constructor(private readonly worker: Worker, private readonly options: StoreOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log;
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (err) => this.fail(new Error(`store worker failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (this.closed === null) this.fail(new Error(`store worker exited unexpectedly (code ${code})`));
    });
  }

  /**
   * Starts the worker, which opens the file (WAL) and runs pending migrations. A read-write
   * open takes the database's writer lock first and rejects with DatabaseLockedError when
   * another process (or another Store here) writes it.
   */
  static async open(options: StoreOptions): Promise<Store> {
    const init: WorkerInit = { path: options.path, readOnly: options.readOnly === true, command: describeThisProcess() };
    const worker = startWorker(init);
    const ready = await new Promise<{ schemaVersion: number }>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.kind === 'ready') done(() => resolve(m));
        else if (m.kind === 'fatal') done(() => reject(m.locked === undefined ? new Error(`cannot open store: ${m.error}`) : new DatabaseLockedError(options.path, m.locked.holder)));
        else if (m.kind === 'log') options.log[m.level](m.message, m.fields);
      };
      const onError = (err: Error) => done(() => reject(new Error(`cannot open store: ${err.message}`)));
      const onExit = (code: number) => done(() => reject(new Error(`cannot open store: worker exited (code ${code})`)));
      const done = (f: () => void) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        f();
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    const store = new Store(worker, options);
    options.log.debug('store open', { path: options.path, schemaVersion: ready.schemaVersion, readOnly: init.readOnly });
    if (!init.readOnly) {
      const every = options.pruneIntervalMs ?? 60_000;
      store.pruneTimer = setInterval(() => store.pruneTick(), every);
      store.pruneTimer.unref();
      const compaction = options.compaction ?? {};
      if (compaction !== false) {
        const window = compaction.hotWindowMs ?? 5 * 60_000;
        store.compactTimer = setInterval(() => store.compactTick(window), compaction.intervalMs ?? 60_000);
        store.compactTimer.unref();
      }
    }
    return store;
  }

  private onMessage(m: WorkerMessage): void {
    if (m.kind === 'reply') {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    } else if (m.kind === 'log') {
      this.log[m.level](m.message, m.fields);
    }
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    this.log.error(err.message);
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer);
    if (this.compactTimer !== null) clearInterval(this.compactTimer);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private call<K extends Op>(req: Extract<Request, { op: K }>, transfer: ArrayBuffer[] = []): Promise<Results[K]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed !== null && req.op !== 'close') return Promise.reject(new Error('store is closed'));
    const id = this.nextId++;
    return new Promise<Results[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req }, transfer);
    });
  }

  /** Upserts tag metadata; assigns each tag its integer id. */
  async ensureTags(tags: ReadonlyArray<{ tagId: string; name: string; unit: string }>): Promise<void> {
    const ids = await this.call({ op: 'ensureTags', tags: tags.map((t) => ({ tagId: t.tagId, name: t.name, unit: t.unit })) });
    for (const [key, id] of ids) this.tagIds.set(key, id);
  }

  /**
   * Appends readings in ONE transaction; resolves once committed. Tags not passed to
   * ensureTags are created with their id as name. Same tag and ts: the later one wins.
   */
  append(readings: ReadonlyArray<Reading>): Promise<void> {
    if (readings.length === 0) return Promise.resolve();
    const { batch, newKeys } = encodeAppend(readings, this.tagIds);
    const n = readings.length;
    this.counters.pendingReadings += n;
    const p = this.call({ op: 'append', batch }, transferList(batch))
      .then((r) => {
        newKeys.forEach((k, i) => {
          const id = r.newIds[i];
          if (id !== undefined) this.tagIds.set(k, id);
        });
        this.counters.readingsCommitted += n;
        this.counters.commits++;
        this.counters.lastCommitAt = this.now();
      })
      .finally(() => {
        this.counters.pendingReadings -= n;
        this.appends.delete(p);
      });
    this.appends.add(p);
    return p;
  }

  /**
   * Readings of one tag in [from, to], oldest first, from the hot table and the compressed
   * blocks alike. Over `limit`: order 'newest' (default) keeps the newest, 'oldest' the
   * oldest (page on with from = last ts + 1 while `truncated`: how exports stream).
   */
  queryHistory(tagId: string, from: number, to: number, limit: number, order: 'newest' | 'oldest' = 'newest'): Promise<HistorySeries> {
    return this.call({ op: 'queryHistory', tagId, from, to, limit, order });
  }

  /** At most `points` points of one tag over [from, to]: raw when they fit, else M4 over raw or rollups. */
  queryTrend(tagId: string, from: number, to: number, points: number): Promise<HistoryTrend> {
    return this.call({ op: 'queryTrend', tagId, from, to, points });
  }

  /** What the file holds (see DbStats); works on read-only opens too. */
  dbStats(): Promise<DbStats> {
    return this.call({ op: 'dbStats' });
  }

  /** Compacts hot readings into per-tag blocks now (default: all of them). */
  compactNow(olderThanMs = 0): Promise<CompactResult> {
    if (this.options.readOnly === true) return Promise.reject(new Error(`store ${this.options.path} is open read-only`));
    return this.call({ op: 'compact', options: { olderThanMs, now: this.now() } });
  }

  /** The newest committed reading of each tag (all tags when omitted). */
  latest(tagIds?: string[]): Promise<Reading[]> {
    return this.call(tagIds === undefined ? { op: 'latest' } : { op: 'latest', tagIds });
  }

  listTagIds(): Promise<string[]> {
    return this.call({ op: 'listTagIds' });
  }

  /** Counters as of the call (pendingReadings: appended, not yet committed). */
  async stats(): Promise<StoreStats> {
    const c = { ...this.counters };
    const bytesUsed = await this.call({ op: 'bytesUsed' });
    return {
      readingsCommitted: c.readingsCommitted,
      commits: c.commits,
      ...(c.lastCommitAt !== undefined ? { lastCommitAt: c.lastCommitAt } : {}),
      pendingReadings: c.pendingReadings,
      bytesUsed,
      prunedReadings: c.prunedReadings,
    };
  }

  private compactTick(hotWindowMs: number): void {
    if (this.compactRunning) return;
    this.compactRunning = true;
    this.compactNow(Math.max(1, hotWindowMs))
      .catch((err: unknown) => {
        if (this.closed === null) this.log.warn('compaction failed; the readings stay in the hot table and the next run retries', { error: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        this.compactRunning = false;
      });
  }

  private pruneTick(): void {
    if (this.pruneRunning !== null) return;
    this.pruneNow()
      .then(() => this.call({ op: 'flushHints' }))
      .catch((err: unknown) => {
        if (this.closed === null) this.log.warn('retention failed', { error: err instanceof Error ? err.message : String(err) });
      });
  }

  /**
   * Runs retention now: age first, then size (down to ~90% of the budget). `reason` is
   * 'size' when the size budget forced deletions, else 'age' when old readings went.
   */
  async pruneNow(): Promise<{ prunedReadings: number; reason: 'age' | 'size' | 'none' }> {
    if (this.options.readOnly === true) throw new Error(`store ${this.options.path} is open read-only`);
    const run = this.call({ op: 'prune', now: this.now(), retention: this.options.retention });
    this.pruneRunning = run;
    try {
      const r = await run;
      let total = 0;
      for (const e of [r.age, r.size]) {
        if (e === null) continue;
        total += e.prunedReadings;
        this.counters.prunedReadings += e.prunedReadings;
        this.report(e);
      }
      return { prunedReadings: total, reason: r.size !== null ? 'size' : r.age !== null ? 'age' : 'none' };
    } finally {
      this.pruneRunning = null;
    }
  }

  private report(e: PrunedEvent): void {
    const iso = (ts: number) => new Date(ts).toISOString();
    if (e.reason === 'age') {
      this.log.info(`pruned ${e.prunedReadings} readings older than ${iso(e.limit)} (age limit ${formatAge(this.options.retention.maxAgeDays)})`);
    } else {
      const before = e.oldestKeptTs !== undefined ? ` older than ${iso(e.oldestKeptTs)}` : '';
      this.log.info(`pruned ${e.prunedReadings} readings${before} (size budget ${Math.round(e.limit / MIB)} MiB reached)`);
    }
    const info: PrunedInfo = { prunedReadings: e.prunedReadings, reason: e.reason, ...(e.oldestKeptTs !== undefined ? { oldestKeptTs: e.oldestKeptTs } : {}) };
    for (const l of this.listeners) {
      try {
        l(info);
      } catch (err) {
        this.log.warn('onPruned listener threw', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Called after each prune that deleted readings; returns an unsubscribe function. */
  onPruned(listener: (e: PrunedInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits for pending appends, checkpoints the WAL into the file and stops the worker. */
  close(): Promise<void> {
    if (this.closed !== null) return this.closed;
    if (this.pruneTimer !== null) clearInterval(this.pruneTimer);
    if (this.compactTimer !== null) clearInterval(this.compactTimer);
    const appends = [...this.appends];
    this.closed = (async () => {
      await Promise.allSettled(appends);
      if (this.failure === null) {
        const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
        await this.call({ op: 'close' });
        await exited;
      } else {
        await this.worker.terminate();
      }
    })();
    return this.closed;
  }
}
