/**
 * Relay replicas as an HA deployment runs them: separate `wecom-relay serve` processes, each with
 * its own data dir, sharing one PostgreSQL, one provisioning folder and the same secrets.
 */
import path from 'node:path';
import { SECRETS_ENV, callAdmin, postWebhook, tempDir, writeProvisioning, type AdminAnswer } from './relay-harness';
import { spawnRelay, type RelayProcess } from './relay-process';
import type { WecomSimulator } from './wecom-simulator';

export interface Replica {
  process: RelayProcess;
  url: string;
  post(ruleUid: string, body: unknown): Promise<Response>;
  admin(
    method: string,
    urlPath: string,
    options?: { body?: unknown; headers?: Record<string, string> }
  ): Promise<AdminAnswer>;
}

export async function startReplicas(
  count: number,
  options: { wecom: WecomSimulator; databaseUrl: string; provisioning: object; env?: Record<string, string> }
): Promise<Replica[]> {
  const provisioningDir = path.join(tempDir(), 'provisioning');
  writeProvisioning(provisioningDir, options.provisioning);
  const env = { ...SECRETS_ENV, WECOM_RELAY_LINGER: '200ms', ...options.env };
  // Started together, as a deployment rolls them out: they race for the schema's migrations.
  const processes = await Promise.allSettled(
    Array.from({ length: count }, () =>
      spawnRelay(
        [
          '--data-dir',
          tempDir(),
          '--database-url',
          options.databaseUrl,
          '--provisioning',
          provisioningDir,
          '--wecom-api-base',
          options.wecom.baseUrl,
        ],
        env
      )
    )
  );
  const started = processes.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = processes.find((result) => result.status === 'rejected');
  if (failed) {
    await stopReplicas(started.map(asReplica));
    throw failed.reason;
  }
  return started.map(asReplica);
}

function asReplica(process: RelayProcess): Replica {
  return {
    process,
    url: process.url,
    post: (ruleUid, body) => postWebhook(process.url, 'grafana', ruleUid, body),
    admin: (method, urlPath, options) => callAdmin(process.url, method, urlPath, options),
  };
}

export async function stopReplicas(replicas: Replica[]): Promise<void> {
  await Promise.all(
    replicas
      .filter(({ process }) => process.child.exitCode === null && process.child.signalCode === null)
      .map(({ process }) => process.kill('SIGKILL'))
  );
}
