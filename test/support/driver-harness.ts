import os from 'node:os';
import { silentLogger } from '../../electron/core/log.js';
import type { AddressParse, DriverContext, RawSample } from '../../electron/core/drivers/types.js';

/**
 * What every driver test needs around a real driver: waiting for a condition, parsing
 * addresses that must be valid, and a driver context that records what the driver
 * reports, as the supervisor would see it.
 */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined or false); fails after `timeoutMs`. */
export async function until<T>(probe: () => T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** The parsed address, or a thrown error with the parser's message. */
export function parseOrThrow<A>(parse: (text: string) => AddressParse<A>, text: string): A {
  const r = parse(text);
  if (!r.ok) throw new Error(r.message);
  return r.address;
}

export interface Recorder<C extends DriverContext> {
  context: C;
  /** Every emit() call, in order. */
  batches: RawSample[][];
  /** Every sample of every batch, in order. */
  samples: RawSample[];
  /** Every connectionLost() reason. */
  lost: Error[];
  /** Latest sample of a point, optionally only among batches from index `since` on. */
  latest(point: number, since?: number): RawSample | undefined;
}

/** A driver context that records everything; `extra` adds or replaces context fields. */
export function recordingContext<X extends Partial<DriverContext>>(extra: X = {} as X): Recorder<DriverContext & X> {
  const batches: RawSample[][] = [];
  const samples: RawSample[] = [];
  const lost: Error[] = [];
  const base: DriverContext = {
    dataDir: os.tmpdir(),
    emit: (batch: RawSample[]) => {
      batches.push(batch);
      for (const s of batch) samples.push(s);
    },
    connectionLost: (reason: Error) => lost.push(reason),
    log: silentLogger,
    now: () => Date.now(),
  };
  const context = { ...base, ...extra };
  const latest = (point: number, since = 0): RawSample | undefined => {
    for (let i = batches.length - 1; i >= since; i--) {
      const batch = batches[i] as RawSample[];
      for (let j = batch.length - 1; j >= 0; j--) if (batch[j]?.point === point) return batch[j];
    }
    return undefined;
  };
  return { context, batches, samples, lost, latest };
}
