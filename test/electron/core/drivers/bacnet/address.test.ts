import { describe, expect, it } from 'vitest';
import {
  bacnetDriver,
  bacnetEndpoint,
  bacnetSettingsSchema,
  formatBacnetAddress,
  objectTypeAliases,
  parseBacnetAddress,
  parseBacnetEndpoint,
  unitSymbol,
  engineeringUnits,
  type BacnetAddress,
} from '../../../../../electron/core/drivers/bacnet/index.js';

function parse(text: string): BacnetAddress {
  const r = parseBacnetAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

const fullNames: Record<string, string> = {
  ai: 'analog-input',
  ao: 'analog-output',
  av: 'analog-value',
  bi: 'binary-input',
  bo: 'binary-output',
  bv: 'binary-value',
  msi: 'multi-state-input',
  mso: 'multi-state-output',
  msv: 'multi-state-value',
};

describe('BACnet point addresses', () => {
  it('parses every short form and its full name to the same address, default property present-value', () => {
    for (const [alias, type] of Object.entries(objectTypeAliases)) {
      const short = parse(`${alias}:7`);
      expect(short).toEqual({ objectType: type, instance: 7, property: 85 });
      expect(parse(`${fullNames[alias]}:7`)).toEqual(short);
      expect(parse(`${fullNames[alias]}:7:present-value`)).toEqual(short);
      expect(parse(`${alias.toUpperCase()}:7`)).toEqual(short);
    }
  });

  it('round-trips parse(format(x)) for every alias, property form and array index', () => {
    const texts: string[] = [];
    for (const alias of Object.keys(objectTypeAliases)) {
      texts.push(`${alias}:0`, `${alias}:4194302`, `${alias}:1:status-flags`, `${alias}:12:reliability`, `${alias}:3:out-of-service`, `${alias}:5:priority-array[8]`, `${alias}:5:priority-array[0]`);
      texts.push(`${fullNames[alias]}:99:object-name`, `${fullNames[alias]}:1:units`, `${alias}:2:85`, `${alias}:2:property-9999`);
    }
    texts.push('device:1234:object-list[3]', 'accumulator:1', 'trend-log:2:log-buffer', 'object-type-600:1', '600:1:85', 'integer-value:4', 'large-analog-value:1');
    for (const text of texts) {
      const address = parse(text);
      const canonical = formatBacnetAddress(address);
      expect(parse(canonical), `${text} → ${canonical}`).toEqual(address);
      expect(formatBacnetAddress(parse(canonical))).toBe(canonical);
    }
  });

  it('formats canonically: short type where there is one, present-value left out', () => {
    expect(formatBacnetAddress(parse('analog-input:1'))).toBe('ai:1');
    expect(formatBacnetAddress(parse('analog-input:1:present-value'))).toBe('ai:1');
    expect(formatBacnetAddress(parse('ai:1:85'))).toBe('ai:1');
    expect(formatBacnetAddress(parse('Binary-Output:3:Priority-Array[16]'))).toBe('bo:3:priority-array[16]');
    expect(formatBacnetAddress(parse('ai:1:111'))).toBe('ai:1:status-flags');
    expect(formatBacnetAddress(parse('multi-state-value:2:present-value[1]'))).toBe('msv:2:present-value[1]');
    expect(formatBacnetAddress(parse('accumulator:1'))).toBe('accumulator:1');
    expect(formatBacnetAddress(parse('device:9:vendor-name'))).toBe('device:9:vendor-name');
  });

  it('explains what is wrong', () => {
    const message = (text: string) => {
      const r = parseBacnetAddress(text);
      return r.ok ? 'ok' : r.message;
    };
    expect(message('xx:1')).toMatch(/unknown object type "xx"/);
    expect(message('ai')).toMatch(/expected <type>:<instance>/);
    expect(message('ai:-1')).toMatch(/not a number/);
    expect(message('ai:4194303')).toMatch(/beyond 4194302/);
    expect(message('ai:1:no-such-property')).toMatch(/unknown property/);
    expect(message('ai:1:status-flags:x')).toMatch(/expected <type>:<instance>/);
    expect(message('ai:1:priority-array[x]')).toMatch(/unknown property/);
  });

  it('is the grammar the definition exposes', () => {
    expect(bacnetDriver.parseAddress('ai:1:status-flags')).toEqual(parseBacnetAddress('ai:1:status-flags'));
    expect(bacnetDriver.formatAddress(parse('ai:1'))).toBe('ai:1');
    expect(bacnetDriver.decodeSpec(parse('ai:1'))).toEqual({ kind: 'value' });
  });
});

describe('bacnet:// endpoints', () => {
  it('parses host, port, device, bind and a route', () => {
    expect(parseBacnetEndpoint('bacnet://127.0.0.2:47808?device=1234')).toEqual({ ok: true, settings: { host: '127.0.0.2', port: 47808, deviceInstance: 1234 } });
    expect(parseBacnetEndpoint('bacnet://10.0.0.5?device=7&bind=0.0.0.0:0')).toEqual({
      ok: true,
      settings: { host: '10.0.0.5', port: 47808, deviceInstance: 7, bindAddress: '0.0.0.0', bindPort: 0 },
    });
    expect(parseBacnetEndpoint('bacnet://10.0.0.5:47808?device=7&network=5&mac=0A')).toEqual({
      ok: true,
      settings: { host: '10.0.0.5', port: 47808, deviceInstance: 7, network: 5, mac: '0a' },
    });
  });

  it('round-trips through bacnetEndpoint and validates against the settings schema', () => {
    const r = parseBacnetEndpoint('bacnet://192.168.1.20:47810?device=42&network=3&mac=c0a8010abac0');
    if (!r.ok) throw new Error(r.message);
    expect(bacnetEndpoint(r.settings)).toBe('bacnet://192.168.1.20:47810?device=42&network=3&mac=c0a8010abac0');
    const settings = bacnetSettingsSchema.parse(bacnetDriver.settingsFromEndpoint?.('bacnet://192.168.1.20?device=42'));
    expect(settings).toMatchObject({ host: '192.168.1.20', port: 47808, deviceInstance: 42, bindAddress: '0.0.0.0', bindPort: 47809, writes: 'disabled', cov: 'auto' });
  });

  it('rejects what it cannot use, saying why', () => {
    const message = (text: string) => {
      const r = parseBacnetEndpoint(text);
      return r.ok ? 'ok' : r.message;
    };
    expect(message('bacnet://127.0.0.1:47808')).toMatch(/missing device=N/);
    expect(message('modbus-tcp://127.0.0.1?device=1')).toMatch(/not bacnet/);
    expect(message('bacnet://plant.local?device=1')).toMatch(/IPv4/);
    expect(message('bacnet://127.0.0.1?device=1&unit=1')).toMatch(/unknown parameter "unit"/);
    expect(message('bacnet://127.0.0.1?device=99999999')).toMatch(/instance number/);
    expect(message('bacnet://127.0.0.1?device=1&bind=nowhere')).toMatch(/addr:port/);
    expect(() => bacnetDriver.settingsFromEndpoint?.('bacnet://127.0.0.1')).toThrow(/device/);
  });
});

describe('settings and units', () => {
  it('needs network and mac together, and defaults writes off', () => {
    expect(bacnetSettingsSchema.safeParse({ host: '10.0.0.1', deviceInstance: 1, network: 5 }).success).toBe(false);
    const s = bacnetSettingsSchema.parse({ host: '10.0.0.1', deviceInstance: 1 });
    expect(s).toMatchObject({ port: 47808, bindPort: 47809, writes: 'disabled', writePriority: 16, covConfirmed: 'unconfirmed', segmentation: 'auto' });
    expect(bacnetSettingsSchema.safeParse({ host: '10.0.0.1', deviceInstance: 1, surprise: true }).success).toBe(false);
  });

  it('maps engineering units to symbols', () => {
    expect(unitSymbol(62)).toBe('°C');
    expect(unitSymbol(64)).toBe('°F');
    expect(unitSymbol(98)).toBe('%');
    expect(unitSymbol(53)).toBe('Pa');
    expect(unitSymbol(54)).toBe('kPa');
    expect(unitSymbol(48)).toBe('kW');
    expect(unitSymbol(19)).toBe('kWh');
    expect(unitSymbol(135)).toBe('m³/h');
    expect(unitSymbol(87)).toBe('l/s');
    expect(unitSymbol(96)).toBe('ppm');
    expect(unitSymbol(95)).toBe('');
    expect(unitSymbol(60000)).toBe('unit 60000');
    expect(Object.keys(engineeringUnits).length).toBeGreaterThan(250);
  });
});
