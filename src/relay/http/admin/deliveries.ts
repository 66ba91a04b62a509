/** The delivery log: what was sent where, every attempt with WeCom's answer, and retry by hand. */
import { z } from 'zod';
import { deliveryDetailSchema, deliveryPageSchema, deliverySummarySchema } from '../../../core/api';
import { deliveryStatuses } from '../../../core/delivery-states';
import { answerHints } from '../../../core/errcodes';
import { renderDeliveryMessages, ruleRenderContext } from '../../../core/render';
import type { RelayContext } from '../../context';
import { messageKindOf } from '../../delivery/worker';
import type { Attempt, Delivery } from '../../storage/types';
import { invalidRecipientsHint } from '../../wecom/recipients';
import { ApiError } from '../errors';
import { errorResponses, idParams, type AdminApi } from './schemas';

const time = z.union(
  [z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((text) => Date.parse(text))],
  {
    message: 'ms since epoch or an ISO-8601 date-time with zone, e.g. 2026-01-02T15:04:05+08:00',
  }
);

export const deliveryQuerySchema = z.object({
  status: z.enum(deliveryStatuses).optional(),
  rule: z.string().max(64).optional(),
  service: z.string().max(64).optional(),
  destination: z.string().max(128).optional(),
  /** ms since epoch or ISO-8601 */
  since: time.optional(),
  until: time.optional(),
  /** nextCursor of the previous page */
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

function iso<T extends number | null>(ms: T): T extends number ? string : string | null {
  return (ms === null ? null : new Date(ms).toISOString()) as T extends number ? string : string | null;
}

/**
 * The hint for a failed or retrying delivery, from its last attempt when that attempt's answer is
 * what its last error says (also inside "expired: … (last error: …)"); a failure the relay decided
 * on its own, such as a deleted rule, names its cause in lastError and has no hint.
 */
function deliveryHint(delivery: Delivery, last: Attempt | undefined) {
  return isFailing(delivery) && last && !last.ok && delivery.lastError!.includes(last.errmsg)
    ? attemptHint(last)
    : null;
}

const isFailing = (delivery: Delivery) => delivery.status !== 'sent' && delivery.lastError !== null;

/** The last attempt of each delivery whose summary may show a hint. */
async function lastAttemptsOf(storage: RelayContext['storage'], deliveries: Delivery[]) {
  const ids = deliveries.filter(isFailing).map((delivery) => delivery.id);
  return ids.length > 0 ? storage.lastAttempts(ids) : new Map<number, Attempt>();
}

export function deliverySummary(delivery: Delivery, last: Attempt | undefined) {
  const firing = delivery.group.alerts.filter((alert) => alert.status === 'firing').length;
  return {
    id: delivery.id,
    status: delivery.status,
    rule: delivery.ruleUid,
    service: delivery.serviceUid,
    destination: delivery.destination,
    kind: delivery.kind,
    label: delivery.label,
    isTest: delivery.isTest,
    groupStatus: delivery.group.status,
    alertnames: [...new Set(delivery.group.alerts.map((alert) => alert.labels.alertname ?? ''))].slice(0, 10),
    alerts: { firing, resolved: delivery.group.alerts.length - firing },
    partsSent: delivery.partsSent,
    attempts: delivery.attempts,
    createdAt: iso(delivery.createdAt),
    notBefore: iso(delivery.notBefore),
    sentAt: iso(delivery.sentAt),
    lastErrcode: delivery.lastErrcode,
    lastError: delivery.lastError,
    hint: deliveryHint(delivery, last),
    reason: delivery.reason,
    invalidRecipients: delivery.invalidRecipients,
  };
}

/** What to do about an attempt's answer: WeCom's refusal, or the recipients it did not deliver to. */
function attemptHint(attempt: Attempt) {
  return attempt.invalidRecipients.length > 0 ? invalidRecipientsHint(attempt.invalidRecipients) : answerHints(attempt);
}

/** An attempt as the delivery log shows it: WeCom's answer, and what to do about it. */
function attemptView(attempt: Attempt) {
  return { ...attempt, at: iso(attempt.at), hint: attemptHint(attempt) };
}

export function deliveryRoutes(app: AdminApi, context: RelayContext) {
  const { storage } = context;

  const find = async (id: string) => {
    const delivery = /^\d{1,15}$/.test(id) ? await storage.getDelivery(Number(id)) : undefined;
    if (!delivery) {
      throw new ApiError(404, { en: `no delivery ${id}`, 'zh-CN': `发送记录 ${id} 不存在` });
    }
    return delivery;
  };

  app.get(
    '/deliveries',
    {
      schema: {
        summary: 'The delivery log, newest first; filters combine; nextCursor pages to older deliveries',
        tags: ['deliveries'],
        querystring: deliveryQuerySchema,
        response: { 200: deliveryPageSchema, ...errorResponses(400, 503) },
      },
    },
    async (request) => {
      const query = request.query;
      const items = await storage.listDeliveries({
        status: query.status,
        ruleUid: query.rule,
        serviceUid: query.service,
        destination: query.destination,
        since: query.since,
        until: query.until,
        before: query.cursor,
        limit: query.limit,
      });
      const last = await lastAttemptsOf(storage, items);
      return {
        items: items.map((delivery) => deliverySummary(delivery, last.get(delivery.id))),
        nextCursor: items.length === query.limit ? items[items.length - 1].id : null,
      };
    }
  );

  app.get(
    '/deliveries/:id',
    {
      schema: {
        summary:
          "One delivery: its alerts, every attempt with WeCom's answer and a hint, and the messages it renders to",
        tags: ['deliveries'],
        params: idParams,
        response: { 200: deliveryDetailSchema, ...errorResponses(404, 503) },
      },
    },
    async (request) => {
      const delivery = await find(request.params.id);
      const attempts = await storage.listAttempts(delivery.id);
      return {
        ...deliverySummary(delivery, attempts.at(-1)),
        group: delivery.group,
        attempts: attempts.map(attemptView),
        messages: renderedMessages(delivery, context),
      };
    }
  );

  app.post(
    '/deliveries/:id/retry',
    {
      schema: {
        summary: 'Queue a failed (or sent) delivery again; 409 while it is pending',
        tags: ['deliveries'],
        params: idParams,
        response: { 202: deliverySummarySchema, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const delivery = await find(request.params.id);
      if (delivery.status === 'pending') {
        throw new ApiError(409, {
          en: `delivery ${delivery.id} is still pending`,
          'zh-CN': `发送记录 ${delivery.id} 仍在等待发送`,
        });
      }
      const retried = await storage.retryDelivery(delivery.id, Date.now());
      context.worker.wake();
      const last = await lastAttemptsOf(storage, [retried!]);
      return reply.code(202).send(deliverySummary(retried!, last.get(retried!.id)));
    }
  );
}

/** The messages this delivery renders to with the current config, in the style it was sent in. */
function renderedMessages(delivery: Delivery, context: RelayContext) {
  const rule = context.catalog.rules.get(delivery.ruleUid)?.config;
  const target = context.catalog.services.get(delivery.serviceUid)?.destinations.get(delivery.destination);
  if (!rule || !target) {
    return [];
  }
  const kind = messageKindOf(target);
  try {
    const ctx = ruleRenderContext(rule, { now: new Date(delivery.createdAt), digest: delivery.digest });
    return renderDeliveryMessages([{ group: delivery.group, ctx }], kind).messages.map(({ body, bytes, limit }) => ({
      body,
      bytes,
      limit,
    }));
  } catch {
    return [];
  }
}
