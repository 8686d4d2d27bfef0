import { silentLogger } from '../../../../../electron/core/log.js';
import type { AcquisitionPoint, RawSample } from '../../../../../electron/core/drivers/types.js';
import { modbusRtuDriver, type BusDriverContext, type ModbusRtuAddress, type ModbusRtuSettingsInput } from '../../../../../electron/core/drivers/modbus-rtu/index.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(probe: () => T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

export function parse(text: string): ModbusRtuAddress {
  const r = modbusRtuDriver.parseAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

export function points(specs: ReadonlyArray<{ address: string; group?: string; intervalMs?: number }>): AcquisitionPoint<ModbusRtuAddress>[] {
  return specs.map((s, index) => ({ index, tagId: s.address, address: parse(s.address), pollGroupId: s.group ?? 'fast', intervalMs: s.intervalMs ?? 50 }));
}

/** A driver context that records everything, as the supervisor would see it. */
export function recordingContext(extra: Partial<BusDriverContext> = {}) {
  const batches: RawSample[][] = [];
  const lost: Error[] = [];
  const context: BusDriverContext = {
    dataDir: '/nonexistent',
    emit: (samples) => batches.push(samples),
    connectionLost: (reason) => lost.push(reason),
    log: silentLogger,
    now: Date.now,
    ...extra,
  };
  /** Latest sample of a point, optionally the first one after `since` batches. */
  const latest = (point: number, since = 0): RawSample | undefined => {
    for (let i = batches.length - 1; i >= since; i--) {
      const found = (batches[i] as RawSample[]).find((s) => s.point === point);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return { context, batches, lost, latest };
}

export function createDriver(settings: ModbusRtuSettingsInput, context: BusDriverContext) {
  return modbusRtuDriver.create(modbusRtuDriver.settingsSchema.parse(settings), context);
}
