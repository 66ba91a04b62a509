/** What the relay and its delivery thread say to each other. */
import type { Settings } from '../settings';

export const DELIVERY_THREAD_ROLE = 'wecom-relay-delivery';

export interface DeliveryThreadData {
  role: typeof DELIVERY_THREAD_ROLE;
  settings: Settings;
  /** The data encryption key, in memory only: the thread opens what the relay sealed. */
  secretKey: string;
  workerId: string;
}

/** The counters and histograms the thread's worker and WeCom client feed. */
export type ForwardedMetric =
  'deliveries' | 'messages' | 'errcodes' | 'rateLimitWaits' | 'sendLatency' | 'tokenRefreshes' | 'invalidRecipients';

export type ToThread =
  | { type: 'wake'; destinations: string[] }
  /** Services or rules changed (committed): reload them. */
  | { type: 'config' }
  | { type: 'stop' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'failed'; error: Error }
  | { type: 'stopped' }
  | { type: 'log'; level: 'error' | 'warn' | 'info' | 'debug'; fields: object; message: string }
  | {
      type: 'metric';
      name: ForwardedMetric;
      op: 'inc' | 'observe';
      labels: Record<string, string | number>;
      value?: number;
    }
  | { type: 'egressIp'; ip: string };
