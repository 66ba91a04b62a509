/**
 * Brings a PostgreSQL database to the latest schema at start. Applied steps are rows of
 * schema_migrations; each pending step commits with its row. Replicas starting at once take turns
 * on an advisory lock, so the second finds nothing left to do.
 */
import type pg from 'pg';
import { LATEST_VERSION, MIGRATIONS, SchemaTooNew } from './migrations';
import { LOCKS } from './postgres-locks';

async function schemaVersion(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>(
    'SELECT MAX(id) AS version FROM schema_migrations'
  );
  return rows[0].version ?? 0;
}

function refuseNewer(version: number): void {
  if (version > LATEST_VERSION) {
    throw new SchemaTooNew(
      `the PostgreSQL database has schema version ${version}, newer than this WeCom Relay knows (${LATEST_VERSION}): ` +
        'a newer release has upgraded it. Run that release (or newer) on every replica.'
    );
  }
}

export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', LOCKS.migrations);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)'
      );
      const current = await schemaVersion(client);
      refuseNewer(current);
      for (const migration of MIGRATIONS.filter((step) => step.id > current)) {
        await client.query('BEGIN');
        try {
          if (migration.postgres) {
            await client.query(migration.postgres);
          }
          await client.query('INSERT INTO schema_migrations (id, description, applied_at) VALUES ($1, $2, $3)', [
            migration.id,
            migration.description,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(
            `upgrading the PostgreSQL database failed at migration ${migration.id} (${migration.description}): ` +
              `${(error as Error).message}. That step was not applied.`
          );
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', LOCKS.migrations);
    }
  } finally {
    client.release();
  }
}

/** For a command beside running replicas (send-test): works only on this release's schema. */
export async function requireCurrentPostgresSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists"
    );
    const version = rows[0].exists ? await schemaVersion(client) : 0;
    refuseNewer(version);
    if (version < LATEST_VERSION) {
      throw new Error(
        `the PostgreSQL database has schema version ${version}, older than this WeCom Relay's (${LATEST_VERSION}): ` +
          'start `wecom-relay serve` of this release on it once, which upgrades it.'
      );
    }
  } finally {
    client.release();
  }
}
