import type { Deadband, QualityRules, Scaling } from '../../../shared/project.js';
import { type Quality, type Reading, StatusText, type Value } from '../../../shared/reading.js';
import type { DecodeSpec, RawSample } from '../drivers/types.js';
import { decodeRegisters } from './registers.js';
import { compileScaling, compileSignalCheck, engineeringSpan } from './scaling.js';

/**
 * The normalizer turns a driver's raw samples into readings by applying the tag
 * mapping, in this order: decode (type, word/byte order, bit), sentinel check on the raw
 * value, scale (with the NE43 bands of a 4-20 mA input), data type, range check, time
 * (receive, source or another point), deadband. It is compiled once per device, so the
 * per-sample work is a lookup and a few branches; the only state is per point (the last
 * reported value for the deadband, the last decoded time of a timestamp point).
 */
export interface NormalizedPoint {
  tagId: string;
  decode: DecodeSpec;
  scaling: Scaling;
  dataType?: 'number' | 'integer' | 'boolean' | 'string';
  deadband?: Deadband;
  quality?: QualityRules;
  /** Where the reading's time comes from; `device` (source time, else receive time) when left out. */
  time?: PointTime;
  /** A timestamp point: acquired only to give other points their time; it produces no reading. */
  role?: 'value' | 'time';
  /** For `role: 'time'`: turns the acquired raw value into UTC ms, or says why it cannot. */
  decodeTime?: (sample: RawSample) => { ok: true; ms: number } | { ok: false; error: string };
}

export type PointTime =
  | { source: 'receive' }
  | { source: 'device' }
  /** `point`: the index of the time point (role 'time') whose decoded value is this tag's time. */
  | { source: 'point'; point: number; describe: string };

/** How far the source time of a device may run from the receive time before the device shows a warning. */
export interface ClockSkew {
  /** Receive time minus source time, median of the last batch that had source times (ms; positive: the device clock is behind). */
  offsetMs: number;
  /** When it was measured (UTC ms). */
  at: number;
  samples: number;
}

export interface DeviceNormalizer {
  (samples: ReadonlyArray<RawSample>): Reading[];
  /** The latest clock-skew measurement, when any point of the device carries a source time. */
  clockSkew(): ClockSkew | undefined;
}

/** A time point's decoded value is used for samples received at most this long after it. */
const TIME_POINT_FRESH_MS = 10_000;

interface CompiledPoint {
  spec: NormalizedPoint;
  scale: (raw: number) => number;
  signal: ((raw: number) => { quality: Quality; status: string } | undefined) | undefined;
  sentinels: Map<number, { quality: Quality; reason: string }> | undefined;
  /** Deadband threshold as a function of the last reported value; undefined: report every value. */
  threshold: ((last: number) => number) | undefined;
  last: { value: Value; quality: Quality; status: string | undefined } | undefined;
  time: { ms: number; receiveTs: number } | { error: string; receiveTs: number } | undefined;
}

export function compileNormalizer(points: ReadonlyArray<NormalizedPoint>): DeviceNormalizer {
  const compiled: CompiledPoint[] = points.map((spec) => ({
    spec,
    scale: compileScaling(spec.scaling),
    signal: compileSignalCheck(spec.scaling),
    sentinels: spec.quality?.sentinels === undefined ? undefined : new Map(spec.quality.sentinels.map((s) => [s.raw, { quality: s.quality, reason: s.reason }])),
    threshold: compileDeadband(spec.deadband, spec.scaling),
    last: undefined,
    time: undefined,
  }));
  const hasTimePoints = compiled.some((p) => p.spec.role === 'time');
  let skew: ClockSkew | undefined;
  const offsets: number[] = [];

  const normalizer = ((samples) => {
    if (hasTimePoints) {
      // Time points first: a value polled in the same cycle takes the time read with it.
      for (const sample of samples) {
        const point = compiled[sample.point];
        if (point?.spec.role !== 'time') continue;
        point.time = decodeTimePoint(point.spec, sample);
      }
    }
    const out: Reading[] = new Array<Reading>(samples.length);
    let n = 0;
    offsets.length = 0;
    for (const sample of samples) {
      const point = compiled[sample.point];
      if (point === undefined || point.spec.role === 'time') continue;
      const reading = normalize(point, sample, compiled);
      if (reading.receiveTs !== undefined && point.spec.time?.source !== 'receive') offsets.push(reading.receiveTs - reading.ts);
      if (report(point, reading)) out[n++] = reading;
    }
    out.length = n;
    if (offsets.length > 0) {
      offsets.sort((a, b) => a - b);
      skew = { offsetMs: offsets[offsets.length >> 1] ?? 0, at: samples[0]?.receiveTs ?? Date.now(), samples: offsets.length };
    }
    return out;
  }) as DeviceNormalizer;
  normalizer.clockSkew = () => skew;
  return normalizer;
}

function decodeTimePoint(spec: NormalizedPoint, sample: RawSample): CompiledPoint['time'] {
  if (sample.raw === undefined || sample.quality === 'bad') return { error: sample.status ?? 'no value', receiveTs: sample.receiveTs };
  const decoded = spec.decodeTime?.(sample) ?? { ok: false as const, error: 'no time format' };
  return decoded.ok ? { ms: decoded.ms, receiveTs: sample.receiveTs } : { error: decoded.error, receiveTs: sample.receiveTs };
}

function compileDeadband(deadband: Deadband | undefined, scaling: Scaling): CompiledPoint['threshold'] {
  if (deadband === undefined) return undefined;
  if (deadband.kind === 'absolute') {
    const value = deadband.value;
    return () => value;
  }
  const fraction = deadband.value / 100;
  const span = engineeringSpan(scaling);
  // No span to take a percent of: a percent of the last reported value.
  return span === undefined ? (last) => Math.abs(last) * fraction : () => span * fraction;
}

/** Deadband: a value is reported when it moved at least the threshold, or when its quality or status changed. */
function report(point: CompiledPoint, reading: Reading): boolean {
  // No deadband: every sample is a reading, and nothing needs remembering.
  if (point.threshold === undefined) return true;
  const last = point.last;
  let changed: boolean;
  if (last === undefined || last.quality !== reading.quality || last.status !== reading.status) changed = true;
  else if (typeof reading.value === 'number' && typeof last.value === 'number') {
    const moved = Math.abs(reading.value - last.value);
    changed = moved > 0 && moved >= point.threshold(last.value);
  } else changed = reading.value !== last.value;
  if (changed) point.last = { value: reading.value, quality: reading.quality, status: reading.status };
  return changed;
}

function normalize(point: CompiledPoint, sample: RawSample, all: readonly CompiledPoint[]): Reading {
  const spec = point.spec;
  // Time first (no allocation on the hot path: receive and device time are two branches).
  const receiveTs = Math.round(sample.receiveTs);
  let ts = receiveTs;
  let note: string | undefined;
  const rule = spec.time;
  if (rule === undefined || rule.source === 'device') ts = sample.sourceTs === undefined ? receiveTs : Math.round(sample.sourceTs);
  else if (rule.source === 'point') {
    const time = all[rule.point]?.time;
    if (time === undefined || sample.receiveTs - time.receiveTs > TIME_POINT_FRESH_MS) note = `timestamp point ${rule.describe} has no fresh value; receive time used`;
    else if ('error' in time) note = `timestamp point ${rule.describe}: ${time.error}; receive time used`;
    else ts = Math.round(time.ms);
  }
  return stamp(decodeValue(point, sample, ts), receiveTs, note);
}

/** Adds the receive time where it differs, and a timestamp point's problem to the quality. */
function stamp(reading: Reading, receiveTs: number, note: string | undefined): Reading {
  if (receiveTs !== reading.ts) reading.receiveTs = receiveTs;
  if (note !== undefined) {
    if (reading.quality === 'good') {
      reading.quality = 'uncertain';
      reading.status = note;
    } else if (reading.status === undefined) reading.status = note;
  }
  return reading;
}

function decodeValue(point: CompiledPoint, sample: RawSample, ts: number): Reading {
  const spec = point.spec;
  if (sample.raw === undefined || sample.quality === 'bad') {
    return { tagId: spec.tagId, ts, value: null, quality: 'bad', status: sample.status ?? 'bad' };
  }
  let value: Value;
  let quality: Quality = sample.quality;
  let status = sample.status;
  const raw = sample.raw;
  if (raw.kind === 'registers') {
    if (spec.decode.kind !== 'registers') return mismatch(spec, ts);
    const decoded = decodeRegisters(raw.words, spec.decode);
    value = decoded.value;
    if (decoded.status !== undefined) {
      quality = quality === 'good' ? 'uncertain' : quality;
      status = decoded.status;
    }
  } else if (raw.kind === 'bit') {
    value = raw.bit;
  } else {
    value = raw.value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { tagId: spec.tagId, ts, value: null, quality: 'bad', status: StatusText.notANumber };
    const sentinel = point.sentinels?.get(value);
    if (sentinel !== undefined) return { tagId: spec.tagId, ts, value: null, quality: sentinel.quality, status: sentinel.reason };
    const band = point.signal?.(value);
    if (band?.quality === 'bad') return { tagId: spec.tagId, ts, value: null, quality: 'bad', status: band.status };
    value = point.scale(value);
    if (band !== undefined) {
      quality = worse(quality, band.quality);
      status = band.status;
    }
  }
  if (spec.dataType !== undefined) {
    const typed = toDataType(value, spec.dataType);
    if (typed === undefined) return { tagId: spec.tagId, ts, value: null, quality: 'bad', status: `value ${JSON.stringify(value)} is not a ${spec.dataType}; check the tag's data type` };
    value = typed;
  }
  const range = spec.quality?.range;
  if (range !== undefined && typeof value === 'number' && (value < range.low || value > range.high)) {
    quality = worse(quality, range.outside);
    status = `${value} is outside the plausible range ${range.low}..${range.high}`;
  }
  const reading: Reading = { tagId: spec.tagId, ts, value, quality };
  // Good readings may carry a note too (BACnet "overridden", "in alarm").
  if (status !== undefined) reading.status = status;
  return reading;
}

const severity: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2 };
function worse(a: Quality, b: Quality): Quality {
  return severity[b] > severity[a] ? b : a;
}

function toDataType(value: Value, type: NonNullable<NormalizedPoint['dataType']>): Value | undefined {
  switch (type) {
    case 'number':
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return undefined;
    case 'integer': {
      const number = toDataType(value, 'number');
      return typeof number === 'number' ? Math.round(number) : undefined;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string') {
        const text = value.trim().toLowerCase();
        if (['true', 'on', '1', 'yes'].includes(text)) return true;
        if (['false', 'off', '0', 'no'].includes(text)) return false;
      }
      return undefined;
    case 'string':
      return value === null ? undefined : String(value);
  }
}

function mismatch(point: NormalizedPoint, ts: number): Reading {
  return { tagId: point.tagId, ts, value: null, quality: 'bad', status: `driver delivered registers but the tag decodes as ${point.decode.kind}` };
}
