/**
 * The real PostgreSQL named by WECOM_RELAY_TEST_DATABASE_URL. Each test gets a schema of its own
 * (through the URL's search_path option), so tests can run side by side in one database.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { withDefaultUser } from '../../src/relay/storage/postgres';

const configured = process.env.WECOM_RELAY_TEST_DATABASE_URL;
export const TEST_DATABASE_URL = configured && withDefaultUser(configured);

/** For node:test's `skip`: why a PostgreSQL test does not run here, or false when it does. */
export const skipWithoutPostgres: string | false = TEST_DATABASE_URL
  ? false
  : 'WECOM_RELAY_TEST_DATABASE_URL is not set (e.g. postgres://127.0.0.1:5432/test): PostgreSQL tests skipped';

export interface TestSchema {
  /** The database URL with this schema as search_path, for --database-url. */
  url: string;
  name: string;
  /** Runs SQL in the schema, as an operator would with psql. */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

export async function createTestSchema(): Promise<TestSchema> {
  if (!TEST_DATABASE_URL) {
    throw new Error(String(skipWithoutPostgres));
  }
  const name = `relay_test_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  const url = withSearchPath(TEST_DATABASE_URL, name);
  return {
    url,
    name,
    async query(sql, params) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    async drop() {
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
}
