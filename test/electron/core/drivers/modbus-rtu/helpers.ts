import type { AcquisitionPoint } from '../../../../../electron/core/drivers/types.js';
import { modbusRtuDriver, type BusDriverContext, type ModbusRtuAddress, type ModbusRtuSettingsInput } from '../../../../../electron/core/drivers/modbus-rtu/index.js';
import { parseOrThrow, recordingContext as record } from '../../../../support/driver-harness.js';

export { sleep, until } from '../../../../support/driver-harness.js';

export function parse(text: string): ModbusRtuAddress {
  return parseOrThrow((t) => modbusRtuDriver.parseAddress(t), text);
}

export function points(specs: ReadonlyArray<{ address: string; group?: string; intervalMs?: number }>): AcquisitionPoint<ModbusRtuAddress>[] {
  return specs.map((s, index) => ({ index, tagId: s.address, address: parse(s.address), pollGroupId: s.group ?? 'fast', intervalMs: s.intervalMs ?? 50 }));
}

/** A driver context that records everything, as the supervisor would see it. */
export function recordingContext(extra: Partial<BusDriverContext> = {}) {
  return record(extra);
}

export function createDriver(settings: ModbusRtuSettingsInput, context: BusDriverContext) {
  return modbusRtuDriver.create(modbusRtuDriver.settingsSchema.parse(settings), context);
}
