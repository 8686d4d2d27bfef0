import { type DecodeOptions, TIME_FORMATS, decodeTime, hexToBytes } from './decode.js';
import type { TimeFormat } from './formats.js';

export interface GuessOptions extends DecodeOptions {
  /** "Now" for the closeness bonus (ms); default Date.now(). */
  now?: number;
  /** At most this many guesses; default all plausible ones. */
  limit?: number;
}

export interface TimeGuess {
  name: string;
  /** 0..1: higher is more plausible. */
  score: number;
  /** Each sample decoded (UTC ISO 8601). */
  decoded: string[];
}

const LOW = Date.UTC(1990, 0, 1);
const HIGH = Date.UTC(2100, 0, 1);
const YEAR = 365.25 * 86_400_000;

function accepts(format: TimeFormat, sample: string | number): boolean {
  if (format.input === 'bytes') return typeof sample === 'string' && /^\s*0x/i.test(sample) && hexToBytes(sample) !== undefined;
  if (format.input === 'number') return typeof sample === 'number' || /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(sample);
  return true;
}

/**
 * Proposes formats for a few sample values of one point, most plausible first. Plausible:
 * every sample decodes to a time in 1990..2100. Scores prefer times that increase from
 * sample to sample, lie near now, and formats whose input kind is the samples' own.
 */
export function guessTimeFormat(samples: readonly (string | number)[], options: GuessOptions = {}): TimeGuess[] {
  if (samples.length === 0) return [];
  const now = options.now ?? Date.now();
  const guesses: TimeGuess[] = [];
  for (const format of TIME_FORMATS) {
    if (format.kind === 'time-of-day' || format.kind === 'duration') continue;
    if (!samples.every((s) => accepts(format, s))) continue;
    const ms: number[] = [];
    const decoded: string[] = [];
    let ok = true;
    for (const sample of samples) {
      const r = decodeTime(format.name, format.input === 'number' && typeof sample === 'string' ? sample.trim() : sample, options);
      if (!r.ok || r.ms < LOW || r.ms >= HIGH) {
        ok = false;
        break;
      }
      ms.push(r.ms);
      decoded.push(r.iso);
    }
    if (!ok) continue;
    let score = 0.5;
    const steps = ms.slice(1).map((v, i) => v - ms[i]!);
    if (steps.length === 0) score += 0.1;
    else if (steps.every((d) => d > 0)) score += 0.2;
    else if (steps.every((d) => d >= 0)) score += 0.1;
    const far = Math.max(...ms.map((v) => Math.abs(v - now)));
    if (far <= YEAR) score += 0.2;
    else if (far <= 10 * YEAR) score += 0.1;
    const sameKind = samples.every((s) => (format.input === 'number' ? typeof s === 'number' : format.input === 'string' ? typeof s === 'string' && !/^\s*0x/i.test(s) : true));
    if (sameKind) score += 0.05;
    if (steps.length > 0) {
      const sorted = [...steps].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      if (median >= 1 && median <= 7 * 86_400_000) score += 0.05;
    }
    guesses.push({ name: format.name, score: Math.round(score * 1000) / 1000, decoded });
  }
  // Stable: equal scores keep catalogue order (simpler, more common formats first).
  guesses.sort((a, b) => b.score - a.score);
  return options.limit === undefined ? guesses : guesses.slice(0, options.limit);
}
