import type ModbusSerial from 'modbus-serial';
import type { Logger } from '../../../log.js';
import type { AcquisitionPoint, RawSample } from '../../types.js';
import { createPollScheduler, type PollScheduler } from '../poll-scheduler.js';
import type { ModbusAddress } from './address.js';
import { type AdaptivePlan, isBitTable, type PlanLimits, planForPoints, type PlanPoint, type ReadBlock, splitBlock } from './plan.js';
import { exceptionCode, SPLITTABLE_EXCEPTIONS, statusForError } from './protocol.js';

/**
 * One poll cycle of a Modbus plan, the same for every transport (TCP, RTU on a serial
 * line, RTU over TCP, a TCP-to-RTU gateway): read every block, turn the answers into
 * samples, learn from failed blocks, emit once. The drivers only say how a request goes
 * out (`CycleIo.read`) and what a failure means for quality.
 */

type ModbusClient = InstanceType<typeof ModbusSerial.default>;

/** What a read of a block answers: bits for coils and inputs, words for registers. */
export interface BlockData {
  data: ArrayLike<number | boolean>;
}

export type ReadOp = (client: ModbusClient, unit: number, cb: (error: unknown, value: BlockData) => void) => void;

/** The modbus-serial request (FC1/2/3/4 by table) that reads a block. */
export function readOp(block: ReadBlock): ReadOp {
  const { start, count } = block;
  switch (block.table) {
    case 'coil':
      return (c, unit, cb) => c.writeFC1(unit, start, count, cb);
    case 'di':
      return (c, unit, cb) => c.writeFC2(unit, start, count, cb);
    case 'hr':
      return (c, unit, cb) => c.writeFC3(unit, start, count, cb);
    case 'ir':
      return (c, unit, cb) => c.writeFC4(unit, start, count, cb);
  }
}

export interface CycleIo {
  /** Sends the block's read request; `done(undefined, answer)` on success. */
  read(block: ReadBlock, done: (error: unknown, value?: BlockData) => void): void;
  now(): number;
  /** The status of the points of a block that failed for good. */
  statusFor(error: unknown): string;
  /** False once the connection is gone: a cycle cut short by it emits nothing. */
  isConnected(): boolean;
  emit(samples: RawSample[]): void;
}

const failedRead = (error: unknown): boolean => error !== undefined && error !== null;

/**
 * Reads one block and appends a good sample per point; `done(error)` on failure. Register
 * words go into `region` (a slice of the cycle's buffer) when given.
 */
function readBlockInto(io: CycleIo, block: ReadBlock, samples: RawSample[], region: Uint16Array | undefined, done: (error?: unknown) => void): void {
  io.read(block, (error, result) => {
    if (failedRead(error) || result === undefined) return done(failedRead(error) ? error : new Error('empty answer'));
    const receiveTs = io.now();
    const data = result.data;
    const points = block.points;
    if (isBitTable(block.table)) {
      for (const p of points) samples.push({ point: p.id, raw: { kind: 'bit', bit: data[p.offset - block.start] === true }, receiveTs, quality: 'good' });
      return done();
    }
    // A view per point into the block's region: small arrays of their own cost GC time,
    // and the view constructor skips subarray's species lookup (hot path, see the bench).
    const words = region ?? new Uint16Array(block.count);
    const n = Math.min(data.length, words.length);
    for (let i = 0; i < n; i++) words[i] = data[i] as number;
    const buffer = words.buffer;
    const base = words.byteOffset - block.start * 2;
    for (let i = 0; i < points.length; i++) {
      const p = points[i] as PlanPoint;
      samples.push({ point: p.id, raw: { kind: 'registers', words: new Uint16Array(buffer, base + p.offset * 2, p.count) }, receiveTs, quality: 'good' });
    }
    done();
  });
}

function readBlock(io: CycleIo, block: ReadBlock, samples: RawSample[]): Promise<void> {
  return new Promise((resolve, reject) => readBlockInto(io, block, samples, undefined, (error) => (error === undefined ? resolve() : reject(error))));
}

/**
 * A block failed. Address-type exceptions split it in halves (recursively) so that only
 * the bad point turns bad, and the plan learns the cut; anything else marks the block bad.
 */
async function handleFailure(io: CycleIo, plan: AdaptivePlan, block: ReadBlock, error: unknown, samples: RawSample[], signal: AbortSignal, learned: { changed: boolean }): Promise<void> {
  const code = exceptionCode(error);
  if (code !== undefined && SPLITTABLE_EXCEPTIONS.has(code)) {
    const halves = splitBlock(block);
    if (halves === undefined) {
      if (plan.isolate((block.points[0] as PlanPoint).id)) learned.changed = true;
    } else {
      const read = (half: ReadBlock): Promise<boolean> =>
        readBlock(io, half, samples).then(
          () => true,
          async (halfError: unknown) => {
            if (!signal.aborted) await handleFailure(io, plan, half, halfError, samples, signal, learned);
            return false;
          },
        );
      const [leftOk, rightOk] = await Promise.all(halves.map(read));
      // Both halves fine apart: the unreadable part lies between them.
      if (leftOk && rightOk && plan.cutBeforePoint((halves[1].points[0] as PlanPoint).id)) learned.changed = true;
      return;
    }
  }
  markBad(io, [block], io.statusFor(error), samples);
}

/** Appends a bad sample with `status` for every point of the blocks. */
export function markBad(io: Pick<CycleIo, 'now'>, blocks: readonly ReadBlock[], status: string, samples: RawSample[]): void {
  const receiveTs = io.now();
  for (const block of blocks) for (const p of block.points) samples.push({ point: p.id, receiveTs, quality: 'bad', status });
}

/**
 * One poll cycle of a plan. The common path is callbacks end to end (no promise per
 * request): it is what the poll bench measures against a bare modbus-serial loop.
 */
export function runModbusCycle(plan: AdaptivePlan, io: CycleIo, signal: AbortSignal): Promise<void> {
  const blocks = plan.blocks();
  const samples: RawSample[] = [];
  const failed: Array<{ block: ReadBlock; error: unknown }> = [];
  // One buffer for every register block of the cycle: fewer ArrayBuffers for the GC.
  let registers = 0;
  for (const block of blocks) if (!isBitTable(block.table)) registers += block.count;
  const cycleBuffer = new ArrayBuffer(registers * 2);
  let used = 0;
  return new Promise<void>((resolve) => {
    let remaining = blocks.length;
    if (remaining === 0) resolve();
    for (const block of blocks) {
      let region: Uint16Array | undefined;
      if (!isBitTable(block.table)) {
        region = new Uint16Array(cycleBuffer, used * 2, block.count);
        used += block.count;
      }
      readBlockInto(io, block, samples, region, (error) => {
        if (error !== undefined) failed.push({ block, error });
        if (--remaining === 0) resolve();
      });
    }
  }).then(async () => {
    if (signal.aborted) return;
    if (failed.length > 0) {
      const learned = { changed: false };
      await Promise.all(failed.map(({ block, error }) => handleFailure(io, plan, block, error, samples, signal, learned)));
      if (learned.changed) plan.replan();
    }
    if (signal.aborted || !io.isConnected()) return;
    io.emit(samples);
  });
}

export interface CyclePlan<A extends ModbusAddress> {
  /** Poll group id, or whatever key the driver grouped by (RTU: group and unit). */
  id: string;
  intervalMs: number;
  plan: AdaptivePlan;
  /** The group's points (all share the key). */
  points: ReadonlyArray<AcquisitionPoint<A>>;
}

/** Splits the points by `keyOf` (at least the poll group) into one adaptive plan each. */
export function planGroups<A extends ModbusAddress>(points: ReadonlyArray<AcquisitionPoint<A>>, limits: PlanLimits, keyOf: (point: AcquisitionPoint<A>) => string): Array<CyclePlan<A>> {
  const byKey = new Map<string, Array<AcquisitionPoint<A>>>();
  for (const point of points) {
    const key = keyOf(point);
    const list = byKey.get(key) ?? [];
    list.push(point);
    byKey.set(key, list);
  }
  return [...byKey].map(([id, list]) => ({ id, intervalMs: (list[0] as AcquisitionPoint<A>).intervalMs, plan: planForPoints(list, limits), points: list }));
}

/** Starts one poll timer per group running `cycle`; a failed cycle is logged, the timer goes on. */
export function startCycles<G extends { id: string; intervalMs: number }>(groups: readonly G[], cycle: (group: G, signal: AbortSignal) => Promise<void>, log: Logger): PollScheduler {
  const scheduler = createPollScheduler(
    groups.map((group) => ({ id: group.id, intervalMs: group.intervalMs, run: (signal: AbortSignal) => cycle(group, signal) })),
    { onError: (groupId, error) => log.warn('poll cycle failed', { groupId, error: statusForError(error) }) },
  );
  scheduler.start();
  return scheduler;
}
