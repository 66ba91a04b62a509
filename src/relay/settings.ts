import path from 'node:path';
import { DEFAULT_API_BASE } from '../core/config';

/** Everything the relay is configured with: flags first, then WECOM_RELAY_* env vars, then defaults. */
export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  provisioning: string | undefined;
  apiBase: string;
  /** How the WeCom calls leave: a proxy for them only (flag), or the usual proxy env vars. */
  egress: EgressSettings;
  logLevel: string;
  /** A delivery still not sent after this long ends as failed. */
  maxAgeMs: number;
  /** The same group state posted again within this window is delivered once. */
  dedupWindowMs: number;
  /** Finished deliveries are kept this long in the delivery log. */
  retentionMs: number;
  /** A recently busy destination holds a not-yet-full message this long to fill it. */
  lingerMs: number;
  bodyLimitBytes: number;
}

export interface EgressSettings {
  /** --wecom-proxy / WECOM_RELAY_PROXY: for the WeCom calls only, wins over the env vars below. */
  wecomProxy: string | undefined;
  /** HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case forms), as curl reads them. */
  httpsProxy: string | undefined;
  httpProxy: string | undefined;
  noProxy: string | undefined;
}

export type Flags = Partial<
  Record<'port' | 'host' | 'data-dir' | 'database-url' | 'provisioning' | 'wecom-api-base' | 'wecom-proxy', string>
>;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "5m", "24h", "30d" or plain milliseconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new Error(`${name}: "${text}" is not a duration (examples: 90s, 5m, 24h, 30d)`);
  }
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']);
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port: "${text}" is not a TCP port`);
  }
  return port;
}

function parseApiBase(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`wecom-api-base: "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`wecom-api-base: "${text}" must be http(s)`);
  }
  return url.toString().replace(/\/+$/, '');
}

function parseProxy(text: string | undefined, name: string): string | undefined {
  if (!text) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name}: "${text}" is not a URL (e.g. http://proxy.example.com:3128)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name}: "${url.protocol}" proxies are not supported; use an http:// or https:// proxy`);
  }
  return text;
}

export function resolveSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env): Settings {
  const pick = (flag: keyof Flags, envName: string) => flags[flag] ?? env[`WECOM_RELAY_${envName}`];
  const duration = (envName: string, fallback: string) =>
    parseDuration(env[`WECOM_RELAY_${envName}`] ?? fallback, `WECOM_RELAY_${envName}`);
  return {
    port: parsePort(pick('port', 'PORT') ?? '8686'),
    host: pick('host', 'HOST') ?? '0.0.0.0',
    dataDir: path.resolve(pick('data-dir', 'DATA_DIR') ?? './data'),
    databaseUrl: pick('database-url', 'DATABASE_URL') || undefined,
    provisioning: pick('provisioning', 'PROVISIONING') || undefined,
    apiBase: parseApiBase(pick('wecom-api-base', 'API_BASE') ?? DEFAULT_API_BASE),
    egress: {
      wecomProxy: parseProxy(pick('wecom-proxy', 'PROXY'), 'wecom-proxy'),
      httpsProxy: parseProxy(env.HTTPS_PROXY ?? env.https_proxy, 'HTTPS_PROXY'),
      httpProxy: parseProxy(env.HTTP_PROXY ?? env.http_proxy, 'HTTP_PROXY'),
      noProxy: (env.NO_PROXY ?? env.no_proxy) || undefined,
    },
    logLevel: env.WECOM_RELAY_LOG_LEVEL ?? 'info',
    maxAgeMs: duration('MAX_AGE', '24h'),
    dedupWindowMs: duration('DEDUP_WINDOW', '2m'),
    retentionMs: duration('RETENTION', '30d'),
    lingerMs: duration('LINGER', '2s'),
    bodyLimitBytes: Number(env.WECOM_RELAY_BODY_LIMIT ?? 16 * 1024 * 1024),
  };
}
