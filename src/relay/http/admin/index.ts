/**
 * The admin API under /api/v1, behind the admin token. The plugin pages reach it through
 * Grafana's plugin proxy, which adds the token; every error comes back as
 * { statusCode, error, message, problems? } in the caller's language (Accept-Language).
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { RelayContext } from '../../context';
import { hasToken } from '../auth';
import { ApiError } from '../errors';
import { catalogRoutes } from './catalog-routes';
import { deliveryRoutes } from './deliveries';
import { documentRoutes } from './openapi';
import { systemRoutes } from './system';
import { testAndPreviewRoutes } from './test-and-preview';

export async function adminRoutes(app: FastifyInstance, context: RelayContext) {
  await app.register(swagger, {
    openapi: {
      info: { title: 'WeCom Relay admin API', version: context.version },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
      security: [{ adminToken: [] }],
    },
  });
  // Bodies are validated in the handlers with core's schemas, so errors come in the caller's language.
  app.setValidatorCompiler(() => () => true);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/v1/openapi.json')) {
      return;
    }
    if (!hasToken(request, context.tokens.admin)) {
      reply.header('WWW-Authenticate', 'Bearer realm="wecom-relay admin"');
      throw new ApiError(401, {
        en: 'missing or wrong admin token (Authorization: Bearer <token>)',
        'zh-CN': '缺少或错误的管理令牌 (Authorization: Bearer <token>)',
      });
    }
  });
  await app.register(
    async (api) => {
      documentRoutes(api);
      catalogRoutes(api, context);
      testAndPreviewRoutes(api, context);
      deliveryRoutes(api, context);
      systemRoutes(api, context);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' }
  );
}
