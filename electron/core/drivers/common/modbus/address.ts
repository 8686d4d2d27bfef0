import type { AddressParse, RegisterType, WordOrder } from '../../types.js';
import { registerCount } from '../../../normalizer/registers.js';

/**
 * Modbus point addresses as a grammar (see README.md):
 *
 *   coil:<n> | di:<n>                       one bit, zero-based offset
 *   hr:<n> | ir:<n> [:<type>[:<order>]]     registers, default type uint16, order abcd
 *   hr:<n>.<bit> | ir:<n>.<bit>             bit 0..15 of one register, as bool
 *   hr:<n>:string:<chars>[:abcd|badc]       text of <chars> characters, NUL-trimmed
 *   Modicon aliases: 00001 coil, 10001 di, 30001 ir, 40001 hr (5 or 6 digits, one-based),
 *   followed by the same suffixes (40001:float32, 40001.3).
 */
export type ModbusTable = 'coil' | 'di' | 'ir' | 'hr';

export interface ModbusAddress {
  table: ModbusTable;
  /** Zero-based protocol offset, 0..65535. */
  offset: number;
  /** Always 'bool' for coil/di and for register bits. */
  type: RegisterType;
  order: WordOrder;
  /** Bit 0..15 of the register (only for `hr:<n>.<bit>` / `ir:<n>.<bit>`). */
  bit?: number;
  /** Characters of a string point. */
  length?: number;
}

export const modbusTables: readonly ModbusTable[] = ['coil', 'di', 'ir', 'hr'];
export const registerTypes: readonly Exclude<RegisterType, 'bool'>[] = [
  'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string',
];
export const wordOrders: readonly WordOrder[] = ['abcd', 'cdab', 'badc', 'dcba'];
/** Longest string: one full read request (125 registers). */
export const MAX_STRING_LENGTH = 250;

export const modbusAddressSyntax =
  'coil:<n> | di:<n> | hr:<n>[:<type>[:<order>]] | ir:<n>[...] | hr:<n>.<bit> | hr:<n>:string:<chars>[:abcd|badc] | Modicon 40001, 30001, 00001, 10001';

const modiconTables: Record<string, ModbusTable> = { '0': 'coil', '1': 'di', '3': 'ir', '4': 'hr' };

function fail(text: string, message: string): AddressParse<ModbusAddress> {
  return { ok: false, message: `${text}: ${message}` };
}

function parseInteger(part: string): number | undefined {
  return /^\d{1,6}$/.test(part) ? Number(part) : undefined;
}

export function parseModbusAddress(input: string): AddressParse<ModbusAddress> {
  const text = input.trim();
  const parts = text.toLowerCase().split(':');
  let head = parts[0] ?? '';
  let rest = parts.slice(1);
  let table: ModbusTable;
  let offsetText: string;

  if (/^\d/.test(head)) {
    const [number, bitText, extra] = head.split('.');
    if (extra !== undefined || !/^\d{5,6}$/.test(number ?? '')) {
      return fail(text, 'a Modicon address has 5 or 6 digits (e.g. 40001 or 400001), or use hr:<n>, ir:<n>, coil:<n>, di:<n>');
    }
    const digits = number as string;
    const aliasTable = modiconTables[digits[0] as string];
    if (aliasTable === undefined) {
      return fail(text, `Modicon addresses start with 0 (coil), 1 (discrete input), 3 (input register) or 4 (holding register), not ${digits[0]}`);
    }
    const one = Number(digits.slice(1));
    if (one < 1) return fail(text, 'Modicon addresses are one-based: the first is 40001 (= hr:0)');
    if (one > 65536) return fail(text, 'Modicon address beyond 65536');
    table = aliasTable;
    offsetText = String(one - 1);
    if (bitText !== undefined) offsetText += `.${bitText}`;
  } else {
    if (!(modbusTables as readonly string[]).includes(head)) {
      return fail(text, `unknown table "${head}"; expected one of ${modbusTables.join(', ')} (or a Modicon address like 40001)`);
    }
    table = head as ModbusTable;
    if (rest.length === 0) return fail(text, `missing offset after "${head}:"`);
    offsetText = rest[0] as string;
    rest = rest.slice(1);
  }
  head = offsetText;

  const [offsetPart, bitPart, extraDot] = head.split('.');
  const offset = parseInteger(offsetPart ?? '');
  if (offset === undefined || extraDot !== undefined) return fail(text, `offset "${head}" is not a number 0..65535 (or <n>.<bit>)`);
  if (offset > 65535) return fail(text, `offset ${offset} is beyond 65535`);

  if (table === 'coil' || table === 'di') {
    if (bitPart !== undefined) return fail(text, `${table} is a single bit; ".${bitPart}" applies only to hr and ir`);
    if (rest.length > 0) return fail(text, `${table} is always bool; types and orders apply only to hr and ir`);
    return { ok: true, address: { table, offset, type: 'bool', order: 'abcd' } };
  }

  if (bitPart !== undefined) {
    const bit = /^\d{1,2}$/.test(bitPart) ? Number(bitPart) : NaN;
    if (!(bit >= 0 && bit <= 15)) return fail(text, `bit "${bitPart}" must be 0..15`);
    if (rest.length > 0) return fail(text, 'a register bit is bool; it takes no type or order');
    return { ok: true, address: { table, offset, type: 'bool', order: 'abcd', bit } };
  }

  const typeText = rest[0] ?? 'uint16';
  if (typeText === 'bool') return fail(text, `use ${table}:${offset}.<bit> for a bit of a register`);
  if (!(registerTypes as readonly string[]).includes(typeText)) {
    return fail(text, `unknown type "${typeText}"; expected one of ${registerTypes.join(', ')}`);
  }
  const type = typeText as Exclude<RegisterType, 'bool'>;
  rest = rest.slice(1);

  let length: number | undefined;
  if (type === 'string') {
    const lengthText = rest[0];
    if (lengthText === undefined) return fail(text, `a string needs its length in characters, e.g. ${table}:${offset}:string:16`);
    length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : NaN;
    if (!(length >= 1 && length <= MAX_STRING_LENGTH)) {
      return fail(text, `string length "${lengthText}" must be 1..${MAX_STRING_LENGTH} characters`);
    }
    rest = rest.slice(1);
  }

  let order: WordOrder = 'abcd';
  if (rest.length > 0) {
    const orderText = rest[0] as string;
    if (!(wordOrders as readonly string[]).includes(orderText)) {
      return fail(text, `unknown order "${orderText}"; expected one of ${wordOrders.join(', ')}`);
    }
    order = orderText as WordOrder;
    rest = rest.slice(1);
  }
  if (rest.length > 0) return fail(text, `unexpected ":${rest.join(':')}" after the order`);

  const count = registerCount(type, length);
  if ((order === 'cdab' || order === 'dcba') && (type === 'string' || count === 1)) {
    const allowed = 'abcd or badc';
    const what = type === 'string' ? 'a string' : `${type} is one register, so`;
    return fail(text, `${what} has no word order; order "${order}" does not apply (use ${allowed})`);
  }
  if (offset + count > 65536) {
    return fail(text, `${type}${length === undefined ? '' : `:${length}`} needs ${count} registers from ${offset}, beyond the last register 65535`);
  }
  const address: ModbusAddress = { table, offset, type, order };
  if (length !== undefined) address.length = length;
  return { ok: true, address };
}

/** Canonical text: defaults (uint16, abcd) are left out, aliases become table:offset. */
export function formatModbusAddress(address: ModbusAddress): string {
  const base = `${address.table}:${address.offset}`;
  if (address.table === 'coil' || address.table === 'di') return base;
  if (address.bit !== undefined) return `${base}.${address.bit}`;
  let out = base;
  const orderSuffix = address.order === 'abcd' ? '' : `:${address.order}`;
  if (address.type === 'string') return `${out}:string:${address.length ?? 1}${orderSuffix}`;
  if (address.type !== 'uint16' || orderSuffix !== '') out += `:${address.type}`;
  return out + orderSuffix;
}

/** Registers (or bits, for coil/di) the point occupies. */
export function addressCount(address: ModbusAddress): number {
  if (address.table === 'coil' || address.table === 'di' || address.bit !== undefined) return 1;
  return registerCount(address.type, address.length);
}
