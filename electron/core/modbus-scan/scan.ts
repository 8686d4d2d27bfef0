import type { DeviceStatus, ModbusScan } from '../../../shared/api/types.js';
import { ApiFailure } from '../../../shared/api/router.js';
import { scanBlock, type ScanTable } from '../../../shared/modbus/scan.js';
import type { ModbusAddress } from '../drivers/common/modbus/address.js';
import type { SharedBusRegistry } from '../drivers/common/modbus/bus-registry.js';
import { describeNoAnswer } from '../drivers/common/network-errors.js';
import type { AcquisitionPoint, AddressParse, AnyDriverDefinition, Driver, DriverContext, RawSample } from '../drivers/types.js';
import type { Logger } from '../log.js';

/**
 * The register-map assistant's live read: a block of holding or input registers read
 * twice (about a second apart, so counters show) through the device's own driver, then
 * ranked by shared/modbus/scan.ts. Used by the host (`modbus:scan`) and the CLI
 * (`sensorvault modbus scan`).
 *
 * The read goes through a short-lived second driver instance with the device's settings,
 * acquiring one uint16 point per register: the driver's planner turns them into one or
 * two read requests (FC3/FC4, at most 125 registers each) and splits around addresses the
 * device refuses. A Modbus RTU device leases the runtime's shared bus, so the scan queues
 * behind the device's own polls instead of opening the serial port twice; Modbus TCP
 * opens one more TCP connection for the duration of the scan.
 */

export const MODBUS_DRIVERS: readonly string[] = ['modbus-tcp', 'modbus-rtu'];
/** Gap between the two reads, so a counter has time to count (one that counts once a second at least once). */
export const SECOND_READ_AFTER_MS = 1500;

/** A scan input or device problem, in words; the host maps it to an API error code. */
export class ScanError extends Error {
  override name = 'ScanError';
  constructor(
    readonly code: 'invalid-params' | 'unsupported' | 'unavailable' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

export interface ScanRange {
  table: ScanTable;
  offset: number;
  count: number;
  /** Modbus RTU `u<unit>/` prefix of the start address, when given. */
  unit?: number;
}

/** The start register from `from` (hr:8, ir:0, 40009, u7/hr:8); a type or a bit is an error. */
export function parseScanRange(from: string, count: number, parse: (text: string) => AddressParse<unknown>): ScanRange {
  const parsed = parse(from);
  if (!parsed.ok) throw new ScanError('invalid-params', `from: ${parsed.message}`);
  const address = parsed.address as ModbusAddress & { unit?: number };
  if (address.table !== 'hr' && address.table !== 'ir') {
    throw new ScanError('invalid-params', `from: "${from}" is a ${address.table === 'coil' ? 'coil' : 'discrete input'}; the assistant decodes registers: start at hr:<n> or ir:<n> (or 40001/30001)`);
  }
  if (address.bit !== undefined || address.type !== 'uint16' || address.order !== 'abcd') {
    throw new ScanError('invalid-params', `from: "${from}" names a type, order or bit; give only the start register (e.g. ${address.table}:${address.offset}): the scan tries every type and order`);
  }
  if (!Number.isInteger(count) || count < 1 || count > 250) throw new ScanError('invalid-params', `count: ${count} must be 1..250 registers`);
  if (address.offset + count > 65536) {
    throw new ScanError('invalid-params', `count: ${count} registers from ${address.table}:${address.offset} go beyond the last register 65535; scan at most ${65536 - address.offset}`);
  }
  return { table: address.table, offset: address.offset, count, ...(address.unit === undefined ? {} : { unit: address.unit }) };
}

export interface BlockRead {
  words: number[];
  /** The second read, when it came back good. */
  later?: number[];
  readAt: number;
}

type DriverFactory = (context: Pick<DriverContext, 'emit' | 'connectionLost'>) => Driver<unknown>;

export interface ReadOptions {
  /** One request's timeout of the device (settings.timeoutMs). */
  timeoutMs: number;
  /** 0 reads once. */
  secondReadAfterMs?: number;
  /** Where the block is read from, for messages (e.g. the endpoint). */
  where: string;
}

/**
 * Connects a fresh driver, reads the range (twice unless secondReadAfterMs is 0), disconnects.
 * Rejects with a ScanError naming the first register the device refused.
 */
export async function readRegisterBlock(create: DriverFactory, range: ScanRange, options: ReadOptions): Promise<BlockRead> {
  const cycles: RawSample[][] = [];
  let lost: Error | undefined;
  let wake: () => void = () => undefined;
  const driver = create({
    emit: (samples) => {
      cycles.push(samples);
      wake();
    },
    connectionLost: (reason) => {
      lost = reason;
      wake();
    },
  });
  const cycleTimeoutMs = Math.max(5000, options.timeoutMs * 4);
  const nextCycle = (index: number, waitMs: number): Promise<RawSample[] | undefined> =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(cycles[index]);
      };
      const timer = setTimeout(done, waitMs);
      wake = () => {
        if (cycles.length > index || lost !== undefined) done();
      };
      wake();
    });
  const abort = new AbortController();
  const connectTimer = setTimeout(() => abort.abort(new Error(describeNoAnswer(options.where, options.timeoutMs))), Math.max(2000, options.timeoutMs * 3));
  try {
    try {
      await Promise.race([
        driver.connect(abort.signal),
        new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true })),
      ]);
    } catch (error) {
      throw new ScanError('unavailable', `cannot connect to ${options.where}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(connectTimer);
    }
    const secondAfter = options.secondReadAfterMs ?? SECOND_READ_AFTER_MS;
    const points: AcquisitionPoint<ModbusAddress & { unit?: number }>[] = Array.from({ length: range.count }, (_, i) => ({
      index: i,
      tagId: `${range.table}:${range.offset + i}`,
      address: { table: range.table, offset: range.offset + i, type: 'uint16', order: 'abcd', ...(range.unit === undefined ? {} : { unit: range.unit }) },
      pollGroupId: 'scan',
      // The scheduler runs the first cycle at once and the next one this much later.
      intervalMs: secondAfter > 0 ? secondAfter : 60_000,
    }));
    driver.startAcquisition(points);
    const first = await nextCycle(0, cycleTimeoutMs);
    if (first === undefined) {
      const why = lost !== undefined ? `the connection was lost (${lost.message})` : `no answer within ${cycleTimeoutMs} ms`;
      throw new ScanError('unavailable', `reading ${range.count} register(s) from ${range.table}:${range.offset} on ${options.where} failed: ${why}`);
    }
    const readAt = Math.max(...first.map((s) => s.receiveTs));
    const words = wordsOf(first, range, options.where);
    let later: number[] | undefined;
    if (secondAfter > 0) {
      const second = await nextCycle(1, secondAfter + cycleTimeoutMs);
      if (second !== undefined) {
        try {
          later = wordsOf(second, range, options.where);
        } catch {
          later = undefined; // the first read stands; counters just go unnoticed
        }
      }
    }
    return { words, readAt, ...(later === undefined ? {} : { later }) };
  } finally {
    driver.stopAcquisition();
    await driver.disconnect();
  }
}

function wordsOf(samples: RawSample[], range: ScanRange, where: string): number[] {
  const words = new Array<number | undefined>(range.count).fill(undefined);
  const bad: RawSample[] = [];
  for (const sample of samples) {
    if (sample.quality === 'good' && sample.raw?.kind === 'registers') words[sample.point] = sample.raw.words[0] as number;
    else bad.push(sample);
  }
  const missing = words.findIndex((w) => w === undefined);
  if (missing >= 0) {
    const sample = bad.find((s) => s.point === missing) ?? bad[0];
    const refused = bad.filter((s) => s.quality !== 'good').length;
    const status = sample?.status ?? 'no value';
    throw new ScanError(
      'unavailable',
      `${range.table}:${range.offset + missing} on ${where}: ${status}${refused > 1 ? ` (${refused} of ${range.count} registers unreadable)` : ''}; scan a block the device maps (start after it or lower the count)`,
    );
  }
  return words as number[];
}

/** The full scan result for a block read. */
export function analyse(deviceId: string, from: string, range: ScanRange, read: BlockRead): ModbusScan {
  const starts = scanBlock({ table: range.table, start: range.offset, words: read.words, ...(read.later === undefined ? {} : { later: read.later }) });
  const prefix = range.unit === undefined ? '' : `u${range.unit}/`;
  if (prefix !== '') for (const start of starts) for (const c of start.candidates) c.tagAddress = prefix + c.tagAddress;
  return { deviceId, from, count: range.count, words: read.words, readAt: read.readAt, starts };
}

/** What the runtime knows of a running device (structurally its RunningDevice). */
export interface ScanTarget {
  device: { id: string; driver: string; enabled: boolean };
  compiled: { definition: AnyDriverDefinition; settings: unknown; endpoint: string };
  supervisor: { status(): DeviceStatus };
}

export interface ScanContext {
  buses: SharedBusRegistry;
  dataDir: string;
  log: Logger;
}

/** The `modbus:scan` handler: checks the device, reads live, ranks. Errors are ApiFailures. */
export async function scanRunningDevice(target: ScanTarget | undefined, params: { deviceId: string; from: string; count: number }, context: ScanContext): Promise<ModbusScan> {
  try {
    if (target === undefined) throw new ScanError('not-found', `no device "${params.deviceId}" in this project`);
    const { definition, settings, endpoint } = target.compiled;
    if (!MODBUS_DRIVERS.includes(definition.id)) {
      throw new ScanError('unsupported', `device "${params.deviceId}" is ${definition.title}; the register assistant reads Modbus registers (Modbus TCP or Modbus RTU devices only)`);
    }
    const status = target.supervisor.status();
    if (!target.device.enabled || status.state === 'disabled') throw new ScanError('unavailable', `device "${params.deviceId}" is disabled in the project; enable it to read its registers`);
    if (status.state !== 'connected') {
      throw new ScanError('unavailable', `device "${params.deviceId}" is not connected (${status.state}${status.lastError === undefined ? '' : `: ${status.lastError}`}); the assistant reads live registers — fix the connection first`);
    }
    const range = parseScanRange(params.from, params.count, (text) => definition.parseAddress(text));
    const read = await readRegisterBlock(
      (sink) => definition.create(settings, { ...sink, log: context.log, now: Date.now, dataDir: context.dataDir, buses: context.buses }),
      range,
      { timeoutMs: (settings as { timeoutMs?: number }).timeoutMs ?? 1000, where: endpoint },
    );
    return analyse(params.deviceId, params.from, range, read);
  } catch (error) {
    if (error instanceof ScanError) throw new ApiFailure(error.code, error.message);
    throw error;
  }
}
