import type { Reading } from '../../../shared/reading.js';
import type { Logger } from '../log.js';

/**
 * The pipeline batches readings and fans them out. Sinks (the live feed now; the rule
 * engine and the outbox later) see every reading synchronously as it arrives; the store
 * receives one batch per commit interval, so SQLite does one transaction per interval
 * whatever the acquisition rate. A failed commit keeps its readings and retries them
 * first on the next interval: a reading is dropped by nothing but process death before
 * its commit.
 */
export interface ReadingSink {
  write(readings: ReadonlyArray<Reading>): void;
}

export interface CommitTarget {
  append(readings: ReadonlyArray<Reading>): Promise<void>;
}

export interface PipelineOptions {
  store: CommitTarget;
  /** At most this long between a reading's arrival and its commit (default 1000 ms). */
  commitIntervalMs: number;
  /** Commit early once this many readings are buffered. */
  maxBatch?: number;
  log: Logger;
}

export interface PipelineStats {
  committed: number;
  commits: number;
  pending: number;
  failedCommits: number;
  lastCommitAt?: number;
}

export class Pipeline {
  private buffer: Reading[] = [];
  private readonly sinks = new Set<ReadingSink>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private inFlightCount = 0;
  private closed = false;
  private readonly maxBatch: number;
  private readonly counters: PipelineStats = { committed: 0, commits: 0, pending: 0, failedCommits: 0 };

  constructor(private readonly options: PipelineOptions) {
    this.maxBatch = options.maxBatch ?? 50_000;
  }

  /** Adds readings: fanned out to sinks now, committed within the commit interval. */
  push(readings: ReadonlyArray<Reading>): void {
    if (this.closed || readings.length === 0) return;
    for (const sink of this.sinks) sink.write(readings);
    for (const reading of readings) this.buffer.push(reading);
    if (this.buffer.length >= this.maxBatch && this.inFlight === undefined) {
      void this.commit();
    } else if (this.timer === undefined) {
      this.schedule();
    }
  }

  /** Attaches a fan-out sink; returns the disposer. */
  attach(sink: ReadingSink): () => void {
    this.sinks.add(sink);
    return () => {
      this.sinks.delete(sink);
    };
  }

  stats(): PipelineStats {
    return { ...this.counters, pending: this.buffer.length + this.inFlightCount };
  }

  /** Commits everything buffered so far; resolves once it is in the store. */
  async flush(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
    if (this.buffer.length > 0) await this.commit();
    while (this.inFlight !== undefined) await this.inFlight;
  }

  /** Stops accepting readings and commits the rest. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sinks.clear();
  }

  /**
   * Commits land on wall-clock multiples of the interval (whole seconds by default):
   * the store buckets readings per second, and aligned commits touch one bucket's pages
   * once — measured 1.9x instead of 2.3x WAL bytes per stored byte (store/README.md).
   * The delay is never longer than the interval.
   */
  private schedule(): void {
    const interval = this.options.commitIntervalMs;
    const delay = interval - (Date.now() % interval);
    this.timer = setTimeout(() => void this.commit(), delay);
  }

  private commit(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight !== undefined) return this.inFlight;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    this.inFlightCount = batch.length;
    this.inFlight = this.options.store.append(batch).then(
      () => {
        this.counters.committed += batch.length;
        this.counters.commits++;
        this.counters.lastCommitAt = Date.now();
      },
      (error: unknown) => {
        this.counters.failedCommits++;
        // Keep the batch, oldest first, ahead of what arrived meanwhile.
        this.buffer = batch.concat(this.buffer);
        this.options.log.error('commit failed; readings kept in memory and retried', {
          readings: batch.length,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    );
    const done = this.inFlight.finally(() => {
      this.inFlight = undefined;
      this.inFlightCount = 0;
      if (this.buffer.length > 0 && this.timer === undefined && !this.closed) this.schedule();
    });
    this.inFlight = done;
    return done;
  }
}
