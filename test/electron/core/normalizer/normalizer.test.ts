import { describe, expect, it } from 'vitest';
import { compileNormalizer, type NormalizedPoint } from '../../../../electron/core/normalizer/normalizer.js';
import { NE43, loopCurrent } from '../../../../electron/core/normalizer/scaling.js';
import type { RawSample } from '../../../../electron/core/drivers/types.js';
import type { Scaling } from '../../../../shared/project.js';

const value = (v: number | string | boolean, extra: Partial<RawSample> = {}): RawSample => ({ point: 0, raw: { kind: 'value', value: v }, receiveTs: 1_000_000, quality: 'good', ...extra });
const one = (spec: Partial<NormalizedPoint>) => compileNormalizer([{ tagId: 't', decode: { kind: 'value' }, scaling: { kind: 'none' }, ...spec }]);

describe('normalizer: 4-20 mA with NAMUR NE43 bands', () => {
  // An input card giving 0..27648 counts for 4..20 mA (Siemens S7 analog input range).
  const scaling: Extract<Scaling, { kind: 'ma4-20' }> = { kind: 'ma4-20', rawAt4mA: 0, rawAt20mA: 27648, low: 0, high: 10 };
  const countsAt = (mA: number) => ((mA - 4) / 16) * 27648;
  const read = (mA: number) => one({ scaling })([value(countsAt(mA))])[0]!;

  it('scales the valid signal onto the engineering range and keeps it good', () => {
    expect(loopCurrent(scaling, countsAt(12))).toBeCloseTo(12, 9);
    expect(read(4)).toMatchObject({ value: 0, quality: 'good' });
    expect(read(12).value).toBeCloseTo(5, 9);
    expect(read(20)).toMatchObject({ value: 10, quality: 'good' });
    // Slightly beyond 4/20 mA, still inside 3.8..20.5 mA: a valid (out-of-range) measurement.
    expect(read(3.9).quality).toBe('good');
    expect(read(20.4).quality).toBe('good');
  });

  it('marks the edges uncertain and the fault bands bad "sensor fault"', () => {
    const low = read(3.7);
    expect(low.quality).toBe('uncertain');
    expect(low.status).toMatch(/3\.70 mA is below the valid signal \(3\.8-20\.5 mA/);
    expect(typeof low.value).toBe('number');
    expect(read(20.7)).toMatchObject({ quality: 'uncertain' });
    const broken = read(3.2);
    expect(broken).toMatchObject({ quality: 'bad', value: null });
    expect(broken.status).toMatch(/^sensor fault: loop current 3\.20 mA is below 3\.6 mA/);
    expect(read(22).status).toMatch(/^sensor fault: loop current 22\.00 mA is above 21 mA/);
    // A card that reports counts below its 4 mA point by a quarter of the range: 0 mA, a wire break.
    expect(one({ scaling })([value(-27648 / 4)])[0]!.status).toMatch(/0\.00 mA is below 3\.6 mA/);
    expect(NE43).toEqual({ faultBelow: 3.6, validFrom: 3.8, validTo: 20.5, faultAbove: 21 });
  });
});

describe('normalizer: quality rules and data types', () => {
  it('a sentinel raw value is a fault with its reason, before scaling', () => {
    const n = one({ scaling: { kind: 'linear', factor: 0.1, offset: 0 }, quality: { sentinels: [{ raw: 32767, quality: 'bad', reason: 'overflow: input card out of range' }] } });
    expect(n([value(32767)])[0]).toMatchObject({ value: null, quality: 'bad', status: 'overflow: input card out of range' });
    expect(n([value(250)])[0]).toMatchObject({ value: 25, quality: 'good' });
  });

  it('a value outside the plausible range gets the configured quality and says why', () => {
    const n = one({ quality: { range: { low: 0, high: 100, outside: 'uncertain' } } });
    expect(n([value(101)])[0]).toMatchObject({ value: 101, quality: 'uncertain', status: '101 is outside the plausible range 0..100' });
    expect(n([value(100)])[0]).toMatchObject({ quality: 'good' });
    expect(one({ quality: { range: { low: 0, high: 1, outside: 'bad' } } })([value(-1)])[0]!.quality).toBe('bad');
  });

  it('converts to the tag data type, and says when it cannot', () => {
    expect(one({ dataType: 'integer' })([value(2.6)])[0]!.value).toBe(3);
    expect(one({ dataType: 'boolean' })([value(0)])[0]!.value).toBe(false);
    expect(one({ dataType: 'boolean' })([value('ON')])[0]!.value).toBe(true);
    expect(one({ dataType: 'string' })([value(42)])[0]!.value).toBe('42');
    expect(one({ dataType: 'number' })([value(' 7.5')])[0]!.value).toBe(7.5);
    const bad = one({ dataType: 'number' })([value('open')])[0]!;
    expect(bad).toMatchObject({ value: null, quality: 'bad' });
    expect(bad.status).toMatch(/"open" is not a number/);
  });

  it('decodes registers before scaling (float32 cdab, two-point calibration)', () => {
    const words = new Uint16Array([0x0000, 0x4148]); // 12.5 as float32, word-swapped
    const n = compileNormalizer([{ tagId: 't', decode: { kind: 'registers', type: 'float32', order: 'cdab' }, scaling: { kind: 'two-point', raw1: 0, eng1: 10, raw2: 25, eng2: 20 } }]);
    expect(n([{ point: 0, raw: { kind: 'registers', words }, receiveTs: 1, quality: 'good' }])[0]!.value).toBe(15);
  });
});

describe('normalizer: deadband', () => {
  const run = (spec: Partial<NormalizedPoint>, values: Array<number | [number, 'bad']>) => {
    const n = one(spec);
    return values.flatMap((v, i) =>
      n([Array.isArray(v) ? { point: 0, receiveTs: i, quality: 'bad', status: 'no response' } : value(v, { receiveTs: i })]).map((r) => r.value),
    );
  };

  it('absolute: reports a value once it moved at least the deadband from the last reported one', () => {
    expect(run({ deadband: { kind: 'absolute', value: 0.5 } }, [10, 10.2, 10.4, 10.5, 10.6, 9.9, 9.95, 11])).toEqual([10, 10.5, 9.9, 11]);
  });

  it('percent: of the engineering span of the scaling', () => {
    // Span 0..200 -> 1 % is 2 units.
    const scaling: Scaling = { kind: 'range', rawLow: 0, rawHigh: 200, low: 0, high: 200 };
    expect(run({ scaling, deadband: { kind: 'percent', value: 1 } }, [100, 101, 101.9, 102, 99.9])).toEqual([100, 102, 99.9]);
  });

  it('percent without a span: of the last reported value', () => {
    expect(run({ deadband: { kind: 'percent', value: 10 } }, [100, 109, 110, 120, 132])).toEqual([100, 110, 132]);
  });

  it('a change of quality is always reported, and the value after it too', () => {
    expect(run({ deadband: { kind: 'absolute', value: 5 } }, [10, 11, [0, 'bad'], 11, 12])).toEqual([10, null, 11]);
  });

  it('without a deadband every sample is a reading', () => {
    expect(run({}, [1, 1, 1])).toEqual([1, 1, 1]);
  });
});

describe('normalizer: timestamps and clock skew', () => {
  it('device: the source time, keeping the receive time beside it', () => {
    const r = one({ time: { source: 'device' } })([value(1, { sourceTs: 999_000, receiveTs: 1_000_250 })])[0]!;
    expect(r).toMatchObject({ ts: 999_000, receiveTs: 1_000_250 });
    // No source time: the receive time, stored once.
    const plain = one({})([value(1, { receiveTs: 1_000_250 })])[0]!;
    expect(plain.ts).toBe(1_000_250);
    expect(plain.receiveTs).toBeUndefined();
  });

  it('receive: ignores the source time', () => {
    const r = one({ time: { source: 'receive' } })([value(1, { sourceTs: 5, receiveTs: 1_000_250 })])[0]!;
    expect(r.ts).toBe(1_000_250);
    expect(r.receiveTs).toBeUndefined();
  });

  it('point: the decoded value of the time point of the same cycle', () => {
    const points: NormalizedPoint[] = [
      { tagId: 'flow', decode: { kind: 'value' }, scaling: { kind: 'none' }, time: { source: 'point', point: 1, describe: 'hr:100' } },
      { tagId: 'flow#time', decode: { kind: 'value' }, scaling: { kind: 'none' }, role: 'time', decodeTime: (s) => (s.raw?.kind === 'value' && typeof s.raw.value === 'number' ? { ok: true, ms: s.raw.value * 1000 } : { ok: false, error: 'not a number' }) },
    ];
    const n = compileNormalizer(points);
    const readings = n([value(7, { receiveTs: 1_700_000_000_500 }), { point: 1, raw: { kind: 'value', value: 1_700_000_000 }, receiveTs: 1_700_000_000_500, quality: 'good' }]);
    expect(readings).toEqual([{ tagId: 'flow', ts: 1_700_000_000_000, receiveTs: 1_700_000_000_500, value: 7, quality: 'good' }]);
    const broken = n([value(8, { receiveTs: 1_700_000_001_500 }), { point: 1, raw: { kind: 'value', value: 'x' }, receiveTs: 1_700_000_001_500, quality: 'good' }])[0]!;
    expect(broken).toMatchObject({ ts: 1_700_000_001_500, quality: 'uncertain', status: 'timestamp point hr:100: not a number; receive time used' });
  });

  it('measures the device clock skew as the median of receive minus source time', () => {
    const n = compileNormalizer([0, 1, 2].map((i) => ({ tagId: `t${i}`, decode: { kind: 'value' as const }, scaling: { kind: 'none' as const } })));
    expect(n.clockSkew()).toBeUndefined();
    n([0, 1, 2].map((i) => ({ ...value(i, { sourceTs: 1_000_000 - [60_000, 61_000, 90_000][i]!, receiveTs: 1_000_000 }), point: i })));
    expect(n.clockSkew()).toMatchObject({ offsetMs: 61_000, samples: 3 });
  });
});
