const BASE_MS = 1_000;
const MAX_MS = 5 * 60_000;
/** WeCom blocks a throttled robot or app for the rest of its minute. */
const RATE_LIMITED_MS = 60_000;

/** Exponential backoff with jitter (50–100 % of the step), so that queues do not retry in lockstep. */
export function backoffMs(failures: number, errcode: number | null, random: () => number = Math.random): number {
  const step = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(failures, 20));
  const jittered = step * (0.5 + random() / 2);
  return errcode === 45009 ? Math.max(RATE_LIMITED_MS, jittered) : jittered;
}
