import type { FastifyInstance } from 'fastify';
import type { RelayContext } from '../context';

/** Probes for orchestrators and Prometheus: unauthenticated, and they reveal no configuration. */
export async function opsRoutes(app: FastifyInstance, context: RelayContext) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      await context.storage.ping();
      return { status: 'ready', storage: context.storage.kind };
    } catch (error) {
      return reply.code(503).send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `storage unreachable: ${(error as Error).message}`,
      });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    const { registry } = context.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
