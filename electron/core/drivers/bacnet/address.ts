import type { AddressParse } from '../types.js';
// The name tables, not the library: the registry parses addresses without loading @bacnet-js/client.
import { enumNames, objectTypeNumbers, propertyNumbers } from './names.js';

/**
 * BACnet point addresses (see README.md):
 *
 *   <object-type>:<instance>[:<property>[[<index>]]]
 *
 * object-type: a full BACnet name (analog-input) or a short form (ai ao av bi bo bv msi mso msv);
 * instance 0..4194302; property: a BACnet property name or number, default present-value;
 * optional array index in brackets (priority-array[8]).
 */
export interface BacnetAddress {
  objectType: number;
  instance: number;
  /** Property identifier; 85 = present-value. */
  property: number;
  /** Array index (1-based; 0 = the array's length); absent = the whole property. */
  index?: number;
}

export const PRESENT_VALUE = 85;
export const MAX_INSTANCE = 4_194_302;

/** Short forms; the canonical text uses them where one exists. */
export const objectTypeAliases: Readonly<Record<string, number>> = {
  ai: 0,
  ao: 1,
  av: 2,
  bi: 3,
  bo: 4,
  bv: 5,
  msi: 13,
  mso: 14,
  msv: 19,
};

const objectTypes = enumNames(objectTypeNumbers);
const properties = enumNames(propertyNumbers);
const shortByType = new Map<number, string>(Object.entries(objectTypeAliases).map(([alias, type]) => [type, alias]));

export const bacnetAddressSyntax =
  '<type>:<instance>[:<property>[[<index>]]] — type ai ao av bi bo bv msi mso msv or a full name (analog-input); property default present-value, e.g. ai:1, ai:1:status-flags, ao:3:priority-array[8]';

/** Name of an object type: `analog-input`, or `object-type-<n>` for proprietary types. */
export function objectTypeName(type: number): string {
  return objectTypes.byValue.get(type) ?? `object-type-${type}`;
}

/** Name of a property: `present-value`, or `property-<n>` for proprietary ones. */
export function propertyName(property: number): string {
  return properties.byValue.get(property) ?? `property-${property}`;
}

function fail(text: string, message: string): AddressParse<BacnetAddress> {
  return { ok: false, message: `${text}: ${message}` };
}

function parseObjectType(text: string): number | undefined {
  const alias = objectTypeAliases[text];
  if (alias !== undefined) return alias;
  const named = objectTypes.byName.get(text);
  if (named !== undefined) return named;
  const numbered = /^(?:object-type-)?(\d{1,4})$/.exec(text);
  if (numbered !== null && Number(numbered[1]) <= 1023) return Number(numbered[1]);
  return undefined;
}

function parseProperty(text: string): number | undefined {
  const named = properties.byName.get(text);
  if (named !== undefined) return named;
  const numbered = /^(?:property-)?(\d{1,7})$/.exec(text);
  if (numbered !== null && Number(numbered[1]) <= 4_194_303) return Number(numbered[1]);
  return undefined;
}

export function parseBacnetAddress(input: string): AddressParse<BacnetAddress> {
  const text = input.trim();
  const parts = text.toLowerCase().split(':');
  if (parts.length < 2 || parts.length > 3) return fail(text, 'expected <type>:<instance>[:<property>], e.g. ai:1 or ai:1:status-flags');
  const [typeText, instanceText, propertyText] = parts as [string, string, string | undefined];
  const objectType = parseObjectType(typeText);
  if (objectType === undefined) {
    return fail(text, `unknown object type "${typeText}"; use ${Object.keys(objectTypeAliases).join(', ')} or a full BACnet name such as analog-input`);
  }
  if (!/^\d{1,7}$/.test(instanceText)) return fail(text, `instance "${instanceText}" is not a number 0..${MAX_INSTANCE}`);
  const instance = Number(instanceText);
  if (instance > MAX_INSTANCE) return fail(text, `instance ${instance} is beyond ${MAX_INSTANCE}`);
  const address: BacnetAddress = { objectType, instance, property: PRESENT_VALUE };
  if (propertyText !== undefined) {
    const match = /^([a-z0-9-]+)(?:\[(\d{1,5})\])?$/.exec(propertyText);
    const property = match === null ? undefined : parseProperty(match[1] as string);
    if (match === null || property === undefined) {
      return fail(text, `unknown property "${propertyText}"; use a BACnet property name (present-value, status-flags, priority-array[8]) or its number`);
    }
    address.property = property;
    if (match[2] !== undefined) address.index = Number(match[2]);
  }
  return { ok: true, address };
}

/** Canonical text: short type form where one exists, the property left out when it is present-value. */
export function formatBacnetAddress(address: BacnetAddress): string {
  const type = shortByType.get(address.objectType) ?? objectTypeName(address.objectType);
  let out = `${type}:${address.instance}`;
  if (address.property !== PRESENT_VALUE || address.index !== undefined) out += `:${propertyName(address.property)}`;
  if (address.index !== undefined) out += `[${address.index}]`;
  return out;
}

/** Stable key of the object an address belongs to (`0:1` for analog-input 1). */
export function objectKey(objectType: number, instance: number): string {
  return `${objectType}:${instance}`;
}
