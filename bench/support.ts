/** What the bench's scenarios share: a relay process provisioned for simulated robots (and an app), and ways to watch it. */
import fs from 'node:fs';
import path from 'node:path';
import {
  ADMIN_TOKEN,
  APP,
  INGEST_TOKEN,
  SECRET_KEY,
  fixture,
  tempDir,
  writeProvisioning,
} from '../tests/support/relay-harness';
import { spawnRelay, type RelayProcess } from '../tests/support/relay-process';
import type { WecomSimulator } from '../tests/support/wecom-simulator';

const ENV = {
  WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
  WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
  WECOM_RELAY_SECRET_KEY: SECRET_KEY,
  WECOM_RELAY_LOG_LEVEL: 'info',
};

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

/** App accounts a service gets with `withApp`. */
export const APP_USERS = ['zhangsan', 'lisi'];

/** A relay process with one service and one rule per entry, each service with its own robot (and the app). */
export async function startRelayFor(
  wecom: WecomSimulator,
  rules: Array<{ uid: string; key: string }>,
  options: { withApp?: boolean } = {}
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
  return spawnRelay(['--data-dir', dataDir, '--provisioning', provisioning, '--wecom-api-base', wecom.baseUrl], ENV);
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
  const response = await fetch(`${relay.url}/hooks/grafana/${rule}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
    body: JSON.stringify(body),
  });
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
