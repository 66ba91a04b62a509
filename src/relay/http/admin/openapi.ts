/**
 * Route documentation for /api/v1/openapi.json. Body and query schemas are generated from the
 * same zod schemas the handlers validate with, so the document cannot drift from the checks.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { ruleSchema, serviceSchema } from '../../../core/config';
import { deliveryQuerySchema } from './deliveries';
import { previewBodySchema } from './test-and-preview';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'openapi-3.0',
  }) as Record<string, unknown>;
  void $schema;
  return rest;
}

const uidParam = { type: 'object', properties: { uid: { type: 'string' } }, required: ['uid'] };
const idParam = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] };

const DOCS: Record<string, FastifySchema & { summary: string; tags: string[] }> = {
  'GET /services': {
    summary: 'List notification services (通知服务); secrets show only as *Set flags',
    tags: ['services'],
  },
  'POST /services': { summary: 'Create a service', tags: ['services'], body: jsonSchema(serviceSchema) },
  'GET /services/:uid': { summary: 'Get a service; ETag carries its version', tags: ['services'], params: uidParam },
  'PUT /services/:uid': {
    summary: 'Replace a service; needs If-Match or "version"; omitted secrets are kept',
    tags: ['services'],
    params: uidParam,
    body: jsonSchema(serviceSchema),
  },
  'DELETE /services/:uid': { summary: 'Delete a service not used by any rule', tags: ['services'], params: uidParam },
  'POST /services/:uid/test': {
    summary: 'Send a real test message to every destination; result per destination',
    tags: ['services'],
    params: uidParam,
  },
  'GET /rules': { summary: 'List notification rules (通知规则)', tags: ['rules'] },
  'POST /rules': { summary: 'Create a rule', tags: ['rules'], body: jsonSchema(ruleSchema) },
  'GET /rules/:uid': { summary: 'Get a rule; ETag carries its version', tags: ['rules'], params: uidParam },
  'PUT /rules/:uid': {
    summary: 'Replace a rule; needs If-Match or "version"',
    tags: ['rules'],
    params: uidParam,
    body: jsonSchema(ruleSchema),
  },
  'DELETE /rules/:uid': { summary: 'Delete a rule', tags: ['rules'], params: uidParam },
  'POST /rules/:uid/preview': {
    summary: 'Render a payload or a sample into the exact messages each destination would get; sends nothing',
    tags: ['rules'],
    params: uidParam,
    body: jsonSchema(previewBodySchema),
  },
  'GET /deliveries': {
    summary: 'Delivery log, newest first, cursor paging',
    tags: ['deliveries'],
    querystring: jsonSchema(deliveryQuerySchema),
  },
  'GET /deliveries/:id': {
    summary: 'One delivery with its attempts and rendered messages',
    tags: ['deliveries'],
    params: idParam,
  },
  'POST /deliveries/:id/retry': {
    summary: 'Queue a failed or sent delivery again',
    tags: ['deliveries'],
    params: idParam,
  },
  'GET /status': { summary: 'Version, storage, queue depth, egress IP if known', tags: ['system'] },
  'POST /provisioning/reload': { summary: 'Re-read the provisioning folder; all or nothing', tags: ['system'] },
};

/** Attaches the documentation to each admin route as it is declared. */
export function documentRoutes(api: FastifyInstance) {
  api.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.replace(/^\/api\/v1/, '');
    const doc = DOCS[`${methods[0]} ${path}`];
    if (doc) {
      route.schema = { ...doc, ...route.schema };
    }
  });
}
