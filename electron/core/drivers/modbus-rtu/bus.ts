import ModbusSerial from 'modbus-serial';
import { StatusText } from '../../../../shared/reading.js';
import type { Logger } from '../../log.js';
import type { ClosableBus } from '../common/modbus/bus-registry.js';
import { exceptionCode, statusForError } from '../common/modbus/protocol.js';
import { describeConnectFailure, describeNoAnswer, formatTarget } from '../common/network-errors.js';
import type { ModbusRtuSettings, ModbusRtuTransport } from './settings.js';
import { bitsPerCharacter, characterTimeMs, silentIntervalMs, transactionTimeMs, type FrameSizes, type LineSettings } from './timing.js';

/*
 * modbus-serial is CommonJS with typings that say `export default`; `.default` is the
 * class for both the type checker and the runtime (see modbus-tcp/driver.ts).
 */
const ModbusRTU = ModbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;

/** One Modbus request through modbus-serial's callback API. */
export type BusOp<T> = (client: ModbusClient, unit: number, cb: (error: unknown, value: T) => void) => void;

/** Everything that defines the bus on the wire; devices sharing a bus share these. */
export type BusSettings = Pick<
  ModbusRtuSettings,
  'transport' | 'path' | 'host' | 'port' | 'baud' | 'parity' | 'dataBits' | 'stopBits' | 'silentIntervalMs' | 'timeoutMs' | 'demoteAfter' | 'demotionMs'
>;

export const DEMOTED_STATUS = 'demoted';

export class BusClosedError extends Error {
  override name = 'ConnectionClosedError';
}

/** The unit is demoted: the request was not sent. */
export class UnitDemotedError extends Error {
  override name = 'UnitDemotedError';
  constructor(readonly unit: number) {
    super(DEMOTED_STATUS);
  }
}

/** Requests cancelled because their device left the queue (stop, disconnect). */
export class RequestCancelledError extends Error {
  override name = 'RequestCancelledError';
}

/** The key under which devices share a bus: what it is on the wire. */
export function busKey(settings: Pick<BusSettings, 'transport' | 'path' | 'host' | 'port'>): string {
  return settings.transport === 'serial' ? `modbus-rtu:serial:${settings.path}` : `modbus-rtu:${settings.transport}:${settings.host}:${settings.port}`;
}

/** A unit's health on the bus, as the UI shows it. */
export interface UnitStats {
  unit: number;
  /** probing: the demotion period is over and the next request tries the unit again. */
  state: 'ok' | 'demoted' | 'probing';
  /** Consecutive requests without an answer. */
  consecutiveTimeouts: number;
  /** When a demoted unit is probed again (UTC ms). */
  demotedUntil?: number;
  requests: number;
  timeouts: number;
  /** Times the unit was demoted. */
  demotions: number;
  /** Requests skipped (failed at once) while demoted. */
  skipped: number;
}

/** Bus utilization over the last window: achieved against the line's ceiling. */
export interface BusStats {
  key: string;
  transport: ModbusRtuTransport;
  open: boolean;
  baud: number;
  bitsPerCharacter: number;
  characterTimeMs: number;
  silentIntervalMs: number;
  /** Length of the window the rates are measured over (ms, ≤ 10 s). */
  windowMs: number;
  requestsPerSecond: number;
  /** RTU frame bytes (both directions) per second. */
  bytesPerSecond: number;
  /** Registers or bits moved per second (reads and writes). */
  itemsPerSecond: number;
  /** What the line allows for the same mix of requests, back to back. */
  ceilingRequestsPerSecond: number;
  ceilingBytesPerSecond: number;
  /**
   * achieved / ceiling, 0..1: ideal wire time of the answered requests over the window.
   * Timeouts are not in it (they show in `timeouts` and the units' states).
   */
  utilization: number;
  requests: number;
  failures: number;
  timeouts: number;
  crcErrors: number;
  /** Requests waiting in the queue right now. */
  queued: number;
  units: UnitStats[];
}

interface BusJob {
  source: string;
  unit: number;
  op: BusOp<unknown>;
  sizes: FrameSizes;
  done(error: unknown, value?: unknown): void;
}

interface UnitState extends Omit<UnitStats, 'state'> {
  state: 'ok' | 'demoted';
  demotedUntilMono: number;
}

interface Completed {
  at: number;
  bytes: number;
  items: number;
  wireMs: number;
}

const WINDOW_MS = 10_000;
const MAX_WINDOW_ENTRIES = 20_000;

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TransactionTimedOutError') return true;
  // A Modbus TCP gateway answers for a silent slave with exception 10 or 11.
  const code = exceptionCode(error);
  return code === 10 || code === 11;
}

function isCrcError(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /CRC error|Data length error/i.test(message);
}

/**
 * One Modbus serial bus (a local port, or a gateway's serial side): ONE transaction
 * queue with one request on the wire at a time, served round-robin across sources (a
 * source is one device's poll group for one unit, or its writes), so a busy group cannot
 * starve the others. Enforces the silent interval between frames on serial lines, and
 * demotes units that stop answering so a dead slave costs at most `demoteAfter` timeouts
 * per demotion period.
 */
export class ModbusBus implements ClosableBus {
  readonly key: string;
  private client: ModbusClient | undefined;
  private opening: Promise<void> | undefined;
  private closing = false;
  private readonly queues = new Map<string, BusJob[]>();
  private order: string[] = [];
  private cursor = 0;
  private current: BusJob | undefined;
  private waiting = false;
  private lastFrameEnd = 0;
  private readonly unitStates = new Map<number, UnitState>();
  private readonly lostListeners = new Set<(reason: Error) => void>();
  private readonly window: Completed[] = [];
  private readonly line: LineSettings;
  private readonly silenceMs: number;
  private counters = { requests: 0, failures: 0, timeouts: 0, crcErrors: 0 };
  private lastError: string | undefined;

  constructor(
    readonly settings: BusSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.key = busKey(settings);
    this.line = { baud: settings.baud, parity: settings.parity, dataBits: settings.dataBits, stopBits: settings.stopBits };
    this.silenceMs = silentIntervalMs(this.line, settings.silentIntervalMs);
  }

  get isOpen(): boolean {
    return this.client !== undefined;
  }

  /** Opens the port or connection; concurrent callers share one attempt. */
  open(signal: AbortSignal): Promise<void> {
    if (this.client !== undefined) return Promise.resolve();
    this.opening ??= this.doOpen(signal).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private describe(): string {
    return this.settings.transport === 'serial' ? this.settings.path : `${this.settings.host}:${this.settings.port}`;
  }

  private async doOpen(signal: AbortSignal): Promise<void> {
    this.closing = false;
    this.lastError = undefined;
    if (signal.aborted) throw new Error(`open ${this.describe()} aborted`);
    const client = new ModbusRTU();
    client.setTimeout(this.settings.timeoutMs);
    // Without a listener an 'error' event would throw; the 'close' that follows reports it.
    const s = this.settings;
    const serial = s.transport === 'serial';
    const target = serial ? s.path : formatTarget(s.host, s.port);
    client.on('error', (error: unknown) => {
      this.lastError = serial ? statusForError(error) : describeConnectFailure(error, target, statusForError);
    });
    const opening =
      s.transport === 'serial'
        ? client.connectRTUBuffered(s.path, { baudRate: s.baud, parity: s.parity, dataBits: s.dataBits, stopBits: s.stopBits })
        : s.transport === 'rtu-over-tcp'
          ? client.connectTelnet(s.host, { port: s.port })
          : client.connectTCP(s.host, { port: s.port });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        // Opening a local port is fast; a gateway gets the response timeout to answer SYN.
        const limit = Math.max(1000, s.timeoutMs);
        timer = setTimeout(() => reject(new Error(serial ? `${target} did not open within ${limit} ms` : describeNoAnswer(target, limit))), limit);
        onAbort = () => reject(new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        opening.then(resolve, reject);
      });
    } catch (error) {
      opening.catch(() => undefined);
      await new Promise<void>((resolve) => {
        try {
          client.close(() => resolve());
        } catch {
          resolve();
        }
      });
      throw new Error(serial ? `cannot open ${target}: ${statusForError(error)}` : describeConnectFailure(error, target, statusForError));
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
    client.on('close', () => this.onClose(client));
    this.client = client;
    this.lastFrameEnd = performance.now();
    this.log.debug('bus open', { bus: this.key });
    this.pump();
  }

  private onClose(client: ModbusClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closing) return;
    const serial = this.settings.transport === 'serial';
    const reason = new BusClosedError(
      serial ? `${this.describe()}: ${this.lastError === undefined ? 'port closed' : `port lost: ${this.lastError}`}` : (this.lastError ?? `${this.describe()} closed the connection`),
    );
    this.failAll(reason);
    for (const listener of [...this.lostListeners]) listener(reason);
  }

  /** Called when the port or connection is lost (not on close()). Returns the remover. */
  onLost(listener: (reason: Error) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Queues one request of `source` for `unit`; `done` gets `undefined` as error on success. */
  submit<T>(source: string, unit: number, op: BusOp<T>, sizes: FrameSizes, done: (error: unknown, value?: T) => void): void {
    const job: BusJob = { source, unit, op: op as BusOp<unknown>, sizes, done: done as BusJob['done'] };
    if (this.client === undefined && this.opening === undefined) {
      job.done(new BusClosedError(StatusText.noConnection));
      return;
    }
    if (this.isDemoted(unit)) {
      this.skip(job);
      return;
    }
    let queue = this.queues.get(source);
    if (queue === undefined) {
      queue = [];
      this.queues.set(source, queue);
      this.order.push(source);
    }
    queue.push(job);
    this.pump();
  }

  request<T>(source: string, unit: number, op: BusOp<T>, sizes: FrameSizes): Promise<T> {
    return new Promise<T>((resolve, reject) => this.submit<T>(source, unit, op, sizes, (error, value) => (error === undefined ? resolve(value as T) : reject(error))));
  }

  /** Drops the queued requests of every source starting with `prefix` (a device leaving). */
  cancel(prefix: string, reason = 'cancelled'): void {
    const error = new RequestCancelledError(reason);
    const dropped: BusJob[] = [];
    for (const source of [...this.order]) {
      if (!source.startsWith(prefix)) continue;
      dropped.push(...(this.queues.get(source) ?? []));
      this.queues.delete(source);
    }
    this.order = this.order.filter((s) => this.queues.has(s));
    this.cursor = 0;
    for (const job of dropped) job.done(error);
  }

  /** True while requests to `unit` are skipped. */
  isDemoted(unit: number): boolean {
    const state = this.unitStates.get(unit);
    return state !== undefined && state.state === 'demoted' && performance.now() < state.demotedUntilMono;
  }

  private unit(unit: number): UnitState {
    let state = this.unitStates.get(unit);
    if (state === undefined) {
      state = { unit, state: 'ok', consecutiveTimeouts: 0, requests: 0, timeouts: 0, demotions: 0, skipped: 0, demotedUntilMono: 0 };
      this.unitStates.set(unit, state);
    }
    return state;
  }

  /** A device skipped `count` requests to a demoted unit without queueing them. */
  noteSkipped(unit: number, count: number): void {
    this.unit(unit).skipped += count;
  }

  private skip(job: BusJob): void {
    this.unit(job.unit).skipped++;
    job.done(new UnitDemotedError(job.unit));
  }

  /** Next job, round-robin across sources; jobs of demoted units fail without wire time. */
  private next(): BusJob | undefined {
    while (this.order.length > 0) {
      if (this.cursor >= this.order.length) this.cursor = 0;
      const source = this.order[this.cursor] as string;
      const queue = this.queues.get(source) as BusJob[];
      const job = queue.shift() as BusJob;
      if (queue.length === 0) {
        this.queues.delete(source);
        this.order.splice(this.cursor, 1);
      } else {
        this.cursor++;
      }
      if (this.isDemoted(job.unit)) {
        this.skip(job);
        continue;
      }
      return job;
    }
    return undefined;
  }

  private pump(): void {
    if (this.current !== undefined || this.waiting || this.client === undefined) return;
    const job = this.next();
    if (job === undefined) return;
    this.current = job;
    if (this.settings.transport === 'serial') {
      this.waiting = true;
      this.waitUntil(this.lastFrameEnd + this.silenceMs, () => {
        this.waiting = false;
        this.issue(job);
      });
    } else {
      this.issue(job);
    }
  }

  /**
   * Timers have 1 ms granularity and fire up to ~1 ms late; the silent interval is
   * 1.75..~15 ms. Sleep on timers while a whole millisecond remains, then yield with
   * setImmediate for the fraction: the gap is never shorter than required and rarely much
   * longer (it bounds the request rate), without spinning for whole intervals.
   */
  private waitUntil(target: number, then: () => void): void {
    const remaining = target - performance.now();
    if (remaining <= 0) then();
    else if (remaining >= 1) setTimeout(() => this.waitUntil(target, then), Math.floor(remaining));
    else setImmediate(() => this.waitUntil(target, then));
  }

  private issue(job: BusJob): void {
    const client = this.client;
    if (client === undefined || this.current !== job) {
      if (this.current === job) this.current = undefined;
      job.done(new BusClosedError(StatusText.noConnection));
      return;
    }
    this.counters.requests++;
    this.unit(job.unit).requests++;
    // Bytes left over from an earlier frame (a late answer, line noise) are not part of the
    // next answer: RTU frames are delimited by silence. modbus-serial has no flush call.
    const port = (client as unknown as { _port?: { _buffer?: Buffer } })._port;
    if (port !== undefined && this.settings.transport !== 'tcp-gateway') port._buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (error: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      this.settle(job, error === null ? undefined : error, value);
    };
    try {
      job.op(client, job.unit, finish);
    } catch (error) {
      finish(error);
    }
  }

  private settle(job: BusJob, error: unknown, value: unknown): void {
    if (this.current !== job) return;
    this.current = undefined;
    this.lastFrameEnd = performance.now();
    const unit = this.unit(job.unit);
    if (error === undefined) {
      unit.consecutiveTimeouts = 0;
      if (unit.state === 'demoted') this.log.info('unit answers again', { bus: this.key, unit: job.unit });
      unit.state = 'ok';
      unit.demotedUntil = undefined;
      this.record(job.sizes.requestBytes + job.sizes.responseBytes, job.sizes.items, transactionTimeMs(this.line, job.sizes, this.settings.silentIntervalMs));
    } else {
      this.counters.failures++;
      if (isTimeout(error)) {
        this.counters.timeouts++;
        unit.timeouts++;
        unit.consecutiveTimeouts++;
        if (unit.consecutiveTimeouts >= this.settings.demoteAfter) this.demote(unit);
      } else if (exceptionCode(error) !== undefined) {
        unit.consecutiveTimeouts = 0;
        this.record(job.sizes.requestBytes + 5, 0, transactionTimeMs(this.line, { requestBytes: job.sizes.requestBytes, responseBytes: 5 }, this.settings.silentIntervalMs));
      } else if (isCrcError(error)) {
        this.counters.crcErrors++;
      }
    }
    // The next request goes out from a microtask, never from inside modbus-serial's
    // receive callback: its ports reset their expected unit/function after emitting an
    // answer, which would clobber a request written re-entrantly (seen with TelnetPort).
    // Queued before the caller's continuation, so a cycle that resubmits waits its turn.
    queueMicrotask(() => this.pump());
    job.done(error, value);
  }

  private demote(unit: UnitState): void {
    const first = unit.state !== 'demoted';
    unit.state = 'demoted';
    unit.demotedUntilMono = performance.now() + this.settings.demotionMs;
    unit.demotedUntil = this.now() + this.settings.demotionMs;
    if (first) {
      unit.demotions++;
      this.log.warn('unit demoted', { bus: this.key, unit: unit.unit, timeouts: unit.consecutiveTimeouts, forMs: this.settings.demotionMs });
    }
  }

  private record(bytes: number, items: number, wireMs: number): void {
    const at = performance.now();
    this.window.push({ at, bytes, items, wireMs });
    if (this.window.length > MAX_WINDOW_ENTRIES) this.window.splice(0, this.window.length - MAX_WINDOW_ENTRIES);
  }

  stats(): BusStats {
    const nowMono = performance.now();
    const start = nowMono - WINDOW_MS;
    let first = 0;
    while (first < this.window.length && (this.window[first] as Completed).at < start) first++;
    if (first > 0) this.window.splice(0, first);
    const entries = this.window;
    const windowMs = entries.length === 0 ? 0 : Math.min(WINDOW_MS, Math.max(1, nowMono - (entries[0] as Completed).at + (entries[0] as Completed).wireMs));
    let bytes = 0;
    let items = 0;
    let wireMs = 0;
    for (const e of entries) {
      bytes += e.bytes;
      items += e.items;
      wireMs += e.wireMs;
    }
    const seconds = windowMs / 1000;
    const perSecond = (n: number): number => (seconds > 0 ? n / seconds : 0);
    let queued = 0;
    for (const q of this.queues.values()) queued += q.length;
    const units = [...this.unitStates.values()]
      .sort((a, b) => a.unit - b.unit)
      .map(({ demotedUntilMono, ...u }): UnitStats => ({ ...u, state: u.state === 'demoted' && nowMono >= demotedUntilMono ? 'probing' : u.state }));
    return {
      key: this.key,
      transport: this.settings.transport,
      open: this.client !== undefined,
      baud: this.settings.baud,
      bitsPerCharacter: bitsPerCharacter(this.line),
      characterTimeMs: characterTimeMs(this.line),
      silentIntervalMs: this.silenceMs,
      windowMs,
      requestsPerSecond: perSecond(entries.length),
      bytesPerSecond: perSecond(bytes),
      itemsPerSecond: perSecond(items),
      ceilingRequestsPerSecond: wireMs > 0 ? (entries.length * 1000) / wireMs : 0,
      ceilingBytesPerSecond: wireMs > 0 ? (bytes * 1000) / wireMs : 0,
      utilization: windowMs > 0 ? Math.min(1, wireMs / windowMs) : 0,
      ...this.counters,
      queued,
      units,
    };
  }

  private failAll(error: Error): void {
    const jobs: BusJob[] = [];
    if (this.current !== undefined) jobs.push(this.current);
    this.current = undefined;
    for (const q of this.queues.values()) jobs.push(...q);
    this.queues.clear();
    this.order = [];
    this.cursor = 0;
    for (const job of jobs) job.done(error);
  }

  /** Closes the port; queued requests fail with "no connection". Never throws. */
  async close(): Promise<void> {
    this.closing = true;
    const client = this.client;
    this.client = undefined;
    this.failAll(new BusClosedError(StatusText.noConnection));
    if (client === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      try {
        client.close(() => {
          clearTimeout(timer);
          resolve();
        });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
