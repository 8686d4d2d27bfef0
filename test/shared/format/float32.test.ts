import { describe, expect, it } from 'vitest';
import { shortestFloat32 } from '../../../shared/format/float32.js';

// Property test without a library: every float32 must read back exactly, and the result
// must be as short as any decimal that does. Random bit patterns (seeded, so a failure
// repeats) plus the edges where float32 behaves differently.
function float32FromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

function* seededBits(count: number, seed: number): Generator<number> {
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    yield state;
  }
}

const significantDigits = (n: number) => n.toExponential().replace(/e.*$/, '').replace(/[-.]/g, '').length;

const edges = [
  0x00000000, // +0
  0x80000000, // -0
  0x00000001, // smallest subnormal
  0x80000001,
  0x007fffff, // largest subnormal
  0x00800000, // smallest normal
  0x7f7fffff, // largest finite (3.4028235e38)
  0xff7fffff,
  0x3f800000, // 1
  0x3f800001, // 1 + ulp
  0x41a4cccd, // 20.6
  0x4b3c614e, // 12345678
];

describe('shortestFloat32', () => {
  it('reads back as the same float32 for every tested bit pattern, edges included', () => {
    const failures: string[] = [];
    const check = (bits: number) => {
      const f = float32FromBits(bits);
      if (Number.isNaN(f)) return;
      const short = shortestFloat32(f);
      if (!Object.is(Math.fround(short), f)) failures.push(`0x${bits.toString(16)}: ${f} -> ${short}`);
    };
    for (const bits of edges) check(bits);
    for (const bits of seededBits(300_000, 0x9e3779b9)) check(bits);
    // Every exponent, both signs, around the mantissa ends.
    for (let exponent = 0; exponent < 255; exponent++) {
      for (const mantissa of [0, 1, 2, 0x400000, 0x7ffffe, 0x7fffff]) {
        check((exponent << 23) | mantissa);
        check(0x80000000 | (exponent << 23) | mantissa);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('is the shortest: no decimal with fewer significant digits reads back the same', () => {
    for (const bits of seededBits(20_000, 12345)) {
      const f = float32FromBits(bits);
      if (!Number.isFinite(f) || f === 0) continue;
      const short = shortestFloat32(f);
      const digits = significantDigits(short);
      if (digits > 1) expect(Math.fround(Number(f.toPrecision(digits - 1)))).not.toBe(f);
    }
  });

  it('turns the float32 nearest 20.6 into 20.6, and keeps exact values exact', () => {
    expect(Math.fround(20.6)).toBe(20.600000381469727);
    // The CSV value is a float32 too: it has 8 significant digits, not 16.
    expect(Math.fround(20.59963607788086)).toBe(20.59963607788086);
    expect(shortestFloat32(20.59963607788086)).toBe(20.599636);
    expect(shortestFloat32(Math.fround(20.6))).toBe(20.6);
    expect(shortestFloat32(float32FromBits(0x41a4cccd))).toBe(20.6);
    expect(shortestFloat32(0.5)).toBe(0.5);
    expect(shortestFloat32(12345678)).toBe(12345678);
    expect(shortestFloat32(float32FromBits(0x7f7fffff))).toBe(3.4028235e38);
    expect(shortestFloat32(float32FromBits(0x00000001))).toBe(1e-45);
  });

  it('passes NaN, infinities and signed zeros through', () => {
    expect(shortestFloat32(Number.NaN)).toBeNaN();
    expect(shortestFloat32(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(shortestFloat32(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(shortestFloat32(-0), -0)).toBe(true);
    expect(Object.is(shortestFloat32(0), 0)).toBe(true);
  });
});
