import { randomUUID } from 'node:crypto';
import type { Value } from '../../../../shared/reading.js';
import { StatusText } from '../../../../shared/reading.js';
import { encodeRegisters } from '../../normalizer/registers.js';
import { assertWritesEnabled } from '../common/errors.js';
import type { PollScheduler } from '../common/poll-scheduler.js';
import { privateLease, type BusLease, type SharedBusRegistry } from '../common/modbus/bus-registry.js';
import { type BlockData, type CycleIo, type CyclePlan, markBad, planGroups, readOp, runModbusCycle, startCycles } from '../common/modbus/cycle.js';
import { planLimits } from '../common/modbus/plan.js';
import { statusForError } from '../common/modbus/protocol.js';
import type { AcquisitionPoint, Driver, DriverContext, DriverStats, RawSample } from '../types.js';
import { formatModbusRtuAddress, type ModbusRtuAddress } from './address.js';
import { busKey, DEMOTED_STATUS, ModbusBus, type BusOp, type BusSettings, type BusStats } from './bus.js';
import { modbusRtuEndpoint } from './endpoint.js';
import type { ModbusRtuSettings } from './settings.js';
import { readFrameSizes, writeFrameSizes, type FrameSizes } from './timing.js';

/**
 * What the runtime may add to the driver context so that devices naming the same serial
 * path or gateway share one bus (see README "Several devices on one bus"). Without it each
 * device opens its own port (a second device on the same port then fails to open it).
 */
export interface BusDriverContext extends DriverContext {
  buses?: SharedBusRegistry;
}

/** Modbus RTU operations beyond the common interface. */
export interface ModbusRtuDriver extends Driver<ModbusRtuAddress> {
  /** Utilization and unit health of the bus this device is on (shared with its other devices). */
  busStats(): BusStats | undefined;
  /** FC15: writes consecutive coils of the device's unit. Rejects when writes are disabled. */
  writeCoils(offset: number, states: readonly boolean[]): Promise<void>;
  /** FC16: writes consecutive holding registers as raw words. Rejects when writes are disabled. */
  writeRegisterWords(offset: number, words: ArrayLike<number>): Promise<void>;
}

interface GroupPlan extends CyclePlan<ModbusRtuAddress> {
  /** Bus source key: one per device, poll group and unit, for the round-robin. */
  source: string;
  unit: number;
  /** How the shared cycle runner (common/modbus/cycle.ts) reads this unit through the bus. */
  io: CycleIo;
}

function busSettings(s: ModbusRtuSettings): BusSettings {
  return {
    transport: s.transport,
    path: s.path,
    host: s.host,
    port: s.port,
    baud: s.baud,
    parity: s.parity,
    dataBits: s.dataBits,
    stopBits: s.stopBits,
    silentIntervalMs: s.silentIntervalMs,
    timeoutMs: s.timeoutMs,
    demoteAfter: s.demoteAfter,
    demotionMs: s.demotionMs,
  };
}

const sameLine = (a: BusSettings, b: BusSettings): boolean =>
  a.baud === b.baud && a.parity === b.parity && a.dataBits === b.dataBits && a.stopBits === b.stopBits && a.timeoutMs === b.timeoutMs;

class ModbusRtuDriverImpl implements ModbusRtuDriver {
  /** Prefix of this instance's bus sources, so it can cancel only its own requests. */
  private readonly token = randomUUID();
  private lease: BusLease<ModbusBus> | undefined;
  private removeLostListener: (() => void) | undefined;
  private scheduler: PollScheduler | undefined;
  private requests = 0;
  private failures = 0;

  constructor(
    private readonly settings: ModbusRtuSettings,
    private readonly context: BusDriverContext,
  ) {}

  private get bus(): ModbusBus | undefined {
    return this.lease?.bus;
  }

  async connect(signal: AbortSignal): Promise<void> {
    await this.disconnect();
    const wanted = busSettings(this.settings);
    const create = (): ModbusBus => new ModbusBus(wanted, this.context.log, this.context.now);
    const lease = this.context.buses !== undefined ? this.context.buses.lease(busKey(wanted), create) : privateLease(create());
    if (!sameLine(lease.bus.settings, wanted)) {
      this.context.log.warn('device joins a bus opened with other line settings; the bus keeps its own', { bus: lease.bus.key, device: modbusRtuEndpoint(this.settings) });
    }
    this.lease = lease;
    this.removeLostListener = lease.bus.onLost((reason) => {
      this.stopAcquisition();
      this.context.connectionLost(reason);
    });
    try {
      await lease.bus.open(signal);
    } catch (error) {
      await this.disconnect();
      throw error;
    }
    this.context.log.debug('connected', { endpoint: modbusRtuEndpoint(this.settings) });
  }

  startAcquisition(points: ReadonlyArray<AcquisitionPoint<ModbusRtuAddress>>): void {
    this.stopAcquisition();
    // A poll group's points of one unit are one plan; units of a group cycle independently,
    // so a dead unit's timeouts do not hold back the cycles of the live ones.
    const unitOf = (point: AcquisitionPoint<ModbusRtuAddress>): number => point.address.unit ?? this.settings.unitId;
    const groups: GroupPlan[] = planGroups(points, planLimits(this.settings), (point) => `${point.pollGroupId}@u${unitOf(point)}`).map((group) => {
      const source = `${this.token}/${group.id}`;
      const unit = unitOf(group.points[0] as AcquisitionPoint<ModbusRtuAddress>);
      return { ...group, source, unit, io: this.cycleIo(source, unit) };
    });
    this.scheduler = startCycles(groups, (group, signal) => this.pollCycle(group, signal), this.context.log);
  }

  stopAcquisition(): void {
    this.scheduler?.stop();
    this.scheduler = undefined;
    this.bus?.cancel(`${this.token}/`, 'acquisition stopped');
  }

  /** Sends one request through the bus queue, counting it for this device. */
  private send<T>(source: string, unit: number, op: BusOp<T>, sizes: FrameSizes, done: (error: unknown, value?: T) => void): void {
    const bus = this.bus;
    if (bus === undefined) {
      done(new Error(StatusText.noConnection));
      return;
    }
    bus.submit<T>(source, unit, op, sizes, (error, value) => {
      const sent = (error as { name?: unknown } | undefined)?.name;
      if (sent !== 'UnitDemotedError' && sent !== 'RequestCancelledError') this.requests++;
      if (error !== undefined) this.failures++;
      done(error, value);
    });
  }

  private cycleIo(source: string, unit: number): CycleIo {
    return {
      read: (block, done) => this.send<BlockData>(source, unit, readOp(block), readFrameSizes(block.table, block.count), done),
      now: () => this.context.now(),
      statusFor: (error) => ((error as { name?: unknown } | null)?.name === 'UnitDemotedError' ? DEMOTED_STATUS : statusForError(error)),
      isConnected: () => this.bus?.isOpen === true,
      emit: (samples) => this.context.emit(samples),
    };
  }

  /** One poll cycle of a group's unit; a demoted unit is not asked, its points turn bad at once. */
  private async pollCycle(group: GroupPlan, signal: AbortSignal): Promise<void> {
    const bus = this.bus;
    if (bus?.isDemoted(group.unit) === true) {
      const samples: RawSample[] = [];
      bus.noteSkipped(group.unit, group.plan.blocks().length);
      markBad(group.io, group.plan.blocks(), DEMOTED_STATUS, samples);
      this.context.emit(samples);
      return;
    }
    await runModbusCycle(group.plan, group.io, signal);
  }

  private checkWritable(): void {
    assertWritesEnabled(this.settings, 'Modbus');
  }

  private runWrite(what: string, unit: number, sizes: FrameSizes, op: BusOp<unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.send(`${this.token}/write`, unit, op, sizes, (error) => {
        if (error === undefined) resolve();
        else {
          const name = (error as { name?: unknown } | null)?.name;
          const reason = name === 'UnitDemotedError' ? `unit ${unit} is demoted (it stopped answering); try again after the demotion period` : statusForError(error);
          reject(new Error(`write ${what} failed: ${reason}`));
        }
      }),
    );
  }

  async write(address: ModbusRtuAddress, value: Value): Promise<void> {
    this.checkWritable();
    const text = formatModbusRtuAddress(address);
    const unit = address.unit ?? this.settings.unitId;
    if (address.table === 'di' || address.table === 'ir') {
      throw new Error(`${text}: ${address.table === 'di' ? 'discrete inputs' : 'input registers'} are read-only in Modbus; write a coil or holding register`);
    }
    if (value === null) throw new Error(`${text}: cannot write an empty value`);
    if (address.table === 'coil') {
      const state = value === true || value === 1 ? true : value === false || value === 0 ? false : undefined;
      if (state === undefined) throw new Error(`${text}: a coil takes true or false, got ${JSON.stringify(value)}`);
      return this.runWrite(text, unit, writeFrameSizes(5, 1), (c, u, done) => c.writeFC5(u, address.offset, state, done));
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
    if (words.length === 1) return this.runWrite(text, unit, writeFrameSizes(6, 1), (c, u, done) => c.writeFC6(u, address.offset, words[0] as number, done));
    return this.runWrite(text, unit, writeFrameSizes(16, words.length), (c, u, done) => c.writeFC16(u, address.offset, Array.from(words), done));
  }

  async writeCoils(offset: number, states: readonly boolean[]): Promise<void> {
    this.checkWritable();
    if (states.length < 1 || states.length > 1968 || offset + states.length > 65536) throw new RangeError('FC15 writes 1..1968 coils within 0..65535');
    return this.runWrite(`coil:${offset}..${offset + states.length - 1}`, this.settings.unitId, writeFrameSizes(15, states.length), (c, u, done) => c.writeFC15(u, offset, [...states], done));
  }

  async writeRegisterWords(offset: number, words: ArrayLike<number>): Promise<void> {
    this.checkWritable();
    if (words.length < 1 || words.length > 123 || offset + words.length > 65536) throw new RangeError('FC16 writes 1..123 registers within 0..65535');
    return this.runWrite(`hr:${offset}..${offset + words.length - 1}`, this.settings.unitId, writeFrameSizes(16, words.length), (c, u, done) => c.writeFC16(u, offset, Array.from(words), done));
  }

  async disconnect(): Promise<void> {
    this.stopAcquisition();
    this.bus?.cancel(`${this.token}/`, StatusText.noConnection);
    this.removeLostListener?.();
    this.removeLostListener = undefined;
    const lease = this.lease;
    this.lease = undefined;
    await lease?.release();
  }

  stats(): DriverStats {
    const bus = this.bus?.stats();
    const stats: DriverStats = { requests: this.requests, failures: this.failures };
    if (bus !== undefined) stats.details = busDetails(bus, Date.now());
    return stats;
  }

  busStats(): BusStats | undefined {
    return this.bus?.stats();
  }
}

/** The common definition, with `create` typed to the RTU driver's wider interface. */
/** Called by the definition's lazy `create` once modbus-serial is loaded. */
export function createModbusRtuDriver(settings: ModbusRtuSettings, context: BusDriverContext): ModbusRtuDriver {
  return new ModbusRtuDriverImpl(settings, context);
}

export { modbusRtuDriver } from './definition.js';
export type { ModbusRtuDriverDefinition } from './definition.js';

/** The bus figures an engineer needs, in words: achieved vs the line's ceiling, faults, unit states. */
export function busDetails(bus: BusStats, now: number): Array<{ label: string; value: string }> {
  const line = bus.transport === 'serial' ? `${bus.baud.toLocaleString('en-US')} baud` : bus.transport;
  const demoted = bus.units.filter((u) => u.state !== 'ok');
  return [
    {
      label: 'Bus utilization',
      value: `${Math.round(bus.utilization * 100)} % (${bus.requestsPerSecond.toFixed(1)} of ${bus.ceilingRequestsPerSecond.toFixed(1)} req/s possible at ${line})`,
    },
    { label: 'Bus faults', value: `${bus.timeouts} timeouts, ${bus.crcErrors} CRC errors, ${bus.queued} queued` },
    {
      label: 'Units',
      value:
        demoted.length === 0
          ? `${bus.units.length} ok`
          : `${bus.units.length - demoted.length} ok; ${demoted
              .map((u) => `unit ${u.unit} ${u.state}${u.demotedUntil === undefined ? '' : ` (retry in ${Math.max(0, Math.round((u.demotedUntil - now) / 1000))} s)`}`)
              .join(', ')}`,
    },
  ];
}
