/**
 * ReadPropertyMultiple packing. Request and response sizes are computed from the encoding
 * (ASHRAE 135 clause 20.2 tags, clause 15.7 RPM), so a batch fills the device's max APDU
 * without segmentation:
 *
 *   request  = 4 (confirmed-request header) + Σ objects [5 object id + 1 + Σ property refs + 1]
 *   response = 3 (complex-ack header)       + Σ objects [5 object id + 1 + Σ results + 1]
 *   property ref = 1 + len(id) [+ 1 + len(index)]
 *   result       = property ref + 1 + value + 1   (or an error: 1 + 2 + 2..3 + 1)
 *
 * Value sizes are exact for fixed-size types (REAL 5, status-flags 3, ...) and an upper bound
 * (learned down by the driver when an answer still overflows) for variable ones.
 */
import { PRESENT_VALUE } from './address.js';

export interface PropertyRef {
  id: number;
  index?: number;
}

export interface ObjectRead {
  objectType: number;
  instance: number;
  properties: PropertyRef[];
}

export interface Batch {
  objects: ObjectRead[];
  requestSize: number;
  responseSize: number;
}

export interface PackLimits {
  /** Largest request APDU the device accepts. */
  maxRequest: number;
  /** Largest answer APDU that fits without segmentation (min of both ends' max APDU). */
  maxResponse: number;
  /** Upper bound for values whose size is not known from the type. */
  variableValueBound: number;
  /** Learned bounds per property id (from answers already seen), tighter than the general one. */
  valueBounds?: ReadonlyMap<number, number>;
}

export const RPM_REQUEST_HEADER = 4;
export const RPM_RESPONSE_HEADER = 3;
const OBJECT_OVERHEAD = 5 + 1 + 1;
/** Opening tag 5, error class and code (enumerated, 2 octets for the standard's codes < 256), closing tag. */
const ERROR_RESULT = 1 + 2 + 2 + 1;

export function unsignedLength(value: number): number {
  if (value < 0x100) return 1;
  if (value < 0x10000) return 2;
  if (value < 0x1000000) return 3;
  return 4;
}

function propertyRefSize(p: PropertyRef): number {
  return 1 + unsignedLength(p.id) + (p.index === undefined ? 0 : 1 + unsignedLength(p.index));
}

const ANALOG = new Set([0, 1, 2]);
const BINARY = new Set([3, 4, 5]);
const MULTI_STATE = new Set([13, 14, 19]);

/** Encoded size (tag included) of one property value, or undefined when the type gives no bound. */
export function knownValueSize(objectType: number, p: PropertyRef): number | undefined {
  switch (p.id) {
    case PRESENT_VALUE:
      if (p.index !== undefined) return undefined;
      if (ANALOG.has(objectType)) return 5; // REAL
      if (BINARY.has(objectType)) return 2; // ENUMERATED inactive/active
      if (MULTI_STATE.has(objectType)) return 2; // Unsigned state 1..255 (more states overflow → split)
      if (objectType === 46) return 10; // large-analog-value: Double
      return undefined;
    case 111: // status-flags: bitstring of 4 bits
      return 3;
    case 103: // reliability
    case 36: // event-state
    case 117: // units
      return 3;
    case 81: // out-of-service
      return 1;
    case 76: // object-list
      return p.index === 0 ? 5 : p.index === undefined ? undefined : 5;
    default:
      return undefined;
  }
}

/**
 * Known-size values count exactly (an error in their place can be 1 octet longer: the rare
 * overflow that causes is caught by the driver, which splits the batch); unknown ones count
 * their bound, at least an error's size.
 */
function resultSize(objectType: number, p: PropertyRef, limits: PackLimits): number {
  const known = knownValueSize(objectType, p);
  const bound = limits.valueBounds?.get(p.id) ?? limits.variableValueBound;
  return propertyRefSize(p) + (known !== undefined ? 1 + known + 1 : Math.max(1 + bound + 1, ERROR_RESULT));
}

function tagLength(length: number): number {
  return length <= 4 ? 1 : length <= 253 ? 2 : length <= 65535 ? 4 : 6;
}

/** Encoded size of decoded application values (as the library delivers them), for learning bounds. */
export function encodedSize(values: ReadonlyArray<{ type: number; value: unknown }>): number {
  let n = 0;
  for (const v of values) {
    switch (v.type) {
      case 0:
      case 1:
        n += 1;
        break;
      case 2:
      case 9:
        n += 1 + unsignedLength(Math.max(0, Number(v.value) || 0));
        break;
      case 3:
      case 4:
      case 10:
      case 11:
      case 12:
        n += 5;
        break;
      case 5:
        n += 10;
        break;
      case 7: {
        const bytes = Buffer.byteLength(String(v.value), 'utf8') + 1;
        n += tagLength(bytes) + bytes;
        break;
      }
      case 8: {
        const bytes = 1 + (((v.value as { value?: number[] }).value?.length ?? 0) as number);
        n += tagLength(bytes) + bytes;
        break;
      }
      default:
        n += 16;
    }
  }
  return n;
}

/**
 * Packs the reads into as few RPM requests as the limits allow, in order. An object whose
 * properties do not fit one request is spread over several (its object header repeated).
 */
export function packBatches(objects: ReadonlyArray<ObjectRead>, limits: PackLimits): Batch[] {
  const batches: Batch[] = [];
  let current: Batch = { objects: [], requestSize: RPM_REQUEST_HEADER, responseSize: RPM_RESPONSE_HEADER };
  const close = () => {
    if (current.objects.length > 0) batches.push(current);
    current = { objects: [], requestSize: RPM_REQUEST_HEADER, responseSize: RPM_RESPONSE_HEADER };
  };
  for (const object of objects) {
    // Keep an object whole when it fits one request: its present-value and status-flags
    // then arrive together. Only an object too big for any request is spread.
    let wholeRequest = OBJECT_OVERHEAD;
    let wholeResponse = OBJECT_OVERHEAD;
    for (const p of object.properties) {
      wholeRequest += propertyRefSize(p);
      wholeResponse += resultSize(object.objectType, p, limits);
    }
    if (current.objects.length > 0 && (current.requestSize + wholeRequest > limits.maxRequest || current.responseSize + wholeResponse > limits.maxResponse)) close();
    let open: ObjectRead | undefined;
    for (const p of object.properties) {
      const request = propertyRefSize(p);
      const response = resultSize(object.objectType, p, limits);
      const extraRequest = request + (open === undefined ? OBJECT_OVERHEAD : 0);
      const extraResponse = response + (open === undefined ? OBJECT_OVERHEAD : 0);
      if (current.objects.length > 0 && (current.requestSize + extraRequest > limits.maxRequest || current.responseSize + extraResponse > limits.maxResponse)) {
        close();
        open = undefined;
      }
      if (open === undefined) {
        open = { objectType: object.objectType, instance: object.instance, properties: [] };
        current.objects.push(open);
        current.requestSize += OBJECT_OVERHEAD;
        current.responseSize += OBJECT_OVERHEAD;
      }
      open.properties.push(p);
      current.requestSize += request;
      current.responseSize += response;
    }
  }
  close();
  return batches;
}

/** Splits a batch in two halves (by object, or by property for a single object). */
export function splitBatch(batch: Batch, limits: PackLimits): [Batch, Batch] | undefined {
  const objects = batch.objects;
  if (objects.length >= 2) {
    const half = Math.ceil(objects.length / 2);
    const [left, right] = [packBatches(objects.slice(0, half), limits), packBatches(objects.slice(half), limits)];
    return [merge(left), merge(right)];
  }
  const only = objects[0];
  if (only === undefined || only.properties.length < 2) return undefined;
  const half = Math.ceil(only.properties.length / 2);
  const left = packBatches([{ ...only, properties: only.properties.slice(0, half) }], limits);
  const right = packBatches([{ ...only, properties: only.properties.slice(half) }], limits);
  return [merge(left), merge(right)];
}

function merge(batches: Batch[]): Batch {
  if (batches.length === 1) return batches[0] as Batch;
  return {
    objects: batches.flatMap((b) => b.objects),
    requestSize: batches.reduce((n, b) => n + b.requestSize, 0),
    responseSize: batches.reduce((n, b) => n + b.responseSize, 0),
  };
}
