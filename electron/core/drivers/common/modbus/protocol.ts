import { StatusText } from '../../../../../shared/reading.js';
import { writesDisabledMessage } from '../errors.js';
import type { DecodeSpec } from '../../types.js';
import type { ModbusAddress } from './address.js';

/** Modbus exception codes in an engineer's words (Modbus Application Protocol v1.1b3, §7). */
export const modbusExceptionNames: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  7: 'negative acknowledge',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** Exceptions that can come from one address inside a block: worth splitting the block. */
export const SPLITTABLE_EXCEPTIONS: ReadonlySet<number> = new Set([2, 3, 4]);

/** The refused-write text of both Modbus drivers. */
export const WRITES_DISABLED_MESSAGE = writesDisabledMessage('Modbus');

/** The modbus-serial exception code of a failed request, if the device answered with one. */
export function exceptionCode(error: unknown): number | undefined {
  const code = (error as { modbusCode?: unknown } | null)?.modbusCode;
  return typeof code === 'number' ? code : undefined;
}

/** What a failed request means for the quality of its points. */
export function statusForError(error: unknown): string {
  const code = exceptionCode(error);
  if (code !== undefined) return modbusExceptionNames[code] ?? `modbus exception ${code}`;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TransactionTimedOutError') return StatusText.noResponse;
  if (name === 'PortNotOpenError' || name === 'ConnectionClosedError') return StatusText.noConnection;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

export function modbusDecodeSpec(address: ModbusAddress): DecodeSpec {
  if (address.table === 'coil' || address.table === 'di') return { kind: 'bit' };
  const spec: DecodeSpec = { kind: 'registers', type: address.type, order: address.order };
  if (address.bit !== undefined) spec.bit = address.bit;
  if (address.length !== undefined) spec.length = address.length;
  return spec;
}
