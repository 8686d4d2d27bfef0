import type { Scaling } from '../../../shared/project.js';
import { type Reading, StatusText, type Value } from '../../../shared/reading.js';
import type { DecodeSpec, RawSample } from '../drivers/types.js';
import { decodeRegisters } from './registers.js';

/**
 * The normalizer turns a driver's raw samples into readings by applying the tag
 * mapping: decode (type, word/byte order, bit), scale, quality and timestamp. It is
 * compiled once per device, so the per-sample work is a lookup and a few branches.
 */
export interface NormalizedPoint {
  tagId: string;
  decode: DecodeSpec;
  scaling: Scaling;
}

export type DeviceNormalizer = (samples: ReadonlyArray<RawSample>) => Reading[];

export function compileNormalizer(points: ReadonlyArray<NormalizedPoint>): DeviceNormalizer {
  const scalers = points.map((p) => compileScaling(p.scaling));
  return (samples) => {
    const out: Reading[] = new Array<Reading>(samples.length);
    let n = 0;
    for (const sample of samples) {
      const point = points[sample.point];
      const scale = scalers[sample.point];
      if (point === undefined || scale === undefined) continue;
      out[n++] = normalize(point, scale, sample);
    }
    out.length = n;
    return out;
  };
}

function normalize(point: NormalizedPoint, scale: (v: number) => number, sample: RawSample): Reading {
  // Source time when the device gives one, else receive time; always integer UTC ms.
  const ts = Math.round(sample.sourceTs ?? sample.receiveTs);
  if (sample.raw === undefined || sample.quality === 'bad') {
    return { tagId: point.tagId, ts, value: null, quality: 'bad', status: sample.status ?? 'bad' };
  }
  let value: Value;
  let quality = sample.quality;
  let status = sample.status;
  const raw = sample.raw;
  if (raw.kind === 'registers') {
    if (point.decode.kind !== 'registers') return mismatch(point, ts);
    const decoded = decodeRegisters(raw.words, point.decode);
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
    if (!Number.isFinite(value)) {
      return { tagId: point.tagId, ts, value: null, quality: 'bad', status: StatusText.notANumber };
    }
    value = scale(value);
  }
  const reading: Reading = { tagId: point.tagId, ts, value, quality };
  // Good readings may carry a note too (BACnet "overridden", "in alarm").
  if (status !== undefined) reading.status = status;
  return reading;
}

function mismatch(point: NormalizedPoint, ts: number): Reading {
  return { tagId: point.tagId, ts, value: null, quality: 'bad', status: `driver delivered registers but the tag decodes as ${point.decode.kind}` };
}

export function compileScaling(scaling: Scaling): (raw: number) => number {
  switch (scaling.kind) {
    case 'none':
      return (raw) => raw;
    case 'linear': {
      const { factor, offset } = scaling;
      return (raw) => raw * factor + offset;
    }
    case 'range': {
      const slope = (scaling.high - scaling.low) / (scaling.rawHigh - scaling.rawLow);
      const { rawLow, low } = scaling;
      return (raw) => low + (raw - rawLow) * slope;
    }
    case 'two-point': {
      const slope = (scaling.eng2 - scaling.eng1) / (scaling.raw2 - scaling.raw1);
      const { raw1, eng1 } = scaling;
      return (raw) => eng1 + (raw - raw1) * slope;
    }
    case 'sqrt': {
      const { rawLow, rawHigh, low, high, cutoffPercent } = scaling;
      const cutoff = cutoffPercent / 100;
      return (raw) => {
        const fraction = (raw - rawLow) / (rawHigh - rawLow);
        return fraction <= cutoff || fraction <= 0 ? low : low + (high - low) * Math.sqrt(fraction);
      };
    }
    case 'clamp': {
      const { low, high } = scaling;
      return (raw) => Math.min(high, Math.max(low, raw));
    }
    case 'ma4-20': {
      // Counts -> engineering value on the 4..20 mA line; the NE43 bands are judged on the mA value.
      const slope = (scaling.high - scaling.low) / (scaling.rawAt20mA - scaling.rawAt4mA);
      const { rawAt4mA, low } = scaling;
      return (raw) => low + (raw - rawAt4mA) * slope;
    }
  }
}
