import type { Parity } from './settings.js';

/**
 * Serial-line arithmetic of Modbus over Serial Line v1.02 (§2.5.1.1): a character is
 * 1 start bit + data bits + parity bit (if any) + stop bits; frames are separated by at
 * least 3.5 character times of silence, a fixed 1.75 ms above 19,200 baud.
 */
export interface LineSettings {
  baud: number;
  parity: Parity;
  dataBits: 7 | 8;
  stopBits: 1 | 2;
}

export function bitsPerCharacter(line: LineSettings): number {
  return 1 + line.dataBits + (line.parity === 'none' ? 0 : 1) + line.stopBits;
}

export function characterTimeMs(line: LineSettings): number {
  return (bitsPerCharacter(line) * 1000) / line.baud;
}

/** The silent interval between frames: 3.5 characters (1.75 ms above 19,200 baud), never below `floorMs`. */
export function silentIntervalMs(line: LineSettings, floorMs = 0): number {
  const computed = line.baud > 19_200 ? 1.75 : 3.5 * characterTimeMs(line);
  return Math.max(computed, floorMs);
}

/** RTU frame sizes in bytes (unit id + PDU + CRC) of a request and its normal answer. */
export interface FrameSizes {
  requestBytes: number;
  responseBytes: number;
  /** Registers or bits moved, for the registers/s figures. */
  items: number;
}

export const EXCEPTION_FRAME_BYTES = 5;

export function readFrameSizes(table: 'coil' | 'di' | 'hr' | 'ir', count: number): FrameSizes {
  const dataBytes = table === 'coil' || table === 'di' ? Math.ceil(count / 8) : count * 2;
  return { requestBytes: 8, responseBytes: 5 + dataBytes, items: count };
}

export function writeFrameSizes(functionCode: 5 | 6 | 15 | 16, count: number): FrameSizes {
  if (functionCode === 5 || functionCode === 6) return { requestBytes: 8, responseBytes: 8, items: 1 };
  const dataBytes = functionCode === 15 ? Math.ceil(count / 8) : count * 2;
  return { requestBytes: 9 + dataBytes, responseBytes: 8, items: count };
}

/**
 * Shortest time one transaction can hold the bus: both frames on the wire plus two silent
 * intervals (the slave's end-of-request detection and the gap before the next request).
 * The slave's own turnaround is unknown and not included, so this is an upper bound.
 */
export function transactionTimeMs(line: LineSettings, sizes: Pick<FrameSizes, 'requestBytes' | 'responseBytes'>, floorMs = 0): number {
  return (sizes.requestBytes + sizes.responseBytes) * characterTimeMs(line) + 2 * silentIntervalMs(line, floorMs);
}

/** Requests/s ceiling of the line for back-to-back transactions of this shape. */
export function ceilingRequestsPerSecond(line: LineSettings, sizes: Pick<FrameSizes, 'requestBytes' | 'responseBytes'>, floorMs = 0): number {
  return 1000 / transactionTimeMs(line, sizes, floorMs);
}
