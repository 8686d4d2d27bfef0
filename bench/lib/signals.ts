/**
 * Seeded, deterministic 1 Hz signals of one tag, laid out as block columns: what the
 * codec bench, the size tests, the history bench and the capacity planner measure on.
 * Every class polls at t0 + i*1000 ms plus 0..15 ms of poll jitter, with an occasional
 * late reading (200..800 ms), and carries rare bad-quality runs (a comms loss: value null,
 * status id 7) as a field device does.
 */
import { shortestFloat32 } from '../../shared/format/float32.js';
import type { BlockColumns } from '../../electron/core/store/block-codec.js';

export const SIGNAL_CLASSES = ['analog-x0.1', 'ma4-20', 'float32', 'drift', 'step', 'boolean', 'counter'] as const;
export type SignalClass = (typeof SIGNAL_CLASSES)[number];

export const SIGNAL_DESCRIPTIONS: Record<SignalClass, string> = {
  'analog-x0.1': 'int16 register x 0.1, 21.7 +- noise (217 * 0.1 = 21.700000000000003)',
  'ma4-20': '4-20 mA counts 0..27648 scaled to 0..100 (full float64 mantissas)',
  float32: 'float32 widened to the shortest decimal (23.45678), OPC UA style, with receive delay',
  drift: 'slow drift, int16 register x 0.01, one count every ~30 s',
  step: 'setpoint: step changes every few minutes',
  boolean: 'boolean with rare changes',
  counter: 'monotonic integer counter (energy meter)',
};

/** mulberry32: small, fast, good enough for test signals. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KIND_BOOLEAN = 1;
const KIND_NULL = 3;
const BAD = 2;
const COMMS_LOST_STATUS = 7;

function frame(count: number, t0: number, rand: () => number): BlockColumns {
  const ts = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const late = rand() < 1 / 500 ? 200 + Math.floor(rand() * 600) : 0;
    ts[i] = t0 + i * 1000 + Math.floor(rand() * 16) + late;
  }
  return {
    count,
    ts,
    kind: new Uint8Array(count),
    num: new Float64Array(count),
    strings: [],
    quality: new Uint8Array(count),
    status: new Int32Array(count).fill(-1),
    recvDelta: new Float64Array(count).fill(NaN),
  };
}

/** Rare comms losses: about one per 50 minutes, 5..30 readings of null with bad quality. */
function badRuns(c: BlockColumns, rand: () => number): void {
  for (let i = 0; i < c.count; i++) {
    if (rand() >= 1 / 3000) continue;
    const end = Math.min(c.count, i + 5 + Math.floor(rand() * 26));
    for (; i < end; i++) {
      c.kind[i] = KIND_NULL;
      c.num[i] = 0;
      c.quality[i] = BAD;
      c.status[i] = COMMS_LOST_STATUS;
    }
  }
}

type Generator = (count: number, t0: number, seed: number) => BlockColumns;

function numeric(fill: (c: BlockColumns, rand: () => number) => void): Generator {
  return (count, t0, seed) => {
    const rand = prng(seed);
    const c = frame(count, t0, rand);
    fill(c, rand);
    badRuns(c, rand);
    return c;
  };
}

/** Noise of a few counts, roughly normal (sum of uniforms). */
const noise = (rand: () => number, counts: number): number => Math.round((rand() + rand() + rand() - 1.5) * counts);

export const signals: Record<SignalClass, Generator> = {
  'analog-x0.1': numeric((c, rand) => {
    const factor = 0.1; // the normalizer's linear scaling: raw * factor + offset
    for (let i = 0; i < c.count; i++) c.num[i] = (217 + Math.round(8 * Math.sin(i / 900)) + noise(rand, 3)) * factor + 0;
  }),
  'ma4-20': numeric((c, rand) => {
    const slope = (100 - 0) / (27648 - 0); // the normalizer's range scaling
    const mid = 8000 + Math.floor(rand() * 12000);
    for (let i = 0; i < c.count; i++) c.num[i] = 0 + (mid + Math.round(400 * Math.sin(i / 1200)) + noise(rand, 12) - 0) * slope;
  }),
  float32: numeric((c, rand) => {
    const base = 20 + rand() * 10;
    for (let i = 0; i < c.count; i++) {
      c.num[i] = shortestFloat32(base + 0.5 * Math.sin(i / 600) + (rand() - 0.5) * 0.02);
      c.recvDelta[i] = 1 + Math.floor(rand() * 20);
    }
  }),
  drift: numeric((c, rand) => {
    let raw = 4500 + Math.floor(rand() * 1000);
    for (let i = 0; i < c.count; i++) {
      if (rand() < 1 / 30) raw += rand() < 0.6 ? 1 : -1;
      c.num[i] = raw * 0.01;
    }
  }),
  step: numeric((c, rand) => {
    let setpoint = 50;
    let next = 120 + Math.floor(rand() * 300);
    for (let i = 0; i < c.count; i++) {
      if (i === next) {
        setpoint = Math.round((setpoint + (rand() - 0.5) * 20) * 2) / 2;
        next = i + 120 + Math.floor(rand() * 300);
      }
      c.num[i] = setpoint;
    }
  }),
  boolean: numeric((c, rand) => {
    let on = rand() < 0.5 ? 1 : 0;
    for (let i = 0; i < c.count; i++) {
      if (rand() < 1 / 400) on = 1 - on;
      c.kind[i] = KIND_BOOLEAN;
      c.num[i] = on;
    }
  }),
  counter: numeric((c, rand) => {
    let total = Math.floor(rand() * 1e7);
    for (let i = 0; i < c.count; i++) {
      total += 2 + Math.floor(rand() * 3);
      c.num[i] = total;
    }
  }),
};

/** One tag's readings: tag i gets class i mod 7, seeded by the tag index. */
export function realisticMix(tagIndex: number, count: number, t0: number): BlockColumns {
  return signals[SIGNAL_CLASSES[tagIndex % SIGNAL_CLASSES.length]!](count, t0, 0x5eed + tagIndex * 7919);
}
