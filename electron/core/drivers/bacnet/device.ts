import type { BACNetAddress } from '@bacnet-js/client';
import { packBatches, type Batch, type ObjectRead, type PackLimits } from './plan.js';
import type { BacnetSession } from './session.js';
import { BacnetRequestError } from './session.js';
import { resultError, toValue, type AppValue } from './values.js';

export const ARRAY_ALL = 0xffffffff;
export const DEVICE_TYPE = 8;
export const PROP = {
  objectName: 77,
  vendorName: 121,
  vendorId: 120,
  modelName: 70,
  firmware: 44,
  software: 12,
  maxApdu: 62,
  segmentation: 107,
  services: 97,
  objectList: 76,
  systemStatus: 112,
  description: 28,
  units: 117,
  presentValue: 85,
  statusFlags: 111,
  reliability: 103,
  outOfService: 81,
  priorityArray: 87,
} as const;

/** protocol-services-supported bits (ASHRAE 135 clause 21, BACnetServicesSupported). */
const SERVICE_BIT = { subscribeCov: 5, readPropertyMultiple: 14 } as const;

export const segmentationNames = ['segmented-both', 'segmented-transmit', 'segmented-receive', 'no-segmentation'] as const;

export interface DeviceInfo {
  instance: number;
  name: string;
  vendorName: string;
  vendorId?: number;
  model: string;
  firmware: string;
  software: string;
  /** Largest APDU the device accepts (bytes). */
  maxApdu: number;
  /** BACnetSegmentation: 0 both, 1 transmit, 2 receive, 3 none. */
  segmentation: number;
  /** undefined = the device did not say (protocol-services-supported unreadable). */
  readPropertyMultiple?: boolean;
  subscribeCov?: boolean;
}

/** One property result of a read, keyed by `type:instance:property[:index]`. */
export type ReadResults = Map<string, { values?: AppValue[]; error?: string }>;

export function resultKey(objectType: number, instance: number, property: number, index?: number): string {
  return index === undefined || index === ARRAY_ALL ? `${objectType}:${instance}:${property}` : `${objectType}:${instance}:${property}:${index}`;
}

/** Whether the device can send us a segmented answer. */
export function transmitsSegmented(segmentation: number): boolean {
  return segmentation === 0 || segmentation === 1;
}

interface RpmEntry {
  objectId: { type: number; instance: number };
  values: Array<{ id: number; index: number; value: AppValue[] }>;
}

/** One RPM request for a batch; results land in `into`. Throws BacnetRequestError for the whole request. */
export async function readBatch(session: BacnetSession, receiver: BACNetAddress, batch: Batch, into: ReadResults): Promise<void> {
  const spec = batch.objects.map((o) => ({
    objectId: { type: o.objectType, instance: o.instance },
    properties: o.properties.map((p) => ({ id: p.id, index: p.index ?? ARRAY_ALL })),
  }));
  const answer = await session.request((client, invokeId) => client.readPropertyMultiple(receiver, spec, { invokeId }));
  for (const entry of answer.values as unknown as RpmEntry[]) {
    for (const v of entry.values) {
      const key = resultKey(entry.objectId.type, entry.objectId.instance, v.id, v.index);
      const error = resultError(v.value);
      into.set(key, error === undefined ? { values: v.value } : { error });
    }
  }
}

/** The same reads, one ReadProperty each (devices without RPM). */
export async function readOneByOne(session: BacnetSession, receiver: BACNetAddress, objects: ReadonlyArray<ObjectRead>, into: ReadResults, signal?: AbortSignal): Promise<void> {
  for (const o of objects) {
    for (const p of o.properties) {
      signal?.throwIfAborted();
      const key = resultKey(o.objectType, o.instance, p.id, p.index);
      try {
        const answer = await session.request((client, invokeId) =>
          client.readProperty(receiver, { type: o.objectType, instance: o.instance }, p.id, { invokeId, arrayIndex: p.index ?? ARRAY_ALL }),
        );
        into.set(key, { values: answer.values as unknown as AppValue[] });
      } catch (error) {
        if (error instanceof BacnetRequestError && (error.kind === 'error' || error.kind === 'reject')) into.set(key, { error: error.message });
        else throw error;
      }
    }
  }
}

/** RPM refused as a service (not: one property missing): the device has no usable RPM. */
export function rpmUnsupported(error: unknown): boolean {
  if (!(error instanceof BacnetRequestError)) return false;
  if (error.kind === 'reject') return error.detail.reason === 9; // unrecognized-service
  // services: service-request-denied / optional-functionality-not-supported
  return error.kind === 'error' && error.detail.errorClass === 5 && (error.detail.errorCode === 29 || error.detail.errorCode === 45);
}

/** The answer did not fit: too long for one APDU and the device cannot segment it. */
export function tooLong(error: unknown): boolean {
  if (!(error instanceof BacnetRequestError)) return false;
  if (error.kind === 'abort') return error.detail.reason === 4 || error.detail.reason === 1 || error.detail.reason === 11;
  if (error.kind === 'reject') return error.detail.reason === 1;
  return false;
}

function text(results: ReadResults, property: number, instance: number): string {
  const r = results.get(resultKey(DEVICE_TYPE, instance, property));
  if (r?.values === undefined) return '';
  const v = toValue(r.values, DEVICE_TYPE, property);
  return v === null ? '' : String(v);
}

function number(results: ReadResults, property: number, instance: number): number | undefined {
  const r = results.get(resultKey(DEVICE_TYPE, instance, property));
  const first = r?.values?.[0];
  return typeof first?.value === 'number' ? first.value : undefined;
}

/**
 * Reads the device object's identity and limits: one RPM where the device supports it,
 * ReadProperty per property otherwise. `hint` is what the I-Am said.
 */
export async function readDeviceInfo(
  session: BacnetSession,
  receiver: BACNetAddress,
  instance: number,
  hint: { maxApdu?: number; segmentation?: number } = {},
  signal?: AbortSignal,
): Promise<DeviceInfo> {
  const properties = [PROP.objectName, PROP.vendorName, PROP.vendorId, PROP.modelName, PROP.firmware, PROP.software, PROP.maxApdu, PROP.segmentation, PROP.services];
  const objects: ObjectRead[] = [{ objectType: DEVICE_TYPE, instance, properties: properties.map((id) => ({ id })) }];
  const results: ReadResults = new Map();
  let rpm: boolean | undefined;
  // The identity answer is small (< 480 octets for any sane strings): one request.
  const limits: PackLimits = { maxRequest: hint.maxApdu ?? 480, maxResponse: hint.maxApdu ?? 480, variableValueBound: 1 };
  try {
    for (const batch of packBatches(objects, limits)) await readBatch(session, receiver, batch, results);
    rpm = true;
  } catch (error) {
    if (!(rpmUnsupported(error) || tooLong(error) || (error instanceof BacnetRequestError && error.kind === 'invalid'))) throw error;
    rpm = rpmUnsupported(error) ? false : undefined;
    results.clear();
    await readOneByOne(session, receiver, objects, results, signal);
  }
  const nameResult = results.get(resultKey(DEVICE_TYPE, instance, PROP.objectName));
  if (nameResult?.error !== undefined) throw new BacnetRequestError(`device ${instance}: ${nameResult.error}`, 'error');
  const services = results.get(resultKey(DEVICE_TYPE, instance, PROP.services))?.values?.[0];
  const bits = services?.type === 8 ? (services.value as { value?: number[] }) : undefined;
  const has = (n: number) => (bits === undefined ? undefined : (((bits.value?.[n >> 3] ?? 0) >> (n & 7)) & 1) === 1);
  const maxApdu = number(results, PROP.maxApdu, instance) ?? hint.maxApdu ?? 480;
  const info: DeviceInfo = {
    instance,
    name: text(results, PROP.objectName, instance),
    vendorName: text(results, PROP.vendorName, instance),
    model: text(results, PROP.modelName, instance),
    firmware: text(results, PROP.firmware, instance),
    software: text(results, PROP.software, instance),
    maxApdu: Math.min(1476, maxApdu),
    segmentation: number(results, PROP.segmentation, instance) ?? hint.segmentation ?? 3,
  };
  const vendorId = number(results, PROP.vendorId, instance);
  if (vendorId !== undefined) info.vendorId = vendorId;
  const rpmBit = has(SERVICE_BIT.readPropertyMultiple);
  const rpmKnown = rpm ?? rpmBit;
  if (rpmKnown !== undefined) info.readPropertyMultiple = rpm === true ? true : rpmKnown;
  const cov = has(SERVICE_BIT.subscribeCov);
  if (cov !== undefined) info.subscribeCov = cov;
  return info;
}
