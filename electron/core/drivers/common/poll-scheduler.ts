/**
 * Poll scheduling shared by poll-based drivers: one timer per poll group, each with its
 * own interval. A cycle never overlaps itself: a tick that finds the previous cycle still
 * running is skipped and counted as an overrun, so a slow device does not pile up
 * requests. All state lives in the scheduler instance.
 */

export interface PollGroupTask {
  id: string;
  /** Interval between cycle starts; 0 runs cycles back to back (benchmarks, diagnostics). */
  intervalMs: number;
  /** One poll cycle. The signal aborts when the scheduler stops. */
  run(signal: AbortSignal): Promise<void>;
}

export interface PollGroupStats {
  id: string;
  intervalMs: number;
  cycles: number;
  /** Ticks skipped because the previous cycle was still running. */
  overruns: number;
  /** Cycles whose `run` rejected. */
  failures: number;
  lastDurationMs: number;
  running: boolean;
}

export interface PollSchedulerOptions {
  /** Called when a cycle rejects; the scheduler keeps going. */
  onError?(groupId: string, error: unknown): void;
  now?(): number;
}

export interface PollScheduler {
  /** Starts every group; the first cycle of each runs at once. Starting twice is a no-op. */
  start(): void;
  /** Clears all timers and aborts running cycles; safe to call twice. */
  stop(): void;
  /** Resolves when no cycle is running (after stop(), when the aborted cycles have settled). */
  idle(): Promise<void>;
  stats(): PollGroupStats[];
}

interface GroupState {
  task: PollGroupTask;
  stats: PollGroupStats;
  timer?: ReturnType<typeof setInterval>;
  immediate?: ReturnType<typeof setImmediate>;
  current?: Promise<void>;
}

export function createPollScheduler(tasks: ReadonlyArray<PollGroupTask>, options: PollSchedulerOptions = {}): PollScheduler {
  const now = options.now ?? (() => performance.now());
  let controller: AbortController | undefined;
  const groups: GroupState[] = tasks.map((task) => {
    if (!Number.isFinite(task.intervalMs) || task.intervalMs < 0) {
      throw new RangeError(`poll group "${task.id}": interval must be a finite number ≥ 0, got ${task.intervalMs}`);
    }
    return {
      task,
      stats: { id: task.id, intervalMs: task.intervalMs, cycles: 0, overruns: 0, failures: 0, lastDurationMs: 0, running: false },
    };
  });

  const runCycle = (group: GroupState, signal: AbortSignal): void => {
    if (signal.aborted) return;
    if (group.current !== undefined) {
      group.stats.overruns++;
      return;
    }
    const started = now();
    group.stats.running = true;
    let cycle: Promise<void>;
    try {
      cycle = group.task.run(signal);
    } catch (error) {
      cycle = Promise.reject(error);
    }
    group.current = cycle.then(
      () => undefined,
      (error: unknown) => {
        group.stats.failures++;
        if (!signal.aborted) options.onError?.(group.task.id, error);
      },
    ).finally(() => {
      group.current = undefined;
      group.stats.running = false;
      group.stats.cycles++;
      group.stats.lastDurationMs = now() - started;
      if (group.task.intervalMs === 0 && !signal.aborted) {
        group.immediate = setImmediate(() => runCycle(group, signal));
      }
    });
  };

  return {
    start() {
      if (controller !== undefined) return;
      const active = new AbortController();
      controller = active;
      for (const group of groups) {
        if (group.task.intervalMs > 0) {
          group.timer = setInterval(() => runCycle(group, active.signal), group.task.intervalMs);
        }
        runCycle(group, active.signal);
      }
    },
    stop() {
      if (controller === undefined) return;
      controller.abort();
      controller = undefined;
      for (const group of groups) {
        if (group.timer !== undefined) clearInterval(group.timer);
        if (group.immediate !== undefined) clearImmediate(group.immediate);
        group.timer = undefined;
        group.immediate = undefined;
      }
    },
    async idle() {
      await Promise.all(groups.map((g) => g.current));
    },
    stats() {
      return groups.map((g) => ({ ...g.stats }));
    },
  };
}
