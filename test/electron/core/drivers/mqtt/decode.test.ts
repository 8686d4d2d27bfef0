import { describe, expect, it } from 'vitest';
import { decodePlain, isValidFilter, mqttSettingsSchema, parseQuality, parseTimestamp, topicMatches } from '../../../../../electron/core/drivers/mqtt/index.js';
import { longToNumber, metricValue } from '../../../../../electron/core/drivers/mqtt/sparkplug.js';

describe('payload decoders (pure)', () => {
  it('reads plain payloads', () => {
    expect(decodePlain(Buffer.from(' -1.5e3 '), undefined)).toEqual({ value: -1500, quality: 'good' });
    expect(decodePlain(Buffer.from('OFF'), undefined)).toEqual({ value: false, quality: 'good' });
    expect(decodePlain(Buffer.from('0x10'), undefined)).toEqual({ value: '0x10', quality: 'good' });
    expect(decodePlain(Buffer.from('12'), 'string')).toEqual({ value: '12', quality: 'good' });
    expect(decodePlain(Buffer.from('2'), 'boolean')).toMatchObject({ quality: 'bad', status: 'not a boolean: 2' });
  });

  it('turns epoch s/ms/µs/ns and ISO 8601 into UTC ms', () => {
    expect(parseTimestamp(1767323045)).toBe(1767323045000);
    expect(parseTimestamp(1767323045.25)).toBe(1767323045250);
    expect(parseTimestamp(1767323045123)).toBe(1767323045123);
    expect(parseTimestamp(1767323045123456)).toBe(1767323045123);
    expect(parseTimestamp(1767323045123456789)).toBe(1767323045123);
    expect(parseTimestamp('1767323045')).toBe(1767323045000);
    expect(parseTimestamp('2026-01-02T03:04:05.5Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 500));
    expect(parseTimestamp('2026-01-02T05:04:05+02:00')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2026-01-02T03:04:05')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2026-01-02')).toBe(Date.UTC(2026, 0, 2));
    expect(parseTimestamp('soon')).toMatch(/neither epoch/);
    expect(parseTimestamp(null)).toMatch(/null/);
  });

  it('maps quality text, booleans and OPC UA status codes', () => {
    expect(parseQuality('GOOD')).toEqual({ quality: 'good' });
    expect(parseQuality('Bad_SensorFailure')).toMatchObject({ quality: 'bad' });
    expect(parseQuality('uncertain')).toMatchObject({ quality: 'uncertain' });
    expect(parseQuality(0)).toEqual({ quality: 'good' });
    expect(parseQuality(0x40920000)).toMatchObject({ quality: 'uncertain', status: 'status code 0x40920000 in payload' });
    expect(parseQuality(2156134400)).toMatchObject({ quality: 'bad' });
    expect(parseQuality('0x80000000')).toMatchObject({ quality: 'bad' });
    expect(parseQuality(true)).toEqual({ quality: 'good' });
    expect(parseQuality(false)).toMatchObject({ quality: 'bad' });
    expect(parseQuality('weird')).toMatchObject({ quality: 'uncertain', status: expect.stringMatching(/unrecognised/) });
  });

  it('converts Sparkplug Longs and datatypes', () => {
    expect(longToNumber({ low: -1, high: -1, unsigned: true }, 'signed')).toBe(-1);
    expect(longToNumber({ low: -1, high: 0, unsigned: true })).toBe(4294967295);
    expect(metricValue('UInt32', { low: -294967296, high: 0, unsigned: true }, false)).toEqual({ value: 4_000_000_000, quality: 'good' });
    expect(metricValue('DataSet', {}, false)).toMatchObject({ quality: 'bad', status: 'Sparkplug datatype DataSet cannot be a tag value' });
    expect(metricValue('Double', 1, true)).toMatchObject({ quality: 'bad', status: 'null value' });
  });

  it('matches topic filters like a broker', () => {
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    expect(isValidFilter('a/#/b')).toBe(false);
    expect(isValidFilter('a/b+')).toBe(false);
  });

  it('validates settings with reasons', () => {
    const issues = (input: unknown) => {
      const r = mqttSettingsSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ url: 'mqtt://h:1883' })).toEqual([]);
    expect(issues({ url: 'tcp://h' })[0]).toMatch(/^url: must be mqtt/);
    expect(issues({ url: 'mqtt://h', session: 'persistent' })).toEqual(['clientId: a persistent session needs a fixed clientId']);
    expect(issues({ url: 'mqtt://h', tls: { caFile: '/ca' } })).toEqual(['tls: tls settings need an mqtts:// url']);
    expect(issues({ url: 'mqtts://h', tls: { certFile: '/c' } })).toEqual(['tls.keyFile: certFile and keyFile go together (both for mTLS, or neither)']);
    expect(issues({ url: 'mqtt://h', subscriptions: [{ filter: 'a/#/b' }] })[0]).toMatch(/not a valid MQTT topic filter/);
    expect(issues({ url: 'mqtt://h', password: 'x' })[0]).toMatch(/password/);
    expect(issues({ url: 'mqtt://h:70000' })[0]).toMatch(/port/);
  });
});
