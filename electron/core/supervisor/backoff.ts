/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so a
 * plant full of devices that dropped together does not reconnect in lockstep, yet no
 * device waits less than half its nominal delay.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, multiplier: 2 };

/** Delay before attempt number `attempt` (1 = first retry). `random` returns [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const nominal = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}
