/** What the bench's scenarios share: a relay process provisioned for simulated robots (and an app), and ways to watch it. */
import fs from 'node:fs';
import path from 'node:path';
import { APP, SECRETS_ENV, postWebhook, tempDir, writeProvisioning } from '../tests/support/relay-harness';
import { spawnRelay, type RelayProcess } from '../tests/support/relay-process';
import type { WecomSimulator } from '../tests/support/wecom-simulator';

export { groupPayload } from '../tests/support/relay-harness';

const ENV = { ...SECRETS_ENV, WECOM_RELAY_LOG_LEVEL: 'info' };

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
