import { randomUUID } from 'node:crypto';
import type { Operation } from '../../shared/api/types.js';
import type { LongOperationOptions, Progress } from './drivers/types.js';

/**
 * Long operations (recursive browse, discovery) run here: each gets an id, reports
 * progress (throttled to 10 events a second, plus one when it ends), can be cancelled,
 * and keeps its result — partial when cancelled — for later retrieval.
 */
type Result = NonNullable<Operation['result']>;

interface Entry {
  operation: Operation;
  abort: AbortController;
  lastEmit: number;
  pending: NodeJS.Timeout | undefined;
  partial?: () => Result;
}

export class Operations {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly onProgress: (operation: Omit<Operation, 'result'>) => void,
    private readonly keep = 50,
  ) {}

  /**
   * Starts `work`; `partial` returns what was gathered so far, kept when the work is
   * cancelled or fails midway.
   */
  start(kind: Operation['kind'], title: string, work: (options: LongOperationOptions) => Promise<Result>, partial?: () => Result): Operation {
    const operationId = randomUUID();
    const entry: Entry = {
      operation: { operationId, kind, title, state: 'running', done: 0, startedAt: Date.now() },
      abort: new AbortController(),
      lastEmit: 0,
      pending: undefined,
      ...(partial === undefined ? {} : { partial }),
    };
    this.entries.set(operationId, entry);
    this.trim();
    const onProgress = (progress: Progress) => {
      if (entry.operation.state !== 'running') return;
      entry.operation.done = progress.done;
      if (progress.total !== undefined) entry.operation.total = progress.total;
      if (progress.message !== undefined) entry.operation.message = progress.message;
      this.emitThrottled(entry);
    };
    void work({ signal: entry.abort.signal, onProgress }).then(
      (result) => this.finish(entry, entry.abort.signal.aborted ? 'cancelled' : 'done', result),
      (error: unknown) => {
        const result = entry.partial?.();
        if (entry.abort.signal.aborted) this.finish(entry, 'cancelled', result);
        else this.finish(entry, 'failed', result, error instanceof Error ? error.message : String(error));
      },
    );
    this.emit(entry);
    return { ...entry.operation };
  }

  get(operationId: string): Operation | undefined {
    const entry = this.entries.get(operationId);
    return entry === undefined ? undefined : { ...entry.operation };
  }

  cancel(operationId: string): Operation | undefined {
    const entry = this.entries.get(operationId);
    if (entry === undefined) return undefined;
    if (entry.operation.state === 'running') entry.abort.abort(new Error('cancelled by the user'));
    return { ...entry.operation };
  }

  /** Cancels everything still running (host shutdown). */
  close(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.pending);
      if (entry.operation.state === 'running') entry.abort.abort(new Error('host stopping'));
    }
  }

  private finish(entry: Entry, state: Operation['state'], result?: Result, error?: string): void {
    if (entry.operation.state !== 'running') return;
    entry.operation.state = state;
    if (result !== undefined) entry.operation.result = result;
    if (error !== undefined) entry.operation.error = error;
    if (state === 'cancelled') entry.operation.message = 'cancelled; partial result kept';
    clearTimeout(entry.pending);
    this.emit(entry);
  }

  private emitThrottled(entry: Entry): void {
    const wait = 100 - (Date.now() - entry.lastEmit);
    if (wait <= 0) {
      this.emit(entry);
    } else if (entry.pending === undefined) {
      entry.pending = setTimeout(() => {
        entry.pending = undefined;
        this.emit(entry);
      }, wait);
    }
  }

  private emit(entry: Entry): void {
    entry.lastEmit = Date.now();
    const { result: _result, ...rest } = entry.operation;
    this.onProgress(rest);
  }

  private trim(): void {
    if (this.entries.size <= this.keep) return;
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.keep) break;
      if (entry.operation.state !== 'running') this.entries.delete(id);
    }
  }
}
