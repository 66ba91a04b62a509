/** Wires the relay together: storage, config, provisioning, the delivery worker and the HTTP server. */
import crypto from 'node:crypto';
import { Catalog } from './config/catalog';
import type { RelayContext } from './context';
import { DeliveryThread } from './delivery/thread';
import { buildServer } from './http/server';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { applyProvisioning } from './provisioning/apply';
import { loadProvisioning, ProvisioningError } from './provisioning/load';
import { SecretBox, secretFromEnvOrFile } from './secrets';
import type { Settings } from './settings';
import { lockDataDir } from './storage/lock';
import { openStorage } from './storage/open';
import { WecomClient } from './wecom/client';
import { resolveEgress } from './wecom/egress';
import { sealedTokens } from './wecom/shared-tokens';
import { clientEvents } from './wecom/events';
import { VERSION } from './version';

const PRUNE_EVERY_MS = 10 * 60_000;
/** How .env.example marks the values a user must replace; a relay never runs with one. */
const PLACEHOLDER = 'REPLACE_ME_';

export interface Relay {
  context: RelayContext;
  server: Awaited<ReturnType<typeof buildServer>>;
  url: string;
  stop(): Promise<void>;
}

/** The three secrets: from env when set, else generated once into the data dir. */
export function loadSecrets(settings: Settings, env: NodeJS.ProcessEnv, logger: Logger) {
  const read = (envName: string, file: string) => {
    if (settings.databaseUrl && !env[envName]?.trim()) {
      throw new Error(
        `${envName} must be set with --database-url: every replica on the database needs the same value ` +
          '(a value generated into one replica’s data dir would differ from the others’)'
      );
    }
    if (env[envName]?.trim().startsWith(PLACEHOLDER)) {
      throw new Error(
        `${envName} is still the ${PLACEHOLDER}… placeholder of .env.example: replace it with a secret of your own (e.g. openssl rand -base64 32)`
      );
    }
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
  const lock = settings.databaseUrl ? undefined : lockDataDir(settings.dataDir);
  const secrets = loadSecrets(settings, env, logger);
  const storage = await openStorage(settings, { logger });
  const box = new SecretBox(secrets.secretKey);
  const catalog = new Catalog(storage, box, settings.apiBase);
  await catalog.reload();
  catalog.follow((error) => logger.error({ err: error }, 'cannot reload the config another replica changed'));
  const metrics = createMetrics(storage);
  const egress = resolveEgress(settings.apiBase, settings.egress);
  const client = new WecomClient({
    apiBase: settings.apiBase,
    dispatcher: egress.dispatcher,
    sharedTokens: sealedTokens(storage, box),
    ...clientEvents(metrics, logger),
  });
  const worker = new DeliveryThread({
    settings,
    secretKey: secrets.secretKey,
    workerId: `${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
    logger,
    metrics,
    client,
  });
  catalog.onChange(() => worker.configChanged());

  const reloadProvisioning = async () => {
    if (!settings.provisioning) {
      return { changed: 0, removed: 0, unchanged: 0 };
    }
    const apiServices = new Set(
      [...catalog.services.values()].filter((entry) => entry.provenance === 'api').map((entry) => entry.config.uid)
    );
    try {
      const summary = await applyProvisioning(
        loadProvisioning(settings.provisioning, settings.apiBase, { env, otherServices: apiServices }),
        catalog
      );
      context.refusedReload = null;
      logger.info({ folder: settings.provisioning, ...summary }, 'provisioning applied');
      return summary;
    } catch (error) {
      if (error instanceof ProvisioningError) {
        context.refusedReload = { at: Date.now(), error };
      }
      throw error;
    }
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
    egress: egress.route,
    refusedReload: null,
    reloadProvisioning,
  };

  try {
    await reloadProvisioning();
  } catch (error) {
    await storage.close();
    lock?.release();
    throw error;
  }
  try {
    await worker.start();
  } catch (error) {
    await storage.close();
    lock?.release();
    throw error;
  }
  const server = await buildServer(context);
  const address = await server.listen({ port: settings.port, host: settings.host });
  const prune = () => {
    const now = Date.now();
    storage
      .prune(now - settings.retentionMs, now)
      .catch((error) => logger.error({ err: error }, 'pruning the delivery log failed'));
  };
  prune();
  const pruner = setInterval(prune, PRUNE_EVERY_MS);
  pruner.unref();
  logger.info(
    { address, storage: storage.kind, dataDir: settings.dataDir, version: VERSION, proxy: egress.route.proxy },
    'wecom-relay listening'
  );

  return {
    context,
    server,
    url: address.replace('0.0.0.0', '127.0.0.1'),
    async stop() {
      clearInterval(pruner);
      await server.close();
      await worker.stop();
      await storage.close();
      await egress.dispatcher.close();
      lock?.release();
    },
  };
}
