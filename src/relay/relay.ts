/** Wires the relay together: storage, config, provisioning, the delivery worker and the HTTP server. */
import crypto from 'node:crypto';
import path from 'node:path';
import { Catalog } from './config/catalog';
import type { RelayContext } from './context';
import { DeliveryWorker } from './delivery/worker';
import { buildServer } from './http/server';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { applyProvisioning } from './provisioning/apply';
import { loadProvisioning } from './provisioning/load';
import { SecretBox, secretFromEnvOrFile } from './secrets';
import type { Settings } from './settings';
import { SqliteStorage } from './storage/sqlite';
import type { Storage } from './storage/types';
import { WecomClient } from './wecom/client';
import { VERSION } from './version';

const PRUNE_EVERY_MS = 10 * 60_000;

export interface Relay {
  context: RelayContext;
  server: Awaited<ReturnType<typeof buildServer>>;
  url: string;
  stop(): Promise<void>;
}

export function openStorage(settings: Settings): Storage {
  if (settings.databaseUrl) {
    throw new Error(
      '--database-url (PostgreSQL, HA mode) is not available in this version yet; run without it to use SQLite'
    );
  }
  return new SqliteStorage(path.join(settings.dataDir, 'wecom-relay.db'));
}

/** The three secrets: from env when set, else generated once into the data dir. */
export function loadSecrets(settings: Settings, env: NodeJS.ProcessEnv, logger: Logger) {
  const read = (envName: string, file: string) => {
    const secret = secretFromEnvOrFile(env[envName], settings.dataDir, file);
    if (secret.created) {
      logger.info(
        { file: secret.file },
        `generated ${envName} (set the env var to choose your own); the value is in the file`
      );
    }
    return secret.value;
  };
  return {
    secretKey: read('WECOM_RELAY_SECRET_KEY', 'secret.key'),
    admin: read('WECOM_RELAY_ADMIN_TOKEN', 'admin.token'),
    ingest: read('WECOM_RELAY_INGEST_TOKEN', 'ingest.token'),
  };
}

export async function startRelay(
  settings: Settings,
  options: { env?: NodeJS.ProcessEnv; logger?: Logger } = {}
): Promise<Relay> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(settings.logLevel);
  const secrets = loadSecrets(settings, env, logger);
  const storage = openStorage(settings);
  const catalog = new Catalog(storage, new SecretBox(secrets.secretKey));
  await catalog.reload();
  await storage.recoverClaims();
  const metrics = createMetrics(storage);
  const client = new WecomClient({
    apiBase: settings.apiBase,
    onTokenRefresh: (_corpId, _agentId, ok) => metrics.tokenRefreshes.inc({ result: ok ? 'ok' : 'error' }),
  });
  const worker = new DeliveryWorker({
    storage,
    catalog,
    client,
    logger,
    metrics,
    apiBase: settings.apiBase,
    maxAgeMs: settings.maxAgeMs,
    lingerMs: settings.lingerMs,
    workerId: `${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
  });

  const reloadProvisioning = async () => {
    if (!settings.provisioning) {
      return { changed: 0, removed: 0, unchanged: 0 };
    }
    const summary = await applyProvisioning(loadProvisioning(settings.provisioning, settings.apiBase, env), catalog);
    logger.info({ folder: settings.provisioning, ...summary }, 'provisioning applied');
    return summary;
  };

  const context: RelayContext = {
    settings,
    storage,
    catalog,
    worker,
    client,
    metrics,
    logger,
    tokens: { admin: secrets.admin, ingest: secrets.ingest },
    version: VERSION,
    reloadProvisioning,
  };

  await reloadProvisioning();
  const server = await buildServer(context);
  const address = await server.listen({ port: settings.port, host: settings.host });
  worker.start();
  const prune = () => {
    const now = Date.now();
    storage
      .prune(now - settings.retentionMs, now)
      .catch((error) => logger.error({ err: error }, 'pruning the delivery log failed'));
  };
  prune();
  const pruner = setInterval(prune, PRUNE_EVERY_MS);
  pruner.unref();
  logger.info({ address, storage: storage.kind, dataDir: settings.dataDir, version: VERSION }, 'wecom-relay listening');

  return {
    context,
    server,
    url: address.replace('0.0.0.0', '127.0.0.1'),
    async stop() {
      clearInterval(pruner);
      await server.close();
      await worker.stop();
      await storage.close();
    },
  };
}
