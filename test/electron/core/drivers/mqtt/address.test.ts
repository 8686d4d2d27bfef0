import { describe, expect, it } from 'vitest';
import { createDriverRegistry } from '../../../../../electron/core/drivers/registry.js';
import { formatJsonPath, formatMqttAddress, mqttDriver, parseJsonPath, parseMqttAddress, type MqttAddress } from '../../../../../electron/core/drivers/mqtt/index.js';

function parse(text: string): MqttAddress {
  const r = parseMqttAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

function error(text: string): string {
  const r = parseMqttAddress(text);
  if (r.ok) throw new Error(`${text} parsed`);
  return r.message;
}

describe('MQTT address grammar', () => {
  it('registers alongside the built-in drivers', () => {
    expect(createDriverRegistry([mqttDriver]).ids()).toContain('mqtt');
  });

  it('parses plain topics with an optional type', () => {
    expect(parse('plant/line1/temp')).toEqual({ kind: 'plain', topic: 'plant/line1/temp' });
    expect(parse('plant/line1/run|type=boolean')).toEqual({ kind: 'plain', topic: 'plant/line1/run', type: 'boolean' });
    expect(parse('a/b|type:string')).toEqual({ kind: 'plain', topic: 'a/b', type: 'string' });
    expect(parse('/leading/slash')).toEqual({ kind: 'plain', topic: '/leading/slash' });
  });

  it('parses JSON decoders with value, timestamp and quality paths', () => {
    expect(parse('plant/m1|json:$.data.temp')).toEqual({ kind: 'json', topic: 'plant/m1', path: ['data', 'temp'] });
    expect(parse('plant/m1|json:data.temp')).toEqual({ kind: 'json', topic: 'plant/m1', path: ['data', 'temp'] });
    expect(parse('plant/m1|json:values[0]|ts:ts|quality:q')).toEqual({ kind: 'json', topic: 'plant/m1', path: ['values', 0], tsPath: ['ts'], qualityPath: ['q'] });
    expect(parse('plant/m1|json:$')).toEqual({ kind: 'json', topic: 'plant/m1', path: [] });
    expect(parse('m|json:["odd key"].x|type=number')).toEqual({ kind: 'json', topic: 'm', path: ['odd key', 'x'], type: 'number' });
    expect(parse("m|json:$['a b'][2]")).toEqual({ kind: 'json', topic: 'm', path: ['a b', 2] });
  });

  it('parses Sparkplug metrics in the spb: form and the topic form', () => {
    expect(parse('spb:Plant1/Edge1|metric:Temperature')).toEqual({ kind: 'sparkplug', group: 'Plant1', edge: 'Edge1', metric: 'Temperature' });
    expect(parse('spb:Plant1/Edge1/Pump3|metric:Inputs/Speed')).toEqual({ kind: 'sparkplug', group: 'Plant1', edge: 'Edge1', device: 'Pump3', metric: 'Inputs/Speed' });
    expect(parse('spBv1.0/Plant1/DDATA/Edge1/Pump3|sparkplug:Inputs/Speed')).toEqual(parse('spb:Plant1/Edge1/Pump3|metric:Inputs/Speed'));
    expect(parse('spBv1.0/Plant1/NBIRTH/Edge1|sparkplug:Node Control/Rebirth')).toEqual({ kind: 'sparkplug', group: 'Plant1', edge: 'Edge1', metric: 'Node Control/Rebirth' });
    // The metric name runs to the end: it may contain "|".
    expect(parse('spb:G/E|metric:a|b')).toMatchObject({ metric: 'a|b' });
  });

  it('rejects malformed addresses with the reason', () => {
    expect(error('plant/+/temp')).toMatch(/wildcard/);
    expect(error('plant/#')).toMatch(/wildcard/);
    expect(error('a|xml:b')).toMatch(/unknown segment/);
    expect(error('a|ts:t')).toMatch(/add \|json:/);
    expect(error('a|json:x|json:y')).toMatch(/twice/);
    expect(error('a|type=float')).toMatch(/unknown type/);
    expect(error('a|json:values[x]')).toMatch(/index/);
    expect(error('a|json:')).toMatch(/empty path/);
    expect(error('spb:G|metric:x')).toMatch(/spb:<group>\/<edge>/);
    expect(error('spb:G/E/D')).toMatch(/metric/);
    expect(error('spb:G/E+/D|metric:x')).toMatch(/edge node id/);
    expect(error('spBv1.0/G/STATE/E|sparkplug:x')).toMatch(/not a Sparkplug message type/);
    expect(error('spBv1.0/G/DDATA/E|sparkplug:x')).toMatch(/DDATA topic/);
    expect(error('spb:G/E|metric:')).toMatch(/missing metric/);
    expect(error('')).toMatch(/empty/);
  });

  it('formats canonically and round-trips parse(format(x))', () => {
    const texts = [
      'plant/line1/temp',
      'plant/line1/run|type=boolean',
      'a/b|type:string',
      'plant/m1|json:$.data.temp',
      'plant/m1|json:values[0]|ts:$.ts|quality:q|type=number',
      'plant/m1|type=string|quality:q|json:a|ts:t',
      'm|json:["odd key"].x',
      'm|json:$',
      "m|json:$['a.b'][12].c-d",
      'spb:Plant1/Edge1|metric:Temperature',
      'spBv1.0/Plant1/DDATA/Edge1/Pump3|sparkplug:Inputs/Speed',
      'spb:G/E|metric:a|b',
    ];
    for (const text of texts) {
      const address = parse(text);
      const canonical = formatMqttAddress(address);
      expect(parse(canonical), `${text} -> ${canonical}`).toEqual(address);
      expect(formatMqttAddress(parse(canonical))).toBe(canonical);
    }
    expect(formatMqttAddress(parse('plant/m1|json:$.data.temp'))).toBe('plant/m1|json:data.temp');
    expect(formatMqttAddress(parse('plant/m1|type=string|quality:q|json:a|ts:t'))).toBe('plant/m1|json:a|ts:t|quality:q|type=string');
    expect(formatMqttAddress(parse('spBv1.0/Plant1/DDATA/Edge1/Pump3|sparkplug:Inputs/Speed'))).toBe('spb:Plant1/Edge1/Pump3|metric:Inputs/Speed');
    expect(mqttDriver.formatAddress(parse('m|json:$'))).toBe('m|json:$');
  });

  it('round-trips JSON paths', () => {
    const paths: Array<Array<string | number>> = [[], ['a'], ['a', 'b'], ['a', 0, 'b'], [3], ['a b'], ['$x'], ['0'], ['a.b', 'c'], ['quote"d']];
    for (const path of paths) {
      const text = formatJsonPath(path);
      const back = parseJsonPath(text);
      expect(back.ok && back.path, text).toEqual(path);
    }
  });
});
