import type { FastifyRequest } from 'fastify';
import type { Language } from '../../core/config';
import type { Problem } from '../../core/validation';

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

export function errorBody(statusCode: number, message: string, problems?: Problem[]) {
  return { statusCode, error: STATUS_NAMES[statusCode] ?? 'Error', message, ...(problems ? { problems } : {}) };
}

/** zh-CN when the caller's Accept-Language prefers Chinese, else en. */
export function languageOf(request: FastifyRequest): Language {
  const header = request.headers['accept-language'] ?? '';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}
