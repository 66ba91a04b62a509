import type { BackendSrvRequest } from '@grafana/runtime';
import { config as grafanaConfig } from '@grafana/runtime';
import type { AttemptView, DeliveryDetail, DeliveryPage, DeliverySummary } from '../../../core/api';
import { RELAY_PROXY_URL } from '../../constants';
import type { ResourceHandler } from '../backendSrv';
import { relayError } from './relayAnswers';

const PATH = new RegExp(`^${RELAY_PROXY_URL}/deliveries(?:/([^/]+))?(/retry)?$`);
const DEFAULT_LIMIT = 50;

/** A delivery as the relay's GET /deliveries/{id} answers it; every field may be overridden. */
export function makeDelivery(overrides: Partial<DeliveryDetail> & Pick<DeliveryDetail, 'id'>): DeliveryDetail {
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 11, 1, 8, 0, overrides.id)).toISOString();
  return {
    status: 'sent',
    rule: 'critical',
    service: 'ops',
    destination: 'robot:1234',
    kind: 'robot',
    label: 'ops',
    isTest: false,
    groupStatus: 'firing',
    alertnames: ['HighCPU'],
    alerts: { firing: 1, resolved: 0 },
    partsSent: 1,
    createdAt,
    notBefore: createdAt,
    sentAt: createdAt,
    lastErrcode: null,
    lastError: null,
    hint: null,
    reason: null,
    invalidRecipients: [],
    group: { status: 'firing', alerts: [{ labels: { alertname: 'HighCPU' } }] },
    attempts: [],
    messages: [],
    ...overrides,
  };
}

/** An attempt as the relay lists it: accepted by WeCom unless overridden. */
export function makeAttempt(overrides: Partial<AttemptView> & Pick<AttemptView, 'id' | 'deliveryId'>): AttemptView {
  return {
    destination: 'robot:1234',
    at: '2026-12-01T08:00:01.000Z',
    ok: true,
    errcode: 0,
    errmsg: 'ok',
    httpStatus: 200,
    durationMs: 120,
    message: { msgtype: 'markdown', markdown: { content: '## 【告警】HighCPU' } },
    hint: null,
    invalidRecipients: [],
    ...overrides,
  };
}

export interface DeliveriesHandlerOptions {
  deliveries?: DeliveryDetail[];
}

function summary({ group: _group, attempts, messages: _messages, ...rest }: DeliveryDetail): DeliverySummary {
  return { ...rest, attempts: attempts.length };
}

/**
 * The relay's /deliveries endpoints over an in-memory log: newest first, filters combined, cursor
 * paging to older deliveries (nextCursor is the last id when the page is full), the detail with
 * its attempts, and retry (409 while pending; refused to a Viewer the way Grafana's proxy refuses
 * a non-GET call below Editor). Every list query is recorded.
 */
export function deliveriesHandler(options: DeliveriesHandlerOptions = {}) {
  const stored = new Map<number, DeliveryDetail>();
  for (const delivery of options.deliveries ?? []) {
    stored.set(delivery.id, delivery);
  }
  const queries: Array<Record<string, string>> = [];
  const retries: number[] = [];

  const list = (params: Record<string, string>): DeliveryPage => {
    queries.push(params);
    const limit = Number(params.limit ?? DEFAULT_LIMIT);
    const time = (delivery: DeliveryDetail) => Date.parse(delivery.createdAt);
    const matching = [...stored.values()]
      .filter(
        (delivery) =>
          (!params.status || delivery.status === params.status) &&
          (!params.rule || delivery.rule === params.rule) &&
          (!params.service || delivery.service === params.service) &&
          (!params.destination || delivery.destination === params.destination) &&
          (!params.since || time(delivery) >= Number(params.since)) &&
          (!params.until || time(delivery) <= Number(params.until)) &&
          (!params.cursor || delivery.id < Number(params.cursor))
      )
      .sort((a, b) => b.id - a.id)
      .slice(0, limit);
    return {
      items: matching.map(summary),
      nextCursor: matching.length === limit ? matching[matching.length - 1].id : null,
    };
  };

  const handler: ResourceHandler = (request: BackendSrvRequest) => {
    const match = PATH.exec(request.url);
    if (!match) {
      return undefined;
    }
    const method = request.method ?? 'GET';
    if (!match[1]) {
      return { data: list(Object.fromEntries(Object.entries(request.params ?? {}).map(([k, v]) => [k, String(v)]))) };
    }
    const delivery = stored.get(Number(match[1]));
    if (!delivery) {
      return relayError(404, `no delivery ${match[1]}`);
    }
    if (!match[2]) {
      return { data: delivery };
    }
    if (method !== 'POST' || grafanaConfig.bootData.user.orgRole === 'Viewer') {
      return relayError(403, 'Forbidden');
    }
    if (delivery.status === 'pending') {
      return relayError(409, `delivery ${delivery.id} is still pending`);
    }
    retries.push(delivery.id);
    const queued: DeliveryDetail = { ...delivery, status: 'pending', lastErrcode: null, lastError: null, hint: null };
    stored.set(delivery.id, queued);
    return { status: 202, data: summary(queued) };
  };

  return { handler, stored, queries, retries };
}
