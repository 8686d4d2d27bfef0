import { describe, expect, it } from 'vitest';
import { decodeRegisters, encodeRegisters, registerCount, type RegisterSpec } from '../../../../electron/core/normalizer/registers.js';
import type { RegisterType, WordOrder } from '../../../../electron/core/drivers/types.js';
import { StatusText } from '../../../../shared/reading.js';

const spec = (type: RegisterType, order: WordOrder = 'abcd', extra: Partial<RegisterSpec> = {}): RegisterSpec => ({ kind: 'registers', type, order, ...extra });
const w = (...words: number[]) => Uint16Array.from(words);

// Golden vectors: [type, order, value, wire words]. Each is checked both ways.
const golden: Array<[RegisterType, WordOrder, number | string, number[]]> = [
  ['uint16', 'abcd', 0x1234, [0x1234]],
  ['uint16', 'badc', 0x1234, [0x3412]],
  ['int16', 'abcd', -2, [0xfffe]],
  ['int16', 'badc', -2, [0xfeff]],
  ['int16', 'abcd', -32768, [0x8000]],
  ['uint32', 'abcd', 0x12345678, [0x1234, 0x5678]],
  ['uint32', 'cdab', 0x12345678, [0x5678, 0x1234]],
  ['uint32', 'badc', 0x12345678, [0x3412, 0x7856]],
  ['uint32', 'dcba', 0x12345678, [0x7856, 0x3412]],
  ['int32', 'abcd', -123456789, [0xf8a4, 0x32eb]],
  ['int32', 'cdab', -123456789, [0x32eb, 0xf8a4]],
  ['int32', 'badc', -123456789, [0xa4f8, 0xeb32]],
  ['int32', 'dcba', -123456789, [0xeb32, 0xa4f8]],
  ['float32', 'abcd', 1.5, [0x3fc0, 0x0000]],
  ['float32', 'cdab', 1.5, [0x0000, 0x3fc0]],
  ['float32', 'badc', 1.5, [0xc03f, 0x0000]],
  ['float32', 'dcba', 1.5, [0x0000, 0xc03f]],
  ['float32', 'abcd', -21.25, [0xc1aa, 0x0000]],
  ['float32', 'abcd', 123.456, [0x42f6, 0xe979]],
  ['float32', 'cdab', 123.456, [0xe979, 0x42f6]],
  ['float32', 'badc', 123.456, [0xf642, 0x79e9]],
  ['float32', 'dcba', 123.456, [0x79e9, 0xf642]],
  // 20.6 as a float32 is 20.600000381469727; the decoder returns the shortest decimal that reads back the same.
  ['float32', 'abcd', 20.6, [0x41a4, 0xcccd]],
  ['float32', 'cdab', 20.599636, [0xcc0e, 0x41a4]],
  // 64-bit: value 0x0001_2345_6789_ABCD; cdab reverses the word order.
  ['uint64', 'abcd', 0x0123456789abcd, [0x0001, 0x2345, 0x6789, 0xabcd]],
  ['uint64', 'cdab', 0x0123456789abcd, [0xabcd, 0x6789, 0x2345, 0x0001]],
  ['uint64', 'badc', 0x0123456789abcd, [0x0100, 0x4523, 0x8967, 0xcdab]],
  ['uint64', 'dcba', 0x0123456789abcd, [0xcdab, 0x8967, 0x4523, 0x0100]],
  ['int64', 'abcd', -2, [0xffff, 0xffff, 0xffff, 0xfffe]],
  ['int64', 'cdab', -2, [0xfffe, 0xffff, 0xffff, 0xffff]],
  ['int64', 'badc', -2, [0xffff, 0xffff, 0xffff, 0xfeff]],
  ['int64', 'dcba', -2, [0xfeff, 0xffff, 0xffff, 0xffff]],
  // float64 1.5 = 3FF8 0000 0000 0000
  ['float64', 'abcd', 1.5, [0x3ff8, 0, 0, 0]],
  ['float64', 'cdab', 1.5, [0, 0, 0, 0x3ff8]],
  ['float64', 'badc', 1.5, [0xf83f, 0, 0, 0]],
  ['float64', 'dcba', 1.5, [0, 0, 0, 0xf83f]],
  // pi = 4009 21FB 5444 2D18
  ['float64', 'abcd', Math.PI, [0x4009, 0x21fb, 0x5444, 0x2d18]],
  ['float64', 'cdab', Math.PI, [0x2d18, 0x5444, 0x21fb, 0x4009]],
  ['float64', 'badc', Math.PI, [0x0940, 0xfb21, 0x4454, 0x182d]],
  ['float64', 'dcba', Math.PI, [0x182d, 0x4454, 0xfb21, 0x0940]],
];

describe('registerCount', () => {
  it('counts registers per type', () => {
    expect(registerCount('bool')).toBe(1);
    expect(registerCount('int16')).toBe(1);
    expect(registerCount('uint16')).toBe(1);
    expect(registerCount('int32')).toBe(2);
    expect(registerCount('uint32')).toBe(2);
    expect(registerCount('float32')).toBe(2);
    expect(registerCount('int64')).toBe(4);
    expect(registerCount('uint64')).toBe(4);
    expect(registerCount('float64')).toBe(4);
    expect(registerCount('string', 16)).toBe(8);
    expect(registerCount('string', 15)).toBe(8);
    expect(registerCount('string', 1)).toBe(1);
    expect(() => registerCount('string')).toThrow(/length/);
  });
});

describe('decodeRegisters / encodeRegisters golden vectors', () => {
  for (const [type, order, value, words] of golden) {
    it(`${type} ${order} ${value}`, () => {
      const decoded = decodeRegisters(w(...words), spec(type, order));
      // Exact for float32 too: the decoder gives the shortest decimal, not the widened double.
      expect(decoded.value).toBe(value);
      expect(decoded.status).toBeUndefined();
      expect(Array.from(encodeRegisters(value, spec(type, order)))).toEqual(words);
    });
  }
});

describe('bool bits', () => {
  it('reads every bit of a register', () => {
    for (let bit = 0; bit < 16; bit++) {
      expect(decodeRegisters(w(1 << bit), spec('bool', 'abcd', { bit })).value).toBe(true);
      expect(decodeRegisters(w(~(1 << bit) & 0xffff), spec('bool', 'abcd', { bit })).value).toBe(false);
    }
  });
  it('applies the byte swap before the bit (badc)', () => {
    expect(decodeRegisters(w(0x0100), spec('bool', 'badc', { bit: 0 })).value).toBe(true);
  });
  it('without a bit, is the register non-zero', () => {
    expect(decodeRegisters(w(0), spec('bool')).value).toBe(false);
    expect(decodeRegisters(w(7), spec('bool')).value).toBe(true);
    expect(Array.from(encodeRegisters(true, spec('bool')))).toEqual([1]);
  });
  it('refuses to encode a single bit', () => {
    expect(() => encodeRegisters(true, spec('bool', 'abcd', { bit: 3 }))).toThrow(/bit/);
  });
});

describe('64-bit precision', () => {
  it('marks integers beyond 2^53 with precision loss', () => {
    const big = encodeRegisters(2n ** 60n + 1n, spec('uint64'));
    const decoded = decodeRegisters(big, spec('uint64'));
    expect(decoded.value).toBe(2 ** 60);
    expect(decoded.status).toBe(StatusText.precisionLoss);
    const negative = decodeRegisters(encodeRegisters(-(2n ** 62n) - 3n, spec('int64', 'dcba')), spec('int64', 'dcba'));
    expect(negative.value).toBe(-(2 ** 62));
    expect(negative.status).toBe(StatusText.precisionLoss);
  });
  it('keeps exactly 2^53 and the extremes readable', () => {
    expect(decodeRegisters(encodeRegisters(2n ** 53n, spec('uint64')), spec('uint64'))).toEqual({ value: 2 ** 53 });
    expect(decodeRegisters(w(0xffff, 0xffff, 0xffff, 0xffff), spec('uint64')).value).toBe(2 ** 64);
    expect(decodeRegisters(w(0x8000, 0, 0, 0), spec('int64')).value).toBe(-(2 ** 63));
  });
  it('accepts decimal strings for 64-bit writes', () => {
    expect(Array.from(encodeRegisters('18446744073709551615', spec('uint64')))).toEqual([0xffff, 0xffff, 0xffff, 0xffff]);
  });
});

describe('floats', () => {
  it('flags NaN', () => {
    expect(decodeRegisters(w(0x7fc0, 0), spec('float32')).status).toBe(StatusText.notANumber);
    expect(decodeRegisters(w(0x7ff8, 0, 0, 0), spec('float64')).status).toBe(StatusText.notANumber);
  });
  it('decodes infinities as numbers', () => {
    expect(decodeRegisters(w(0x7f80, 0), spec('float32')).value).toBe(Infinity);
  });
});

describe('strings', () => {
  it('abcd puts the first character in the high byte', () => {
    expect(decodeRegisters(w(0x4142, 0x4344), spec('string', 'abcd', { length: 4 })).value).toBe('ABCD');
    expect(Array.from(encodeRegisters('ABCD', spec('string', 'abcd', { length: 4 })))).toEqual([0x4142, 0x4344]);
  });
  it('badc puts the first character in the low byte', () => {
    expect(decodeRegisters(w(0x4241, 0x4443), spec('string', 'badc', { length: 4 })).value).toBe('ABCD');
    expect(Array.from(encodeRegisters('ABC', spec('string', 'badc', { length: 3 })))).toEqual([0x4241, 0x0043]);
  });
  it('trims trailing NULs but keeps inner ones and spaces', () => {
    expect(decodeRegisters(w(0x4142, 0x4300, 0, 0), spec('string', 'abcd', { length: 8 })).value).toBe('ABC');
    expect(decodeRegisters(w(0x4100, 0x4200), spec('string', 'abcd', { length: 4 })).value).toBe('A\u0000B');
    expect(decodeRegisters(w(0x4120, 0x2000), spec('string', 'abcd', { length: 4 })).value).toBe('A  ');
  });
  it('reads only N characters of an odd length', () => {
    expect(decodeRegisters(w(0x4142, 0x4344), spec('string', 'abcd', { length: 3 })).value).toBe('ABC');
  });
  it('round-trips text and rejects what does not fit', () => {
    const s = spec('string', 'abcd', { length: 16 });
    expect(decodeRegisters(encodeRegisters('SV-DEMO UC-100', s), s).value).toBe('SV-DEMO UC-100');
    expect(() => encodeRegisters('x'.repeat(17), s)).toThrow(/does not fit/);
    expect(() => encodeRegisters('€', s)).toThrow(/one byte/);
  });
});

describe('round trips for every type × order', () => {
  const orders: WordOrder[] = ['abcd', 'cdab', 'badc', 'dcba'];
  const samples: Record<string, Array<number | bigint>> = {
    int16: [0, 1, -1, 32767, -32768, 1234],
    uint16: [0, 1, 65535, 0xbeef],
    int32: [0, -1, 2147483647, -2147483648, 70000],
    uint32: [0, 4294967295, 0xdeadbeef],
    int64: [0, -1, 2 ** 53, -(2 ** 53), 9_007_199_254_740_991],
    uint64: [0, 2 ** 53, 12_345_678_000],
    float32: [0, -0.5, 3.25, 1e-10, 65504],
    float64: [0, Math.E, -1e300, 5e-324],
  };
  for (const [type, values] of Object.entries(samples)) {
    for (const order of orders) {
      if ((type === 'int16' || type === 'uint16') && (order === 'cdab' || order === 'dcba')) continue;
      it(`${type} ${order}`, () => {
        for (const value of values) {
          const s = spec(type as RegisterType, order);
          const words = encodeRegisters(value, s);
          expect(words.length).toBe(registerCount(s.type));
          const decoded = decodeRegisters(words, s);
          // float32 samples are their own shortest decimals, so they come back as written.
          expect(decoded.value).toBe(Number(value));
        }
      });
    }
  }
});

describe('errors', () => {
  it('rejects out-of-range and non-integer values', () => {
    expect(() => encodeRegisters(70000, spec('uint16'))).toThrow(/out of range for uint16/);
    expect(() => encodeRegisters(-1, spec('uint32'))).toThrow(/out of range/);
    expect(() => encodeRegisters(1.5, spec('int16'))).toThrow(/integer/);
    expect(() => encodeRegisters('x', spec('float32'))).toThrow(/number/);
  });
  it('throws when the driver delivered too few words', () => {
    expect(() => decodeRegisters(w(1), spec('float32'))).toThrow(/needs 2/);
  });
  it('ignores extra words', () => {
    expect(decodeRegisters(w(0x3fc0, 0, 0xffff), spec('float32')).value).toBe(1.5);
  });
});
