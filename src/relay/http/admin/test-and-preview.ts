/** POST /services/{uid}/test sends for real; POST /rules/{uid}/preview renders and sends nothing. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlertGroup } from '../../../core/alert';
import { selectAlerts } from '../../../core/match';
import { normalizePayload, PayloadError } from '../../../core/normalize';
import {
  companionText,
  limitOf,
  packMessages,
  renderParts,
  ruleRenderContext,
  SAMPLE_GROUPS,
} from '../../../core/render';
import { validate } from '../../../core/validation';
import type { RelayContext } from '../../context';
import { destinationLabel, destinationsOf } from '../../delivery/destinations';
import { messageKindOf } from '../../delivery/worker';
import { testService } from '../../test-send';
import { ApiError, languageOf } from '../errors';

export const previewBodySchema = z
  .object({
    sample: z.enum(['firing', 'resolved', 'many', 'test']).default('firing'),
    source: z.enum(['grafana', 'alertmanager']).default('grafana'),
    /** A webhook payload as Grafana or Alertmanager would post it; the sample when absent. */
    payload: z.unknown().optional(),
  })
  .default({ sample: 'firing', source: 'grafana' });

export function testAndPreviewRoutes(app: FastifyInstance, context: RelayContext) {
  const { catalog, settings } = context;

  app.post<{ Params: { uid: string } }>('/services/:uid/test', async (request) => {
    const service = catalog.services.get(request.params.uid);
    if (!service) {
      throw new ApiError(404, {
        en: `no service "${request.params.uid}"`,
        'zh-CN': `通知服务 "${request.params.uid}" 不存在`,
      });
    }
    const results = await testService(service.config, {
      storage: context.storage,
      client: context.client,
      apiBase: settings.apiBase,
      language: languageOf(request),
    });
    return { ok: results.every((result) => result.ok), results };
  });

  app.post<{ Params: { uid: string } }>('/rules/:uid/preview', async (request) => {
    const language = languageOf(request);
    const rule = catalog.rules.get(request.params.uid)?.config;
    if (!rule) {
      throw new ApiError(404, {
        en: `no rule "${request.params.uid}"`,
        'zh-CN': `通知规则 "${request.params.uid}" 不存在`,
      });
    }
    const parsed = validate(previewBodySchema, request.body ?? undefined, language);
    if (!parsed.ok) {
      throw new ApiError(400, { en: 'invalid preview request', 'zh-CN': '预览请求无效' }, parsed.problems);
    }
    let group: AlertGroup;
    try {
      group =
        parsed.value.payload === undefined
          ? SAMPLE_GROUPS[parsed.value.sample]
          : normalizePayload(parsed.value.source, parsed.value.payload);
    } catch (error) {
      if (error instanceof PayloadError) {
        throw new ApiError(400, { en: `payload.${error.message}`, 'zh-CN': `告警数据有误：payload.${error.message}` }, [
          { path: `payload.${error.field}`, message: error.message },
        ]);
      }
      throw error;
    }
    const selected = selectAlerts(group, rule);
    const destinations = [];
    for (const serviceUid of rule.services) {
      const service = catalog.services.get(serviceUid)?.config;
      if (!service || !selected) {
        continue;
      }
      for (const [destination, target] of destinationsOf(service, settings.apiBase)) {
        const kind = messageKindOf(target);
        const firing = selected.status === 'firing';
        const parts = renderParts(selected, ruleRenderContext(rule), kind);
        const messages = packMessages([{ parts, mentions: rule.mentions, firing }], kind).map((message) => ({
          body: message.body,
          bytes: message.bytes,
          limit: message.limit,
        }));
        const companion = target.kind === 'robot' && firing ? companionText(rule.mentions, rule.language) : null;
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
  });
}
