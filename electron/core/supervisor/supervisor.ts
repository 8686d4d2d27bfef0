import type { ConnectionState, DeviceStatus } from '../../../shared/api/types.js';
import type { SharedBusRegistry } from '../drivers/common/modbus/bus-registry.js';
import { describeNoAnswer } from '../drivers/common/network-errors.js';
import type { AcquisitionPoint, Driver, DriverContext } from '../drivers/types.js';
import type { Logger } from '../log.js';
import { type BackoffPolicy, backoffDelay, defaultBackoff } from './backoff.js';

/**
 * One supervisor per device owns its connection state machine:
 *
 *   disabled                       (device.enabled = false; never connects)
 *   connecting -> connected        (connect() resolved; acquisition started)
 *   connecting -> backing-off      (connect() failed or timed out)
 *   connected  -> backing-off      (driver reported connectionLost)
 *   backing-off -> connecting      (after exponential backoff with jitter)
 *   any -> stopped                 (stop())
 *
 * Drivers only connect, acquire and report a lost connection; retry policy lives here.
 * Each device has its own timers and promises, so a dead or slow device never stalls
 * another one.
 */
export interface SupervisedDevice {
  deviceId: string;
  name: string;
  driverId: string;
  endpoint: string;
  enabled: boolean;
  tagCount: number;
  /** How long a connect attempt may take before it is abandoned. */
  connectTimeoutMs: number;
  points: ReadonlyArray<AcquisitionPoint<unknown>>;
  /** Creates the driver with the context the supervisor provides. No network work. */
  createDriver(context: DriverContext): Driver<unknown>;
}

export interface SupervisorHooks {
  /** Every status change. */
  onStatus(status: DeviceStatus): void;
  /** The device went offline (first failure of an outage): mark its tags bad. */
  onOffline(deviceId: string, reason: string): void;
  emit: DriverContext['emit'];
}

export interface SupervisorOptions {
  log: Logger;
  /** Per-installation state directory handed to drivers. */
  dataDir: string;
  /** The runtime's shared buses, handed to drivers. */
  buses?: SharedBusRegistry;
  backoff?: BackoffPolicy;
  now?: () => number;
  random?: () => number;
}

export class DeviceSupervisor {
  private state: ConnectionState;
  private since: number;
  private attempts = 0;
  private lastError: string | undefined;
  private retryAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private offlineMarked = false;
  /** Bumped on every transition out of connected, so a late callback from an old connection is ignored. */
  private generation = 0;
  private readonly driver: Driver<unknown>;
  private readonly log: Logger;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly device: SupervisedDevice,
    private readonly hooks: SupervisorHooks,
    options: SupervisorOptions,
  ) {
    this.log = options.log.child(device.deviceId);
    this.backoff = options.backoff ?? defaultBackoff;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.state = device.enabled ? 'stopped' : 'disabled';
    this.since = this.now();
    const context: DriverContext = {
      emit: (samples) => {
        if (this.state === 'connected') hooks.emit(samples);
      },
      connectionLost: (reason) => this.connectionLost(reason),
      log: this.log,
      now: this.now,
      dataDir: options.dataDir,
      ...(options.buses === undefined ? {} : { buses: options.buses }),
    };
    this.driver = device.createDriver(context);
  }

  get deviceId(): string {
    return this.device.deviceId;
  }

  /** The driver instance, for writes and one-shot reads. */
  get instance(): Driver<unknown> {
    return this.driver;
  }

  start(): void {
    if (!this.device.enabled) {
      this.publish();
      return;
    }
    if (this.state !== 'stopped') return;
    void this.connect();
  }

  async stop(): Promise<void> {
    const wasDisabled = this.state === 'disabled';
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort(new Error('stopping'));
    this.driver.stopAcquisition();
    await this.driver.disconnect();
    this.transition(wasDisabled ? 'disabled' : 'stopped');
  }

  status(): DeviceStatus {
    const stats = this.driver.stats();
    return {
      deviceId: this.device.deviceId,
      name: this.device.name,
      driver: this.device.driverId,
      endpoint: this.device.endpoint,
      state: this.state,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.retryAt === undefined || this.state !== 'backing-off' ? {} : { retryAt: this.retryAt }),
      attempts: this.attempts,
      since: this.since,
      tagCount: this.device.tagCount,
      requests: stats.requests,
      failures: stats.failures,
      ...(stats.details === undefined ? {} : { details: stats.details }),
    };
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.transition('connecting');
    const abort = new AbortController();
    this.abort = abort;
    const timeout = setTimeout(
      () => abort.abort(new Error(describeNoAnswer(this.device.endpoint, this.device.connectTimeoutMs))),
      this.device.connectTimeoutMs,
    );
    try {
      await raceAbort(this.driver.connect(abort.signal), abort.signal);
    } catch (error) {
      clearTimeout(timeout);
      if (generation !== this.generation) return;
      await this.driver.disconnect();
      this.fail(describe(error));
      return;
    }
    clearTimeout(timeout);
    if (generation !== this.generation) {
      await this.driver.disconnect();
      return;
    }
    this.attempts = 0;
    this.lastError = undefined;
    this.offlineMarked = false;
    this.transition('connected');
    this.log.info('connected', { endpoint: this.device.endpoint });
    this.driver.startAcquisition(this.device.points);
  }

  private connectionLost(reason: Error): void {
    if (this.state !== 'connected') return;
    this.generation++;
    this.driver.stopAcquisition();
    void this.driver.disconnect();
    this.log.warn('connection lost', { reason: reason.message });
    // Drivers report the reason only; "connection lost" is said here, once.
    this.fail(`connection lost: ${reason.message}`);
  }

  private fail(message: string): void {
    this.attempts++;
    this.lastError = message;
    if (!this.offlineMarked) {
      this.offlineMarked = true;
      this.hooks.onOffline(this.device.deviceId, message);
    }
    const delay = backoffDelay(this.backoff, this.attempts, this.random);
    this.retryAt = this.now() + delay;
    this.transition('backing-off');
    if (this.attempts === 1 || this.attempts % 10 === 0) {
      this.log.warn('cannot reach device; retrying', { error: message, attempt: this.attempts, retryInMs: delay });
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }

  private transition(state: ConnectionState): void {
    if (state !== this.state) {
      this.state = state;
      this.since = this.now();
    }
    this.publish();
  }

  private publish(): void {
    this.hooks.onStatus(this.status());
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Resolves or rejects with `promise`, or rejects as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
