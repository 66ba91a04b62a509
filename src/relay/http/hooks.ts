/**
 * POST /hooks/grafana/{ruleUid} and /hooks/alertmanager/{ruleUid}: the only way alerts come in.
 * 202 is answered only after the deliveries are committed to storage; the webhooks of one turn of
 * the event loop share that commit (see GroupCommit).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AlertSource } from '../../core/alert';
import type { Language } from '../../core/config';
import { normalizePayload, PayloadError } from '../../core/normalize';
import type { RelayContext } from '../context';
import { GroupCommit } from '../ingest/group-commit';
import { dedupKey, planIngest } from '../ingest/plan';
import { StorageUnavailable } from '../storage/types';
import { hasToken, hmacProblem } from './auth';
import { errorBody, languageOf, type Text } from './errors';

const JSON_TYPE = /^(application\/([\w.+-]*\+)?json|text\/plain)\s*(;|$)/i;

/** The payload problems normalize.ts names, in Chinese. */
const ZH_PAYLOAD_PROBLEMS: Array<[RegExp, string]> = [
  [/^expected an object$/, '应为对象'],
  [/^expected a string$/, '应为文本'],
  [/^expected an array$/, '应为数组'],
  [/^missing$/, '缺失'],
  [/^expected a JSON object$/, '应为 JSON 对象'],
  [/^expected "firing" or "resolved"$/, '应为 "firing" 或 "resolved"'],
  [/^not a time: (.*)$/, '不是有效的时间：$1'],
];

function payloadProblem(error: PayloadError): Text {
  const problem = error.message.slice(error.field.length + 2);
  const zh = ZH_PAYLOAD_PROBLEMS.find(([pattern]) => pattern.test(problem));
  return {
    en: error.message,
    'zh-CN': `${error.field}：${zh ? problem.replace(zh[0], zh[1]) : problem}`,
  };
}

function refuse(reply: FastifyReply, language: Language, statusCode: number, text: Text) {
  return reply.code(statusCode).send(errorBody(statusCode, text[language]));
}

export async function hookRoutes(app: FastifyInstance, context: RelayContext) {
  const { catalog, storage, settings, metrics, worker } = context;
  const commits = new GroupCommit(storage);

  // Keep the raw bytes: Grafana's HMAC signs them, and bad JSON must become a 400 that names the problem.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: settings.bodyLimitBytes }, (_request, body, done) =>
    done(null, body)
  );

  for (const source of ['grafana', 'alertmanager'] as AlertSource[]) {
    app.post<{ Params: { ruleUid: string } }>(`/hooks/${source}/:ruleUid`, async (request, reply) => {
      const count = (result: string) => metrics.ingestRequests.inc({ source, result });
      const language = languageOf(request);
      if (!hasToken(request, context.tokens.ingest)) {
        count('401');
        reply.header('WWW-Authenticate', 'Bearer realm="wecom-relay"');
        return refuse(reply, language, 401, {
          en: 'missing or wrong ingest token (Authorization: Bearer <token>, or Basic with the token as password)',
          'zh-CN': '缺少或错误的接入令牌（Authorization: Bearer <令牌>，或 Basic 认证以令牌为密码）',
        });
      }
      const rule = catalog.rules.get(request.params.ruleUid);
      if (!rule) {
        count('404');
        return refuse(reply, language, 404, {
          en: `no rule with uid "${request.params.ruleUid}"`,
          'zh-CN': `没有 uid 为 "${request.params.ruleUid}" 的通知规则`,
        });
      }
      const contentType = request.headers['content-type'];
      if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
        count('415');
        return refuse(reply, language, 415, {
          en: `expected a JSON body, got Content-Type ${contentType}`,
          'zh-CN': `请求体应为 JSON，收到的 Content-Type 为 ${contentType}`,
        });
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (rule.config.hmac) {
        const problem = hmacProblem(request, raw, rule.config.hmac, Date.now());
        if (problem) {
          count('401');
          return refuse(reply, language, 401, { en: problem, 'zh-CN': `签名校验失败：${problem}` });
        }
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        count('400');
        return refuse(
          reply,
          language,
          400,
          raw.length === 0
            ? { en: 'empty body: expected a JSON object', 'zh-CN': '请求体为空：应为 JSON 对象' }
            : invalidJson((error as Error).message)
        );
      }
      const now = new Date();
      let group;
      try {
        group = normalizePayload(source, body, now.getTime());
      } catch (error) {
        if (error instanceof PayloadError) {
          count('400');
          return refuse(reply, language, 400, payloadProblem(error));
        }
        throw error;
      }
      const plan = planIngest(group, rule, catalog, now);
      const trace = { rule: rule.config.uid, source, groupKey: group.groupKey, alerts: group.alerts.length };
      try {
        if (plan.action === 'skip') {
          const { ids } = await commits.write({
            action: 'skip',
            reason: plan.reason,
            deliveries: plan.deliveries,
            now: now.getTime(),
          });
          count('ignored');
          metrics.ingestSkipped.inc({ source, reason: plan.reason });
          request.log.info({ ...trace, reason: plan.reason, ids }, `webhook accepted, nothing to send: ${plan.why.en}`);
          return reply.code(202).send({ status: 'ignored', reason: plan.why[language], deliveries: 0, ids });
        }
        const result = await commits.write({
          action: 'enqueue',
          dedupKey: dedupKey(rule.config.uid, group),
          dedupWindowMs: settings.dedupWindowMs,
          deliveries: plan.deliveries,
          now: now.getTime(),
        });
        if (!result.stored) {
          count('duplicate');
          metrics.ingestSkipped.inc({ source, reason: 'duplicate' });
          const why: Text = {
            en: `the same alerts in the same states came within ${Math.round(settings.dedupWindowMs / 1000)}s; delivered once`,
            'zh-CN': `${Math.round(settings.dedupWindowMs / 1000)} 秒内收到过相同状态的同一组告警，只发送一次`,
          };
          // HA peers post every group twice: one line each would double the log of an incident.
          request.log.debug({ ...trace, reason: 'duplicate', ids: result.ids }, `webhook accepted, nothing to send: ${why.en}`);
          return reply.code(202).send({ status: 'duplicate', reason: why[language], deliveries: 0, ids: result.ids });
        }
        count('accepted');
        worker.wake(plan.deliveries.map((delivery) => delivery.destination));
        if (plan.heldUntil !== null) {
          metrics.ingestSkipped.inc({ source, reason: 'quiet_hours' });
          const until = new Date(plan.heldUntil).toISOString();
          request.log.info({ ...trace, reason: 'quiet_hours', ids: result.ids, until }, 'webhook accepted, held by quiet hours');
          return reply.code(202).send({
            status: 'accepted',
            heldUntil: until,
            reason: language === 'zh-CN' ? `免打扰时段，${until} 后发送` : `quiet hours: sent at ${until}`,
            deliveries: result.ids.length,
            ids: result.ids,
          });
        }
        return reply.code(202).send({ status: 'accepted', deliveries: result.ids.length, ids: result.ids });
      } catch (error) {
        if (error instanceof StorageUnavailable) {
          count('503');
          request.log.error({ err: error }, 'cannot store an incoming group');
          return refuse(reply, language, 503, {
            en: 'storage unavailable: nothing was stored, send again',
            'zh-CN': '存储不可用：未保存任何内容，请重新发送',
          });
        }
        throw error;
      }
    });
  }
}

/** JSON.parse's own message is English; the Chinese one keeps only where the body went wrong. */
function invalidJson(parserMessage: string): Record<Language, string> {
  const position = /\bposition (\d+)/.exec(parserMessage)?.[1];
  const where = position === undefined ? '' : `（第 ${Number(position) + 1} 个字符处）`;
  return {
    en: `body is not valid JSON: ${parserMessage}`,
    'zh-CN': /Unexpected end of JSON input/.test(parserMessage)
      ? '请求体不是有效的 JSON：内容不完整，在结束前中断'
      : `请求体不是有效的 JSON${where}`,
  };
}
