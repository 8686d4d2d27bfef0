import { addressCount, type ModbusAddress, type ModbusTable } from './address.js';

/**
 * Request coalescing. Points of one poll group are merged per table into read blocks:
 * neighbours join a block while the unused gap between them is at most the allowed gap
 * and the block stays within the per-request limit. A point is never split across
 * requests (a point larger than the limit gets a block of its own).
 *
 * When a block read fails with an address-type exception, `AdaptivePlan` halves it and
 * learns where the blocks must be cut (a bad point, or an unreadable gap between two
 * good halves). The cuts are remembered, so the next cycles read the fewest blocks that
 * avoid the bad spot while the neighbours stay good.
 */
export interface PlanPoint {
  /** Caller's key (the acquisition point index). */
  id: number;
  table: ModbusTable;
  offset: number;
  /** Registers (hr/ir) or bits (coil/di) the point occupies. */
  count: number;
}

export interface ReadBlock {
  table: ModbusTable;
  start: number;
  count: number;
  /** Sorted by offset. */
  points: readonly PlanPoint[];
}

export interface PlanLimits {
  maxRegisterGap: number;
  maxBitGap: number;
  maxRegistersPerRequest: number;
  maxBitsPerRequest: number;
}

const tableOrder: Record<ModbusTable, number> = { coil: 0, di: 1, ir: 2, hr: 3 };
export const isBitTable = (table: ModbusTable): boolean => table === 'coil' || table === 'di';

function comparePoints(a: PlanPoint, b: PlanPoint): number {
  return tableOrder[a.table] - tableOrder[b.table] || a.offset - b.offset || a.count - b.count || a.id - b.id;
}

function makeBlock(points: PlanPoint[]): ReadBlock {
  const first = points[0] as PlanPoint;
  let end = 0;
  for (const p of points) end = Math.max(end, p.offset + p.count);
  return { table: first.table, start: first.offset, count: end - first.offset, points };
}

/**
 * Greedy left-to-right coalescing (optimal for this interval problem). `cutBefore` names
 * points that must start a new block.
 */
export function planBlocks(points: ReadonlyArray<PlanPoint>, limits: PlanLimits, cutBefore: ReadonlySet<number> = new Set()): ReadBlock[] {
  const sorted = [...points].sort(comparePoints);
  const blocks: ReadBlock[] = [];
  let current: PlanPoint[] = [];
  let start = 0;
  let end = 0;
  for (const p of sorted) {
    const first = current[0];
    if (first !== undefined) {
      const bits = isBitTable(p.table);
      const maxGap = bits ? limits.maxBitGap : limits.maxRegisterGap;
      const maxCount = bits ? limits.maxBitsPerRequest : limits.maxRegistersPerRequest;
      const newEnd = Math.max(end, p.offset + p.count);
      const fits = p.table === first.table && !cutBefore.has(p.id) && p.offset - end <= maxGap && newEnd - start <= maxCount;
      if (fits) {
        current.push(p);
        end = newEnd;
        continue;
      }
      blocks.push(makeBlock(current));
    }
    current = [p];
    start = p.offset;
    end = p.offset + p.count;
  }
  if (current.length > 0) blocks.push(makeBlock(current));
  return blocks;
}

/** Halves a block by its points; undefined for a block of one point. */
export function splitBlock(block: ReadBlock): [ReadBlock, ReadBlock] | undefined {
  if (block.points.length < 2) return undefined;
  const half = Math.ceil(block.points.length / 2);
  return [makeBlock(block.points.slice(0, half)), makeBlock(block.points.slice(half))];
}

/** A poll group's plan that learns from failed blocks (see module comment). */
export class AdaptivePlan {
  private readonly cutBefore = new Set<number>();
  private readonly sorted: PlanPoint[];
  private current: ReadBlock[];

  constructor(
    points: ReadonlyArray<PlanPoint>,
    private readonly limits: PlanLimits,
  ) {
    this.sorted = [...points].sort(comparePoints);
    this.current = planBlocks(this.sorted, limits);
  }

  blocks(): readonly ReadBlock[] {
    return this.current;
  }

  /** Point `id` alone failed: read it on its own from now on. True when the plan learned something. */
  isolate(id: number): boolean {
    const i = this.sorted.findIndex((p) => p.id === id);
    if (i < 0) return false;
    const before = this.cutBefore.size;
    this.cutBefore.add(id);
    const next = this.sorted[i + 1];
    if (next !== undefined) this.cutBefore.add(next.id);
    return this.cutBefore.size !== before;
  }

  /** Two halves read fine apart but not together: never merge across this point again. */
  cutBeforePoint(id: number): boolean {
    if (this.cutBefore.has(id)) return false;
    this.cutBefore.add(id);
    return true;
  }

  /** Rebuilds the blocks from the learned cuts; call after isolate/cutBeforePoint. */
  replan(): void {
    this.current = planBlocks(this.sorted, this.limits, this.cutBefore);
  }
}

/** The coalescing limits out of a Modbus device's settings (TCP and RTU share them). */
export function planLimits(settings: PlanLimits): PlanLimits {
  return {
    maxRegisterGap: settings.maxRegisterGap,
    maxBitGap: settings.maxBitGap,
    maxRegistersPerRequest: settings.maxRegistersPerRequest,
    maxBitsPerRequest: settings.maxBitsPerRequest,
  };
}

/** An adaptive plan for the acquisition points of one poll group (and unit). */
export function planForPoints(points: ReadonlyArray<{ index: number; address: ModbusAddress }>, limits: PlanLimits): AdaptivePlan {
  return new AdaptivePlan(
    points.map((p) => ({ id: p.index, table: p.address.table, offset: p.address.offset, count: addressCount(p.address) })),
    limits,
  );
}
