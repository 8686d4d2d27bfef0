import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_FORMAT_VERSION, decodeBlock, encodeBlock, type BlockColumns } from '../../../../electron/core/store/block-codec.js';
import { realisticMix, SIGNAL_CLASSES, signals, type SignalClass } from '../../../../bench/lib/signals.js';

const TS_MAX = 8.64e15;
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

/** A block of `n` good number rows, no status, no receive delta. */
function columns(n: number, ts: (i: number) => number, num: (i: number) => number): BlockColumns {
  return {
    count: n,
    ts: Float64Array.from({ length: n }, (_, i) => ts(i)),
    kind: new Uint8Array(n),
    num: Float64Array.from({ length: n }, (_, i) => num(i)),
    strings: [],
    quality: new Uint8Array(n),
    status: new Int32Array(n).fill(-1),
    recvDelta: new Float64Array(n).fill(NaN),
  };
}

const bits64 = (a: Float64Array): bigint[] => Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length));

/** Bit-exact comparison of every column (NaN payloads and -0 included); num only where it is defined. */
function expectSame(actual: BlockColumns, expected: BlockColumns): void {
  const n = expected.count;
  expect(actual.count).toBe(n);
  expect(Array.from(actual.ts)).toEqual(Array.from(expected.ts.subarray(0, n)));
  expect(Array.from(actual.kind)).toEqual(Array.from(expected.kind.subarray(0, n)));
  const want = new Float64Array(n);
  for (let i = 0; i < n; i++) want[i] = expected.kind[i]! <= 1 ? expected.num[i]! : 0;
  expect(bits64(actual.num)).toEqual(bits64(want));
  expect(actual.strings).toEqual(expected.strings);
  expect(Array.from(actual.quality)).toEqual(Array.from(expected.quality.subarray(0, n)));
  expect(Array.from(actual.status)).toEqual(Array.from(expected.status.subarray(0, n)));
  // recvDelta: NaN where absent, else the same integer (-0 reads back as 0, see the format).
  expect(Array.from(actual.recvDelta, (d) => (Number.isNaN(d) ? 'NaN' : d + 0))).toEqual(Array.from(expected.recvDelta.subarray(0, n), (d) => (Number.isNaN(d) ? 'NaN' : d + 0)));
}

const roundTrip = (c: BlockColumns): Uint8Array => {
  const bytes = encodeBlock(c);
  expectSame(decodeBlock(bytes), c);
  return bytes;
};

// --- arbitraries --------------------------------------------------------------------

const bigTs = fc.bigInt({ min: BigInt(-TS_MAX), max: BigInt(TS_MAX) }).map(Number);

/** Strictly increasing timestamps in range: regular polls with jitter, bursts, gaps, or anywhere. */
const timestamps = (n: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.tuple(bigTs, fc.array(fc.oneof(fc.constant(1000), fc.integer({ min: 985, max: 1015 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.bigInt({ min: 1n, max: 2n ** 52n }).map(Number)), { minLength: n - 1, maxLength: n - 1 })).map(([start, deltas]) => {
      // Clamp so that all n rows fit in [-8.64e15, 8.64e15], strictly increasing.
      let t = Math.min(start, TS_MAX - (n - 1));
      const out = [t];
      deltas.forEach((d, j) => {
        const rowsAfter = n - 2 - j;
        t += Math.max(1, Math.min(d, TS_MAX - rowsAfter - t));
        out.push(t);
      });
      return out;
    }),
    fc.uniqueArray(bigTs, { minLength: n, maxLength: n }).map((a) => a.sort((x, y) => x - y)),
  );

/** Numbers that hit every encoding: decimals, register x factor, integers, any double (NaN, +-Inf, -0, subnormals). */
const numberFamily: fc.Arbitrary<fc.Arbitrary<number>> = fc.constantFrom(
  fc.double(),
  fc.integer({ min: -100000, max: 100000 }).map((k) => k / 10),
  fc.integer({ min: -32768, max: 32767 }).map((k) => k * 0.1),
  fc.integer({ min: 0, max: 27648 }).map((k) => k * (100 / 27648)),
  fc.maxSafeInteger(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, 21.7),
  fc.oneof(fc.integer({ min: 2150, max: 2190 }).map((k) => k / 100), fc.double()),
);

const block: fc.Arbitrary<BlockColumns> = fc.integer({ min: 1, max: 120 }).chain((n) =>
  fc
    .record({
      ts: timestamps(n),
      kind: fc.oneof(fc.constant(new Array<number>(n).fill(0)), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n })),
      nums: numberFamily.chain((f) => fc.array(f, { minLength: n, maxLength: n })),
      bools: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
      strings: fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), fc.constant('')), { minLength: n, maxLength: n }),
      quality: fc.oneof(fc.constant(new Array<number>(n).fill(0)), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n })),
      status: fc.oneof(fc.constant(new Array<number>(n).fill(-1)), fc.array(fc.integer({ min: -1, max: 2 ** 31 - 1 }), { minLength: n, maxLength: n }), fc.array(fc.constantFrom(-1, 0, 3), { minLength: n, maxLength: n })),
      recv: fc.array(fc.oneof(fc.constant(NaN), fc.integer({ min: -50, max: 50 }), fc.bigInt({ min: -(2n ** 53n) + 1n, max: 2n ** 53n - 1n }).map(Number)), { minLength: n, maxLength: n }),
    })
    .map(({ ts, kind, nums, bools, strings, quality, status, recv }) => {
      const c = columns(n, (i) => ts[i]!, (i) => (kind[i] === 1 ? bools[i]! : kind[i] === 0 ? nums[i]! : 0));
      c.kind.set(kind);
      c.strings = strings.filter((_, i) => kind[i] === 2);
      c.quality.set(quality);
      c.status.set(status);
      c.recvDelta.set(recv);
      return c;
    }),
);

// --- round trip -----------------------------------------------------------------------

describe('block codec round trip', () => {
  it('exports the format version', () => {
    expect(BLOCK_FORMAT_VERSION).toBe(1);
  });

  it('round-trips arbitrary blocks bit-exact (property)', () => {
    fc.assert(
      fc.property(block, (c) => {
        roundTrip(c);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any float64 bit pattern, NaN payloads included (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: 1, maxLength: 300 }), (patterns) => {
        const c = columns(patterns.length, (i) => T0 + i * 1000, () => 0);
        new BigUint64Array(c.num.buffer).set(patterns);
        roundTrip(c);
      }),
    );
  });

  it('keeps NaN, +-Infinity, -0, subnormals and extremes among decimal values exactly', () => {
    const specials = [NaN, Infinity, -Infinity, -0, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, 2 ** 53, -(2 ** 60)];
    for (let at = 0; at < 40; at += 7) {
      for (const special of specials) roundTrip(columns(40, (i) => T0 + i * 1000, (i) => (i === at ? special : 21.7 + (i % 3) / 10)));
    }
    roundTrip(columns(specials.length, (i) => T0 + i, (i) => specials[i]!));
    roundTrip(columns(600, (i) => T0 + i * 1000, () => NaN));
    roundTrip(columns(600, (i) => T0 + i * 1000, () => -0));
    roundTrip(columns(600, (i) => T0 + i * 1000, (i) => (i % 2 === 0 ? -0 : 0)));
  });

  it('round-trips register values times a factor, integers and counters', () => {
    roundTrip(columns(600, (i) => T0 + i * 1000, (i) => (200 + (i % 37)) * 0.1));
    roundTrip(columns(600, (i) => T0 + i * 1000, (i) => (13000 + ((i * 7) % 50)) * (100 / 27648)));
    roundTrip(columns(600, (i) => T0 + i * 1000, (i) => (i - 300) * -0.25));
    roundTrip(columns(600, (i) => T0 + i * 1000, (i) => 2 ** 49 - i * 3));
    roundTrip(columns(600, (i) => T0 + i * 1000, (i) => (i * 7919) % 1000 === 0 ? NaN : 1e6 + i * 2));
  });

  it('round-trips timestamp edge cases', () => {
    roundTrip(columns(1, () => T0, () => 1));
    roundTrip(columns(1, () => -TS_MAX, () => 1));
    roundTrip(columns(1, () => TS_MAX, () => 1));
    roundTrip(columns(2, (i) => (i === 0 ? -TS_MAX : TS_MAX), () => 1));
    roundTrip(columns(3, (i) => [-TS_MAX, 0, TS_MAX][i]!, () => 1));
    roundTrip(columns(3, (i) => [-TS_MAX, TS_MAX - 1, TS_MAX][i]!, () => 1));
    roundTrip(columns(1000, (i) => -5_000_000 + i, () => 1)); // consecutive ms, negative and crossing 0
    roundTrip(columns(1000, (i) => TS_MAX - 999 + i, () => 1));
    roundTrip(columns(1000, (i) => -TS_MAX + i * 1000 + ((i * 13) % 16), () => 1));
    roundTrip(columns(50, (i) => T0 + i * 1000 + (i === 25 ? 2 ** 40 : i > 25 ? 2 ** 40 : 0), () => 1)); // a huge gap
    roundTrip(columns(50, (i) => T0 + i * i * i * 1000, () => 1)); // ever growing deltas
    const largest = columns(1 << 20, (i) => T0 + i * 1000 + (i % 16), (i) => i % 10);
    const back = decodeBlock(encodeBlock(largest));
    expect(back.count).toBe(1 << 20);
    expect(back.ts.every((t, i) => t === largest.ts[i]) && back.num.every((v, i) => v === largest.num[i])).toBe(true);
  });

  it('never loses a quality or status change at any position', () => {
    const n = 64;
    for (let at = 0; at < n; at++) {
      for (const q of [1, 2]) {
        const c = columns(n, (i) => T0 + i * 1000, () => 21.7);
        c.quality[at] = q;
        c.status[at] = 5;
        roundTrip(c);
        const d = decodeBlock(encodeBlock(c));
        expect(Array.from(d.quality).filter((x) => x !== 0)).toEqual([q]);
        expect(d.quality[at]).toBe(q);
        expect(d.status[at]).toBe(5);
      }
    }
  });

  it('keeps every quality sequence exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 2000 }), fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 2000, maxLength: 2000 }), (quality, status) => {
        const c = columns(quality.length, (i) => T0 + i * 1000, () => 1);
        c.quality.set(quality);
        c.status.set(status.slice(0, quality.length));
        const d = decodeBlock(encodeBlock(c));
        expect(Array.from(d.quality)).toEqual(quality);
        expect(Array.from(d.status)).toEqual(status.slice(0, quality.length));
      }),
    );
  });

  it('round-trips receive deltas: NaN runs, negative and huge deltas', () => {
    const c = columns(600, (i) => T0 + i * 1000, () => 1);
    for (let i = 0; i < 600; i++) c.recvDelta[i] = i % 100 < 40 ? NaN : i % 7 === 0 ? -(i * 3) : i % 13 === 0 ? 2 ** 53 - 1 - i : 5;
    roundTrip(c);
    c.recvDelta.fill(-(2 ** 53) + 1);
    roundTrip(c);
  });

  it('round-trips mixed kinds and unicode strings in one block', () => {
    const strings = ['', 'ok', 'Grüße', '温度', '🔥💧', 'a\u0000b', '\ud800 lone high', 'lone low \udc00', 'x'.repeat(5000)];
    const c = columns(40, (i) => T0 + i * 1000, (i) => i / 10);
    for (let i = 0; i < 40; i++) c.kind[i] = i % 4;
    for (let i = 0; i < 40; i++) if (c.kind[i] === 1) c.num[i] = i % 8 === 1 ? 1 : 0;
    c.strings = Array.from({ length: 10 }, (_, j) => strings[j % strings.length]!);
    roundTrip(c);
  });

  it('round-trips the realistic signals of every class', () => {
    for (const cls of SIGNAL_CLASSES) for (let seed = 1; seed <= 5; seed++) roundTrip(signals[cls](600, T0, seed));
  });
});

// --- refusals -----------------------------------------------------------------------------

describe('block codec refusals', () => {
  const sample = (): BlockColumns => {
    const c = columns(30, (i) => T0 + i * 1000 + (i % 5), (i) => (i % 9 === 0 ? NaN : (200 + i) * 0.1));
    c.kind[3] = 2;
    c.kind[4] = 1;
    c.num[4] = 1;
    c.strings = ['Grüße'];
    c.quality[10] = 2;
    c.status[10] = 3;
    c.recvDelta[12] = -4;
    return c;
  };

  it('throws a block: error on every truncation', () => {
    const bytes = encodeBlock(sample());
    for (let len = 0; len < bytes.length; len++) expect(() => decodeBlock(bytes.subarray(0, len))).toThrow(/^block: /);
  });

  it('throws on every single flipped bit (checksum) and names a corrupt block', () => {
    const bytes = encodeBlock(sample());
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const copy = bytes.slice();
      copy[bit >> 3]! ^= 1 << (bit & 7);
      expect(() => decodeBlock(copy)).toThrow(/^block: /);
    }
    const extended = new Uint8Array(bytes.length + 1);
    extended.set(bytes);
    expect(() => decodeBlock(extended)).toThrow(/^block: checksum mismatch/);
  });

  it('names an unknown version', () => {
    const bytes = encodeBlock(sample());
    bytes[0] = 9;
    expect(() => decodeBlock(bytes)).toThrow(/^block: unknown format version 9/);
  });

  it('decodes from an unaligned view (a Buffer slice from SQLite)', () => {
    const bytes = encodeBlock(sample());
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expectSame(decodeBlock(shifted.subarray(3)), sample());
  });

  it('refuses columns it cannot store exactly, naming the row', () => {
    const bad = (edit: (c: BlockColumns) => void): (() => Uint8Array) => {
      const c = sample();
      edit(c);
      return () => encodeBlock(c);
    };
    expect(bad((c) => (c.count = 0))).toThrow(/^block: count 0/);
    expect(bad((c) => (c.count = 31))).toThrow(/^block: column ts has 30 rows/);
    expect(bad((c) => (c.ts[5] = c.ts[4]!))).toThrow(/^block: ts\[5\].*strictly increasing/);
    expect(bad((c) => (c.ts[0] = 0.5))).toThrow(/^block: ts\[0\] = 0.5/);
    expect(bad((c) => (c.ts[29] = 9e15))).toThrow(/^block: ts\[29\]/);
    expect(bad((c) => (c.kind[2] = 4))).toThrow(/^block: kind\[2\] = 4/);
    expect(bad((c) => (c.num[4] = 2))).toThrow(/^block: num\[4\] = 2 for a boolean row/);
    expect(bad((c) => (c.quality[1] = 3))).toThrow(/^block: quality\[1\] = 3/);
    expect(bad((c) => (c.status[1] = -2))).toThrow(/^block: status\[1\] = -2/);
    expect(bad((c) => (c.recvDelta[1] = 0.5))).toThrow(/^block: recvDelta\[1\] = 0.5/);
    expect(bad((c) => (c.strings = []))).toThrow(/^block: 0 strings given for 1 rows of kind string/);
  });
});

// --- sizes ----------------------------------------------------------------------------------

/** Bytes per reading over `blocks` blocks of 600 rows (10 minutes at 1 Hz). */
function bytesPerReading(make: (block: number) => BlockColumns, blocks = 12): number {
  let bytes = 0;
  let readings = 0;
  for (let b = 0; b < blocks; b++) {
    const c = make(b);
    bytes += roundTrip(c).length;
    readings += c.count;
  }
  return bytes / readings;
}

describe('block codec sizes (seeded signals, deterministic)', () => {
  it('stores a constant value at a perfectly regular rate in under 0.1 B/reading', () => {
    expect(bytesPerReading(() => columns(600, (i) => T0 + i * 1000, () => 21.7))).toBeLessThan(0.1);
    expect(bytesPerReading(() => columns(600, (i) => T0 + i * 1000, () => 0.1 * 217))).toBeLessThan(0.1);
    const bool = columns(600, (i) => T0 + i * 1000, () => 1);
    bool.kind.fill(1);
    expect(bytesPerReading(() => bool)).toBeLessThan(0.1);
  });

  it('stores regular timestamps with 0..15 ms poll jitter in about a byte', () => {
    expect(bytesPerReading((b) => columns(600, (i) => T0 + (b * 600 + i) * 1000 + ((i * 7 + b) * 2654435761) % 16, () => 21.7))).toBeLessThan(1);
  });

  // Measured 2026-12 (see bench/codec.bench.ts); bounds leave ~15 % headroom, far below the 26-byte row.
  const bounds: Record<SignalClass, number> = {
    'analog-x0.1': 1.9,
    'ma4-20': 2.1,
    float32: 5.2,
    drift: 1.2,
    step: 1.1,
    boolean: 1.1,
    counter: 1.8,
  };
  for (const cls of SIGNAL_CLASSES) {
    it(`stores ${cls} within ${bounds[cls]} B/reading`, () => {
      expect(bytesPerReading((b) => signals[cls](600, T0 + b * 600_000, 100 + b))).toBeLessThanOrEqual(bounds[cls]);
    });
  }

  it('stores the realistic mix of 70 tags within 4 B/reading (the issue target) and well below it', () => {
    const perReading = bytesPerReading((b) => realisticMix(b, 600, T0), 70);
    expect(perReading).toBeLessThanOrEqual(4);
    expect(perReading).toBeLessThanOrEqual(2.3);
  });
});
