/**
 * The wait before a destination's next try, as Alertmanager's notifier spaces its retries: from
 * half a second, ×1.5 per failure, ±50 % jitter so that queues do not retry in lockstep, never
 * more than a minute between tries — alerts are worth trying often.
 */
const INITIAL_MS = 500;
const MULTIPLIER = 1.5;
const JITTER = 0.5;
export const MAX_BACKOFF_MS = 60_000;

/** `failures`: consecutive failed tries, this one included (1 after the first failure). */
export function backoffMs(failures: number, random: () => number): number {
  const step = INITIAL_MS * MULTIPLIER ** Math.max(0, Math.min(failures - 1, 30));
  const jittered = step * (1 - JITTER + 2 * JITTER * random());
  return Math.min(MAX_BACKOFF_MS, jittered);
}
