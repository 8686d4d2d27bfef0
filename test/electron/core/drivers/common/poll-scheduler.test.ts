import { describe, expect, it } from 'vitest';
import { createPollScheduler } from '../../../../../electron/core/drivers/common/poll-scheduler.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a condition instead of asserting after a fixed time: slow machines stay green. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('poll scheduler', () => {
  it('runs each group on its own interval, first cycle at once', async () => {
    const runs = { fast: 0, slow: 0 };
    const scheduler = createPollScheduler([
      { id: 'fast', intervalMs: 10, run: async () => void runs.fast++ },
      { id: 'slow', intervalMs: 100_000, run: async () => void runs.slow++ },
    ]);
    scheduler.start();
    await until(() => runs.fast >= 5);
    expect(runs.slow).toBe(1);
    scheduler.stop();
    await scheduler.idle();
    const after = runs.fast;
    await sleep(50);
    expect(runs.fast).toBe(after);
    expect(scheduler.stats().map((s) => s.id)).toEqual(['fast', 'slow']);
  });

  it('never overlaps a slow cycle and counts the skipped ticks', async () => {
    let running = 0;
    let maxRunning = 0;
    let release: (() => void) | undefined;
    const scheduler = createPollScheduler([
      {
        id: 'g',
        intervalMs: 10,
        run: () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          return new Promise<void>((resolve) => {
            release = () => {
              running--;
              resolve();
            };
          });
        },
      },
    ]);
    scheduler.start();
    await until(() => scheduler.stats()[0]!.overruns >= 3);
    expect(maxRunning).toBe(1);
    expect(scheduler.stats()[0]!.cycles).toBe(0);
    release?.();
    await until(() => scheduler.stats()[0]!.cycles >= 1);
    scheduler.stop();
    release?.();
    await scheduler.idle();
    expect(maxRunning).toBe(1);
  });

  it('aborts running cycles on stop and keeps going after a failing cycle', async () => {
    const errors: string[] = [];
    let seenAbort = false;
    let calls = 0;
    const scheduler = createPollScheduler(
      [
        {
          id: 'g',
          intervalMs: 10,
          run: (signal) => {
            calls++;
            if (calls === 1) return Promise.reject(new Error('boom'));
            return new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                seenAbort = true;
                resolve();
              });
            });
          },
        },
      ],
      { onError: (id, error) => errors.push(`${id}: ${(error as Error).message}`) },
    );
    scheduler.start();
    scheduler.start(); // no-op
    await until(() => calls >= 2);
    expect(errors).toEqual(['g: boom']);
    scheduler.stop();
    scheduler.stop(); // safe twice
    await scheduler.idle();
    expect(seenAbort).toBe(true);
    expect(scheduler.stats()[0]!.failures).toBe(1);
  });

  it('runs back to back with interval 0 and stops cleanly', async () => {
    let calls = 0;
    const scheduler = createPollScheduler([{ id: 'b', intervalMs: 0, run: async () => void calls++ }]);
    scheduler.start();
    await until(() => calls >= 100);
    scheduler.stop();
    await scheduler.idle();
    const after = calls;
    await sleep(20);
    expect(calls).toBe(after);
  });

  it('rejects a bad interval', () => {
    expect(() => createPollScheduler([{ id: 'x', intervalMs: -1, run: async () => undefined }])).toThrow(/interval/);
  });
});
