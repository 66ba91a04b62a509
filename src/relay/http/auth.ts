import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { RuleConfig } from '../../core/config';
import { tokensEqual } from '../secrets';

/** The token from `Authorization: Bearer <token>`, or the password of Basic auth. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) {
    return undefined;
  }
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) {
    return value;
  }
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

export function hasToken(request: FastifyRequest, expected: string): boolean {
  const token = presentedToken(request);
  return token !== undefined && tokensEqual(token, expected);
}

const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Verifies Grafana's webhook signature: lowercase hex HMAC-SHA256 over the raw
 * body, or over "<unix seconds>:<raw body>" when a timestamp header is configured. Returns the
 * problem, or null when the signature holds.
 */
export function hmacProblem(
  request: FastifyRequest,
  rawBody: Buffer,
  hmac: NonNullable<RuleConfig['hmac']>,
  now: number
): string | null {
  const signature = request.headers[hmac.header.toLowerCase()];
  if (typeof signature !== 'string' || signature === '') {
    return `missing signature header ${hmac.header}`;
  }
  const mac = crypto.createHmac('sha256', hmac.secret);
  if (hmac.timestampHeader) {
    const timestamp = request.headers[hmac.timestampHeader.toLowerCase()];
    if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) {
      return `missing or invalid timestamp header ${hmac.timestampHeader}`;
    }
    if (Math.abs(now / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_S) {
      return `timestamp ${timestamp} is more than 5 minutes away from the relay's clock`;
    }
    mac.update(`${timestamp}:`);
  }
  const expected = mac.update(rawBody).digest();
  const presented = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return presented.length === expected.length && crypto.timingSafeEqual(presented, expected)
    ? null
    : 'signature does not match the body';
}
