import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, attachSignedValues, parseDuration, parseTimeArg } from '../../../electron/cli/args.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90 * S],
    ['90', 90 * S],
    ['1.5', 1500],
    ['5min', 5 * MIN],
    ['5m', 5 * MIN],
    ['5 minutes', 5 * MIN],
    ['1h30m', 90 * MIN],
    ['1h 30min', 90 * MIN],
    ['1.5h', 90 * MIN],
    ['2h', 2 * H],
    ['2hr', 2 * H],
    ['2d', 2 * D],
    ['1w', 7 * D],
    ['1d12h', 36 * H],
    ['2m30s', 150 * S],
    ['1s500ms', 1500],
    ['PT1H30M', 90 * MIN],
    ['P1D', D],
    ['pt90s', 90 * S],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--for')).toBe(ms);
  });

  it.each(['', 'abc', '5x', '1h30', 'h', '-5m', '+5m', '5m-', 'P', 'PT', '1..5s'])('refuses %j, naming the option and the accepted forms', (text) => {
    const error = (() => {
      try {
        parseDuration(text, '--for');
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^--for: ".*" is not a duration/);
    expect((error as Error).message).toContain('1h30m');
    expect((error as Error).message).toContain('5min');
  });

  it('says a duration has no sign', () => {
    expect(() => parseDuration('-1h', '--for')).toThrow(/has no sign/);
  });
});

describe('parseTimeArg', () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
    // Node re-reads TZ when it changes: a zone with DST makes "local midnight" testable.
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  // 2026-03-09 12:00 in New York (EDT, UTC-4); the day before had 23 hours (DST began).
  const now = Date.UTC(2026, 2, 9, 16, 0, 0);

  it.each([
    ['now', now],
    ['NOW', now],
    ['-1h', now - H],
    ['-90s', now - 90 * S],
    ['-1h30m', now - 90 * MIN],
    ['+5min', now + 5 * MIN],
    ['now-24h', now - 24 * H],
    ['now - 24h', now - 24 * H],
    ['now+5min', now + 5 * MIN],
    ['now-1w', now - 7 * D],
    ['2h ago', now - 2 * H],
    ['1h30m ago', now - 90 * MIN],
    // Midnight local time: 00:00 EDT = 04:00 UTC; yesterday 00:00 EST = 05:00 UTC.
    ['today', Date.UTC(2026, 2, 9, 4, 0, 0)],
    ['yesterday', Date.UTC(2026, 2, 8, 5, 0, 0)],
    ['Yesterday', Date.UTC(2026, 2, 8, 5, 0, 0)],
    ['today+8h', Date.UTC(2026, 2, 9, 12, 0, 0)],
    ['yesterday-30min', Date.UTC(2026, 2, 8, 4, 30, 0)],
    ['2026-12-01T08:00:00Z', Date.UTC(2026, 11, 1, 8, 0, 0)],
    ['2026-12-01T08:00:00.250Z', Date.UTC(2026, 11, 1, 8, 0, 0, 250)],
    ['2026-12-01T09:00+01:00', Date.UTC(2026, 11, 1, 8, 0, 0)],
    ['2026-12-01T03:00:00-0500', Date.UTC(2026, 11, 1, 8, 0, 0)],
    ['2026-12-01 08:00:00Z', Date.UTC(2026, 11, 1, 8, 0, 0)],
  ])('%s', (text, ms) => {
    expect(parseTimeArg(text, '--from', now)).toBe(ms);
  });

  it('today and yesterday follow the local zone, not UTC', () => {
    process.env.TZ = 'Asia/Tokyo';
    // 2026-03-09 16:00 UTC is 2026-03-10 01:00 in Tokyo (UTC+9, no DST).
    expect(parseTimeArg('today', '--from', now)).toBe(Date.UTC(2026, 2, 9, 15, 0, 0));
    expect(parseTimeArg('yesterday', '--from', now)).toBe(Date.UTC(2026, 2, 8, 15, 0, 0));
  });

  it.each([
    ['2026-12-01T08:00:00', /--from: "2026-12-01T08:00:00" has no time zone; add Z/],
    ['2026-12-01', /has no time zone.*today\/yesterday/],
    ['tomorrow', /--from: "tomorrow" is not a time; use now, -1h/],
    ['', /is not a time/],
    ['now-5x', /offset "5x" that is not a duration/],
    ['today+', /is not a time|not a duration/],
    ['soon ago', /"soon", which is not a duration/],
    ['2026-13-45T99:00:00Z', /not a valid ISO 8601 time/],
  ])('refuses %j clearly', (text, message) => {
    expect(() => parseTimeArg(text, '--from', now)).toThrow(UsageError);
    expect(() => parseTimeArg(text, '--from', now)).toThrow(message);
  });

  it('lists the accepted forms in every error', () => {
    expect(() => parseTimeArg('tomorrow', '--to', now)).toThrow(/now-24h.*today.*yesterday.*local time zone.*2026-12-01T08:00:00Z/);
  });
});

describe('attachSignedValues', () => {
  it('passes a leading-dash time as the value of --from/--to, and nothing else', () => {
    expect(attachSignedValues(['--db', 'x.db', '--from', '-1h', '--to', '-5min', '--tag', '-x'], ['--from', '--to'])).toEqual(['--db', 'x.db', '--from=-1h', '--to=-5min', '--tag', '-x']);
    expect(attachSignedValues(['--from', '--to', 'now'], ['--from', '--to'])).toEqual(['--from', '--to', 'now']);
  });
});
