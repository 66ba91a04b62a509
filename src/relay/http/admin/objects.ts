/**
 * CRUD for services and rules, which behave the same way: validation that names each bad field,
 * write-only secrets, optimistic concurrency through versions (ETag / If-Match), and
 * provisioned objects (provenance "file") that only their file may change.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listOf } from '../../../core/api';
import type { Language, RuleConfig, ServiceConfig } from '../../../core/config';
import type { Problem } from '../../../core/validation';
import type { Catalog, Entry } from '../../config/catalog';
import type { RelayContext } from '../../context';
import type { ObjectKind } from '../../storage/types';
import { ApiError, OBJECT_LABELS, invalidInput, languageOf, notFound } from '../errors';
import { errorResponses, uidParams, type AdminApi } from './schemas';
import { withoutViewFields } from './views';

export interface ObjectSpec<T extends ServiceConfig | RuleConfig, View> {
  kind: ObjectKind;
  path: string;
  /** The OpenAPI tag of its routes. */
  tag: string;
  /** The body of a create. */
  schema: z.ZodType<T>;
  /** The body of a replace: the config, and the version it was edited from. */
  updateSchema: z.ZodType<T & { version?: number }>;
  viewSchema: z.ZodType<View>;
  entries(catalog: Catalog): Map<string, Entry<T>>;
  view(entry: Entry<T>): View;
  /** The body (an object) with every secret it left out filled in from the stored config. */
  keepSecrets(body: object, current: T): object;
  /** Checks that need more than the schema (other objects, the API base, templates). */
  problems(config: T, context: RelayContext, language: Language): Problem[];
  /** Why this object may not be deleted now, if it may not; and, for the documentation, when. */
  deleteBlocker?: { when: string; check(uid: string, context: RelayContext): ApiError | undefined };
}

/** What a view carries besides the config; a body copied from GET may send them back. */
const VIEW_ONLY_FIELDS = ['provenance', 'createdAt', 'updatedAt', 'usedBy', 'hooks'];

/** The body without the fields only views carry, so that strict validation sees the config alone. */
function configPart(body: object): object {
  return withoutViewFields(Object.fromEntries(Object.entries(body).filter(([key]) => !VIEW_ONLY_FIELDS.includes(key))));
}

function isObject(body: unknown): body is object {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function versionFrom(request: FastifyRequest, body: unknown): number | undefined {
  const header = request.headers['if-match'];
  if (typeof header === 'string' && /^W?\/?"?\d+"?$/.test(header.trim())) {
    return Number(header.replace(/\D/g, ''));
  }
  const version = (body as { version?: unknown } | null)?.version;
  return typeof version === 'number' && Number.isInteger(version) ? version : undefined;
}

export function objectRoutes<T extends ServiceConfig | RuleConfig, View>(
  app: AdminApi,
  context: RelayContext,
  spec: ObjectSpec<T, View>
) {
  const { catalog } = context;
  const label = OBJECT_LABELS[spec.kind];
  const readOnly = (uid: string) =>
    new ApiError(409, {
      en: `${label.en} "${uid}" is provisioned from a file (provenance: file); change the file and reload instead`,
      'zh-CN': `${label['zh-CN']} "${uid}" 来自配置文件 (provenance: file)，请修改文件后重新加载`,
    });

  /** The entry an API call may change: it exists and no file owns it. */
  function editable(uid: string): Entry<T> {
    const current = spec.entries(catalog).get(uid);
    if (!current) {
      throw notFound(spec.kind, uid);
    }
    if (current.provenance === 'file') {
      throw readOnly(uid);
    }
    return current;
  }

  function checkProblems(config: T, request: FastifyRequest) {
    const problems = spec.problems(config, context, languageOf(request));
    if (problems.length > 0) {
      throw invalidInput(problems);
    }
  }

  async function save(config: T, expectVersion: number, reply: FastifyReply, statusCode: number) {
    await catalog.write([catalog.putChange(spec.kind, config, 'api', expectVersion)]);
    const entry = spec.entries(catalog).get(config.uid)!;
    return reply.code(statusCode).header('etag', `"${entry.version}"`).send(spec.view(entry));
  }

  const tags = [spec.tag];
  const one = `${spec.path}/:uid`;

  app.get(
    spec.path,
    {
      schema: {
        summary: `List ${label.en}s (${label['zh-CN']}); secrets show only as *Set flags`,
        tags,
        response: { 200: listOf(spec.viewSchema), ...errorResponses() },
      },
    },
    async () => ({ items: [...spec.entries(catalog).values()].map((entry) => spec.view(entry)) })
  );

  app.get(
    one,
    {
      schema: {
        summary: `Get a ${label.en}; the ETag header carries its version`,
        tags,
        params: uidParams,
        response: { 200: spec.viewSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const entry = spec.entries(catalog).get(request.params.uid);
      if (!entry) {
        throw notFound(spec.kind, request.params.uid);
      }
      return reply.header('etag', `"${entry.version}"`).send(spec.view(entry));
    }
  );

  app.post(
    spec.path,
    {
      schema: {
        summary: `Create a ${label.en}`,
        tags,
        body: spec.schema,
        response: { 201: spec.viewSchema, ...errorResponses(400, 409, 503) },
      },
      preValidation: async (request) => {
        if (isObject(request.body)) {
          const { version, ...config } = configPart(request.body) as { version?: unknown };
          void version;
          request.body = config as typeof request.body;
        }
      },
    },
    async (request, reply) => {
      const config = request.body as T;
      if (spec.entries(catalog).has(config.uid)) {
        throw new ApiError(409, {
          en: `${label.en} "${config.uid}" already exists; PUT ${spec.path}/${config.uid} changes it`,
          'zh-CN': `${label['zh-CN']} "${config.uid}" 已存在`,
        });
      }
      checkProblems(config, request);
      return save(config, 0, reply, 201);
    }
  );

  app.put(
    one,
    {
      schema: {
        summary:
          `Replace a ${label.en}: send what GET returned, edited, with If-Match: "<version>" or "version" ` +
          '(428 without, 409 when someone changed it first); secrets left out or empty keep the stored ones; ' +
          'provisioned objects answer 409',
        tags,
        params: uidParams,
        body: spec.updateSchema,
        response: { 200: spec.viewSchema, ...errorResponses(400, 404, 409, 428, 503) },
      },
      // Before the body is validated: whether it may be changed at all, and the secrets it left out.
      preValidation: async (request) => {
        const { uid } = request.params as { uid: string };
        const current = editable(uid);
        if (versionFrom(request, request.body) === undefined) {
          throw new ApiError(428, {
            en: `send the version you edited (If-Match header or "version" in the body); current version is ${current.version}`,
            'zh-CN': `请提供所编辑的版本号（If-Match 头或请求体中的 "version"），当前版本为 ${current.version}`,
          });
        }
        const body = request.body;
        if (isObject(body)) {
          const uidOfBody = (body as { uid?: unknown }).uid ?? uid;
          request.body = {
            ...configPart(spec.keepSecrets(body, current.config)),
            uid: uidOfBody,
          } as typeof request.body;
        }
      },
    },
    async (request, reply) => {
      const { version, ...rest } = request.body as T & { version?: number };
      const config = rest as T;
      if (config.uid !== request.params.uid) {
        const language = languageOf(request);
        throw invalidInput([{ path: 'uid', message: language === 'zh-CN' ? 'uid 不能修改' : 'uid cannot be changed' }]);
      }
      checkProblems(config, request);
      return save(config, versionFrom(request, { version })!, reply, 200);
    }
  );

  app.delete(
    one,
    {
      schema: {
        summary: `Delete a ${label.en}${spec.deleteBlocker ? ` (409 ${spec.deleteBlocker.when})` : ''}; If-Match: "<version>" guards against deleting a newer version`,
        tags,
        params: uidParams,
        response: { 204: z.null().describe('deleted'), ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const { uid } = request.params;
      editable(uid);
      const blocker = spec.deleteBlocker?.check(uid, context);
      if (blocker) {
        throw blocker;
      }
      await catalog.write([{ op: 'delete', kind: spec.kind, uid, expectVersion: versionFrom(request, undefined) }]);
      return reply.code(204).send(null);
    }
  );
}
