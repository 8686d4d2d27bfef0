import { describe, expect, it } from 'vitest';
import { AdaptivePlan, planBlocks, splitBlock, type PlanLimits, type PlanPoint } from '../../../../../electron/core/drivers/modbus-tcp/plan.js';

const limits: PlanLimits = { maxRegisterGap: 10, maxBitGap: 64, maxRegistersPerRequest: 125, maxBitsPerRequest: 2000 };
let nextId = 0;
const hr = (offset: number, count = 1): PlanPoint => ({ id: nextId++, table: 'hr', offset, count });
const pt = (table: PlanPoint['table'], offset: number, count = 1): PlanPoint => ({ id: nextId++, table, offset, count });
const shape = (blocks: ReturnType<typeof planBlocks>) => blocks.map((b) => `${b.table}:${b.start}+${b.count}`);

describe('planBlocks', () => {
  it('merges contiguous points into one request', () => {
    const points = Array.from({ length: 40 }, (_, i) => hr(i * 2, 2));
    expect(shape(planBlocks(points, limits))).toEqual(['hr:0+80']);
  });

  it('merges across gaps up to maxRegisterGap and splits beyond', () => {
    expect(shape(planBlocks([hr(0), hr(11)], limits))).toEqual(['hr:0+12']); // gap of 10
    expect(shape(planBlocks([hr(0), hr(12)], limits))).toEqual(['hr:0+1', 'hr:12+1']); // gap of 11
    expect(shape(planBlocks([hr(0), hr(1)], { ...limits, maxRegisterGap: 0 }))).toEqual(['hr:0+2']);
  });

  it('respects maxRegistersPerRequest and never splits a point', () => {
    const points = Array.from({ length: 500 }, (_, i) => hr(i));
    expect(shape(planBlocks(points, limits))).toEqual(['hr:0+125', 'hr:125+125', 'hr:250+125', 'hr:375+125']);
    expect(shape(planBlocks([hr(0, 2), hr(2, 2), hr(4, 2)], { ...limits, maxRegistersPerRequest: 5 }))).toEqual(['hr:0+4', 'hr:4+2']);
    expect(shape(planBlocks([hr(0, 4)], { ...limits, maxRegistersPerRequest: 2 }))).toEqual(['hr:0+4']);
  });

  it('keeps tables apart and uses the bit limits for coils and inputs', () => {
    const points = [pt('coil', 0), pt('coil', 64), pt('coil', 130), pt('di', 0), pt('di', 1999), pt('ir', 0), pt('hr', 0), pt('hr', 0, 2)];
    expect(shape(planBlocks(points, limits))).toEqual(['coil:0+65', 'coil:130+1', 'di:0+1', 'di:1999+1', 'ir:0+1', 'hr:0+2']);
    const bits = Array.from({ length: 4001 }, (_, i) => pt('coil', i));
    expect(shape(planBlocks(bits, limits))).toEqual(['coil:0+2000', 'coil:2000+2000', 'coil:4000+1']);
  });

  it('handles overlapping points (bits of one register, a float over two uint16)', () => {
    const points = [hr(5), { ...hr(5), count: 1 }, hr(4, 2), hr(5, 2)];
    const blocks = planBlocks(points, limits);
    expect(shape(blocks)).toEqual(['hr:4+3']);
    expect(blocks[0]?.points.length).toBe(4);
  });

  it('is minimal for spread points: 500 points every 3 registers → 12 requests', () => {
    const points = Array.from({ length: 500 }, (_, i) => hr(i * 3));
    // Each 125-register block holds 42 points (offsets 0..123).
    expect(planBlocks(points, limits).length).toBe(Math.ceil(500 / 42));
  });

  it('cuts where told', () => {
    const points = Array.from({ length: 10 }, (_, i) => hr(i));
    expect(shape(planBlocks(points, limits, new Set([points[4]!.id])))).toEqual(['hr:0+4', 'hr:4+6']);
  });
});

describe('splitBlock', () => {
  it('halves by points and re-bounds each half', () => {
    const [block] = planBlocks([hr(0), hr(3), hr(9, 2)], limits);
    const halves = splitBlock(block!);
    expect(halves?.map((b) => `${b.start}+${b.count}`)).toEqual(['0+4', '9+2']);
    expect(splitBlock(planBlocks([hr(0)], limits)[0]!)).toBeUndefined();
  });
});

describe('AdaptivePlan', () => {
  it('isolates a bad point and reads the rest in the fewest blocks', () => {
    const points = Array.from({ length: 40 }, (_, i) => hr(i));
    const plan = new AdaptivePlan(points, limits);
    expect(plan.blocks().length).toBe(1);
    expect(plan.isolate(points[17]!.id)).toBe(true);
    expect(plan.isolate(points[17]!.id)).toBe(false);
    plan.replan();
    expect(shape([...plan.blocks()])).toEqual(['hr:0+17', 'hr:17+1', 'hr:18+22']);
  });

  it('remembers a cut between two good halves (an unreadable gap)', () => {
    const points = [hr(0), hr(1), hr(5), hr(6)];
    const plan = new AdaptivePlan(points, limits);
    expect(plan.cutBeforePoint(points[2]!.id)).toBe(true);
    plan.replan();
    expect(shape([...plan.blocks()])).toEqual(['hr:0+2', 'hr:5+2']);
  });
});
