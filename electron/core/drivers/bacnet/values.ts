import type { Quality, Value } from '../../../../shared/reading.js';
import { shortestFloat32 } from '../../../../shared/format/float32.js';
import { formatBacnetAddress, objectTypeName, PRESENT_VALUE } from './address.js';
import { enumNames, Reliability } from './lib.js';
import { errorWords } from './session.js';

const reliabilities = enumNames(Reliability);

/** Application tags (ASHRAE 135 clause 20.2.1.4) as the library numbers them. */
const TAG = { NULL: 0, BOOLEAN: 1, UNSIGNED: 2, SIGNED: 3, REAL: 4, DOUBLE: 5, OCTET: 6, STRING: 7, BITS: 8, ENUM: 9, DATE: 10, TIME: 11, OID: 12, ERROR: 105 } as const;

/** One decoded application value as the library delivers it. */
export interface AppValue {
  type: number;
  value: unknown;
}

export interface StatusFlags {
  inAlarm: boolean;
  fault: boolean;
  overridden: boolean;
  outOfService: boolean;
}

const BINARY = new Set([3, 4, 5]);

/** Bit n of a library bitstring (the library stores bit 0 in the low bit of the first byte). */
function bit(value: { value?: number[] }, n: number): boolean {
  const byte = value.value?.[n >> 3] ?? 0;
  return ((byte >> (n & 7)) & 1) === 1;
}

export function decodeStatusFlags(values: ReadonlyArray<AppValue> | undefined): StatusFlags | undefined {
  const first = values?.[0];
  if (first?.type !== TAG.BITS) return undefined;
  const bits = first.value as { value?: number[] };
  return { inAlarm: bit(bits, 0), fault: bit(bits, 1), overridden: bit(bits, 2), outOfService: bit(bits, 3) };
}

export function statusFlagsText(flags: StatusFlags): string {
  const on = [flags.inAlarm && 'in-alarm', flags.fault && 'fault', flags.overridden && 'overridden', flags.outOfService && 'out-of-service'].filter(Boolean);
  return on.length === 0 ? 'normal' : on.join(', ');
}

export function reliabilityText(value: number): string {
  return reliabilities.byValue.get(value) ?? `reliability ${value}`;
}

/** An error entry in an RPM result (the library puts it where the value would be). */
export function resultError(values: ReadonlyArray<AppValue> | undefined): string | undefined {
  const first = values?.[0];
  if (first?.type !== TAG.ERROR) return undefined;
  const e = first.value as { errorClass: number; errorCode: number };
  return errorWords(e.errorClass, e.errorCode);
}

function one(value: AppValue, objectType: number, property: number): Value {
  switch (value.type) {
    case TAG.NULL:
      return null;
    case TAG.BOOLEAN:
      return value.value === true;
    case TAG.UNSIGNED:
    case TAG.SIGNED:
    case TAG.DOUBLE:
      return typeof value.value === 'number' ? value.value : Number(value.value);
    case TAG.REAL:
      // REAL is a float32 on the wire; the library widens it (20.6 arrives as 20.59963607788086).
      return shortestFloat32(typeof value.value === 'number' ? value.value : Number(value.value));
    case TAG.ENUM:
      // Binary present-value (and relinquish-default): inactive/active as false/true.
      if (BINARY.has(objectType) && (property === PRESENT_VALUE || property === 104)) return value.value === 1;
      return Number(value.value);
    case TAG.STRING:
      return String(value.value);
    case TAG.BITS: {
      const bits = value.value as { bitsUsed?: number };
      let text = '';
      for (let i = 0; i < (bits.bitsUsed ?? 0); i++) text += bit(value.value as { value?: number[] }, i) ? '1' : '0';
      return text;
    }
    case TAG.OID: {
      const oid = value.value as { type: number; instance: number };
      return formatBacnetAddress({ objectType: oid.type, instance: oid.instance, property: PRESENT_VALUE });
    }
    case TAG.DATE:
    case TAG.TIME:
      return value.value instanceof Date ? value.value.toISOString() : String(value.value);
    case TAG.OCTET:
      return Buffer.from((value.value as number[]) ?? []).toString('hex');
    default:
      return JSON.stringify(value.value);
  }
}

/** A property's decoded values as one SensorVault value (arrays and lists become JSON text). */
export function toValue(values: ReadonlyArray<AppValue>, objectType: number, property: number): Value {
  if (values.length === 0) return null;
  if (values.length === 1) return one(values[0] as AppValue, objectType, property);
  return JSON.stringify(values.map((v) => one(v, objectType, property)));
}

/**
 * Quality from status flags and reliability (README "Quality"), OPC UA-like:
 *  - fault with over-range / under-range → uncertain (OPC UA Uncertain_EngineeringUnitsExceeded);
 *  - any other fault → bad (Bad_SensorFailure / Bad_DeviceFailure), reason = the reliability;
 *  - out-of-service → uncertain (Uncertain_SubstituteValue: the value is decoupled from the field);
 *  - overridden → good (Good_LocalOverride), in-alarm → good: both are process states, named in status.
 */
export function qualityFor(flags: StatusFlags | undefined, reliability: number | undefined): { quality: Quality; status?: string } {
  if (flags === undefined) return { quality: 'good' };
  const reasons: string[] = [];
  let quality: Quality = 'good';
  const worsen = (q: Quality) => {
    if (q === 'bad' || (q === 'uncertain' && quality === 'good')) quality = q;
  };
  const faulty = flags.fault || (reliability !== undefined && reliability !== 0);
  if (faulty) {
    const r = reliability === undefined || reliability === 0 ? undefined : reliabilityText(reliability);
    reasons.push(r === undefined ? 'fault' : `fault: ${r}`);
    worsen(reliability === 2 || reliability === 3 ? 'uncertain' : 'bad');
  }
  if (flags.outOfService) {
    reasons.push('out of service');
    worsen('uncertain');
  }
  if (flags.overridden) reasons.push('overridden');
  if (flags.inAlarm) reasons.push('in alarm');
  return reasons.length === 0 ? { quality } : { quality, status: reasons.join(', ') };
}

export { objectTypeName };
