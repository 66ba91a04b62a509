/** Fails CI early, with the reason, when the PostgreSQL the tests need cannot be reached. */
import pg from 'pg';
import { withDefaultUser } from '../src/relay/storage/postgres';

const url = process.env.WECOM_RELAY_TEST_DATABASE_URL!;
const client = new pg.Client({ connectionString: withDefaultUser(url), connectionTimeoutMillis: 5_000 });
client
  .connect()
  .then(() => client.query<{ version: string }>('SELECT version()'))
  .then(async ({ rows }) => {
    console.log(rows[0].version);
    await client.end();
  })
  .catch((error: Error) => {
    console.error(`PostgreSQL at ${url} is not reachable: ${error.message}`);
    process.exit(1);
  });
