import { describe, expect, it } from 'vitest';
import {
  addressCount,
  formatModbusAddress,
  parseModbusAddress,
  registerTypes,
  wordOrders,
  type ModbusAddress,
} from '../../../../../electron/core/drivers/modbus-tcp/address.js';

function parse(text: string): ModbusAddress {
  const result = parseModbusAddress(text);
  if (!result.ok) throw new Error(result.message);
  return result.address;
}

function error(text: string): string {
  const result = parseModbusAddress(text);
  if (result.ok) throw new Error(`${text} parsed as ${JSON.stringify(result.address)}`);
  return result.message;
}

/** Every address the grammar can express at a few offsets, built without the parser. */
function allAddresses(): ModbusAddress[] {
  const out: ModbusAddress[] = [];
  const offsets = [0, 1, 9, 1000, 9998, 65535];
  for (const offset of offsets) {
    out.push({ table: 'coil', offset, type: 'bool', order: 'abcd' });
    out.push({ table: 'di', offset, type: 'bool', order: 'abcd' });
    for (const table of ['hr', 'ir'] as const) {
      for (let bit = 0; bit < 16; bit++) out.push({ table, offset, type: 'bool', order: 'abcd', bit });
      for (const type of registerTypes) {
        for (const order of wordOrders) {
          if (type === 'string') {
            if (order === 'cdab' || order === 'dcba') continue;
            for (const length of [1, 2, 15, 16, 250]) {
              if (offset + Math.ceil(length / 2) <= 65536) out.push({ table, offset, type, order, length });
            }
            continue;
          }
          const oneRegister = type === 'int16' || type === 'uint16';
          if (oneRegister && (order === 'cdab' || order === 'dcba')) continue;
          const address: ModbusAddress = { table, offset, type, order };
          if (offset + addressCount(address) <= 65536) out.push(address);
        }
      }
    }
  }
  return out;
}

describe('modbus address grammar', () => {
  it('parse(format(x)) deep-equals x for every table, type, order, bit and string length', () => {
    const all = allAddresses();
    expect(all.length).toBeGreaterThan(500);
    const texts = new Set<string>();
    for (const address of all) {
      const text = formatModbusAddress(address);
      expect(parse(text), text).toStrictEqual(address);
      texts.add(text);
    }
    // The canonical form is unique per address.
    expect(texts.size).toBe(all.length);
  });

  it('format(parse(t)) is canonical and stable', () => {
    for (const text of ['hr:8:float32:cdab', 'HR:8:FLOAT32:CDAB', ' hr:8:float32:cdab ', '40009:float32:cdab', '400009:float32:cdab']) {
      expect(formatModbusAddress(parse(text))).toBe('hr:8:float32:cdab');
    }
    expect(formatModbusAddress(parse('hr:8:uint16'))).toBe('hr:8');
    expect(formatModbusAddress(parse('hr:8:uint16:abcd'))).toBe('hr:8');
    expect(formatModbusAddress(parse('hr:8:float32:abcd'))).toBe('hr:8:float32');
    expect(formatModbusAddress(parse('hr:8:uint16:badc'))).toBe('hr:8:uint16:badc');
    expect(formatModbusAddress(parse('hr:20:string:16:abcd'))).toBe('hr:20:string:16');
    expect(formatModbusAddress(parse('hr:020'))).toBe('hr:20');
  });

  it('parses the issue examples', () => {
    expect(parse('hr:2:float32')).toStrictEqual({ table: 'hr', offset: 2, type: 'float32', order: 'abcd' });
    expect(parse('hr:8:float32:cdab')).toStrictEqual({ table: 'hr', offset: 8, type: 'float32', order: 'cdab' });
    expect(parse('coil:0')).toStrictEqual({ table: 'coil', offset: 0, type: 'bool', order: 'abcd' });
    expect(parse('di:7')).toStrictEqual({ table: 'di', offset: 7, type: 'bool', order: 'abcd' });
    expect(parse('ir:3')).toStrictEqual({ table: 'ir', offset: 3, type: 'uint16', order: 'abcd' });
    expect(parse('hr:5.15')).toStrictEqual({ table: 'hr', offset: 5, type: 'bool', order: 'abcd', bit: 15 });
    expect(parse('hr:20:string:16')).toStrictEqual({ table: 'hr', offset: 20, type: 'string', order: 'abcd', length: 16 });
    expect(parse('hr:20:string:16:badc')).toStrictEqual({ table: 'hr', offset: 20, type: 'string', order: 'badc', length: 16 });
  });

  it('Modicon aliases parse to the same canonical address', () => {
    const same: Array<[string[], string]> = [
      [['40001', '400001', 'hr:0'], 'hr:0'],
      [['30001', '300001', 'ir:0'], 'ir:0'],
      [['00001', '000001', 'coil:0'], 'coil:0'],
      [['10001', '100001', 'di:0'], 'di:0'],
      [['49999', '409999', 'hr:9998'], 'hr:9998'],
      [['465536', 'hr:65535'], 'hr:65535'],
      [['40003:float32', '400003:float32', 'hr:2:float32'], 'hr:2:float32'],
      [['40021:string:16', 'hr:20:string:16'], 'hr:20:string:16'],
      [['40006.3', '400006.3', 'hr:5.3'], 'hr:5.3'],
      [['30010:int64:dcba', 'ir:9:int64:dcba'], 'ir:9:int64:dcba'],
    ];
    for (const [aliases, canonical] of same) {
      const expected = parse(canonical);
      for (const alias of aliases) {
        expect(parse(alias), alias).toStrictEqual(expected);
        expect(formatModbusAddress(parse(alias))).toBe(canonical);
      }
    }
  });

  it('gives precise errors', () => {
    expect(error('hr:8:float33')).toBe('hr:8:float33: unknown type "float33"; expected one of int16, uint16, int32, uint32, int64, uint64, float32, float64, string');
    expect(error('hr:8:float32:abdc')).toBe('hr:8:float32:abdc: unknown order "abdc"; expected one of abcd, cdab, badc, dcba');
    expect(error('xr:1')).toMatch(/^xr:1: unknown table "xr"; expected one of coil, di, ir, hr/);
    expect(error('hr:')).toMatch(/offset/);
    expect(error('hr')).toMatch(/missing offset/);
    expect(error('hr:65536')).toMatch(/beyond 65535/);
    expect(error('hr:-1')).toMatch(/not a number/);
    expect(error('hr:65535:float32')).toBe('hr:65535:float32: float32 needs 2 registers from 65535, beyond the last register 65535');
    expect(error('hr:65530:string:16')).toMatch(/needs 8 registers/);
    expect(error('hr:5.16')).toMatch(/bit "16" must be 0..15/);
    expect(error('hr:5.3:float32')).toMatch(/takes no type/);
    expect(error('coil:1:float32')).toMatch(/coil is always bool/);
    expect(error('di:1.2')).toMatch(/single bit/);
    expect(error('hr:20:string')).toMatch(/needs its length/);
    expect(error('hr:20:string:0')).toMatch(/1..250/);
    expect(error('hr:20:string:251')).toMatch(/1..250/);
    expect(error('hr:20:string:16:cdab')).toMatch(/a string has no word order/);
    expect(error('hr:20:int16:cdab')).toMatch(/int16 is one register/);
    expect(error('hr:20:float32:cdab:x')).toMatch(/unexpected ":x"/);
    expect(error('hr:1:bool')).toMatch(/hr:1.<bit>/);
    expect(error('40000')).toMatch(/one-based/);
    expect(error('4001')).toMatch(/5 or 6 digits/);
    expect(error('4000001')).toMatch(/5 or 6 digits/);
    expect(error('50001')).toMatch(/start with 0 .*not 5/);
    expect(error('465537')).toMatch(/beyond 65536/);
    expect(error('00001:int16')).toMatch(/coil is always bool/);
    expect(error('')).toMatch(/unknown table/);
  });

  it('counts registers and bits', () => {
    expect(addressCount(parse('coil:3'))).toBe(1);
    expect(addressCount(parse('hr:3.4'))).toBe(1);
    expect(addressCount(parse('hr:3:float64'))).toBe(4);
    expect(addressCount(parse('hr:3:string:5'))).toBe(3);
  });
});
