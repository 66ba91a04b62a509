/**
 * Grafana's plugin proxy for app plugins (/api/plugin-proxy/<id>/*), as pkg/api/pluginproxy does it:
 * routes tried in order, skipped when their method is set, not "*" and not the request's; "*" in a
 * path takes the rest; the first match checks reqRole; {{ .JsonData.x }} / {{ .SecureJsonData.x }}
 * interpolated; the upstream path is the route URL's path plus the rest; cookies never forwarded.
 */
export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: OrgRole;
  url?: string;
  headers?: Array<{ name: string; content: string }>;
}

export interface PluginSettings {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

const RANK: Record<OrgRole, number> = { Viewer: 0, Editor: 1, Admin: 2 };

export function roleIncludes(role: OrgRole, required: OrgRole): boolean {
  return RANK[role] >= RANK[required];
}

/** The first route for this method and path, with the part of the path its "*" matched. */
export function matchRoute(
  routes: PluginRoute[],
  method: string,
  path: string
): { route: PluginRoute; rest: string } | null {
  for (const route of routes) {
    if (
      route.method &&
      route.method !== '*' &&
      !route.method
        .split(',')
        .map((m) => m.trim())
        .includes(method)
    ) {
      continue;
    }
    const pattern = route.path.replace(/^\/+/, '');
    if (pattern.endsWith('*')) {
      const prefix = pattern.slice(0, -1);
      if (path.startsWith(prefix)) {
        return { route, rest: path.slice(prefix.length) };
      }
    } else if (path === pattern) {
      return { route, rest: '' };
    }
  }
  return null;
}

/** Go template interpolation as Grafana applies it to route url/headers: a missing key prints "<no value>". */
export function interpolate(template: string, settings: PluginSettings): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_, source: string, key: string) => {
    const value = source === 'JsonData' ? settings.jsonData[key] : settings.secureJsonData[key];
    return value === undefined || value === null ? '<no value>' : String(value);
  });
}

export function upstreamUrl(route: PluginRoute, rest: string, search: string, settings: PluginSettings): URL {
  const target = new URL(interpolate(route.url ?? '', settings));
  const joined = `${target.pathname.replace(/\/+$/, '')}/${rest.replace(/^\/+/, '')}`;
  target.pathname = rest === '' ? target.pathname : joined;
  target.search = search;
  return target;
}
