/**
 * POST /hooks/grafana/{ruleUid} and /hooks/alertmanager/{ruleUid}: the only way alerts come in.
 * 202 is answered only after the deliveries are committed to storage.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AlertSource } from '../../core/alert';
import { normalizePayload, PayloadError } from '../../core/normalize';
import type { RelayContext } from '../context';
import { dedupKey, planDeliveries } from '../ingest/plan';
import { StorageUnavailable } from '../storage/types';
import { hasToken, hmacProblem } from './auth';
import { errorBody } from './errors';

const JSON_TYPE = /^(application\/([\w.+-]*\+)?json|text\/plain)\s*(;|$)/i;

function refuse(reply: FastifyReply, statusCode: number, message: string) {
  return reply.code(statusCode).send(errorBody(statusCode, message));
}

export async function hookRoutes(app: FastifyInstance, context: RelayContext) {
  const { catalog, storage, settings, metrics, worker } = context;

  // Keep the raw bytes: Grafana's HMAC signs them, and bad JSON must become a 400 that names the problem.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: settings.bodyLimitBytes }, (_request, body, done) =>
    done(null, body)
  );

  for (const source of ['grafana', 'alertmanager'] as AlertSource[]) {
    app.post<{ Params: { ruleUid: string } }>(`/hooks/${source}/:ruleUid`, async (request, reply) => {
      const count = (result: string) => metrics.ingestRequests.inc({ source, result });
      if (!hasToken(request, context.tokens.ingest)) {
        count('401');
        reply.header('WWW-Authenticate', 'Bearer realm="wecom-relay"');
        return refuse(
          reply,
          401,
          'missing or wrong ingest token (Authorization: Bearer <token>, or Basic with the token as password)'
        );
      }
      const rule = catalog.rules.get(request.params.ruleUid);
      if (!rule) {
        count('404');
        return refuse(reply, 404, `no rule with uid "${request.params.ruleUid}"`);
      }
      const contentType = request.headers['content-type'];
      if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
        count('415');
        return refuse(reply, 415, `expected a JSON body, got Content-Type ${contentType}`);
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (rule.config.hmac) {
        const problem = hmacProblem(request, raw, rule.config.hmac, Date.now());
        if (problem) {
          count('401');
          return refuse(reply, 401, problem);
        }
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        count('400');
        return refuse(
          reply,
          400,
          raw.length === 0
            ? 'empty body: expected a JSON object'
            : `body is not valid JSON: ${(error as Error).message}`
        );
      }
      const now = new Date();
      let group;
      try {
        group = normalizePayload(source, body, now.getTime());
      } catch (error) {
        if (error instanceof PayloadError) {
          count('400');
          return refuse(reply, 400, error.message);
        }
        throw error;
      }
      if (!rule.config.enabled) {
        count('ignored');
        return reply
          .code(202)
          .send({ status: 'ignored', reason: `rule "${rule.config.uid}" is disabled`, deliveries: 0 });
      }
      const deliveries = planDeliveries(group, rule, catalog, settings.apiBase, now);
      if (deliveries.length === 0) {
        count('ignored');
        return reply
          .code(202)
          .send({ status: 'ignored', reason: 'no alert of this group matches the rule', deliveries: 0 });
      }
      try {
        const result = await storage.enqueue(
          dedupKey(rule.config.uid, group),
          settings.dedupWindowMs,
          deliveries,
          now.getTime()
        );
        if (!result.stored) {
          count('duplicate');
          return reply.code(202).send({ status: 'duplicate', deliveries: 0 });
        }
        count('accepted');
        worker.wake(deliveries.map((delivery) => delivery.destination));
        return reply.code(202).send({ status: 'accepted', deliveries: result.ids.length, ids: result.ids });
      } catch (error) {
        if (error instanceof StorageUnavailable) {
          count('503');
          request.log.error({ err: error }, 'cannot store an incoming group');
          return refuse(reply, 503, 'storage unavailable: nothing was stored, send again');
        }
        throw error;
      }
    });
  }
}
