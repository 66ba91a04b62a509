/**
 * CRUD for services and rules, which behave the same way: validation that names each bad field,
 * write-only secrets, optimistic concurrency through versions (ETag / If-Match), and
 * provisioned objects (provenance "file") that only their file may change.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Language, RuleConfig, ServiceConfig } from '../../../core/config';
import { validate, type Problem } from '../../../core/validation';
import type { Catalog, Entry } from '../../config/catalog';
import type { RelayContext } from '../../context';
import { VersionConflict } from '../../storage/types';
import { ApiError, languageOf } from '../errors';
import { withoutViewFields } from './views';

export interface ObjectSpec<T extends ServiceConfig | RuleConfig> {
  kind: 'service' | 'rule';
  path: string;
  label: Record<Language, string>;
  schema: z.ZodType<T>;
  entries(catalog: Catalog): Map<string, Entry<T>>;
  view(entry: Entry<T>, context: RelayContext): object;
  keepSecrets(body: any, current: T | undefined): any;
  /** Checks that need more than the schema (other objects, the API base, templates). */
  problems(config: T, context: RelayContext, language: Language): Problem[];
  /** Why this object may not be deleted now, if it may not. */
  deleteBlocker?(uid: string, context: RelayContext): ApiError | undefined;
}

function versionFrom(request: FastifyRequest, body: unknown): number | undefined {
  const header = request.headers['if-match'];
  if (typeof header === 'string' && /^W?\/?"?\d+"?$/.test(header.trim())) {
    return Number(header.replace(/\D/g, ''));
  }
  const version = (body as { version?: unknown } | null)?.version;
  return typeof version === 'number' && Number.isInteger(version) ? version : undefined;
}

function withoutMeta(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return body;
  }
  const { version, provenance, createdAt, updatedAt, usedBy, hooks, ...rest } = body as Record<string, unknown>;
  return rest;
}

export function objectRoutes<T extends ServiceConfig | RuleConfig>(
  app: FastifyInstance,
  context: RelayContext,
  spec: ObjectSpec<T>
) {
  const { catalog } = context;
  const notFound = (uid: string) =>
    new ApiError(404, { en: `no ${spec.kind} "${uid}"`, 'zh-CN': `${spec.label['zh-CN']} "${uid}" 不存在` });
  const readOnly = (uid: string) =>
    new ApiError(409, {
      en: `${spec.kind} "${uid}" is provisioned from a file (provenance: file); change the file and reload instead`,
      'zh-CN': `${spec.label['zh-CN']} "${uid}" 来自配置文件 (provenance: file)，请修改文件后重新加载`,
    });

  /** The entry an API call may change: it exists and no file owns it. */
  function editable(uid: string): Entry<T> {
    const current = spec.entries(catalog).get(uid);
    if (!current) {
      throw notFound(uid);
    }
    if (current.provenance === 'file') {
      throw readOnly(uid);
    }
    return current;
  }

  function parse(body: unknown, current: T | undefined, language: Language): T {
    const merged = withoutViewFields(spec.keepSecrets(withoutMeta(body), current));
    const result = validate(spec.schema, merged, language);
    if (!result.ok) {
      throw invalid(result.problems);
    }
    const problems = spec.problems(result.value, context, language);
    if (problems.length > 0) {
      throw invalid(problems);
    }
    return result.value;
  }

  async function save(config: T, expectVersion: number, reply: FastifyReply, statusCode: number) {
    try {
      await catalog.write([catalog.putChange(spec.kind, config, 'api', expectVersion)]);
    } catch (error) {
      if (error instanceof VersionConflict) {
        throw conflict(spec, config.uid, error.actual);
      }
      throw error;
    }
    const entry = spec.entries(catalog).get(config.uid)!;
    return reply.code(statusCode).header('etag', `"${entry.version}"`).send(spec.view(entry, context));
  }

  app.get(spec.path, async () => ({
    items: [...spec.entries(catalog).values()].map((entry) => spec.view(entry, context)),
  }));

  app.get<{ Params: { uid: string } }>(`${spec.path}/:uid`, async (request, reply) => {
    const entry = spec.entries(catalog).get(request.params.uid);
    if (!entry) {
      throw notFound(request.params.uid);
    }
    return reply.header('etag', `"${entry.version}"`).send(spec.view(entry, context));
  });

  app.post(spec.path, async (request, reply) => {
    const language = languageOf(request);
    const config = parse(request.body, undefined, language);
    if (spec.entries(catalog).has(config.uid)) {
      throw new ApiError(409, {
        en: `${spec.kind} "${config.uid}" already exists; PUT ${spec.path}/${config.uid} changes it`,
        'zh-CN': `${spec.label['zh-CN']} "${config.uid}" 已存在`,
      });
    }
    return save(config, 0, reply, 201);
  });

  app.put<{ Params: { uid: string } }>(`${spec.path}/:uid`, async (request, reply) => {
    const language = languageOf(request);
    const { uid } = request.params;
    const current = editable(uid);
    const version = versionFrom(request, request.body);
    if (version === undefined) {
      throw new ApiError(428, {
        en: `send the version you edited (If-Match header or "version" in the body); current version is ${current.version}`,
        'zh-CN': `请提供所编辑的版本号（If-Match 头或请求体中的 "version"），当前版本为 ${current.version}`,
      });
    }
    const body =
      request.body && typeof request.body === 'object'
        ? { ...(request.body as object), uid: (request.body as { uid?: string }).uid ?? uid }
        : request.body;
    const config = parse(body, current.config, language);
    if (config.uid !== uid) {
      throw invalid([{ path: 'uid', message: language === 'zh-CN' ? 'uid 不能修改' : 'uid cannot be changed' }]);
    }
    return save(config, version, reply, 200);
  });

  app.delete<{ Params: { uid: string } }>(`${spec.path}/:uid`, async (request, reply) => {
    const { uid } = request.params;
    editable(uid);
    const blocker = spec.deleteBlocker?.(uid, context);
    if (blocker) {
      throw blocker;
    }
    try {
      await catalog.write([{ op: 'delete', kind: spec.kind, uid, expectVersion: versionFrom(request, undefined) }]);
    } catch (error) {
      if (error instanceof VersionConflict) {
        throw conflict(spec, uid, error.actual);
      }
      throw error;
    }
    return reply.code(204).send();
  });
}

function invalid(problems: Problem[]): ApiError {
  const summary = problems
    .map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message))
    .join('; ');
  return new ApiError(400, { en: `invalid: ${summary}`, 'zh-CN': `校验失败：${summary}` }, problems);
}

function conflict(
  spec: { kind: string; label: Record<Language, string> },
  uid: string,
  actual: number | null
): ApiError {
  return new ApiError(409, {
    en: `${spec.kind} "${uid}" was changed by someone else (now version ${actual ?? 'deleted'}); reload it and apply your change again`,
    'zh-CN': `${spec.label['zh-CN']} "${uid}" 已被他人修改（当前版本 ${actual ?? '已删除'}），请刷新后重新修改`,
  });
}
