import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Storage } from './storage/types';

/** The relay's Prometheus metrics, on a registry of its own (several relays can share a process in tests). */
export function createMetrics(storage: Storage) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wecom_relay_' });
  const registers = [registry];
  const metrics = {
    registry,
    ingestRequests: new Counter({
      name: 'wecom_relay_ingest_requests_total',
      help: 'Webhook requests received, by source and result (accepted, duplicate, ignored, or the HTTP status).',
      labelNames: ['source', 'result'],
      registers,
    }),
    ingestSkipped: new Counter({
      name: 'wecom_relay_ingest_skipped_total',
      help: 'Accepted webhooks not sent at once, by source and reason: rule_disabled, no_match, duplicate (never sent), quiet_hours (held, sent when they end).',
      labelNames: ['source', 'reason'],
      registers,
    }),
    invalidRecipients: new Counter({
      name: 'wecom_relay_invalid_recipients_total',
      help: 'App recipients WeCom did not deliver a message to while the others got it, by kind (user, party, tag, unlicensed).',
      labelNames: ['kind'],
      registers,
    }),
    deliveries: new Counter({
      name: 'wecom_relay_deliveries_total',
      help: 'Deliveries finished, by destination kind and outcome (sent, failed, expired).',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    messages: new Counter({
      name: 'wecom_relay_messages_sent_total',
      help: 'Messages accepted by WeCom, by destination kind.',
      labelNames: ['kind'],
      registers,
    }),
    errcodes: new Counter({
      name: 'wecom_relay_wecom_errors_total',
      help: 'Failed sends to WeCom, by destination kind and errcode ("network" or "http_<status>" when there was none).',
      labelNames: ['kind', 'errcode'],
      registers,
    }),
    sendLatency: new Histogram({
      name: 'wecom_relay_send_duration_seconds',
      help: 'Time for one send to WeCom, token fetch included.',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    rateLimitWaits: new Counter({
      name: 'wecom_relay_rate_limit_waits_total',
      help: 'Times a destination held messages back to stay within WeCom limits.',
      labelNames: ['kind'],
      registers,
    }),
    tokenRefreshes: new Counter({
      name: 'wecom_relay_token_refreshes_total',
      help: 'access_token fetches, by result.',
      labelNames: ['result'],
      registers,
    }),
  };
  new Gauge({
    name: 'wecom_relay_queue_depth',
    help: 'Deliveries waiting to be sent.',
    registers,
    async collect() {
      this.set((await storage.queueStats()).pending);
    },
  });
  new Gauge({
    name: 'wecom_relay_oldest_pending_seconds',
    help: 'Age of the oldest delivery waiting to be sent (0 when none).',
    registers,
    async collect() {
      const { oldestPendingAt } = await storage.queueStats();
      this.set(oldestPendingAt === null ? 0 : (Date.now() - oldestPendingAt) / 1000);
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A counter as its users see it: prom-client's, or a forwarder to it from the delivery thread. */
export type Counts<L extends string> = { inc(labels: Partial<Record<L, string | number>>, value?: number): void };
