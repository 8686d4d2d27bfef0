import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TIME_FORMATS } from '../../../shared/time/index.js';
import { assertBuilt, root, runCli } from '../../support/cli.js';

// The built `sensorvault time` command (bin/ -> dist/). Expected times are the Python-
// computed vectors of test/fixtures/time/vectors.json where one exists.
beforeAll(() => assertBuilt());

interface Vector { format: string; value: number | string; options?: { timeZone?: string; dst?: string; pivotYear?: number }; iso?: string; error?: string }
const vectors = (JSON.parse(readFileSync(path.join(root, 'test/fixtures/time/vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;

describe('sensorvault time formats', () => {
  it('prints one format per line, starting with its name, in catalogue order', async () => {
    const r = await runCli(['time', 'formats']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(TIME_FORMATS.map((f) => f.name));
    expect(lines.find((l) => l.startsWith('s7-dtl '))).toMatch(/Siemens S7; bytes\(12\); local time; 1 ns/);
  });

  it('--json is the catalogue; --markdown is docs/timestamp-formats.md', async () => {
    const json = await runCli(['time', 'formats', '--json']);
    expect((JSON.parse(json.stdout) as { name: string }[]).map((f) => f.name)).toEqual(TIME_FORMATS.map((f) => f.name));
    const md = await runCli(['time', 'formats', '--markdown']);
    expect(md.stdout).toBe(readFileSync(path.join(root, 'docs/timestamp-formats.md'), 'utf8'));
  });
});

describe('sensorvault time decode', () => {
  const decode = (args: string[]) => runCli(['time', 'decode', ...args]);

  it('decodes the byte example of the issue (wire-order hex)', async () => {
    const r = await decode(['--format', 's7-date-and-time', '0x2301151230450000']);
    expect(r).toMatchObject({ code: 0, stdout: '2023-01-15T12:30:45.000Z\n', stderr: '' });
  });

  it('prints as many fraction digits as the format resolves', async () => {
    expect((await decode(['--format', 'unix-s', '1774751400'])).stdout).toBe('2026-03-29T02:30:00Z\n');
    expect((await decode(['--format', 'unix-ms', '1774751400123'])).stdout).toBe('2026-03-29T02:30:00.123Z\n');
    expect((await decode(['--format', 'unix-us', '1774751400123456'])).stdout).toBe('2026-03-29T02:30:00.123456Z\n');
    expect((await decode(['--format', 'opcua-datetime', '134192250001234567'])).stdout).toBe('2026-03-29T02:30:00.1234567Z\n');
    expect((await decode(['--format', 'unix-ns', '1774751400123456789'])).stdout).toBe('2026-03-29T02:30:00.123456789Z\n');
    expect((await decode(['--format', 'unix-ms', '-1'])).stdout).toBe('1969-12-31T23:59:59.999Z\n');
  });

  it('decodes one vector of every format as the Python definition says', async () => {
    const picks = TIME_FORMATS.map((f) => vectors.find((v) => v.format === f.name && v.iso !== undefined && v.options === undefined)!);
    const results = await Promise.all(picks.map((v) => decode(['--format', v.format, String(v.value)])));
    results.forEach((r, i) => expect({ format: picks[i]!.format, code: r.code, out: r.stdout.trim(), err: r.stderr }).toEqual({ format: picks[i]!.format, code: 0, out: picks[i]!.iso, err: '' }));
  }, 120_000);

  it('reads local formats in --tz with the --dst policy; a gap is a clear error by default', async () => {
    const gap = await decode(['--format', 'iso8601-local', '--tz', 'Europe/Berlin', '2026-03-29T02:30:00']);
    expect(gap.code).toBe(1);
    expect(gap.stdout).toBe('');
    expect(gap.stderr).toContain('local time 02:30 does not exist on 2026-03-29 in Europe/Berlin (DST gap); choose dst=earlier or later (--dst earlier or --dst later)');
    expect((await decode(['--format', 'iso8601-local', '--tz', 'Europe/Berlin', '--dst', 'earlier', '2026-03-29T02:30:00'])).stdout).toBe('2026-03-29T00:30:00Z\n');
    expect((await decode(['--format', 'yyyymmddhhmmss', '--tz', 'Europe/Berlin', '--dst', 'later', '20261025023000'])).stdout).toBe('2026-10-25T01:30:00Z\n');
    expect((await decode(['--format', 'eu-dmy-dot', '--tz', 'Europe/Berlin', '29.07.2026 14:00'])).stdout).toBe('2026-07-29T12:00:00Z\n');
    expect((await decode(['--format', 'yymmddhhmmss', '--pivot', '60', '691231000000'])).stdout).toBe('1969-12-31T00:00:00Z\n');
  });

  it('joins an unquoted text value and reports durations with --json', async () => {
    expect((await decode(['--format', 'rfc2822', 'Sun,', '29', 'Mar', '2026', '04:30:00', '+0200'])).stdout).toBe('2026-03-29T02:30:00Z\n');
    const r = await decode(['--format', 's5time', '--json', '0x2150']);
    expect(JSON.parse(r.stdout)).toEqual({ format: 's5time', value: '0x2150', iso: '1970-01-01T00:02:30.00Z', ms: 150000, kind: 'duration', duration: 'PT2M30S' });
  });

  it('bad values exit 1 with a message that names the problem', async () => {
    const month = await decode(['--format', 'yyyymmddhhmmss', '20261325023000']);
    expect(month).toMatchObject({ code: 1, stdout: '' });
    expect(month.stderr).toBe('sensorvault: yyyymmddhhmmss: month 13 is not 1..12\n');
    const short = await decode(['--format', 's7-dtl', '0x07EA']);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('needs 12 bytes (24 hex digits), got 2');
    const wildcard = await decode(['--format', 'bacnet-date-time', '0x7E03FF07021E0000']);
    expect(wildcard.code).toBe(1);
    expect(wildcard.stderr).toContain('0xFF, the BACnet "unspecified" wildcard');
    const zone = await decode(['--format', 'iso8601', '--tz', 'Europe/Atlantis', '2026-03-29T02:30:00']);
    expect(zone.code).toBe(1);
    expect(zone.stderr).toContain('"Europe/Atlantis" is not an IANA zone name');
  });

  it('a fraction below the resolution, digits below 1 ns and years outside 1601..9999 (reviewer findings)', async () => {
    const frac = await decode(['--format', 'unix-ns', '1774751400123456789.5']);
    expect(frac).toMatchObject({ code: 1, stdout: '' });
    expect(frac.stderr).toBe('sensorvault: unix-ns has no fraction below 1 ns; got .5 (in 1774751400123456789.5); nothing finer is kept: drop the fraction\n');
    expect(frac.stderr).not.toContain('2^53');
    // A decimal beyond 2^53 is read exactly, not through a float.
    expect((await decode(['--format', 'unix-ms-float', '1774751400123456.5'])).stderr).toContain('the year 58209, outside 1601..9999');
    expect((await decode(['--format', 'iso8601', '2026-03-29T02:30:00.123456789123Z'])).stdout).toBe('2026-03-29T02:30:00.123456789Z\n');
    expect((await decode(['--format', 'unix-s-string', '1774751400.1234567891'])).stdout).toBe('2026-03-29T02:30:00.123456789Z\n');
    const far = await decode(['--format', 'unix-s', '99999999999999999999']);
    expect(far).toMatchObject({ code: 1, stdout: '' });
    expect(far.stderr).toContain('unix-s: the value is in the year 3168873852651, outside 1601..9999');
    expect((await decode(['--format', 'unix-ms', '-1e400'])).stderr).toContain('unix-ms: the value is in a year of 390 digits before year 0, outside 1601..9999');
    expect((await decode(['--format', 'unix-s', '253402300799'])).stdout).toBe('9999-12-31T23:59:59Z\n');
  });

  it('usage errors exit 2: unknown format (with the list hint), unknown flag, missing parts', async () => {
    const unknown = await decode(['--format', 'unix-seconds', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown time format "unix-seconds" \(did you mean unix-s, .*\); list them with `sensorvault time formats`/);
    const flag = await decode(['--format', 'unix-s', '--bogus', '1']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("'--bogus'");
    expect((await decode(['1774751400'])).code).toBe(2);
    const noValue = await decode(['--format', 'unix-s']);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain('time decode needs a value, e.g. sensorvault time decode --format unix-s 1774751400');
    expect((await decode(['--format', 'unix-s', '--dst', 'maybe', '1'])).code).toBe(2);
    expect((await runCli(['time', 'frobnicate'])).code).toBe(2);
  });
});

describe('sensorvault time guess', () => {
  it('ranks the register word order that gives a time near the others first', async () => {
    const r = await runCli(['time', 'guess', '0x8EA869C8', '0x8EE469C8']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^unix-s-u32-cdab {2}score [\d.]+ {2}2026-03-29T02:30:00Z 2026-03-29T02:31:00Z$/);
  });

  it('exit 1 when nothing fits', async () => {
    const r = await runCli(['time', 'guess', 'banana']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no format decodes every sample');
  });
});
