import ModbusSerial from 'modbus-serial';
import type { Value } from '../../../../shared/reading.js';
import { StatusText } from '../../../../shared/reading.js';
import { encodeRegisters } from '../../normalizer/registers.js';
import type { PollScheduler } from '../common/poll-scheduler.js';
import { assertWritesEnabled } from '../common/errors.js';
import { describeConnectFailure, describeNoAnswer, formatTarget } from '../common/network-errors.js';
import type { AcquisitionPoint, Driver, DriverContext, DriverStats } from '../types.js';
import { formatModbusAddress, type ModbusAddress } from './address.js';
import { modbusTcpEndpoint } from './definition.js';
import { planLimits } from './plan.js';
import { type BlockData, type CycleIo, planGroups, readOp, runModbusCycle, startCycles } from '../common/modbus/cycle.js';
import type { ModbusTcpSettings } from './settings.js';
import { statusForError } from '../common/modbus/protocol.js';

export { modbusDecodeSpec, modbusExceptionNames, statusForError, WRITES_DISABLED_MESSAGE } from '../common/modbus/protocol.js';

/*
 * modbus-serial is CommonJS (`module.exports = ModbusRTU`) with typings that say
 * `export default`. Under NodeNext the default import is `module.exports`, which TypeScript
 * types as the module namespace; the library also sets `module.exports.default =
 * module.exports`, so `.default` is the class both for the type checker and at run time
 * (node, tsx and vitest alike).
 */
const ModbusRTU = ModbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;
class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
}

type RequestOp<T> = (client: ModbusClient, unitId: number, cb: (error: unknown, value: T) => void) => void;

/**
 * One request's life: queued, issued, settled once (answer, error, timeout, or the socket
 * dying). A class rather than closures: this is the per-request hot path.
 */
interface RequestHandle {
  start(): void;
  finish(error: unknown): void;
}

class PendingRequest<T> implements RequestHandle {
  private settled = false;
  constructor(
    private readonly owner: { issue<U>(p: PendingRequest<U>, op: RequestOp<U>): void; settle(p: RequestHandle, failed: boolean): void },
    private readonly op: RequestOp<T>,
    private done: ((error: unknown, value?: T) => void) | undefined,
  ) {}

  start(): void {
    this.owner.issue(this, this.op);
  }

  finish(error: unknown, value?: T): void {
    if (this.settled) return;
    this.settled = true;
    const failed = error !== null && error !== undefined;
    this.owner.settle(this, failed);
    const done = this.done as (error: unknown, value?: T) => void;
    this.done = undefined;
    done(failed ? error : undefined, value);
  }
}

/**
 * modbus-serial keeps the callbacks of its last 256 transactions. Handing it a closure
 * over a poll cycle would keep 256 cycles of samples alive (and make the GC copy them);
 * this one holds only a small box, emptied on the first call.
 */
function detachedCallback<T>(pending: PendingRequest<T>): (error: unknown, value: T) => void {
  const box: { pending?: PendingRequest<T> } = { pending };
  return (error, value) => {
    const target = box.pending;
    box.pending = undefined;
    target?.finish(error, value);
  };
}

/** Modbus-specific operations beyond the common interface (multi-coil and raw register writes). */
export interface ModbusTcpDriver extends Driver<ModbusAddress> {
  /** FC15: writes consecutive coils. Rejects when writes are disabled. */
  writeCoils(offset: number, states: readonly boolean[]): Promise<void>;
  /** FC16: writes consecutive holding registers as raw words. Rejects when writes are disabled. */
  writeRegisterWords(offset: number, words: ArrayLike<number>): Promise<void>;
}

class ModbusTcpDriverImpl implements ModbusTcpDriver {
  private client: ModbusClient | undefined;
  private closing = false;
  private scheduler: PollScheduler | undefined;
  /** Requests in flight: modbus-serial never settles them when the socket dies, so we do. */
  private readonly inFlight = new Set<RequestHandle>();
  private active = 0;
  private readonly waiting: RequestHandle[] = [];
  private requests = 0;
  private failures = 0;
  private lastSocketError: string | undefined;

  constructor(
    private readonly settings: ModbusTcpSettings,
    private readonly context: DriverContext,
  ) {}

  async connect(signal: AbortSignal): Promise<void> {
    await this.disconnect();
    this.closing = false;
    this.lastSocketError = undefined;
    const endpoint = modbusTcpEndpoint(this.settings);
    if (signal.aborted) throw new Error(`connect to ${endpoint} aborted`);
    const client = new ModbusRTU();
    client.setID(this.settings.unitId);
    client.setTimeout(this.settings.timeoutMs);
    // Without a listener an 'error' event would throw; the 'close' that follows reports it.
    const target = formatTarget(this.settings.host, this.settings.port);
    client.on('error', (error: unknown) => {
      this.lastSocketError = describeConnectFailure(error, target, statusForError);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(describeNoAnswer(target, this.settings.timeoutMs))), this.settings.timeoutMs);
        onAbort = () => reject(new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        client.connectTCP(this.settings.host, { port: this.settings.port }).then(resolve, reject);
      });
    } catch (error) {
      client.destroy(() => undefined);
      throw new Error(describeConnectFailure(error, target, statusForError));
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
    client.on('close', () => this.onClose(client));
    this.client = client;
    this.context.log.debug('connected', { endpoint });
  }

  private onClose(client: ModbusClient): void {
    if (this.closing || this.client !== client) return;
    this.client = undefined;
    this.stopAcquisition();
    const reason = this.lastSocketError ?? 'the device closed the connection';
    this.failInFlight(reason);
    // The supervisor says "connection lost" and the card shows the endpoint: the reason alone.
    this.context.connectionLost(new ConnectionClosedError(reason));
  }

  private failInFlight(reason: string): void {
    const error = new ConnectionClosedError(reason);
    for (const pending of [...this.inFlight]) pending.finish(error);
    this.inFlight.clear();
  }

  startAcquisition(points: ReadonlyArray<AcquisitionPoint<ModbusAddress>>): void {
    this.stopAcquisition();
    const groups = planGroups(points, planLimits(this.settings), (point) => point.pollGroupId);
    this.scheduler = startCycles(groups, (group, signal) => runModbusCycle(group.plan, this.cycleIo, signal), this.context.log);
  }

  stopAcquisition(): void {
    this.scheduler?.stop();
    this.scheduler = undefined;
  }

  /** How the shared cycle runner (common/modbus/cycle.ts) reads over this connection. */
  private readonly cycleIo: CycleIo = {
    read: (block, done) => this.send<BlockData>(readOp(block), done),
    now: () => this.context.now(),
    statusFor: statusForError,
    isConnected: () => this.client !== undefined,
    emit: (samples) => this.context.emit(samples),
  };

  /**
   * Sends one request within maxOutstanding, interRequestDelayMs and the connection's
   * life, through modbus-serial's callback API. `done` gets `undefined` as error on success.
   */
  private send<T>(op: RequestOp<T>, done: (error: unknown, value?: T) => void): void {
    const pending = new PendingRequest<T>(this, op, done);
    if (this.active < this.settings.maxOutstanding) {
      this.active++;
      pending.start();
    } else {
      this.waiting.push(pending);
    }
  }

  /** Called by PendingRequest: one place that owns the counters and the slots. */
  issue<T>(pending: PendingRequest<T>, op: RequestOp<T>): void {
    const client = this.client;
    if (client === undefined) {
      pending.finish(new ConnectionClosedError(StatusText.noConnection));
      return;
    }
    this.requests++;
    this.inFlight.add(pending);
    try {
      op(client, this.settings.unitId, detachedCallback(pending));
    } catch (error) {
      pending.finish(error);
    }
  }

  settle(pending: RequestHandle, failed: boolean): void {
    this.inFlight.delete(pending);
    if (failed) this.failures++;
    this.releaseSlot();
  }

  private request<T>(op: (client: ModbusClient, unitId: number, cb: (error: unknown, value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => this.send<T>(op, (error, value) => (error === undefined ? resolve(value as T) : reject(error))));
  }

  private releaseSlot(): void {
    if (this.settings.interRequestDelayMs > 0) setTimeout(() => this.handOff(), this.settings.interRequestDelayMs);
    else this.handOff();
  }

  /** Hands the slot straight to the next waiter, so the count never dips between requests. */
  private handOff(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next.start();
    else this.active--;
  }

  private checkWritable(): void {
    assertWritesEnabled(this.settings, 'Modbus');
  }

  private async runWrite(what: string, send: (client: ModbusClient, unitId: number, done: (error: unknown, value: unknown) => void) => void): Promise<void> {
    try {
      await this.request(send);
    } catch (error) {
      throw new Error(`write ${what} failed: ${statusForError(error)}`);
    }
  }

  async write(address: ModbusAddress, value: Value): Promise<void> {
    this.checkWritable();
    const text = formatModbusAddress(address);
    if (address.table === 'di' || address.table === 'ir') {
      throw new Error(`${text}: ${address.table === 'di' ? 'discrete inputs' : 'input registers'} are read-only in Modbus; write a coil or holding register`);
    }
    if (value === null) throw new Error(`${text}: cannot write an empty value`);
    if (address.table === 'coil') {
      const state = value === true || value === 1 ? true : value === false || value === 0 ? false : undefined;
      if (state === undefined) throw new Error(`${text}: a coil takes true or false, got ${JSON.stringify(value)}`);
      return this.runWrite(text, (c, unit, done) => c.writeFC5(unit, address.offset, state, done));
    }
    if (address.bit !== undefined) {
      throw new Error(`${text}: writing one bit of a register is not supported (it would overwrite the other 15 bits); write the whole register`);
    }
    let words: Uint16Array;
    try {
      words = encodeRegisters(value, { kind: 'registers', type: address.type, order: address.order, length: address.length });
    } catch (error) {
      throw new Error(`${text}: ${(error as Error).message}`);
    }
    if (words.length === 1) return this.runWrite(text, (c, unit, done) => c.writeFC6(unit, address.offset, words[0] as number, done));
    return this.runWrite(text, (c, unit, done) => c.writeFC16(unit, address.offset, Array.from(words), done));
  }

  async writeCoils(offset: number, states: readonly boolean[]): Promise<void> {
    this.checkWritable();
    if (states.length < 1 || states.length > 1968 || offset + states.length > 65536) throw new RangeError('FC15 writes 1..1968 coils within 0..65535');
    return this.runWrite(`coil:${offset}..${offset + states.length - 1}`, (c, unit, done) => c.writeFC15(unit, offset, [...states], done));
  }

  async writeRegisterWords(offset: number, words: ArrayLike<number>): Promise<void> {
    this.checkWritable();
    if (words.length < 1 || words.length > 123 || offset + words.length > 65536) throw new RangeError('FC16 writes 1..123 registers within 0..65535');
    return this.runWrite(`hr:${offset}..${offset + words.length - 1}`, (c, unit, done) => c.writeFC16(unit, offset, Array.from(words), done));
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    this.stopAcquisition();
    const client = this.client;
    this.client = undefined;
    this.failInFlight(StatusText.noConnection);
    if (client !== undefined) {
      await new Promise<void>((resolve) => {
        try {
          client.destroy(() => resolve());
        } catch {
          resolve();
        }
      });
    }
  }

  stats(): DriverStats {
    return { requests: this.requests, failures: this.failures };
  }
}

/** Called by the definition's lazy `create` once modbus-serial is loaded. */
export function createModbusTcpDriver(settings: ModbusTcpSettings, context: DriverContext): ModbusTcpDriver {
  return new ModbusTcpDriverImpl(settings, context);
}

export { modbusTcpDriver, modbusTcpEndpoint, parseModbusTcpEndpoint } from './definition.js';
export type { ModbusTcpDriverDefinition, EndpointParse } from './definition.js';
