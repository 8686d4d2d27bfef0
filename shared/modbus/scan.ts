import type { ScanCandidate, ScanStart } from '../api/types.js';
import { bytesSwapped, decodeRegisters, registerCount, swap16, type WordOrder, wordsReversed } from './registers.js';

/**
 * The register-map assistant's analysis, pure: a block of 16-bit words read from a start
 * register (and optionally the same block read again later), every numeric type x order
 * decoding at every start register, scored by how plausible it is as a field value, with
 * the 0/1-based offset hint. Decoding is the normalizer's own (./registers.ts), so a
 * candidate reads exactly what the tag it creates will read.
 *
 * Orders: `order` in a candidate spells the byte layout as the engineer sees it in a
 * vendor manual: `ab`/`ba` for 16 bits, `abcd`/`cdab`/`badc`/`dcba` for 32 bits and eight
 * letters for 64 bits (`abcdefgh`, `ghefcdab`, `badcfehg`, `hgfedcba`). `tagAddress` is
 * the point address in the address grammar, where 16-bit swapped is `badc` and 64-bit
 * word-reversed is `cdab`.
 */

export type ScanTable = 'hr' | 'ir';
export type ScanType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'int64' | 'uint64' | 'float64';

export const scanTypes: readonly ScanType[] = ['uint16', 'int16', 'float32', 'uint32', 'int32', 'float64', 'uint64', 'int64'];

/** The grammar orders that differ for a type of this many registers. */
const ordersFor = (count: number): readonly WordOrder[] => (count === 1 ? ['abcd', 'badc'] : ['abcd', 'cdab', 'badc', 'dcba']);

/** The byte layout name shown for a type of `count` registers in grammar order `order`. */
export function orderLabel(count: number, order: WordOrder): string {
  if (count === 1) return order === 'badc' ? 'ba' : 'ab';
  if (count === 2) return order;
  return { abcd: 'abcdefgh', cdab: 'ghefcdab', badc: 'badcfehg', dcba: 'hgfedcba' }[order];
}

/** Canonical point address for a decoding (defaults uint16 and abcd left out, as formatModbusAddress does). */
export function scanTagAddress(table: ScanTable, offset: number, type: ScanType, order: WordOrder): string {
  const orderSuffix = order === 'abcd' ? '' : `:${order}`;
  if (type === 'uint16' && orderSuffix === '') return `${table}:${offset}`;
  return `${table}:${offset}:${type}${orderSuffix}`;
}

/** One decoding, plausible or not: what the assistant's full grid shows. */
export interface Decoding {
  type: ScanType;
  /** Grammar order (abcd, cdab, badc, dcba). */
  order: WordOrder;
  /** Display order (ab/ba, abcd.., 8 letters). */
  label: string;
  registers: number;
  value: number;
  /** The normalizer's status when the value is not exact or not a number. */
  status?: string;
}

/** Every numeric decoding starting at `index` of `words` that fits in the block. */
export function decodeAll(words: ArrayLike<number>, index: number): Decoding[] {
  const out: Decoding[] = [];
  for (const type of scanTypes) {
    const registers = registerCount(type);
    if (index + registers > words.length) continue;
    const slice = Uint16Array.from({ length: registers }, (_, i) => words[index + i] as number);
    for (const order of ordersFor(registers)) {
      const decoded = decodeRegisters(slice, { kind: 'registers', type, order });
      const decoding: Decoding = { type, order, label: orderLabel(registers, order), registers, value: decoded.value as number };
      if (decoded.status !== undefined) decoding.status = decoded.status;
      out.push(decoding);
    }
  }
  return out;
}

export interface ScanInput {
  table: ScanTable;
  /** Zero-based offset of words[0]. */
  start: number;
  words: ArrayLike<number>;
  /** The same block read again later: a value that grows a little between reads is a counter. */
  later?: ArrayLike<number>;
}

/** Below this a decoding is left out of the candidates. */
export const PLAUSIBLE_SCORE = 0.1;

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
const FLOAT64_MIN_NORMAL = 2.2250738585072014e-308;
const FLOAT_LOW = 1e-3;
const FLOAT_HIGH = 1e7;

/** Significant digits of the shortest decimal of a number (3.14159 -> 6, 1500 -> 2). */
export function significantDigits(value: number): number {
  const [mantissa = ''] = Math.abs(value).toExponential().split('e');
  return mantissa.replace('.', '').replace(/0+$/, '').length || 1;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const isInteger = (type: ScanType): boolean => type !== 'float32' && type !== 'float64';
const isUnsigned = (type: ScanType): boolean => type.startsWith('uint');

function asInt16(word: number): number {
  return word >= 0x8000 ? word - 0x10000 : word;
}

interface Scored {
  score: number;
  hints: string[];
}

/** Score by significant digits (index = digits - 1); a float32 has at most 9, a float64 17. */
const float32DigitScores = [0.85, 0.85, 0.85, 0.8, 0.75, 0.65, 0.5, 0.35, 0.25];
const float64DigitScores = [0.85, 0.85, 0.85, 0.8, 0.75, 0.7, 0.65, 0.62, 0.6, 0.55, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.2];

/** Plausibility of a float decoding, or undefined when it is not a plausible field value. */
function scoreFloat(d: Decoding, slice: ArrayLike<number>): Scored | undefined {
  const v = d.value;
  if (!Number.isFinite(v)) return undefined;
  const magnitude = Math.abs(v);
  if (v === 0) return { score: 0.15, hints: ['exactly 0'] };
  if (magnitude < (d.type === 'float32' ? FLOAT32_MIN_NORMAL : FLOAT64_MIN_NORMAL)) return undefined; // denormal
  if (magnitude < FLOAT_LOW || magnitude > FLOAT_HIGH) return undefined;
  const digits = significantDigits(v);
  // Garbage decodings use the whole mantissa; field values are usually short decimals.
  const table = d.type === 'float32' ? float32DigitScores : float64DigitScores;
  let score = table[Math.min(digits, table.length) - 1] as number;
  const hints = [`finite float in 1e-3..1e7`, `${digits} significant digit${digits === 1 ? '' : 's'}`];
  if (d.type === 'float32') {
    const halves = [asInt16(slice[0] as number), asInt16(slice[1] as number)];
    if (halves.every((h) => Math.abs(h) <= 1000)) {
      score *= 0.5;
      hints.push('both halves also read as small int16s');
    }
  }
  return { score, hints };
}

/** Plausibility of an integer decoding: small and round numbers are likelier. */
function scoreInteger(d: Decoding): Scored | undefined {
  const v = d.value;
  if (d.status !== undefined) return undefined; // beyond 2^53
  const magnitude = Math.abs(v);
  const width = d.registers === 1 ? 0 : d.registers === 2 ? 0.05 : 0.1;
  if (v === 0) return { score: 0.2 - width, hints: ['0'] };
  let score: number;
  let hint: string;
  if (magnitude <= 1000) [score, hint] = [0.5, 'small integer (|n| <= 1000)'];
  else if (magnitude <= 10000) [score, hint] = [0.42, 'integer up to 10000'];
  else if (magnitude <= 65535) [score, hint] = [0.35, 'integer within 16 bits'];
  else if (magnitude <= 1e7) [score, hint] = [0.2, 'integer up to 1e7'];
  else if (magnitude <= 2 ** 32 && d.registers === 2) [score, hint] = [0.1 + width, 'large integer'];
  else if (d.registers === 4) [score, hint] = [0.1 + width, 'large integer'];
  else return undefined;
  const hints = [hint];
  if (magnitude <= 10000 && v % 100 === 0) {
    score += 0.1;
    hints.push('round');
  } else if (magnitude <= 10000 && v % 10 === 0) {
    score += 0.05;
    hints.push('round');
  }
  return { score: score - width, hints };
}

/** The words of a decoding in value order (most significant first). */
function valueWords(d: Decoding, slice: ArrayLike<number>): number[] {
  const words = Array.from({ length: d.registers }, (_, i) => slice[i] as number);
  const ordered = wordsReversed(d.order) ? words.reverse() : words;
  return bytesSwapped(d.order) ? ordered.map(swap16) : ordered;
}

/** A plausible float value: finite, normal, within 1e-3..1e7. */
function plausibleFloatValue(d: Decoding): boolean {
  const m = Math.abs(d.value);
  return Number.isFinite(d.value) && m >= FLOAT_LOW && m <= FLOAT_HIGH && m >= (d.type === 'float32' ? FLOAT32_MIN_NORMAL : FLOAT64_MIN_NORMAL);
}

const wordDelta = (a: number, b: number): number => {
  const d = Math.abs(b - a);
  return Math.min(d, 0x10000 - d);
};

/** What the second read says of a decoding: a live analog, a counter, a moving integer. */
interface Motion {
  kind: 'live' | 'counter' | 'moving';
  score: number;
  hint: string;
  /** False: a weak sign of motion that takes no registers from overlapping decodings. */
  claims?: false;
}

function motionOf(d: Decoding, later: Decoding | undefined, slice: ArrayLike<number>, laterSlice: ArrayLike<number> | undefined, siblings: readonly Decoding[]): Motion | undefined {
  if (later === undefined || laterSlice === undefined || !Number.isFinite(d.value) || !Number.isFinite(later.value)) return undefined;
  const delta = later.value - d.value;
  if (delta === 0) return undefined;
  const now = valueWords(d, slice);
  const then = valueWords(later, laterSlice);
  const low = wordDelta(now[now.length - 1] as number, then[then.length - 1] as number);
  const high = wordDelta(now[0] as number, then[0] as number);
  if (!isInteger(d.type)) {
    // A measured value moves its whole mantissa: the low word changes by more than a few
    // counts and not only in its high byte (that is a neighbour's slowly moving word).
    if (low === 0) return { kind: 'moving', score: 0, hint: 'only its high word moves between reads' };
    if (!plausibleFloatValue(d) || !plausibleFloatValue(later) || Math.sign(d.value) !== Math.sign(later.value)) return undefined;
    if (low < 16) return undefined;
    const ratio = Math.abs(later.value / d.value);
    if (ratio > 1000 || ratio < 1e-3) return undefined;
    // Only the high byte of the low word moved: a neighbour's slowly moving word, unless the
    // high word moved too (then the low byte standing still is chance): weak, and claims nothing.
    if (low % 256 === 0) return high === 0 || d.type !== 'float32' ? undefined : { kind: 'live', score: 0.5, hint: 'both words move between reads (its lowest byte stood still)', claims: false };
    const relative = Math.abs(delta) / Math.abs(d.value);
    const hint = `live analog: changes by ${round(relative * 100)} % between reads`;
    // A float64 whose second word moves by few counts is smooth where the float32 of its top half is not.
    const smooth64 = d.type === 'float64' && wordDelta(now[1] as number, then[1] as number) < 2048;
    const score = smooth64 ? 0.92 : (relative <= 0.5 ? 0.9 : 0.75) - (d.type === 'float64' ? 0.02 : 0);
    return { kind: 'live', score, hint };
  }
  if (d.status !== undefined || later.status !== undefined) return undefined;
  // A real integer of more than one register would rather not read as a plausible float in another order.
  const floatSibling = siblings.some((o) => !isInteger(o.type) && o.registers === d.registers && plausibleFloatValue(o) && (valueWords(o, slice).at(-1) as number) & 0xff && (valueWords(o, slice).at(-1) as number) >> 8);
  if (Math.abs(delta) % 256 === 0) return undefined; // steps of 256: swapped bytes of a counting word
  const lowWord = now[now.length - 1] as number;
  const pairedHigh = d.registers > 1 && now.slice(0, -1).some((w) => w !== 0 && w !== 0xffff);
  const top = now[0] as number;
  // The high words of a counter are in use but not garbage: under 0x1000 (64 bits: the top two 0).
  const plausibleHigh = d.registers === 1 || (d.registers === 2 ? top < 0x1000 : (top === 0 && (now[1] as number) < 0x1000) || (!isUnsigned(d.type) && top === 0xffff && (now[1] as number) >= 0xf000));
  const bothNonZero = d.value !== 0 && later.value !== 0 && Math.sign(d.value) === Math.sign(later.value);
  // An unsigned reading of a negative value that moves up is the signed value moving, not a count.
  const negativeAsUnsigned = isUnsigned(d.type) && (now[0] as number) >= 0x8000;
  if (delta > 0 && delta <= 1000 && bothNonZero && plausibleHigh && !negativeAsUnsigned && (d.registers === 1 || pairedHigh) && !floatSibling && !(pairedHigh && d.registers === 2 && Math.abs(asInt16(lowWord)) <= 2048)) {
    const step = delta <= 10 ? 0.1 : delta <= 100 ? 0.05 : 0;
    return { kind: 'counter', score: 0.6 + step + (pairedHigh ? 0.1 : 0) + 0.01 * d.registers + (isUnsigned(d.type) ? 0.02 : 0), hint: `counts up between reads (+${round(delta)})` };
  }
  const smallHigh = d.registers === 2 ? top <= 0xff || (!isUnsigned(d.type) && top >= 0xff00) : [0, 0xffff].includes(top) && [0, 0xffff].includes(now[1] as number);
  if (d.registers > 1 && smallHigh && bothNonZero && Math.abs(d.value) > 65535 && Math.abs(delta) <= 0.05 * Math.abs(d.value) && (high === 0 || (high === 1 && Math.abs(delta) < 32768)) && Math.abs(delta) >= 16 && !floatSibling) {
    return { kind: 'moving', score: 0.87, hint: `moves a little between reads (${delta > 0 ? '+' : ''}${round(delta)})` };
  }
  if (d.registers === 1 && Math.abs(delta) <= 100 && bothNonZero) return { kind: 'moving', score: 0, hint: `moves a little between reads (${delta > 0 ? '+' : ''}${round(delta)})` };
  return undefined;
}

function scoreDecoding(d: Decoding, slice: ArrayLike<number>, motion: Motion | undefined): Scored | undefined {
  let scored = isInteger(d.type) ? scoreInteger(d) : scoreFloat(d, slice);
  if (motion !== undefined) {
    const base = scored ?? { score: 0, hints: [] };
    if (motion.score > 0) scored = { score: Math.max(base.score, motion.score), hints: [motion.hint, ...base.hints] };
    else if (scored !== undefined) {
      // A float whose low word stands still while its high word moves is two 16-bit values; a small integer that moves is alive.
      scored = { score: isInteger(d.type) ? base.score + 0.1 : base.score * 0.4, hints: [...base.hints, motion.hint] };
    }
  } else if (scored !== undefined && isInteger(d.type) && d.registers > 1) {
    // A negative value sign-extended over its high words (0xFFFF...) is a wide integer.
    const words = Array.from({ length: d.registers }, (_, i) => slice[i] as number);
    if (d.order === 'abcd' && d.value < 0 && d.value !== -1 && words.slice(0, -1).every((w) => w === 0xffff)) {
      scored = { score: scored.score + 0.25, hints: [...scored.hints, 'negative, sign-extended'] };
    } else if (d.order === 'abcd' && !isUnsigned(d.type) && d.value > 0 && words.slice(0, -1).every((w) => w === 0) && (words.at(-1) as number) < 0x8000) {
      scored = { score: scored.score + 0.15, hints: [...scored.hints, 'high words 0 (sign-extended)'] };
    }
  }
  if (scored === undefined || scored.score < PLAUSIBLE_SCORE) return undefined;
  return { score: Math.min(1, round(scored.score)), hints: scored.hints };
}

type Candidate = ScanCandidate & { registers: number; offset: number; motion?: Motion['kind'] };

interface StartAnalysis {
  offset: number;
  candidates: Candidate[];
}

/**
 * For each start register of the block, the plausible decodings ranked most plausible
 * first, and the offset hint when the best value also decodes, with the same type, at
 * the register before or after.
 *
 * With a second read, what moves decides: a float whose whole mantissa moves is a live
 * analog, an integer that grows by a few counts a counter, a wide integer that moves by a
 * little a live integer. The strongest of those claim their registers: a decoding at
 * another start that overlaps them (or a narrower one at the same start, such as the top
 * word of a live float) is halved.
 */
export function scanBlock(input: ScanInput): ScanStart[] {
  const { table, start, words, later } = input;
  const analyses: StartAnalysis[] = [];
  const hasLater = later !== undefined && later.length === words.length;
  for (let index = 0; index < words.length; index++) {
    const offset = start + index;
    const decodings = decodeAll(words, index);
    const laterDecodings = hasLater ? decodeAll(later, index) : undefined;
    const seen = new Set<string>();
    const candidates: Candidate[] = [];
    decodings.forEach((d, n) => {
      // An order that reads the same as an earlier one (e.g. 0x0000 swapped) adds nothing.
      const key = `${d.type}=${d.value}`;
      if (seen.has(key)) return;
      seen.add(key);
      const slice = Array.from({ length: d.registers }, (_, i) => words[index + i] as number);
      // Registers all 0 read 0 in every type: say it once, as uint16.
      if (d.type !== 'uint16' && slice.every((w) => w === 0)) return;
      const laterSlice = hasLater ? Array.from({ length: d.registers }, (_, i) => later[index + i] as number) : undefined;
      const siblings = decodings.filter((o) => o !== d && o.registers === d.registers);
      const motion = motionOf(d, laterDecodings?.[n], slice, laterSlice, siblings);
      const scored = scoreDecoding(d, slice, motion);
      if (scored === undefined) return;
      const candidate: Candidate = {
        type: d.type,
        order: d.label,
        value: d.value,
        score: scored.score,
        hints: scored.hints,
        tagAddress: scanTagAddress(table, offset, d.type, d.order),
        registers: d.registers,
        offset,
      };
      if (motion !== undefined && motion.score > 0 && motion.claims !== false) candidate.motion = motion.kind;
      candidates.push(candidate);
    });
    preferModest(candidates);
    analyses.push({ offset, candidates });
  }
  claimRegisters(table, analyses);
  for (const analysis of analyses) {
    // Stable: equal scores keep the type order of scanTypes (simpler types first).
    analysis.candidates.sort((a, b) => b.score - a.score);
    analysis.candidates = preferWide(mergeSignedTwins(analysis.candidates));
  }
  return analyses.map((analysis, index) => {
    const result: ScanStart = {
      address: `${table}:${analysis.offset}`,
      candidates: analysis.candidates.map(({ registers: _registers, offset: _offset, motion: _motion, ...c }) => c),
    };
    const hint = offsetHint(table, analysis, [analyses[index - 1], analyses[index + 1]]);
    if (hint !== undefined) result.offsetHint = hint;
    return result;
  });
}

/**
 * Two orders of the same registers that both read as a live float (their high words stood
 * still between reads, so the motion cannot tell them apart): a field value is likelier
 * near 1 than near 1e5, so the order whose magnitude is nearest 1 (on a log scale) wins.
 */
function preferModest(candidates: Candidate[]): void {
  for (const registers of [2, 4]) {
    const live = candidates.filter((c) => c.registers === registers && c.motion === 'live' && typeof c.value === 'number' && c.value !== 0);
    if (live.length < 2) continue;
    const distance = (c: Candidate) => Math.abs(Math.log10(Math.abs(c.value as number)));
    const modest = live.reduce((a, b) => (distance(b) < distance(a) ? b : a));
    modest.score = Math.min(1, round(modest.score + 0.01));
    modest.hints.push('nearest 1 of the live orders of these registers');
  }
}

/** The moving decodings, strongest first, claim their registers from what overlaps them. */
function claimRegisters(table: ScanTable, analyses: StartAnalysis[]): void {
  const all = analyses.flatMap((a) => a.candidates);
  // Exact steps of a wide counter are the rarest by chance: they claim first.
  const wideCounter = (c: Candidate) => (c.motion === 'counter' && c.registers > 1 ? 1 : 0);
  const anchors = all.filter((c) => c.motion !== undefined).sort((a, b) => wideCounter(b) - wideCounter(a) || b.score - a.score || b.registers - a.registers);
  const demoted = new Set<Candidate>();
  for (const anchor of anchors) {
    if (demoted.has(anchor)) continue;
    const end = anchor.offset + anchor.registers;
    for (const c of all) {
      if (c === anchor || demoted.has(c) || (c.score > anchor.score && wideCounter(anchor) === 0)) continue;
      if (c.offset >= end || c.offset + c.registers <= anchor.offset) continue;
      if (c.offset === anchor.offset && c.registers >= anchor.registers) continue; // an alternative reading of the same start
      // A live float64 is not taken apart by the live float32 of its own half.
      if (c.motion === 'live' && anchor.motion === 'live' && c.offset <= anchor.offset && c.offset + c.registers >= end) continue;
      c.score = Math.max(PLAUSIBLE_SCORE, round(c.score / 2));
      c.hints.push(`overlaps ${table}:${anchor.offset} ${anchor.type} ${anchor.order} (${anchor.hints[0] ?? ''})`);
      demoted.add(c);
    }
  }
}

/** A wide integer that reads the same as a narrower one beyond 16 bits: its high words extend it. */
function preferWide(candidates: Candidate[]): Candidate[] {
  const out = [...candidates];
  for (let i = 0; i < out.length; i++) {
    const c = out[i] as Candidate;
    if (!isInteger(c.type as ScanType) || typeof c.value !== 'number' || Math.abs(c.value) <= 65535) continue;
    const j = out.findIndex((o, k) => k > i && isInteger(o.type as ScanType) && o.value === c.value && o.registers > c.registers);
    if (j < 0) continue;
    const wide = out[j] as Candidate;
    out.splice(j, 1);
    out.splice(i, 0, { ...wide, score: Math.max(wide.score, c.score), hints: [...wide.hints, `reads the same as ${c.type} ${c.order}; the high words extend it`] });
  }
  return out;
}

/**
 * A non-negative value reads the same as intN and uintN: keep one. The signed type wins a
 * tie (a value that can go negative then reads right too); a counter keeps its unsigned type.
 */
function mergeSignedTwins(candidates: Candidate[]): Candidate[] {
  const dropped = new Set<Candidate>();
  for (const c of candidates) {
    if (!c.type.startsWith('uint') || dropped.has(c)) continue;
    const signedType = c.type.slice(1);
    const twin = candidates.find((o) => o.type === signedType && o.order === c.order && o.value === c.value);
    if (twin === undefined) continue;
    const counter = c.hints.some((h) => h.startsWith('counts up'));
    const [keep, drop] = counter || c.score > twin.score ? [c, twin] : [twin, c];
    dropped.add(drop);
    keep.hints.push(`reads the same as ${drop.type}`);
  }
  return candidates.filter((c) => !dropped.has(c));
}

function offsetHint(table: ScanTable, analysis: StartAnalysis, neighbours: Array<StartAnalysis | undefined>): string | undefined {
  const best = analysis.candidates[0];
  // Integers padded with zero words repeat one register off all the time; floats do not.
  if (best === undefined || (best.type !== 'float32' && best.type !== 'float64') || best.value === 0) return undefined;
  for (const neighbour of neighbours) {
    const twin = neighbour?.candidates[0];
    if (neighbour === undefined || twin === undefined || twin.type !== best.type || twin.value !== best.value) continue;
    const other = `${table}:${neighbour.offset}`;
    const modicon = table === 'hr' ? ` (Modicon ${40001 + neighbour.offset} = ${other})` : '';
    return `the same value appears at ${other} (${twin.type} ${twin.order}): the map may be 1-based${modicon}; a one-register offset looks like a word swap`;
  }
  return undefined;
}
