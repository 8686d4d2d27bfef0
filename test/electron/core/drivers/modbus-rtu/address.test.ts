import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatModbusAddress, parseModbusAddress } from '../../../../../electron/core/drivers/modbus-tcp/address.js';
import {
  bitsPerCharacter,
  ceilingRequestsPerSecond,
  characterTimeMs,
  formatModbusRtuAddress,
  modbusRtuDriver,
  modbusRtuEndpoint,
  modbusRtuSettingsSchema,
  parseModbusRtuAddress,
  parseModbusRtuEndpoint,
  readFrameSizes,
  silentIntervalMs,
  transactionTimeMs,
  writeFrameSizes,
  type ModbusRtuAddress,
} from '../../../../../electron/core/drivers/modbus-rtu/index.js';

function parse(text: string): ModbusRtuAddress {
  const r = parseModbusRtuAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

function error(text: string): string {
  const r = parseModbusRtuAddress(text);
  if (r.ok) throw new Error(`${text} parsed as ${JSON.stringify(r.address)}`);
  return r.message;
}

describe('modbus-rtu address grammar', () => {
  const bases = ['coil:0', 'di:65535', 'hr:0', 'hr:1:int16', 'ir:9:float32:cdab', 'hr:4.15', 'hr:20:string:16:badc', 'hr:8:uint64:dcba', 'ir:100:float64'];

  it('parse(format(x)) deep-equals x, with and without a unit prefix', () => {
    for (const base of bases) {
      for (const unit of [undefined, 1, 17, 247]) {
        const address: ModbusRtuAddress = { ...parse(base) };
        if (unit !== undefined) address.unit = unit;
        const text = formatModbusRtuAddress(address);
        expect(parse(text), text).toStrictEqual(address);
        expect(text.startsWith('u')).toBe(unit !== undefined);
      }
    }
  });

  it('is the Modbus TCP grammar without a prefix (same canonical text, same aliases)', () => {
    for (const text of ['40001', '40003:float32', '30001', '00010', '10001', '400001', 'hr:0.3', 'HR:5:INT32:CDAB']) {
      const tcp = parseModbusAddress(text);
      expect(tcp.ok).toBe(true);
      if (!tcp.ok) continue;
      expect(parse(text)).toStrictEqual(tcp.address);
      expect(formatModbusRtuAddress(parse(text))).toBe(formatModbusAddress(tcp.address));
    }
    expect(parse('u7/40001')).toStrictEqual({ table: 'hr', offset: 0, type: 'uint16', order: 'abcd', unit: 7 });
    expect(formatModbusRtuAddress(parse('U12/40003:float32'))).toBe('u12/hr:2:float32');
  });

  it('rejects bad units and bad points with the reason', () => {
    expect(error('u0/hr:0')).toMatch(/1\.\.247/);
    expect(error('u248/hr:0')).toMatch(/1\.\.247/);
    expect(error('ux/hr:0')).toMatch(/unit "x"/);
    expect(error('u3/hr:x')).toMatch(/u3\/hr:x: hr:x: offset/);
    expect(error('u3/')).toMatch(/unknown table/);
    expect(error('foo:1')).toMatch(/unknown table/);
  });
});

describe('modbus-rtu endpoint', () => {
  it('parses the serial form of the issue with every line parameter', () => {
    expect(parseModbusRtuEndpoint('modbus-rtu:///dev/ttyUSB0?baud=19200&parity=even&databits=8&stopbits=1&unit=7')).toEqual({
      transport: 'serial',
      path: '/dev/ttyUSB0',
      host: '',
      port: 502,
      baud: 19200,
      parity: 'even',
      dataBits: 8,
      stopBits: 1,
      unitId: 7,
    });
    expect(parseModbusRtuEndpoint('modbus-rtu:///COM3?baud=9600')).toMatchObject({ path: 'COM3', baud: 9600 });
    expect(parseModbusRtuEndpoint('modbus-rtu:///tmp/my%20pty/a')).toMatchObject({ path: '/tmp/my pty/a' });
  });

  it('parses gateways: a host means RTU over TCP unless the transport says tcp-gateway', () => {
    expect(parseModbusRtuEndpoint('modbus-rtu://10.0.0.9:4001?unit=3')).toMatchObject({ transport: 'rtu-over-tcp', host: '10.0.0.9', port: 4001, unitId: 3 });
    expect(parseModbusRtuEndpoint('modbus-rtu://gw.plant?transport=tcp-gateway&baud=38400')).toMatchObject({ transport: 'tcp-gateway', host: 'gw.plant', port: 502, baud: 38400 });
  });

  it('format is the inverse of parse, and the settings it gives validate', () => {
    const endpoints = [
      'modbus-rtu:///dev/ttyUSB0?baud=19200&parity=even&databits=8&stopbits=1&unit=7',
      'modbus-rtu:///COM3?baud=9600&parity=none&databits=8&stopbits=2&unit=1',
      'modbus-rtu:///tmp/a%20b?baud=115200&parity=odd&databits=7&stopbits=1&unit=247',
      'modbus-rtu://10.0.0.9:4001?transport=rtu-over-tcp&baud=9600&parity=none&databits=8&stopbits=1&unit=3',
      'modbus-rtu://[::1]:502?transport=tcp-gateway&baud=9600&parity=mark&databits=8&stopbits=1&unit=3',
    ];
    for (const text of endpoints) {
      const settings = parseModbusRtuEndpoint(text);
      if (typeof settings === 'string') throw new Error(settings);
      const parsed = modbusRtuSettingsSchema.parse(modbusRtuDriver.settingsFromEndpoint!(text));
      expect(modbusRtuEndpoint(parsed)).toBe(text);
      expect(modbusRtuDriver.endpoint(parsed)).toBe(text);
    }
  });

  it('rejects mistakes with the reason', () => {
    const bad = (text: string) => {
      const r = parseModbusRtuEndpoint(text);
      if (typeof r !== 'string') throw new Error(`${text} parsed`);
      return r;
    };
    expect(bad('modbus-tcp://h')).toMatch(/not modbus-rtu/);
    expect(bad('modbus-rtu:///dev/ttyUSB0?baud=12')).toMatch(/baud/);
    expect(bad('modbus-rtu:///dev/ttyUSB0?parity=maybe')).toMatch(/parity/);
    expect(bad('modbus-rtu:///dev/ttyUSB0?databits=5')).toMatch(/databits/);
    expect(bad('modbus-rtu:///dev/ttyUSB0?stopbits=1.5')).toMatch(/stopbits/);
    expect(bad('modbus-rtu:///dev/ttyUSB0?unit=0')).toMatch(/unit/);
    expect(bad('modbus-rtu:///dev/ttyUSB0?speed=9600')).toMatch(/unknown parameter "speed"/);
    expect(bad('modbus-rtu:///dev/ttyUSB0?transport=tcp-gateway')).toMatch(/host:port/);
    expect(bad('modbus-rtu://host/dev/ttyUSB0')).toMatch(/three slashes/);
    expect(bad('modbus-rtu:///')).toMatch(/missing serial port path/);
    expect(() => modbusRtuDriver.settingsFromEndpoint!('nope')).toThrow(/not a URL/);
  });
});

describe('modbus-rtu settings', () => {
  it('needs a path for serial and a host for gateways; unknown keys are errors', () => {
    expect(modbusRtuSettingsSchema.safeParse({ path: '/dev/ttyS0' }).success).toBe(true);
    const noPath = modbusRtuSettingsSchema.safeParse({});
    expect(noPath.success).toBe(false);
    expect(noPath.error?.issues[0]?.path).toEqual(['path']);
    expect(modbusRtuSettingsSchema.safeParse({ transport: 'tcp-gateway' }).error?.issues[0]?.path).toEqual(['host']);
    expect(modbusRtuSettingsSchema.safeParse({ path: '/dev/ttyS0', baudrate: 9600 }).success).toBe(false);
    expect(modbusRtuSettingsSchema.safeParse({ path: '/dev/ttyS0', baud: 1_000_000 }).success).toBe(false);
    expect(modbusRtuSettingsSchema.parse({ path: '/dev/ttyS0' })).toMatchObject({ baud: 9600, parity: 'none', dataBits: 8, stopBits: 1, writes: 'disabled', demoteAfter: 3 });
  });

  it('describes every setting in its JSON Schema and allows no other keys', () => {
    const schema = z.toJSONSchema(modbusRtuSettingsSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { description?: string }>; additionalProperties: unknown };
    for (const [name, property] of Object.entries(schema.properties)) expect(property.description, name).toBeTruthy();
    expect(schema.additionalProperties).toBe(false);
  });
});

describe('serial line timing', () => {
  const line = (baud: number, parity: 'none' | 'even' = 'none', stopBits: 1 | 2 = 1) => ({ baud, parity, dataBits: 8 as const, stopBits });

  it('counts start + data + parity + stop bits per character', () => {
    expect(bitsPerCharacter(line(9600))).toBe(10);
    expect(bitsPerCharacter(line(9600, 'even'))).toBe(11);
    expect(bitsPerCharacter({ baud: 9600, parity: 'odd', dataBits: 7, stopBits: 2 })).toBe(11);
    expect(characterTimeMs(line(9600))).toBeCloseTo(1.04167, 4);
  });

  it('uses 3.5 characters up to 19,200 baud, 1.75 ms above, never below the floor', () => {
    expect(silentIntervalMs(line(9600))).toBeCloseTo(3.6458, 3);
    expect(silentIntervalMs(line(19200, 'even'))).toBeCloseTo(2.0052, 3);
    expect(silentIntervalMs(line(38400))).toBe(1.75);
    expect(silentIntervalMs(line(115200))).toBe(1.75);
    expect(silentIntervalMs(line(115200), 5)).toBe(5);
    expect(silentIntervalMs(line(9600), 2)).toBeCloseTo(3.6458, 3);
  });

  it('computes frame sizes and the ceiling of back-to-back transactions', () => {
    expect(readFrameSizes('hr', 125)).toEqual({ requestBytes: 8, responseBytes: 255, items: 125 });
    expect(readFrameSizes('coil', 9)).toEqual({ requestBytes: 8, responseBytes: 7, items: 9 });
    expect(writeFrameSizes(16, 3)).toEqual({ requestBytes: 15, responseBytes: 8, items: 3 });
    // 9600 8N1, 125 registers: 263 chars × 1.0417 ms + 2 × 3.646 ms = 281.25 ms → 3.56 req/s.
    expect(transactionTimeMs(line(9600), readFrameSizes('hr', 125))).toBeCloseTo(281.25, 1);
    expect(ceilingRequestsPerSecond(line(9600), readFrameSizes('hr', 125)) * 125).toBeCloseTo(444.4, 0);
    // 115200 8N1, one register: 15 chars × 86.8 µs + 3.5 ms = 4.80 ms → 208 req/s.
    expect(ceilingRequestsPerSecond(line(115200), readFrameSizes('hr', 1))).toBeCloseTo(208.2, 0);
  });
});
