/**
 * Sends a notification the way Grafana's webhook integration does with the stored settings
 * (alerting:receivers/webhook, alerting:http): POST (or httpMethod) JSON to the url, User-Agent
 * Grafana, "Authorization: <scheme> <credentials>", and when hmacConfig.secret is set the lowercase
 * hex HMAC-SHA256 of the exact body (of "<unix seconds>:<body>" with a timestamp header).
 */
import { createHmac } from 'node:crypto';
import type { Integration } from './contactPoints';

export async function notifyWebhook(
  integration: Integration,
  payload: unknown,
  now = () => Date.now()
): Promise<Response> {
  if (integration.type !== 'webhook') {
    throw new Error(`not a webhook integration: ${integration.type}`);
  }
  const settings = integration.settings as {
    url: string;
    httpMethod?: string;
    authorization_scheme?: string;
    authorization_credentials?: string;
    hmacConfig?: { secret?: string; header?: string; timestampHeader?: string };
  };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Grafana' };
  if (settings.authorization_credentials) {
    headers.Authorization = `${settings.authorization_scheme || 'Bearer'} ${settings.authorization_credentials}`;
  }
  const hmac = settings.hmacConfig;
  if (hmac?.secret) {
    const hash = createHmac('sha256', hmac.secret);
    if (hmac.timestampHeader) {
      const timestamp = String(Math.floor(now() / 1000));
      headers[hmac.timestampHeader] = timestamp;
      hash.update(`${timestamp}:`);
    }
    hash.update(body);
    headers[hmac.header || 'X-Grafana-Alerting-Signature'] = hash.digest('hex');
  }
  return fetch(settings.url, { method: settings.httpMethod || 'POST', headers, body });
}
