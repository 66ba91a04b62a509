/**
 * How many messages a destination may send now without exceeding WeCom's limits, counted from
 * the send log in storage (so restarts and replicas share one count).
 */
import { RATE_LIMITS } from '../../core/limits';
import type { RateWindow, SendLedger } from '../storage/types';
import { limiterKeys, type ResolvedDestination } from './destinations';

/**
 * A little longer than WeCom's minute: our clock starts when we send, WeCom's when the request
 * arrives, and latencies vary.
 */
export const MINUTE_WINDOW_MS = 62_000;
export const HOUR_WINDOW_MS = 3_602_000;

export function windowsOf(destination: ResolvedDestination): RateWindow[] {
  return destination.kind === 'robot'
    ? [{ windowMs: MINUTE_WINDOW_MS, limit: RATE_LIMITS.robotPerMinute }]
    : [
        { windowMs: MINUTE_WINDOW_MS, limit: RATE_LIMITS.appRecipientPerMinute },
        { windowMs: HOUR_WINDOW_MS, limit: RATE_LIMITS.appRecipientPerHour },
      ];
}

export interface Budget {
  /** Messages that may be sent now. */
  available: number;
  /** When at least one more becomes available (only meaningful when available is 0). */
  freeAt: number;
  /** Something was sent to this destination within the last minute. */
  recentlyActive: boolean;
  /**
   * Messages that may go before a quarter of the minute's budget is spent. At 0 the destination is
   * under pressure: time to merge what waits into digests.
   */
  beforePressure: number;
}

export async function budgetOf(ledger: SendLedger, destination: ResolvedDestination, now: number): Promise<Budget> {
  const keys = limiterKeys(destination);
  let available = Infinity;
  let freeAt = now;
  let recentlyActive = false;
  let beforePressure = Infinity;
  for (const { windowMs, limit } of windowsOf(destination)) {
    const since = now - windowMs;
    const counts = await ledger.countSends(keys, since);
    for (const key of keys) {
      const used = counts.get(key) ?? 0;
      if (windowMs === MINUTE_WINDOW_MS) {
        recentlyActive ||= used > 0;
        beforePressure = Math.min(beforePressure, Math.max(0, Math.ceil(limit / 4) - used));
      }
      available = Math.min(available, limit - used);
      if (used >= limit) {
        const oldest = await ledger.oldestSend(key, since);
        freeAt = Math.max(freeAt, (oldest ?? now) + windowMs);
      }
    }
  }
  return {
    available: Math.max(0, available === Infinity ? 0 : available),
    freeAt,
    recentlyActive,
    beforePressure: beforePressure === Infinity ? 0 : beforePressure,
  };
}
