/**
 * Every error the relay answers over HTTP, mapped in one place to a status code and one body:
 * { statusCode, error, message, problems? }, the message in the caller's language.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { ApiErrorBody } from '../../core/api';
import type { Language } from '../../core/config';
import { validate, type Problem } from '../../core/validation';
import { StorageUnavailable, VersionConflict, type ObjectKind } from '../storage/types';

export type Text = Record<Language, string>;

/** An error a page can show as it is: status, a message in the caller's language, and per-field problems. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly text: Text,
    readonly problems?: Problem[]
  ) {
    super(text.en);
  }
}

export const OBJECT_LABELS: Record<ObjectKind, Text> = {
  service: { en: 'service', 'zh-CN': '通知服务' },
  rule: { en: 'rule', 'zh-CN': '通知规则' },
};

export function notFound(kind: ObjectKind, uid: string): ApiError {
  const label = OBJECT_LABELS[kind];
  return new ApiError(404, { en: `no ${label.en} "${uid}"`, 'zh-CN': `${label['zh-CN']} "${uid}" 不存在` });
}

/** 400 naming each bad field, with all of them in the message too. */
export function invalidInput(problems: Problem[]): ApiError {
  const summary = problems
    .map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message))
    .join('; ');
  return new ApiError(400, { en: `invalid: ${summary}`, 'zh-CN': `校验失败：${summary}` }, problems);
}

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own refusals of a request, said so that the caller knows what to send instead. */
export const FASTIFY_ERRORS: Record<string, Text> = {
  FST_ERR_BAD_URL: { en: 'the URL is not valid (check its %-encoding)', 'zh-CN': 'URL 无效（请检查其中的 % 编码）' },
  FST_ERR_MAX_PARAM_LENGTH: {
    en: 'a uid or id in the URL is too long (uids have at most 64 characters)',
    'zh-CN': 'URL 中的 uid 或 id 过长（uid 最多 64 个字符）',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    en: 'send the body as JSON (Content-Type: application/json)',
    'zh-CN': '请求体须为 JSON（Content-Type: application/json）',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    en: 'the body is empty: send a JSON object',
    'zh-CN': '请求体为空：请发送一个 JSON 对象',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { en: 'the body is not valid JSON', 'zh-CN': '请求体不是有效的 JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    en: 'the body is larger than the relay accepts (WECOM_RELAY_BODY_LIMIT)',
    'zh-CN': '请求体超过中继允许的大小（WECOM_RELAY_BODY_LIMIT）',
  },
};

export function errorBody(statusCode: number, message: string, problems?: Problem[]): ApiErrorBody {
  return { statusCode, error: STATUS_NAMES[statusCode] ?? 'Error', message, ...(problems ? { problems } : {}) };
}

/** zh-CN when the caller's Accept-Language prefers Chinese, else en. */
export function languageOf(request: FastifyRequest): Language {
  const header = request.headers['accept-language'] ?? '';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

const REQUEST_PARTS = {
  body: (request: FastifyRequest) => request.body,
  querystring: (request: FastifyRequest) => request.query,
  params: (request: FastifyRequest) => request.params,
  headers: (request: FastifyRequest) => request.headers,
} as const;

/**
 * The problems of a request part Fastify's schema validation refused. Fastify validates without
 * knowing the caller's language, so the part is validated again with the route's own schema in
 * that language, which also gives the paths in the relay's format (robots[0].webhookUrl).
 */
function validationProblems(request: FastifyRequest, error: FastifyError, language: Language): Problem[] {
  const part = (error.validationContext ?? 'body') as keyof typeof REQUEST_PARTS;
  const schema = (request.routeOptions.schema as Record<string, z.ZodType> | undefined)?.[part];
  const result = schema ? validate(schema, REQUEST_PARTS[part](request), language) : undefined;
  return result && !result.ok ? result.problems : [{ path: '', message: error.message }];
}

function conflict(error: VersionConflict): ApiError {
  const label = OBJECT_LABELS[error.kind];
  return new ApiError(409, {
    en: `${label.en} "${error.uid}" was changed by someone else (now version ${error.actual ?? 'deleted'}); reload it and apply your change again`,
    'zh-CN': `${label['zh-CN']} "${error.uid}" 已被他人修改（当前版本 ${error.actual ?? '已删除'}），请刷新后重新修改`,
  });
}

const STORAGE_UNAVAILABLE = new ApiError(503, {
  en: 'storage unavailable (the database cannot be read or written); try again',
  'zh-CN': '存储暂不可用（数据库无法读写），请稍后重试',
});

const INTERNAL = new ApiError(500, {
  en: 'internal error; see the relay log',
  'zh-CN': '中继内部错误，详见中继日志',
});

/** The ApiError an error thrown while handling a request stands for. */
function asApiError(error: unknown, request: FastifyRequest, language: Language): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  if (error instanceof VersionConflict) {
    return conflict(error);
  }
  if (error instanceof StorageUnavailable) {
    return STORAGE_UNAVAILABLE;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return invalidInput(validationProblems(request, error as FastifyError, language));
  }
  const fastifyError = error as Partial<FastifyError>;
  const statusCode = fastifyError.statusCode ?? 500;
  if (statusCode < 400 || statusCode >= 500) {
    return INTERNAL;
  }
  const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  const message = fastifyError.message ?? '';
  return new ApiError(statusCode, known ?? { en: message, 'zh-CN': message });
}

/** The one error handler: every route throws, this answers. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const language = languageOf(request);
  const answer = asApiError(error, request, language);
  if (answer.statusCode >= 500) {
    request.log.error({ err: error }, 'request failed');
  }
  return reply.code(answer.statusCode).send(errorBody(answer.statusCode, answer.text[language], answer.problems));
}

/** Refusals by the router (bad %-encoding, over-long parameters), before any route runs. */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const statusCode = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  const text = FASTIFY_ERRORS[error.code];
  void reply.code(statusCode).send(errorBody(statusCode, text ? text[languageOf(request)] : error.message));
}
