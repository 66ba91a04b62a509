import Fastify from 'fastify';
import type { RelayContext } from '../context';
import { adminRoutes } from './admin';
import { errorBody, languageOf, sendError, sendFrameworkError } from './errors';
import { hookRoutes } from './hooks';
import { opsRoutes } from './ops';
import { RequestLog } from './request-log';

export async function buildServer(context: RelayContext) {
  const app = Fastify({
    loggerInstance: context.logger,
    logController: new RequestLog(),
    bodyLimit: context.settings.bodyLimitBytes,
    // Grafana opens a new connection per notification; keep-alive helps the rest.
    keepAliveTimeout: 65_000,
    // URLs the router cannot take apart (bad %-encoding, over-long parameters).
    frameworkErrors: sendFrameworkError,
  });

  app.setErrorHandler(sendError);
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
