/**
 * /api/v1/openapi.json, generated from the schemas each admin route declares where it is defined
 * (summary, tags, params, querystring, body, response per status code), so the document is
 * exactly what the routes validate and send.
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { AdminApi } from './schemas';

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** Registered before the routes, so that it sees each of them as it is declared. */
export async function registerOpenApi(app: FastifyInstance, version: string) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'WeCom Relay admin API', version },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
      security: [{ adminToken: [] }],
    },
    transform: jsonSchemaTransform,
  });
}

export function openApiRoutes(api: AdminApi, root: FastifyInstance) {
  api.get('/openapi.json', { schema: { hide: true } }, async () => root.swagger());
}
