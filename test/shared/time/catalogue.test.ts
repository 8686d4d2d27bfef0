import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIME_FORMATS, catalogueMarkdown, decodeTime, formatUtcIso, guessTimeFormat, parseTimeValue, type DecodeOptions } from '../../../shared/time/index.js';
import { root } from '../../support/cli.js';

interface Vector {
  format: string;
  value: number | string;
  options?: DecodeOptions;
  note?: string;
  iso?: string;
  ms?: number;
  error?: string;
}

// Expected values come from scripts/time-vectors.py (Python stdlib, from each format's
// published definition), not from the decoders under test.
const fixture = JSON.parse(readFileSync(path.join(root, 'test/fixtures/time/vectors.json'), 'utf8')) as { vectors: Vector[] };
const vectors = fixture.vectors;

describe('timestamp catalogue', () => {
  it('has at least 47 uniquely named formats, including the names of the issue', () => {
    expect(TIME_FORMATS.length).toBeGreaterThanOrEqual(47);
    expect(new Set(TIME_FORMATS.map((f) => f.name)).size).toBe(TIME_FORMATS.length);
    for (const name of ['unix-s', 'unix-ms', 'unix-us', 'unix-ns', 'opcua-datetime', 'windows-filetime', 'dotnet-ticks', 'excel-1900', 'excel-1904', 's7-date-and-time', 's7-dtl', 'iec61131-dt', 'bacnet-date-time', 'gps-seconds', 'ntp-64', 'iso8601', 'rfc2822', 'yyyymmddhhmmss']) {
      expect(TIME_FORMATS.map((f) => f.name)).toContain(name);
    }
    for (const w of ['abcd', 'cdab', 'badc', 'dcba']) expect(TIME_FORMATS.map((f) => f.name)).toContain(`unix-s-u32-${w}`);
  });

  it('documents every format: layout, epoch, resolution, producers, an example that decodes', () => {
    for (const f of TIME_FORMATS) {
      expect(f.name, f.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(f.layout.length, `${f.name} layout`).toBeGreaterThan(20);
      expect(f.epoch.length, `${f.name} epoch`).toBeGreaterThan(3);
      expect(f.producers.length, `${f.name} producers`).toBeGreaterThan(0);
      expect(f.resolution.digits).toBeGreaterThanOrEqual(0);
      if (f.input === 'bytes') expect(f.byteLength, f.name).toBeGreaterThan(0);
      const r = decodeTime(f.name, f.input === 'string' ? f.example.value : parseTimeValue(f.example.value));
      expect(r, `${f.name} example`).toMatchObject({ ok: true, iso: f.example.iso });
    }
  });

  it('every format has at least 3 vectors, and every vector names a catalogue format', () => {
    const names = new Set(TIME_FORMATS.map((f) => f.name));
    for (const v of vectors) expect(names.has(v.format), v.format).toBe(true);
    for (const f of TIME_FORMATS) expect(vectors.filter((v) => v.format === f.name).length, f.name).toBeGreaterThanOrEqual(3);
    expect(vectors.filter((v) => v.error !== undefined).length).toBeGreaterThan(40);
  });

  it.each(vectors.map((v, i) => [i, `${v.format} ${JSON.stringify(v.value)}${v.options ? ` ${JSON.stringify(v.options)}` : ''}${v.note ? ` (${v.note})` : ''}`, v] as const))('vector %i: %s', (_i, _label, v) => {
    const r = decodeTime(v.format, v.value, v.options);
    if (v.error !== undefined) {
      expect(r.ok, JSON.stringify(r)).toBe(false);
      if (!r.ok) expect(r.error).toContain(v.error);
    } else {
      expect(r).toMatchObject({ ok: true, iso: v.iso, ms: v.ms });
    }
  });

  it('docs/timestamp-formats.md is the generated catalogue and names every format', () => {
    const doc = readFileSync(path.join(root, 'docs/timestamp-formats.md'), 'utf8');
    expect(doc).toBe(catalogueMarkdown());
    for (const f of TIME_FORMATS) expect(doc).toContain(`### ${f.name}\n`);
  });
});

describe('decodeTime', () => {
  it('keeps sub-millisecond digits of us and ns formats (BigInt), and reports them', () => {
    const r = decodeTime('unix-ns', '1774751400123456789');
    expect(r).toEqual({ ok: true, ms: 1774751400123, iso: '2026-03-29T02:30:00.123456789Z', fraction: { digits: 9, subMsNs: 456789 }, kind: 'instant' });
    expect(decodeTime('unix-ns', 1774751400123456789n)).toMatchObject({ iso: '2026-03-29T02:30:00.123456789Z' });
    expect(decodeTime('unix-us', 1774751400123456)).toMatchObject({ iso: '2026-03-29T02:30:00.123456Z', fraction: { digits: 6, subMsNs: 456000 } });
    expect(decodeTime('opcua-datetime', '134192250001234567')).toMatchObject({ iso: '2026-03-29T02:30:00.1234567Z' });
  });

  it('explains bad input: what is wrong and what to do', () => {
    const err = (name: string, value: number | string | Uint8Array, options?: DecodeOptions) => {
      const r = decodeTime(name, value, options);
      if (r.ok) throw new Error(`${name} ${String(value)} decoded to ${r.iso}`);
      return r.error;
    };
    expect(err('yyyymmddhhmmss', 20261325023000)).toBe('yyyymmddhhmmss: month 13 is not 1..12');
    expect(err('s7-date-and-time', '0x2613')).toMatch(/needs 8 bytes \(16 hex digits\), got 2/);
    expect(err('s7-date-and-time', 'hello')).toMatch(/takes 8 bytes as hex in wire order \(e\.g\. 0x/);
    expect(err('unix-s', 'tomorrow')).toMatch(/"tomorrow" is not a number/);
    expect(err('unix-s', 1.5)).toBe('unix-s has no fraction below 1 s; got .5 (in 1.5); for fractions of a second use unix-s-float');
    expect(err('unix-ns', 1774751400123456789)).toMatch(/beyond 2\^53.*pass it as text or BigInt/);
    expect(err('no-such-format', 1)).toMatch(/unknown time format "no-such-format".*sensorvault time formats/);
    expect(err('unix-nanos', 1)).toMatch(/did you mean unix-s, /);
    expect(err('iso8601', '2026-03-29T02:30:00', { timeZone: 'Mars/Olympus' })).toMatch(/"Mars\/Olympus" is not an IANA zone name/);
    expect(err('iso8601', '2026-03-29T02:30:00Z', { pivotYear: 100 })).toMatch(/pivotYear 100 is not an integer 0\.\.99/);
    expect(err('bacnet-date-time', '0x7E03FF07021E0000')).toMatch(/byte 2 \(day\) is 0xFF, the BACnet "unspecified" wildcard/);
    expect(err('opcua-datetime', 0)).toMatch(/null DateTime.*use the receive time/);
    expect(err('excel-1900', 60)).toMatch(/1900-02-29.*Lotus/);
    expect(err('s7-date-and-time', '0x2603290230000002')).toMatch(/weekday 2 does not match 2026-03-29, a Sunday \(1\)/);
  });

  it('a fraction below the resolution of an integer format says so, even beyond 2^53 as text', () => {
    const r = decodeTime('unix-ns', '1774751400123456789.5');
    expect(r).toEqual({ ok: false, error: 'unix-ns has no fraction below 1 ns; got .5 (in 1774751400123456789.5); nothing finer is kept: drop the fraction' });
    expect(decodeTime('unix-ns', parseTimeValue('1774751400123456789.5'))).toEqual(r);
    expect(decodeTime('unix-ms', '1774751400123.250')).toMatchObject({ ok: false, error: expect.stringContaining('unix-ms has no fraction below 1 ms; got .25 (in 1774751400123.250)') });
    expect(decodeTime('unix-ns-string', '1774751400123456789.5')).toMatchObject({ ok: false, error: expect.stringContaining('unix-ns-string has no fraction below 1 ns; got .5') });
    // Whole values written with a zero fraction are integers.
    expect(decodeTime('unix-ns', '1774751400123456789.000')).toMatchObject({ ok: true, iso: '2026-03-29T02:30:00.123456789Z' });
  });

  it('cuts fraction digits below 1 ns in text that keeps the digits written (never rounds)', () => {
    expect(decodeTime('iso8601', '2026-03-29T02:30:00.9999999999Z')).toMatchObject({ ok: true, iso: '2026-03-29T02:30:00.999999999Z', fraction: { digits: 9 } });
    expect(decodeTime('unix-s-string', '1774751400.1234567899')).toMatchObject({ ok: true, iso: '2026-03-29T02:30:00.123456789Z' });
    expect(decodeTime('iec61131-tod', 'TOD#02:30:00.1234567891')).toMatchObject({ ok: true, iso: '1970-01-01T02:30:00.123456789Z' });
    const doc = catalogueMarkdown();
    expect(doc).toContain('reads up to 9\n  fraction digits (1 ns) and cuts the rest');
    expect(doc).not.toMatch(/fraction up to 9 digits/);
  });

  it('refuses instants outside the years 1601..9999 in every format, naming the year', () => {
    expect(decodeTime('unix-s', '99999999999999999999')).toEqual({
      ok: false,
      error: 'unix-s: the value is in the year 3168873852651, outside 1601..9999 (the years ISO 8601 writes without expansion); check the format, its unit (s, ms, us, ns) and the byte order',
    });
    expect(decodeTime('unix-s', 253402300799)).toMatchObject({ ok: true, iso: '9999-12-31T23:59:59Z' });
    expect(decodeTime('unix-s', 253402300800)).toMatchObject({ ok: false, error: expect.stringContaining('the year 10000, outside') });
    expect(decodeTime('unix-s', -11644473600)).toMatchObject({ ok: true, iso: '1601-01-01T00:00:00Z' });
    expect(decodeTime('unix-s', -11644473601)).toMatchObject({ ok: false, error: expect.stringContaining('the year 1600, outside') });
    expect(decodeTime('dotnet-ticks', 0)).toMatchObject({ ok: false, error: expect.stringContaining('the year 1, outside') });
    expect(decodeTime('excel-1900', 1)).toMatchObject({ ok: true, iso: '1900-01-01T00:00:00.000Z' });
    // No decoder of the catalogue prints an expanded (+/-YYYYYY) year for its extreme inputs.
    for (const f of TIME_FORMATS) {
      const extremes = f.input === 'bytes' ? [`0x${'FF'.repeat(f.byteLength!)}`, `0x${'00'.repeat(f.byteLength!)}`] : f.input === 'number' ? ['1e30', '-1e30', '9223372036854775807'] : [];
      for (const x of extremes) {
        const r = decodeTime(f.name, x);
        if (r.ok) expect(r.iso, `${f.name} ${x}`).toMatch(/^\d{4}-/);
      }
    }
  });

  it('applies the DST policy to local formats: gap and overlap, earlier/later/reject', () => {
    const berlin = { timeZone: 'Europe/Berlin' };
    expect(decodeTime('iso8601-local', '2026-03-29T02:30:00', berlin)).toEqual({
      ok: false,
      error: 'iso8601-local: local time 02:30 does not exist on 2026-03-29 in Europe/Berlin (DST gap); choose dst=earlier or later',
    });
    // Gap 02:00 -> 03:00 CEST: earlier = 01:30 CET = 00:30Z, later = 03:30 CEST = 01:30Z.
    expect(decodeTime('iso8601-local', '2026-03-29T02:30:00', { ...berlin, dst: 'earlier' })).toMatchObject({ iso: '2026-03-29T00:30:00Z' });
    expect(decodeTime('iso8601-local', '2026-03-29T02:30:00', { ...berlin, dst: 'later' })).toMatchObject({ iso: '2026-03-29T01:30:00Z' });
    // Overlap 03:00 CEST -> 02:00 CET: 02:30 happens at 00:30Z and 01:30Z.
    expect(decodeTime('yyyymmddhhmmss', 20261025023000, berlin)).toMatchObject({ ok: false, error: expect.stringContaining('occurs twice on 2026-10-25 in Europe/Berlin (DST overlap)') });
    expect(decodeTime('yyyymmddhhmmss', 20261025023000, { ...berlin, dst: 'earlier' })).toMatchObject({ iso: '2026-10-25T00:30:00Z' });
    expect(decodeTime('yyyymmddhhmmss', 20261025023000, { ...berlin, dst: 'later' })).toMatchObject({ iso: '2026-10-25T01:30:00Z' });
    // Outside transitions the policy does not matter; non-local formats ignore the zone.
    expect(decodeTime('yyyymmddhhmmss', 20260715120000, { ...berlin, dst: 'reject' })).toMatchObject({ iso: '2026-07-15T10:00:00Z' });
    expect(decodeTime('unix-s', 1774751400, { ...berlin, dst: 'reject' })).toMatchObject({ iso: '2026-03-29T02:30:00Z' });
  });

  it('reads two-digit years with the pivot (default 70)', () => {
    expect(decodeTime('yymmddhhmmss', 691231000000)).toMatchObject({ iso: '2069-12-31T00:00:00Z' });
    expect(decodeTime('yymmddhhmmss', 700101000000)).toMatchObject({ iso: '1970-01-01T00:00:00Z' });
    expect(decodeTime('yymmddhhmmss', 691231000000, { pivotYear: 60 })).toMatchObject({ iso: '1969-12-31T00:00:00Z' });
    expect(decodeTime('eu-dmy-dot-2y', '01.01.05', { pivotYear: 0 })).toMatchObject({ iso: '1905-01-01T00:00:00Z' });
  });

  it('formatUtcIso prints the digits asked for and cuts, never rounds', () => {
    expect(formatUtcIso(0, 0)).toBe('1970-01-01T00:00:00Z');
    expect(formatUtcIso(1774751400123, 9, 456789)).toBe('2026-03-29T02:30:00.123456789Z');
    expect(formatUtcIso(1774751400999, 1)).toBe('2026-03-29T02:30:00.9Z');
    expect(formatUtcIso(-1, 3)).toBe('1969-12-31T23:59:59.999Z');
  });

  it('parseTimeValue: hex -> bytes, safe integers -> number, big integers stay text', () => {
    expect(parseTimeValue('0x2301151230450000')).toEqual(new Uint8Array([0x23, 0x01, 0x15, 0x12, 0x30, 0x45, 0x00, 0x00]));
    expect(parseTimeValue('1774751400')).toBe(1774751400);
    expect(parseTimeValue('45678.5')).toBe(45678.5);
    expect(parseTimeValue('1774751400123456789')).toBe('1774751400123456789');
    expect(parseTimeValue('2026-03-29T02:30:00Z')).toBe('2026-03-29T02:30:00Z');
    expect(parseTimeValue('0x123')).toBe('0x123');
  });
});

describe('guessTimeFormat', () => {
  const now = Date.UTC(2026, 2, 29, 12);

  it('proposes unix-ms for increasing ms samples, with the decoded times', () => {
    const guesses = guessTimeFormat([1774751400123, 1774751401123, 1774751402123], { now });
    expect(guesses[0]).toEqual({ name: 'unix-ms', score: 1, decoded: ['2026-03-29T02:30:00.123Z', '2026-03-29T02:30:01.123Z', '2026-03-29T02:30:02.123Z'] });
    expect(guesses.map((g) => g.name)).not.toContain('unix-s');
  });

  it('prefers increasing times and times near now', () => {
    const up = guessTimeFormat([1774751400, 1774751460], { now });
    const down = guessTimeFormat([1774751460, 1774751400], { now });
    expect(up[0]!.name).toBe('unix-s');
    expect(up[0]!.score).toBeGreaterThan(down[0]!.score);
    // 45000-ish are Excel serials in 2023..2026, not Unix seconds (1970) or GPS seconds.
    const excel = guessTimeFormat([46110.25, 46110.5], { now });
    expect(excel[0]!.name).toBe('excel-1900');
  });

  it('finds the word order of a 32-bit register pair and a string format', () => {
    const wire = '0x8EA869C8'; // 1774751400 with the words swapped
    const guesses = guessTimeFormat([wire], { now });
    expect(guesses[0]!.name).toBe('unix-s-u32-cdab');
    expect(guessTimeFormat(['29.03.2026 02:30:00', '29.03.2026 02:31:00'], { now })[0]!.name).toBe('eu-dmy-dot');
    expect(guessTimeFormat(['Sun, 29 Mar 2026 04:30:00 +0200'], { now }).map((g) => g.name)).toEqual(['rfc2822']);
  });

  it('returns nothing for values that are no plausible time', () => {
    expect(guessTimeFormat(['banana'], { now })).toEqual([]);
    expect(guessTimeFormat([], { now })).toEqual([]);
  });
});
