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
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  503: 'Service Unavailable',
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
