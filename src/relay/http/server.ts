import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { RelayContext } from '../context';
import { adminRoutes } from './admin';
import { ApiError, FASTIFY_ERRORS, errorBody, languageOf } from './errors';
import { hookRoutes } from './hooks';
import { opsRoutes } from './ops';

export async function buildServer(context: RelayContext) {
  const app = Fastify({
    loggerInstance: context.logger,
    bodyLimit: context.settings.bodyLimitBytes,
    // Grafana opens a new connection per notification; keep-alive helps the rest.
    keepAliveTimeout: 65_000,
    // URLs the router cannot take apart (bad %-encoding, over-long parameters).
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const statusCode = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      const text = FASTIFY_ERRORS[error.code];
      void reply.code(statusCode).send(errorBody(statusCode, text ? text[languageOf(request)] : error.message));
    },
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply
        .code(error.statusCode)
        .send(errorBody(error.statusCode, error.text[languageOf(request)], error.problems));
    }
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (statusCode === 500) {
      request.log.error({ err: error }, 'request failed');
      const message =
        languageOf(request) === 'zh-CN' ? '中继内部错误，详见中继日志' : 'internal error; see the relay log';
      return reply.code(500).send({ statusCode, error: 'Internal Server Error', message });
    }
    const known = FASTIFY_ERRORS[error.code];
    if (known) {
      return reply.code(statusCode).send(errorBody(statusCode, known[languageOf(request)]));
    }
    return reply.code(statusCode).send(errorBody(statusCode, error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    const route = `${request.method} ${request.url.split('?')[0]}`;
    return reply
      .code(404)
      .send(errorBody(404, languageOf(request) === 'zh-CN' ? `没有这个接口：${route}` : `no route ${route}`));
  });

  await app.register(async (scope) => hookRoutes(scope, context));
  await app.register(async (scope) => opsRoutes(scope, context));
  await app.register(async (scope) => adminRoutes(scope, context));
  return app;
}
