/** The SQLite schema at start: new files, data dirs of earlier releases, and files from newer ones. */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { normalizePayload } from '../../src/core/normalize';
import { deliverySummary } from '../../src/relay/http/admin/deliveries';
import { LATEST_VERSION, MIGRATIONS, SchemaTooNew } from '../../src/relay/storage/migrations';
import { SqliteStorage } from '../../src/relay/storage/sqlite';
import { runCli } from '../support/cli';
import { ADMIN_TOKEN, INGEST_TOKEN, SECRET_KEY, fixture, tempDir } from '../support/relay-harness';

const storages: SqliteStorage[] = [];
function open(file: string) {
  const storage = new SqliteStorage(file);
  storages.push(storage);
  return storage;
}
after(async () => Promise.all(storages.map((storage) => storage.close())));

/** A file holding `sql` run by a plain connection, as another program (or release) left it. */
function databaseWith(sql: string): string {
  const file = path.join(tempDir(), 'wecom-relay.db');
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return file;
}

const UNVERSIONED = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'relay-db-unversioned.sql'), 'utf8');

function storedGroups(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM groups').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function inspect(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      schema: (
        db
          .prepare(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name`)
          .all() as Array<{ sql: string }>
      ).map((row) => row.sql.replace(/\s+/g, ' ')),
    };
  } finally {
    db.close();
  }
}

const alertNames = (group: { alerts: Array<{ labels: Record<string, string> }> }) =>
  group.alerts.map((alert) => alert.labels.alertname);

describe('SQLite migrations', () => {
  test('a new database gets the latest schema', async () => {
    const file = path.join(tempDir(), 'wecom-relay.db');
    const storage = open(file);
    const group = normalizePayload('grafana', fixture('grafana-firing.json'));
    const [{ ids }] = await storage.ingest([
      {
        action: 'enqueue',
        dedupKey: 'k',
        dedupWindowMs: 0,
        deliveries: ['robot:a', 'robot:b', 'robot:c'].map((destination) => ({
          ruleUid: 'r',
          serviceUid: 's',
          destination,
          kind: 'robot' as const,
          label: '运维群',
          group,
          isTest: false,
          notBefore: 0,
        })),
        now: 1,
      },
    ]);
    assert.equal(inspect(file).version, LATEST_VERSION);
    assert.equal(storedGroups(file), 1, 'three deliveries of one webhook share one stored group');
    const stored = await Promise.all(ids.map((id) => storage.getDelivery(id)));
    assert.deepEqual(
      stored.map((delivery) => delivery?.group),
      ids.map(() => group)
    );
  });

  test('a data dir of the release before versioning is upgraded with every delivery kept', async () => {
    const storage = open(databaseWith(UNVERSIONED));
    const log = await storage.listDeliveries({ limit: 50 });
    assert.deepEqual(
      log
        .map((delivery) => deliverySummary(delivery, undefined))
        .map((view) => [
          view.id,
          view.status,
          view.destination,
          view.alertnames,
          view.attempts,
          view.sentAt,
          view.lastErrcode,
          view.reason,
          view.invalidRecipients,
        ]),
      [
        [6, 'skipped', 'robot:one', ['Skipped'], 0, null, null, 'no_match', []],
        [5, 'failed', 'robot:two', ['Failed'], 0, null, 93000, null, []],
        [4, 'pending', 'robot:two', ['Waiting'], 0, null, null, null, []],
        [3, 'pending', 'robot:one', ['Waiting'], 0, null, null, null, []],
        [2, 'sent', 'app:1', ['Sent'], 1, new Date(5200).toISOString(), null, null, ['nobody']],
        [1, 'sent', 'robot:one', ['Sent'], 1, new Date(5100).toISOString(), null, null, []],
      ]
    );
    assert.deepEqual(
      (await storage.listAttempts(1)).map((attempt) => [attempt.ok, attempt.message]),
      [[true, { msgtype: 'markdown', markdown: { content: 'Sent' } }]]
    );
    assert.deepEqual((await storage.listAttempts(2))[0].invalidRecipients, ['nobody']);
    assert.equal((await storage.listAttempts(5))[0].errmsg, 'invalid webhook url');
    assert.equal((await storage.getObject('service', 'ops'))?.name, '运维');

    // The pending deliveries are still due and are handed out with their group.
    assert.deepEqual((await storage.dueDestinations(10_000)).map((due) => due.destination).sort(), [
      'robot:one',
      'robot:two',
    ]);
    for (const [destination, id] of [
      ['robot:one', 3],
      ['robot:two', 4],
    ] as const) {
      const claimed = await storage.claimDestination(destination, 'w', 60_000, 10, 10_000);
      assert.deepEqual(
        claimed.map((delivery) => [delivery.id, alertNames(delivery.group)]),
        [[id, ['Waiting']]]
      );
    }
  });

  test('the upgraded schema is the one a new database gets, each webhook’s group stored once', async () => {
    const upgraded = databaseWith(UNVERSIONED);
    open(upgraded);
    const fresh = path.join(tempDir(), 'wecom-relay.db');
    open(fresh);
    assert.equal(inspect(upgraded).version, LATEST_VERSION);
    assert.deepEqual(inspect(upgraded).schema, inspect(fresh).schema);
    assert.equal(storedGroups(upgraded), 4, 'four webhooks, six deliveries');
  });

  test('ids go on after the upgraded ones', async () => {
    const storage = open(databaseWith(UNVERSIONED));
    const [{ ids }] = await storage.ingest([
      {
        action: 'enqueue',
        dedupKey: 'new',
        dedupWindowMs: 0,
        deliveries: [(await storage.getDelivery(3))!],
        now: 20_000,
      },
    ]);
    assert.deepEqual(ids, [7]);
    assert.deepEqual(alertNames((await storage.getDelivery(7))!.group), ['Waiting']);
  });

  test('a data dir of an early release, without the columns added later, is upgraded too', async () => {
    const storage = open(
      databaseWith(
        `${UNVERSIONED}
        DROP INDEX deliveries_pending;
        ALTER TABLE deliveries DROP COLUMN reason;
        ALTER TABLE deliveries DROP COLUMN invalid_recipients;
        ALTER TABLE attempts DROP COLUMN invalid_recipients;`
      )
    );
    assert.deepEqual(
      (await storage.listDeliveries({ limit: 50 })).map((delivery) => [delivery.id, delivery.status, delivery.reason]),
      [
        [6, 'skipped', null],
        [5, 'failed', null],
        [4, 'pending', null],
        [3, 'pending', null],
        [2, 'sent', null],
        [1, 'sent', null],
      ]
    );
  });

  test('an upgrade that fails changes nothing and says where it failed', async () => {
    // A table of migration 2's name, left by some other program, makes it fail half way.
    const file = databaseWith(`${UNVERSIONED} CREATE TABLE attempts_new (x TEXT);`);
    assert.throws(
      () => open(file),
      /upgrading .*wecom-relay\.db failed at migration 2 \(.*\): table attempts_new already exists\. Nothing was changed: it is still at schema version 0\./
    );
    assert.equal(inspect(file).version, 0);
    assert.deepEqual(
      inspect(file).schema,
      inspect(databaseWith(`${UNVERSIONED} CREATE TABLE attempts_new (x TEXT);`)).schema
    );
  });

  test('a database from a newer release is refused, and left as it is', () => {
    const file = databaseWith(`${UNVERSIONED} PRAGMA user_version = ${LATEST_VERSION + 1};`);
    assert.throws(
      () => open(file),
      (error: Error) =>
        error instanceof SchemaTooNew &&
        error.message.includes(
          `schema version ${LATEST_VERSION + 1}, newer than this WeCom Relay knows (${LATEST_VERSION})`
        )
    );
    assert.equal(inspect(file).version, LATEST_VERSION + 1);
  });

  test('a process starting while another migrates waits for it, then finds nothing left to do', async () => {
    const file = databaseWith(`${UNVERSIONED} PRAGMA journal_mode = WAL;`);
    // This connection plays the other process: it holds the write lock through its migration.
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { SqliteStorage } = require(${JSON.stringify(path.join(__dirname, '../../src/relay/storage/sqlite'))});
         // The native addon loaded first: from 'opening' on, the child reads the version at once.
         new (require('better-sqlite3'))(':memory:').close();
         console.log('opening');
         new SqliteStorage(${JSON.stringify(file)}).close().then(() => console.log('opened'));`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!stdout.includes('opening') && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    other.exec(MIGRATIONS.find((migration) => migration.id === 2)!.sqlite);
    other.pragma(`user_version = ${LATEST_VERSION}`);
    other.exec('COMMIT');
    other.close();
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /opened/);
    assert.equal(storedGroups(file), 4, 'migrated once');
    assert.equal((await open(file).listDeliveries({ limit: 50 })).length, 6);
  });

  test('a command beside the relay (send-test) does not upgrade: it asks for serve, and changes nothing', async () => {
    const file = databaseWith(UNVERSIONED);
    assert.throws(
      () => new SqliteStorage(file, { migrate: false }),
      /schema version 0, older than this WeCom Relay's \(\d+\): start `wecom-relay serve` of this release/
    );
    assert.equal(inspect(file).version, 0);
    assert.deepEqual(inspect(file).schema, inspect(databaseWith(UNVERSIONED)).schema);

    open(file);
    const beside = new SqliteStorage(file, { migrate: false });
    storages.push(beside);
    assert.equal((await beside.getDelivery(3))?.status, 'pending', 'once serve has upgraded it, it works');
  });

  test('serve on a data dir from a newer release exits with the error, before listening', async () => {
    const file = databaseWith(`${UNVERSIONED} PRAGMA user_version = ${LATEST_VERSION + 1};`);
    const result = await runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', path.dirname(file)], {
      WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
      WECOM_RELAY_SECRET_KEY: SECRET_KEY,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `wecom-relay: .*wecom-relay\\.db has schema version ${LATEST_VERSION + 1}, newer than this WeCom Relay knows`
      )
    );
    assert.doesNotMatch(result.stdout, /listening/i);
  });

  test('a file holding other tables is refused, not changed', () => {
    const file = databaseWith('CREATE TABLE notes (text TEXT)');
    assert.throws(() => open(file), /is not a WeCom Relay database \(it holds the tables notes\)/);
    const db = new Database(file, { readonly: true });
    assert.deepEqual(db.prepare(`SELECT name FROM sqlite_master`).all(), [{ name: 'notes' }]);
    db.close();
  });
});
