/**
 * The admin API under /api/v1, behind the admin token. The plugin pages reach it through
 * Grafana's plugin proxy, which adds the token. Each route declares its request and response
 * schemas (core/api.ts): requests are validated with them, responses are serialised through them
 * (a field a schema does not name, such as a secret, cannot be sent), and /api/v1/openapi.json is
 * generated from them.
 */
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RelayContext } from '../../context';
import { hasToken } from '../auth';
import { ApiError } from '../errors';
import { catalogRoutes } from './catalog-routes';
import { contactPointRoutes } from './contact-point';
import { deliveryRoutes } from './deliveries';
import { OPENAPI_PATH, openApiRoutes, registerOpenApi } from './openapi';
import { systemRoutes } from './system';
import { testAndPreviewRoutes } from './test-and-preview';

export async function adminRoutes(app: FastifyInstance, context: RelayContext) {
  await registerOpenApi(app, context.version);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  acceptEmptyJsonBodies(app);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.split('?')[0] === OPENAPI_PATH) {
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
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      catalogRoutes(api, context);
      testAndPreviewRoutes(api, context);
      contactPointRoutes(api, context);
      deliveryRoutes(api, context);
      systemRoutes(api, context);
      openApiRoutes(api, app);
    },
    { prefix: '/api/v1' }
  );
}

/**
 * `Content-Type: application/json` with no body is a request without a body, as clients send
 * for POSTs that take none (retry, test, reload); routes that need a body refuse it by their schema.
 */
function acceptEmptyJsonBodies(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, body as string, done);
  });
}
