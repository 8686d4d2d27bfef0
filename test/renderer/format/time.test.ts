import { describe, expect, it } from 'vitest';
import { createTimeFormatter, formatTimeSpan, timeWithZone, zoneOf } from '../../../renderer/src/format/time.js';
import { TIME_ZONE_KEY, createSettingsStore } from '../../../renderer/src/state/settings.js';

// 2026-03-29 00:59:59.250 UTC: one second before central Europe moves to summer time.
const beforeDst = Date.UTC(2026, 2, 29, 0, 59, 59, 250);

describe('time formatting in one chosen zone', () => {
  it('formats the same instant in UTC and in a zone with a half-hour offset', () => {
    const utc = createTimeFormatter('UTC');
    const india = createTimeFormatter('Asia/Kolkata');
    expect(utc.time(beforeDst)).toBe('00:59:59.250');
    expect(india.time(beforeDst)).toBe('06:29:59.250');
    expect(india.dateTime(beforeDst)).toBe('2026-03-29 06:29:59.250');
    expect(india.label(beforeDst)).toBe('UTC+05:30');
    expect(utc.label(beforeDst)).toBe('UTC');
    expect(timeWithZone(utc, beforeDst)).toBe('2026-03-29 00:59:59.250 UTC');
  });

  it('follows daylight saving time', () => {
    const berlin = createTimeFormatter('Europe/Berlin');
    expect(berlin.time(beforeDst)).toBe('01:59:59.250');
    expect(berlin.label(beforeDst)).toBe('UTC+01:00');
    expect(berlin.time(beforeDst + 1_000)).toBe('03:00:00.250');
    expect(berlin.label(beforeDst + 1_000)).toBe('UTC+02:00');
  });

  it('formats axis ticks and spans, with dates only when a span crosses midnight', () => {
    const utc = createTimeFormatter('UTC');
    expect(utc.clock(beforeDst, false)).toBe('00:59');
    expect(utc.clock(beforeDst, true)).toBe('00:59:59');
    expect(formatTimeSpan(utc, beforeDst, beforeDst + 60_000)).toBe('00:59:59–01:00:59');
    expect(formatTimeSpan(utc, beforeDst - 3_600_000, beforeDst)).toBe('2026-03-28 23:59:59–2026-03-29 00:59:59');
  });

  it('gives uPlot a Date whose local fields are the wall time in the zone', () => {
    const d = createTimeFormatter('Asia/Kolkata').wallDate(beforeDst);
    expect([d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()]).toEqual([6, 29, 59, 250]);
  });

  it('maps the choice to a zone: the machine zone by default, or UTC', () => {
    expect(zoneOf('local', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(zoneOf('utc', 'Europe/Berlin')).toBe('UTC');
  });

  it('defaults to the machine zone and persists the choice', () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
    const store = createSettingsStore(storage);
    expect(store.getState().timeZone).toBe('local');
    store.getState().setTimeZone('utc');
    expect(saved.get(TIME_ZONE_KEY)).toBe('utc');
    expect(createSettingsStore(storage).getState().timeZone).toBe('utc');
    // A value this version does not know falls back to the default.
    saved.set(TIME_ZONE_KEY, 'Mars/Olympus');
    expect(createSettingsStore(storage).getState().timeZone).toBe('local');
  });
});
