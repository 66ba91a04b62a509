/**
 * How the WeCom calls leave the relay. Companies meet 企业可信IP (60020) by sending through a proxy
 * with a fixed address: either one for the WeCom calls only (--wecom-proxy), or the usual
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY. Both tunnel with CONNECT.
 */
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { EgressSettings } from '../settings';

export interface EgressRoute {
  /** The proxy the WeCom API base is reached through (credentials hidden), or null for direct. */
  proxy: string | null;
  /** Where that choice comes from. */
  source: 'flag' | 'env' | 'no_proxy' | null;
}

/** A proxy URL fit to show: user and password replaced. */
export function shownProxy(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  return parsed.toString().replace(/\/$/, '');
}

/** NO_PROXY as curl reads it: "*", or hosts (with an optional port) that match a host or its subdomains. */
function bypassesProxy(apiBase: URL, noProxy: string | undefined): boolean {
  const entries = (noProxy ?? '')
    .split(/[,\s]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const host = apiBase.hostname.toLowerCase();
  const port = apiBase.port || (apiBase.protocol === 'https:' ? '443' : '80');
  return entries.some((entry) => {
    if (entry === '*') {
      return true;
    }
    const [name, entryPort] = entry.replace(/^\*?\./, '').split(':');
    return (host === name || host.endsWith(`.${name}`)) && (entryPort === undefined || entryPort === port);
  });
}

/** The proxy for the WeCom API base, if any, and why. */
function chooseProxy(apiBase: string, egress: EgressSettings): { uri: string | null; source: EgressRoute['source'] } {
  if (egress.wecomProxy) {
    return { uri: egress.wecomProxy, source: 'flag' };
  }
  const base = new URL(apiBase);
  const uri = (base.protocol === 'https:' ? (egress.httpsProxy ?? egress.httpProxy) : egress.httpProxy) ?? null;
  if (!uri) {
    return { uri: null, source: null };
  }
  return bypassesProxy(base, egress.noProxy) ? { uri: null, source: 'no_proxy' } : { uri, source: 'env' };
}

/**
 * The WeCom client only ever calls the API base, so the route is chosen once: through the proxy
 * (a CONNECT tunnel, for http and https alike) or direct.
 */
export function resolveEgress(apiBase: string, egress: EgressSettings): { route: EgressRoute; dispatcher: Dispatcher } {
  const { uri, source } = chooseProxy(apiBase, egress);
  return {
    route: { proxy: uri && shownProxy(uri), source },
    dispatcher: uri ? new ProxyAgent(uri) : new Agent(),
  };
}
