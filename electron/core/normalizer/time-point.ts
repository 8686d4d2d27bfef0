import type { TimestampRule } from '../../../shared/project.js';
import { decodeTime, findTimeFormat } from '../../../shared/time/index.js';
import type { DecodeSpec, RawSample } from '../drivers/types.js';
import { decodeRegisters } from './registers.js';

type PointRule = Extract<TimestampRule, { source: 'point' }>;

/** Why a timestamp rule's format cannot give a tag its time, or undefined when it can. */
export function timeFormatIssue(name: string): string | undefined {
  const format = findTimeFormat(name);
  if (format === undefined) return `unknown time format "${name}"; 'sensorvault time formats' lists the catalogue`;
  if (format.kind === 'duration' || format.kind === 'time-of-day') return `time format "${name}" is a ${format.kind}, not a point in time; choose a format with a date`;
  return undefined;
}

/**
 * The decoder of a timestamp point: the raw sample as the catalogue format expects it.
 * Registers go in as their bytes in wire order for byte layouts (a clock block, S7
 * DATE_AND_TIME), or decoded with the point's own type for number and text formats
 * (`hr:100:uint32` read as `unix-s`).
 */
export function compileTimeDecoder(rule: PointRule, decode: DecodeSpec, siteTimeZone: string): (sample: RawSample) => { ok: true; ms: number } | { ok: false; error: string } {
  const format = findTimeFormat(rule.format);
  const options = { timeZone: rule.timeZone ?? siteTimeZone, dst: rule.dst, pivotYear: rule.pivotYear };
  const result = (value: number | string | Uint8Array): { ok: true; ms: number } | { ok: false; error: string } => {
    const decoded = decodeTime(rule.format, value, options);
    return decoded.ok ? { ok: true, ms: decoded.ms } : { ok: false, error: decoded.error };
  };
  return (sample) => {
    const raw = sample.raw;
    if (raw === undefined) return { ok: false, error: 'no value' };
    if (raw.kind === 'bit') return { ok: false, error: `a single bit cannot hold a ${rule.format} time` };
    if (raw.kind === 'registers') {
      if (format?.input === 'bytes') {
        const bytes = new Uint8Array(raw.words.length * 2);
        raw.words.forEach((word, i) => {
          bytes[2 * i] = word >> 8;
          bytes[2 * i + 1] = word & 0xff;
        });
        return result(bytes);
      }
      if (decode.kind !== 'registers') return { ok: false, error: 'registers arrived for a point that does not decode registers' };
      const decoded = decodeRegisters(raw.words, decode).value;
      if (typeof decoded !== 'number' && typeof decoded !== 'string') return { ok: false, error: `the point decodes to ${typeof decoded}, not a ${rule.format} value` };
      return result(decoded);
    }
    const value = raw.value;
    if (typeof value !== 'number' && typeof value !== 'string') return { ok: false, error: `a ${typeof value} value is not a ${rule.format} time` };
    return result(value);
  };
}
