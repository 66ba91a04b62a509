/** POST /services/{uid}/test sends for real; POST /rules/{uid}/preview renders and sends nothing. */
import { z } from 'zod';
import type { AlertGroup } from '../../../core/alert';
import { previewResultSchema, serviceTestRequestSchema, serviceTestResultSchema } from '../../../core/api';
import { selectAlerts } from '../../../core/match';
import { normalizePayload, PayloadError } from '../../../core/normalize';
import { limitOf, renderDeliveryMessages, ruleRenderContext, SAMPLE_GROUPS } from '../../../core/render';
import type { RelayContext } from '../../context';
import { destinationLabel } from '../../delivery/destinations';
import { messageKindOf } from '../../delivery/worker';
import { testService } from '../../test-send';
import { invalidInput, languageOf, notFound } from '../errors';
import { errorResponses, uidParams, type AdminApi } from './schemas';

export const previewBodySchema = z
  .object({
    sample: z.enum(['firing', 'resolved', 'many', 'test']).default('firing'),
    source: z.enum(['grafana', 'alertmanager']).default('grafana'),
    /** A webhook payload as Grafana or Alertmanager would post it; the sample when absent. */
    payload: z.unknown().optional(),
  })
  .default({ sample: 'firing', source: 'grafana' });

export function testAndPreviewRoutes(app: AdminApi, context: RelayContext) {
  const { catalog, settings } = context;

  app.post(
    '/services/:uid/test',
    {
      schema: {
        summary:
          'Send a real test message to every destination of the service, or to the one named by "destination" ' +
          "(a robot's or the app's destination as the service shows it); the result per destination",
        tags: ['services'],
        params: uidParams,
        body: serviceTestRequestSchema,
        response: { 200: serviceTestResultSchema, ...errorResponses(400, 404, 503) },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const service = catalog.services.get(request.params.uid);
      if (!service) {
        throw notFound('service', request.params.uid);
      }
      const destination = request.body?.destination;
      const known = [...service.destinations.keys()];
      if (destination !== undefined && !known.includes(destination)) {
        const message =
          language === 'zh-CN'
            ? `通知服务 "${service.config.uid}" 没有发送目标 "${destination}"；其发送目标为：${known.join('、')}`
            : `service "${service.config.uid}" has no destination "${destination}"; its destinations: ${known.join(', ')}`;
        throw invalidInput([{ path: 'destination', message }]);
      }
      const results = await testService(
        service.config,
        { storage: context.storage, client: context.client, apiBase: settings.apiBase, language },
        destination === undefined ? undefined : [destination]
      );
      return { ok: results.every((result) => result.ok), results };
    }
  );

  app.post(
    '/rules/:uid/preview',
    {
      schema: {
        summary:
          'Render a posted payload, or a built-in sample, into the exact messages each destination would get; sends nothing',
        tags: ['rules'],
        params: uidParams,
        body: previewBodySchema,
        response: { 200: previewResultSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const rule = catalog.rules.get(request.params.uid)?.config;
      if (!rule) {
        throw notFound('rule', request.params.uid);
      }
      const { payload, sample, source } = request.body;
      let group: AlertGroup;
      try {
        group = payload === undefined ? SAMPLE_GROUPS[sample] : normalizePayload(source, payload);
      } catch (error) {
        if (error instanceof PayloadError) {
          throw invalidInput([{ path: `payload.${error.field}`, message: error.message }]);
        }
        throw error;
      }
      const selected = selectAlerts(group, rule);
      const destinations = [];
      for (const serviceUid of rule.services) {
        const service = catalog.services.get(serviceUid);
        if (!service || !selected) {
          continue;
        }
        for (const [destination, target] of service.destinations) {
          const kind = messageKindOf(target);
          const rendered = renderDeliveryMessages([{ group: selected, ctx: ruleRenderContext(rule) }], kind);
          const messages = rendered.messages.map(({ body, bytes, limit }) => ({ body, bytes, limit }));
          const companion = rendered.companion;
          destinations.push({
            service: serviceUid,
            destination,
            kind: target.kind,
            label: destinationLabel(target),
            messageKind: kind,
            limit: limitOf(kind),
            messages,
            companion,
          });
        }
      }
      return {
        alerts: group.alerts.length,
        matched: selected?.alerts.length ?? 0,
        note: selected
          ? undefined
          : language === 'zh-CN'
            ? '没有告警匹配该规则，不会发送任何消息'
            : 'no alert matches this rule: nothing would be sent',
        destinations,
      };
    }
  );
}
