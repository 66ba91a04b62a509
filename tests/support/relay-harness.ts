/**
 * Starts a real relay (HTTP on loopback, SQLite in a temp dir) against the WeCom simulator, with
 * a provisioning folder written by the test. With WECOM_RELAY_TEST_BACKEND=postgres the relay
 * stores in a fresh schema of WECOM_RELAY_TEST_DATABASE_URL instead: the same tests, on PostgreSQL.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { createLogger } from '../../src/relay/logger';
import { startRelay, type Relay } from '../../src/relay/relay';
import { resolveSettings } from '../../src/relay/settings';
import { createTestSchema } from './postgres';
import { startWecomSimulator, type WecomSimulator } from './wecom-simulator';

/** Where harness relays store: SQLite files, or PostgreSQL (WECOM_RELAY_TEST_BACKEND=postgres). */
export const TEST_BACKEND: 'sqlite' | 'postgres' =
  process.env.WECOM_RELAY_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
/** For node:test's `skip` in a test that works on the SQLite file itself. */
export const SQLITE_ONLY = TEST_BACKEND === 'postgres' && 'works on the SQLite file itself';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const INGEST_TOKEN = 'test-ingest-token-0123456789';
export const SECRET_KEY = 'test-secret-key-0123456789';
/** The secrets as a relay process reads them. */
export const SECRETS_ENV = {
  WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
  WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
  WECOM_RELAY_SECRET_KEY: SECRET_KEY,
};

export const ROBOT_KEY = 'a1b2c3d4-0000-4bc4-97a0-0ec2sifa5aaa';
/** A robot key the simulator does not know: WeCom answers 93000, as for a removed robot. */
export const REMOVED_KEY = 'c3d4e5f6-2222-4bc4-97a0-0ec2sifa5ccc';
export const APP = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret-value-xyz' };

export function tempDir(prefix = 'wecom-relay-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeProvisioning(dir: string, content: object, file = 'relay.yaml'): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), stringify(content));
}

/** A service with one robot and one app, and a rule "critical" using it. */
export function defaultProvisioning(
  wecom: WecomSimulator,
  rule: Record<string, unknown> = {},
  service: Record<string, unknown> = {}
) {
  return {
    apiVersion: 1,
    services: [
      {
        uid: 'ops',
        name: '运维通知',
        robots: [{ groups: '运维群&DBA群', webhookUrl: wecom.robotUrl(ROBOT_KEY) }],
        app: { ...APP, accounts: ['zhangsan', 'lisi'] },
        ...service,
      },
    ],
    rules: [{ uid: 'critical', name: '严重告警', services: ['ops'], ...rule }],
  };
}

/** The default provisioning plus a service "broken" whose robot was removed, and a rule "to-broken" using it. */
export function provisioningWithBrokenService(wecom: WecomSimulator) {
  const content = defaultProvisioning(wecom);
  content.services.push({
    uid: 'broken',
    name: '坏服务',
    robots: [{ groups: '旧群', webhookUrl: wecom.robotUrl(REMOVED_KEY) }],
  } as never);
  content.rules.push({ uid: 'to-broken', name: '坏规则', services: ['broken'] });
  return content;
}

export interface AdminAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export interface Harness {
  wecom: WecomSimulator;
  relay: Relay;
  dataDir: string;
  provisioningDir: string;
  logFile: string;
  post(
    source: 'grafana' | 'alertmanager',
    ruleUid: string,
    body: unknown,
    headers?: Record<string, string>
  ): Promise<Response>;
  /** Calls the admin API with the admin token; a JSON body when given. */
  admin(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> }
  ): Promise<AdminAnswer>;
  /** Env that points a CLI command at the relay's database when it is not in the data dir (PostgreSQL). */
  databaseEnv: Record<string, string>;
  /** Runs SQL (one or more statements, in both backends' dialect) on the relay's database, beside it. */
  sql(statements: string): Promise<void>;
  /** Records `messages` sends to a limiter key now, as if they had gone out: less budget left. */
  spendBudget(key: string, messages: number): Promise<void>;
  /** Waits until `check` returns true, polling; fails after `timeoutMs`. */
  until(check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    provisioning?: (wecom: WecomSimulator) => object;
    env?: Record<string, string>;
    wecom?: WecomSimulator;
  } = {}
): Promise<Harness> {
  const wecom = options.wecom ?? (await startWecomSimulator());
  wecom.addRobot(ROBOT_KEY);
  wecom.addApp({ ...APP, visibleUsers: ['zhangsan', 'lisi'] });
  const dataDir = tempDir();
  const provisioningDir = path.join(dataDir, 'provisioning');
  writeProvisioning(provisioningDir, (options.provisioning ?? defaultProvisioning)(wecom));
  const env = {
    ...SECRETS_ENV,
    WECOM_RELAY_LINGER: '200ms',
    ...options.env,
  };
  const settings = resolveSettings(
    {
      port: '0',
      host: '127.0.0.1',
      'data-dir': dataDir,
      provisioning: provisioningDir,
      'wecom-api-base': wecom.baseUrl,
    },
    env
  );
  const schema = TEST_BACKEND === 'postgres' ? await createTestSchema() : undefined;
  settings.databaseUrl = schema?.url;
  const logFile = path.join(dataDir, 'relay.log');
  const logger = createLogger('info', fs.createWriteStream(logFile));
  const relay = await startRelay(settings, { env, logger });
  return {
    wecom,
    relay,
    dataDir,
    provisioningDir,
    logFile,
    post: (source, ruleUid, body, headers) => postWebhook(relay.url, source, ruleUid, body, headers),
    admin: (method, urlPath, options) => callAdmin(relay.url, method, urlPath, options),
    until,
    databaseEnv: schema ? { WECOM_RELAY_DATABASE_URL: schema.url } : {},
    sql: async (statements) => {
      if (schema) {
        await schema.query(statements);
        return;
      }
      const db = new Database(path.join(dataDir, 'wecom-relay.db'));
      try {
        db.exec(statements);
      } finally {
        db.close();
      }
    },
    spendBudget: async (key, messages) => {
      for (let i = 0; i < messages; i++) {
        await relay.context.storage.reserveSend([key], [], Date.now());
      }
    },
    close: async () => {
      await relay.stop();
      await wecom.close();
      await schema?.drop();
    },
  };
}

/** Posts a webhook to a relay (in this process or not) with the ingest token. */
export function postWebhook(
  relayUrl: string,
  source: 'grafana' | 'alertmanager',
  ruleUid: string,
  body: unknown,
  headers: Record<string, string> = {}
): Promise<Response> {
  return fetch(`${relayUrl}/hooks/${source}/${ruleUid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Calls a relay's admin API with the admin token; a JSON body when given. */
export async function callAdmin(
  relayUrl: string,
  method: string,
  urlPath: string,
  options: { body?: unknown; headers?: Record<string, string> } = {}
): Promise<AdminAnswer> {
  const response = await fetch(`${relayUrl}/api/v1${urlPath}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Waits until `check` returns true, polling; fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function fixture(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8'));
}

/** One Grafana group of one alert. */
export function groupPayload(name: string, index = 0, instance = `host-${index}:9100`) {
  const payload = fixture('grafana-firing.json');
  payload.groupKey = `{}:{alertname="${name}", instance="${instance}"}`;
  payload.alerts = [
    {
      ...payload.alerts[0],
      labels: { ...payload.alerts[0].labels, alertname: name, instance },
      fingerprint: `${name}-${index}`,
    },
  ];
  return payload;
}

/** Robot markdown contents received by the simulator, in order. */
export function robotTexts(wecom: WecomSimulator, key = ROBOT_KEY): string[] {
  return wecom.robotMessages(key).map((message) => {
    const body = message.body as { msgtype: string; markdown?: { content: string }; text?: { content: string } };
    return body.msgtype === 'markdown' ? body.markdown!.content : body.text!.content;
  });
}
