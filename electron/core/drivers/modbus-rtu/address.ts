import type { AddressParse } from '../types.js';
import { addressCount, formatModbusAddress, modbusAddressSyntax, parseModbusAddress, type ModbusAddress } from '../common/modbus/address.js';

/**
 * Modbus RTU point addresses: the Modbus TCP grammar (common/modbus/address.ts), with an
 * optional unit prefix so one device can carry tags of several slaves on its bus:
 *
 *   [u<unit>/]<modbus address>     e.g. hr:2:float32, u7/hr:2:float32, u12/40001
 *
 * Without the prefix the point belongs to the device's `unitId`.
 */
export interface ModbusRtuAddress extends ModbusAddress {
  /** Unit id 1..247 of another slave on the bus; absent = the device's unitId. */
  unit?: number;
}

export const modbusRtuAddressSyntax = `[u<unit>/]<point>, point: ${modbusAddressSyntax}`;

export function parseModbusRtuAddress(input: string): AddressParse<ModbusRtuAddress> {
  const text = input.trim();
  const prefix = /^u([^/]*)\/(.*)$/i.exec(text);
  if (prefix === null) return parseModbusAddress(text);
  const unitText = prefix[1] as string;
  const unit = /^\d{1,3}$/.test(unitText) ? Number(unitText) : NaN;
  if (!(unit >= 1 && unit <= 247)) return { ok: false, message: `${text}: unit "${unitText}" must be 1..247 (u<unit>/<point>, e.g. u7/hr:0)` };
  const rest = parseModbusAddress(prefix[2] as string);
  if (!rest.ok) return { ok: false, message: `${text}: ${rest.message}` };
  return { ok: true, address: { ...rest.address, unit } };
}

/** Canonical text: the unit prefix only when the address names a unit. */
export function formatModbusRtuAddress(address: ModbusRtuAddress): string {
  const { unit, ...point } = address;
  const text = formatModbusAddress(point);
  return unit === undefined ? text : `u${unit}/${text}`;
}

export { addressCount };
export type { ModbusAddress };
