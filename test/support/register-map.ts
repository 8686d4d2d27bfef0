import type { ExceptionInjector } from '../../electron/demo/modbus-pdu.js';
import { encodeRegisters, type RegisterType, type WordOrder } from '../../shared/modbus/registers.js';

/**
 * A register map with each 32-bit float order, a float64 and a counter, for the
 * register-map assistant's tests (CLI, runtime, UI). Offsets are relative to `base`.
 * Registers between the values hold filler words that decode as nothing plausible
 * for a float, so no value gets a twin one register off by accident.
 */
export interface KnownPoint {
  offset: number;
  type: RegisterType;
  order: WordOrder;
  value: number;
  /** The scan's display order for it. */
  label: string;
}

export const knownPoints: readonly KnownPoint[] = [
  { offset: 0, type: 'float32', order: 'abcd', value: 21.5, label: 'abcd' },
  { offset: 4, type: 'float32', order: 'cdab', value: 3.14159, label: 'cdab' },
  { offset: 8, type: 'float32', order: 'badc', value: 1013.25, label: 'badc' },
  { offset: 12, type: 'float32', order: 'dcba', value: -40.125, label: 'dcba' },
  { offset: 16, type: 'float64', order: 'abcd', value: 230.456789, label: 'abcdefgh' },
  { offset: 24, type: 'uint32', order: 'abcd', value: 70000, label: 'abcd' },
];
export const COUNTER_OFFSET = 24;
/** Registers the map spans. */
export const MAP_LENGTH = 28;

/** Something with holding registers and request hooks: our TCP server or one RTU slave unit. */
export interface RegisterHost {
  holdingRegisters: Uint16Array;
  injectException(injector: ExceptionInjector): () => void;
}

export function writeKnownMap(host: Pick<RegisterHost, 'holdingRegisters'>, base: number): void {
  const hr = host.holdingRegisters;
  for (let i = 0; i < MAP_LENGTH; i++) hr[base + i] = 0xffff; // filler: NaN as float, -1 as int16
  for (const p of knownPoints) {
    encodeRegisters(p.value, { kind: 'registers', type: p.type, order: p.order }).forEach((w, i) => (hr[base + p.offset + i] = w));
  }
}

/**
 * The counter counts the reads that cover it (one per read request), so two reads see it
 * grow whatever the timing. Returns the remover.
 */
export function countReads(host: RegisterHost, base: number, unit?: number): () => void {
  const at = base + COUNTER_OFFSET;
  return host.injectException((request) => {
    if (request.functionCode === 3 && (unit === undefined || request.unitId === unit) && request.address <= at && request.address + request.quantity > at + 1) {
      const hr = host.holdingRegisters;
      const next = ((hr[at] as number) * 65536 + (hr[at + 1] as number) + 1) >>> 0;
      hr[at] = next >>> 16;
      hr[at + 1] = next & 0xffff;
    }
    return undefined;
  });
}

/** Our Modbus TCP server as a RegisterHost. */
export function serverHost(server: { banks: { holdingRegisters: Uint16Array }; injectException(injector: ExceptionInjector): () => void }): RegisterHost {
  return { holdingRegisters: server.banks.holdingRegisters, injectException: (i) => server.injectException(i) };
}
