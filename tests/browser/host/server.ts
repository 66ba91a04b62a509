/**
 * A minimal Grafana for the built plugin: the HTML shell with bootData, dist/ under
 * public/plugins/<id>/, Grafana's icons and fonts, the plugin settings API, the plugin proxy per
 * plugin.json routes, and the contact point APIs. The signed-in user (role, language, theme) is
 * chosen by the test with setUser().
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { bundleHost } from './bundle';
import { ContactPoints } from './contactPoints';
import {
  interpolate,
  matchRoute,
  roleIncludes,
  upstreamUrl,
  type OrgRole,
  type PluginRoute,
  type PluginSettings,
} from './pluginProxy';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ICONS_DIR = path.join(ROOT, 'node_modules/@grafana/ui/dist/public/img/icons');
const SYSTEMJS_DIR = path.join(ROOT, 'node_modules/systemjs/dist');
/** Debian's fonts-inter (OTF; Chromium reads the font by its content, whatever the URL says). */
const INTER_DIR = '/usr/share/fonts/opentype/inter';
const MONO_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

export interface HostUser {
  role: OrgRole;
  language: 'en-US' | 'zh-Hans';
  theme: 'dark' | 'light';
}

export interface GrafanaHost {
  url: string;
  contactPoints: ContactPoints;
  settings: PluginSettings;
  setUser(user: HostUser): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** For the unicons Grafana serves but @grafana/ui's package does not ship (heart-rate, spinner…): blank, not empty (an empty <svg> is an icon still loading). */
const BLANK_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g/></svg>';

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function send(
  response: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const type = typeof body === 'string' || Buffer.isBuffer(body) ? 'text/plain; charset=utf-8' : 'application/json';
  response.writeHead(status, { 'content-type': type, ...headers });
  response.end(text);
}

function sendFile(response: http.ServerResponse, file: string, type?: string): void {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    send(response, 404, { message: 'Not found' });
    return;
  }
  response.writeHead(200, { 'content-type': type ?? CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(response);
}

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startGrafanaHost(options: { distDir?: string } = {}): Promise<GrafanaHost> {
  const distDir = options.distDir ?? path.join(ROOT, 'dist');
  const pluginJson = readJson(path.join(distDir, 'plugin.json'));
  const pluginId: string = pluginJson.id;
  const publicBase = `public/plugins/${pluginId}`;
  const routes: PluginRoute[] = pluginJson.routes ?? [];
  const bundle = await bundleHost();
  const contactPoints = new ContactPoints();
  let user: HostUser = { role: 'Admin', language: 'en-US', theme: 'dark' };
  const settings: PluginSettings = { enabled: false, pinned: false, jsonData: {}, secureJsonData: {} };

  const signedInUser = () => ({
    id: 1,
    uid: 'host-user',
    login: user.role.toLowerCase(),
    name: `${user.role} User`,
    email: `${user.role.toLowerCase()}@example.com`,
    orgId: 1,
    orgName: 'Main Org.',
    orgRole: user.role,
    isGrafanaAdmin: false,
    isSignedIn: true,
    language: user.language,
    theme: user.theme,
    timezone: 'browser',
    permissions: {},
  });

  const meta = () => ({
    id: pluginId,
    name: pluginJson.name,
    type: 'app',
    enabled: settings.enabled,
    pinned: settings.pinned,
    jsonData: settings.jsonData,
    secureJsonFields: Object.fromEntries(
      Object.entries(settings.secureJsonData)
        .filter(([, value]) => value !== '')
        .map(([key]) => [key, true])
    ),
    info: {
      ...pluginJson.info,
      logos: {
        small: `${publicBase}/${pluginJson.info.logos.small}`,
        large: `${publicBase}/${pluginJson.info.logos.large}`,
      },
    },
    includes: pluginJson.includes,
    dependencies: pluginJson.dependencies,
    baseUrl: publicBase,
    module: `${publicBase}/module.js`,
    defaultNavUrl: `/a/${pluginId}/home`,
    translations: Object.fromEntries(
      (pluginJson.languages ?? []).map((language: string) => [
        language,
        `${publicBase}/locales/${language}/${pluginId}.json`,
      ])
    ),
  });

  const page = (origin: string) => {
    const bootData = {
      user: signedInUser(),
      settings: {
        appUrl: `${origin}/`,
        appSubUrl: '',
        namespace: 'default',
        buildInfo: { version: '13.1.1', commit: 'host', env: 'production', edition: 'Open Source' },
        apps: {
          [pluginId]: {
            id: pluginId,
            path: `${publicBase}/module.js`,
            version: pluginJson.info.version,
            preload: false,
          },
        },
        featureToggles: {},
        datasources: {},
        panels: {},
      },
      navTree: [],
      assets: {},
    };
    const json = JSON.stringify(bootData).replace(/</g, '\\u003c');
    return `<!doctype html>
<html lang="${user.language}">
<head>
<meta charset="utf-8">
<title>WeCom Relay - Grafana</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/public/host/host.css">
<style>body { margin: 0; }</style>
<script>window.__grafana_public_path__ = '/public/'; window.grafanaBootData = ${json};</script>
<script src="/public/host/system.js"></script>
<script src="/public/host/amd.js"></script>
</head>
<body class="theme-${user.theme} app-grafana">
<div id="reactRoot"></div>
<script src="/public/host/host.js"></script>
</body>
</html>`;
  };

  async function proxy(request: http.IncomingMessage, response: http.ServerResponse, proxied: string, search: string) {
    if (!settings.enabled) {
      send(response, 404, { message: 'Plugin not found, no installed plugin with that id' });
      return;
    }
    const method = request.method ?? 'GET';
    const match = matchRoute(routes, method, proxied);
    if (!match) {
      send(response, 404, { message: 'plugin route match not found' });
      return;
    }
    if (match.route.reqRole && !roleIncludes(user.role, match.route.reqRole)) {
      send(response, 403, { message: 'plugin proxy route access denied' });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (
        !['cookie', 'host', 'connection', 'content-length', 'authorization'].includes(name) &&
        typeof value === 'string'
      ) {
        headers[name] = value;
      }
    }
    for (const header of match.route.headers ?? []) {
      headers[header.name.toLowerCase()] = interpolate(header.content, settings);
    }
    const body = method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(await readBody(request));
    let upstream: Response;
    try {
      upstream = await fetch(upstreamUrl(match.route, match.rest, search, settings), { method, headers, body });
    } catch {
      send(response, 502, 'Bad Gateway');
      return;
    }
    const answer = Buffer.from(await upstream.arrayBuffer());
    const passed: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['set-cookie', 'content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) {
        passed[name] = value;
      }
    });
    response.writeHead(upstream.status, passed);
    response.end(answer);
  }

  async function settingsApi(request: http.IncomingMessage, response: http.ServerResponse) {
    if (request.method === 'GET') {
      send(response, 200, meta());
      return;
    }
    if (request.method !== 'POST') {
      send(response, 405, { message: 'Method not allowed' });
      return;
    }
    if (user.role !== 'Admin') {
      send(response, 403, { message: 'You are not allowed to perform this action' });
      return;
    }
    const body = JSON.parse((await readBody(request)).toString('utf8') || '{}');
    // Grafana replaces enabled, pinned and jsonData, and merges secureJsonData key by key.
    settings.enabled = body.enabled === true;
    settings.pinned = body.pinned === true;
    settings.jsonData = body.jsonData ?? {};
    settings.secureJsonData = { ...settings.secureJsonData, ...(body.secureJsonData ?? {}) };
    send(response, 200, { message: 'Plugin settings updated' });
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const origin = `http://${request.headers.host}`;
    const url = new URL(request.url ?? '/', origin);
    const pathname = decodeURIComponent(url.pathname);
    if (
      pathname === `/a/${pluginId}` ||
      pathname.startsWith(`/a/${pluginId}/`) ||
      pathname === `/plugins/${pluginId}`
    ) {
      send(response, 200, page(origin), { 'content-type': 'text/html; charset=utf-8' });
      return;
    }
    if (pathname === '/public/host/host.js' || pathname === '/public/host/host.css') {
      const css = pathname.endsWith('.css');
      send(response, 200, css ? bundle.css : bundle.js, { 'content-type': CONTENT_TYPES[css ? '.css' : '.js'] });
      return;
    }
    if (pathname === '/public/host/system.js' || pathname === '/public/host/amd.js') {
      sendFile(response, path.join(SYSTEMJS_DIR, pathname.endsWith('amd.js') ? 'extras/amd.js' : 'system.js'));
      return;
    }
    if (pathname.startsWith(`/${publicBase}/`)) {
      const file = path.resolve(distDir, pathname.slice(publicBase.length + 2));
      sendFile(response, file.startsWith(distDir) ? file : distDir);
      return;
    }
    const icon = pathname.match(/^\/public\/build\/img\/icons\/(\w+)\/([\w-]+)\.svg$/);
    if (icon) {
      const file = path.join(ICONS_DIR, icon[1], `${icon[2]}.svg`);
      if (fs.existsSync(file)) {
        sendFile(response, file);
      } else {
        send(response, 200, BLANK_ICON, { 'content-type': CONTENT_TYPES['.svg'] });
      }
      return;
    }
    const inter = pathname.match(/^\/public\/fonts\/inter\/(Inter-\w+)\.woff2$/);
    if (inter) {
      sendFile(response, path.join(INTER_DIR, `${inter[1]}.otf`), 'font/otf');
      return;
    }
    if (pathname.startsWith('/public/fonts/roboto/')) {
      sendFile(response, MONO_FONT, 'font/ttf');
      return;
    }
    if (pathname === `/api/plugins/${pluginId}/settings`) {
      await settingsApi(request, response);
      return;
    }
    const proxied = pathname.match(new RegExp(`^/api/plugin-proxy/${pluginId}/(.*)$`));
    if (proxied) {
      await proxy(request, response, proxied[1], url.search);
      return;
    }
    const isJson = (request.headers['content-type'] ?? '').includes('json');
    const raw = request.method === 'GET' ? undefined : (await readBody(request)).toString('utf8');
    const answer = contactPoints.handle(
      {
        method: request.method ?? 'GET',
        path: pathname,
        query: url.searchParams,
        body: raw && isJson ? JSON.parse(raw) : undefined,
        headers: request.headers,
      },
      roleIncludes(user.role, 'Editor')
    );
    if (answer) {
      send(response, answer.status, answer.body);
      return;
    }
    send(response, 404, { message: 'Not found' });
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    contactPoints,
    settings,
    setUser: (next) => {
      user = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
