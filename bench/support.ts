/** What the bench's scenarios share: a relay process provisioned for simulated robots (and an app), and ways to watch it. */
import fs from 'node:fs';
import path from 'node:path';
import { TEST_DATABASE_URL, createTestSchema } from '../tests/support/postgres';
import { APP, SECRETS_ENV, postWebhook, tempDir, writeProvisioning } from '../tests/support/relay-harness';
import { spawnRelay, type RelayProcess } from '../tests/support/relay-process';
import type { WecomSimulator } from '../tests/support/wecom-simulator';

export { groupPayload } from '../tests/support/relay-harness';

const ENV = { ...SECRETS_ENV, WECOM_RELAY_LOG_LEVEL: 'info' };

/** How the relays of a bench row are deployed: one on SQLite, or `replicas` on one PostgreSQL. */
export interface Deployment {
  name: string;
  replicas: number;
  postgres: boolean;
}

/** The rows the ingest and storm benches measure side by side; PostgreSQL's only when it is there. */
export const DEPLOYMENTS: Deployment[] = [
  { name: 'relay on SQLite', replicas: 1, postgres: false },
  ...(TEST_DATABASE_URL
    ? [
        { name: 'relay on PostgreSQL', replicas: 1, postgres: true },
        { name: '2 relays on PostgreSQL', replicas: 2, postgres: true },
      ]
    : []),
];

/** Printed under a table whose PostgreSQL rows could not run. */
export const POSTGRES_SKIPPED = TEST_DATABASE_URL
  ? ''
  : '\nPostgreSQL rows skipped: WECOM_RELAY_TEST_DATABASE_URL is not set';

/**
 * The relays of `deployment`, each started by `start` with the database URL they share (on a
 * fresh schema of the test PostgreSQL, or none for SQLite) and its index; `stop` ends them all
 * and drops the schema.
 */
export async function startDeployment(
  deployment: Pick<Deployment, 'replicas' | 'postgres'>,
  start: (databaseUrl: string | undefined, replica: number) => Promise<RelayProcess>
): Promise<{ relays: RelayProcess[]; stop(signal: NodeJS.Signals): Promise<void> }> {
  const schema = deployment.postgres ? await createTestSchema() : undefined;
  const relays: RelayProcess[] = [];
  const stop = async (signal: NodeJS.Signals) => {
    await Promise.all(relays.map((relay) => relay.kill(signal)));
    await schema?.drop();
  };
  try {
    for (let replica = 0; replica < deployment.replicas; replica++) {
      relays.push(await start(schema?.url, replica));
    }
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { relays, stop };
}

/** App accounts a service gets with `withApp`. */
export const APP_USERS = ['zhangsan', 'lisi'];

/**
 * A relay process with one service and one rule per entry, each service with its own robot (and
 * the app); on SQLite in its data dir, or on the PostgreSQL of `databaseUrl`.
 */
export async function startRelayFor(
  wecom: WecomSimulator,
  rules: Array<{ uid: string; key: string }>,
  options: { withApp?: boolean; databaseUrl?: string } = {}
): Promise<RelayProcess> {
  const dataDir = tempDir('wecom-relay-bench-');
  const provisioning = path.join(dataDir, 'provisioning');
  for (const { key } of rules) {
    wecom.addRobot(key);
  }
  if (options.withApp) {
    wecom.addApp({ ...APP, visibleUsers: APP_USERS });
  }
  writeProvisioning(provisioning, {
    apiVersion: 1,
    services: rules.map(({ uid, key }) => ({
      uid: `svc-${uid}`,
      name: `服务 ${uid}`,
      robots: [{ groups: `群 ${uid}`, webhookUrl: wecom.robotUrl(key) }],
      ...(options.withApp ? { app: { ...APP, accounts: APP_USERS } } : {}),
    })),
    rules: rules.map(({ uid }) => ({ uid, name: `规则 ${uid}`, services: [`svc-${uid}`] })),
  });
  const database = options.databaseUrl ? ['--database-url', options.databaseUrl] : [];
  return spawnRelay(
    ['--data-dir', dataDir, ...database, '--provisioning', provisioning, '--wecom-api-base', wecom.baseUrl],
    ENV
  );
}

/** What the relays logged at level error: a pass that failed is work done again, and a bug. */
export function loggedErrors(relays: RelayProcess[]): string[] {
  return relays.flatMap((relay) =>
    relay.logs.flatMap((line) => {
      try {
        const entry = JSON.parse(line);
        return entry.level >= 50 ? [`${entry.msg}${entry.err ? `: ${entry.err.message}` : ''}`] : [];
      } catch {
        return [];
      }
    })
  );
}

/** How many errors, and the first of them. */
export function errorSummary(errors: string[]): string {
  return errors.length ? `${errors.length} (${JSON.stringify(errors[0])})` : '0';
}

export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function waitFor(check: () => boolean, timeoutMs: number, pollMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}

export async function post(relay: RelayProcess, rule: string, body: unknown) {
  const response = await postWebhook(relay.url, 'grafana', rule, body);
  await response.arrayBuffer();
  return response.status;
}

/** The markdown (or text) of every message a robot got, in order. */
export function contents(wecom: WecomSimulator, key: string): string[] {
  return wecom
    .robotMessages(key)
    .map(
      (message) =>
        (message.body as { markdown?: { content: string }; text?: { content: string } }).markdown?.content ?? ''
    );
}
