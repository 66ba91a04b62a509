import path from 'node:path';
import type { Logger } from '../logger';
import type { Settings } from '../settings';
import { PostgresStorage } from './postgres';
import { SqliteStorage } from './sqlite';
import type { Storage } from './types';

/**
 * SQLite in the data dir, or the PostgreSQL of --database-url. `migrate: false` for a connection
 * beside the relay's own (send-test, the delivery thread): only `serve` changes the schema, and
 * only its connection takes webhooks (on SQLite, it starts the ingest thread).
 * `forDelivery` for the delivery thread's connection: SQLite's checkpoints are left to the relay's
 * own, and PostgreSQL gets a smaller pool (the worker claims and records; it does not ingest).
 */
export async function openStorage(
  settings: Settings,
  options: { logger?: Pick<Logger, 'error'>; migrate?: boolean; forDelivery?: boolean } = {}
): Promise<Storage> {
  const onBackgroundError = (error: Error) => options.logger?.error({ err: error }, 'storage maintenance failed');
  if (settings.databaseUrl) {
    return PostgresStorage.open(settings.databaseUrl, {
      onBackgroundError,
      migrate: options.migrate,
      connections: options.forDelivery ? 4 : undefined,
    });
  }
  return new SqliteStorage(path.join(settings.dataDir, 'wecom-relay.db'), {
    onBackgroundError,
    migrate: options.migrate,
    checkpoints: !options.forDelivery,
    ingests: options.migrate !== false,
  });
}
