/**
 * The storage behaviour both backends promise, on real SQLite files and the real PostgreSQL:
 * claims, leases, dedup, rate reservations, optimistic versions, pruning. A "twin" is a second
 * connection to the same store, as another process (SQLite) or replica (PostgreSQL) has.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { normalizePayload } from '../../src/core/normalize';
import { PostgresStorage } from '../../src/relay/storage/postgres';
import { SqliteStorage } from '../../src/relay/storage/sqlite';
import {
  StorageUnavailable,
  VersionConflict,
  type IngestWrite,
  type NewDelivery,
  type Storage,
} from '../../src/relay/storage/types';
import { createTestSchema, skipWithoutPostgres, type TestSchema } from '../support/postgres';
import { prng } from '../support/prng';
import { fixture, tempDir } from '../support/relay-harness';

interface Store {
  storage: Storage;
  twin(): Promise<Storage>;
  /** Rows in a table, read beside the relay. */
  count(table: string): Promise<number>;
  /** Makes the database refuse deliveries to `destination`, as a full disk or a broken link would. */
  refuse(destination: string): Promise<void>;
  /** PostgreSQL: the database URL, for a connection of the test's own. */
  url?: string;
}

interface Backend {
  name: string;
  skip: string | false;
  fresh(): Promise<Store>;
}

const opened: Storage[] = [];
const schemas: TestSchema[] = [];
// Each test's connections are closed after it: a suite that kept them would run PostgreSQL out of connections.
afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close()));
  await Promise.all(schemas.splice(0).map((schema) => schema.drop()));
});
function keep<T extends Storage>(storage: T): T {
  opened.push(storage);
  return storage;
}

const sqlite: Backend = {
  name: 'SQLite',
  skip: false,
  async fresh() {
    const file = path.join(tempDir(), 'relay.db');
    const beside = <T>(work: (db: Database.Database) => T) => {
      const db = new Database(file);
      try {
        return work(db);
      } finally {
        db.close();
      }
    };
    return {
      storage: keep(new SqliteStorage(file)),
      twin: async () => keep(new SqliteStorage(file)),
      count: async (table) =>
        beside((db) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n),
      refuse: async (destination) =>
        beside((db) => {
          db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON deliveries WHEN NEW.destination = '${destination}'
            BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
        }),
    };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  skip: skipWithoutPostgres,
  async fresh() {
    const schema = await createTestSchema();
    schemas.push(schema);
    return {
      storage: keep(await PostgresStorage.open(schema.url)),
      url: schema.url,
      twin: async () => keep(await PostgresStorage.open(schema.url)),
      count: async (table) => Number((await schema.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n),
      refuse: async (destination) => {
        await schema.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.destination = '${destination}' THEN RAISE EXCEPTION 'disk says no'; END IF; RETURN NEW; END $$`);
        await schema.query('CREATE TRIGGER refuse BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse()');
      },
    };
  },
};

function delivery(destination = 'robot:abc'): NewDelivery {
  return {
    ruleUid: 'r',
    serviceUid: 's',
    destination,
    kind: 'robot',
    label: '运维群',
    group: normalizePayload('grafana', fixture('grafana-firing.json')),
    isTest: false,
    notBefore: 0,
  };
}

async function enqueue(
  storage: Storage,
  dedupKey: string,
  dedupWindowMs: number,
  deliveries: NewDelivery[],
  now: number
) {
  const [result] = await storage.ingest([{ action: 'enqueue', dedupKey, dedupWindowMs, deliveries, now }]);
  return result;
}

// `npm run test:postgres` runs every relay test file again on PostgreSQL: this one already covers both.
for (const backend of process.env.WECOM_RELAY_TEST_BACKEND === 'postgres' ? [] : [sqlite, postgres]) {
  describe(`${backend.name} storage`, { skip: backend.skip }, () => {
    const open = async () => (await backend.fresh()).storage;

    test('a destination claimed by one worker is not handed to another until released', async () => {
      const store = await backend.fresh();
      const a = store.storage;
      const b = await store.twin();
      await enqueue(a, 'k1', 0, [delivery(), delivery()], 1000);
      assert.equal((await a.claimDestination('robot:abc', 'worker-a', 60_000, 10, 1000)).length, 2);
      assert.deepEqual(await b.claimDestination('robot:abc', 'worker-b', 60_000, 10, 1001), [], 'held by worker-a');
      assert.deepEqual(await b.dueDestinations(1001), [], 'a claimed queue is not due');
      await a.releaseDestination('robot:abc', 'worker-a', { retryAt: null, failures: 0 }, 1001);
      assert.equal((await b.claimDestination('robot:abc', 'worker-b', 60_000, 10, 1002)).length, 2);
      assert.deepEqual(
        await a.claimDestination('robot:abc', 'worker-a', 60_000, 10, 50_000),
        [],
        'still held by worker-b'
      );
      assert.equal(
        (await a.claimDestination('robot:abc', 'worker-a', 60_000, 10, 61_003)).length,
        2,
        'an expired lease is taken over'
      );
    });

    test('a failed release holds the queue until retryAt and counts failures', async () => {
      const storage = await open();
      await enqueue(storage, 'k', 0, [delivery('robot:x')], 0);
      await storage.claimDestination('robot:x', 'w', 60_000, 10, 0);
      await storage.releaseDestination('robot:x', 'w', { retryAt: 5000, failures: 3 }, 0);
      assert.deepEqual(await storage.dueDestinations(100), [{ destination: 'robot:x', dueAt: 5000 }]);
      assert.equal(await storage.destinationFailures('robot:x'), 3);
    });

    test('a delivery held by quiet hours makes its queue due when the hold ends, not before', async () => {
      const storage = await open();
      await enqueue(storage, 'held', 0, [{ ...delivery('robot:q'), notBefore: 9000 }], 1000);
      assert.deepEqual(await storage.dueDestinations(1000), [{ destination: 'robot:q', dueAt: 9000 }]);
      assert.deepEqual(await storage.claimDestination('robot:q', 'w', 60_000, 10, 1000), [], 'not yet due');
      await enqueue(storage, 'now', 0, [{ ...delivery('robot:q'), notBefore: 2000 }], 2000);
      const claimed = await storage.claimDestination('robot:q', 'w', 60_000, 10, 2000);
      assert.equal(claimed.length, 1, 'only what is due is handed out');
      await storage.recordAttempt(
        {
          deliveryIds: [claimed[0].id],
          destination: 'robot:q',
          at: 2000,
          ok: true,
          errcode: 0,
          errmsg: 'ok',
          httpStatus: 200,
          durationMs: 1,
          message: { msgtype: 'text', text: { content: 'x' } },
        },
        [{ id: claimed[0].id, partsSent: 1, done: true, digest: false }]
      );
      await storage.releaseDestination('robot:q', 'w', { retryAt: null, failures: 0 }, 2000);
      assert.deepEqual(
        await storage.dueDestinations(2000),
        [{ destination: 'robot:q', dueAt: 9000 }],
        'the held one is still waited for'
      );
      assert.equal((await storage.claimDestination('robot:q', 'w', 60_000, 10, 9000)).length, 1);
    });

    test('work stored while a queue is claimed keeps it due after the release', async () => {
      const storage = await open();
      await enqueue(storage, 'a', 0, [delivery('robot:c')], 1000);
      const claimed = await storage.claimDestination('robot:c', 'w', 60_000, 10, 1000);
      await storage.failDeliveries([claimed[0].id], 93000, 'invalid webhook url');
      await enqueue(storage, 'b', 0, [{ ...delivery('robot:c'), notBefore: 1500 }], 1500);
      await storage.releaseDestination('robot:c', 'w', { retryAt: null, failures: 0 }, 1500);
      assert.deepEqual(await storage.dueDestinations(1500), [{ destination: 'robot:c', dueAt: 1500 }]);
    });

    test('a refused queue fails what is due on it, and only that', async () => {
      const storage = await open();
      const { ids: due } = await enqueue(storage, 'a', 0, [delivery('robot:gone'), delivery('robot:gone')], 1000);
      const { ids: held } = await enqueue(storage, 'b', 0, [{ ...delivery('robot:gone'), notBefore: 9000 }], 1000);
      const { ids: other } = await enqueue(storage, 'c', 0, [delivery('robot:fine')], 1000);
      const failed = await storage.failDueDeliveries('robot:gone', 93000, 'invalid webhook url', 2000);
      assert.deepEqual(
        [...failed].sort((x, y) => x - y),
        due
      );
      for (const id of due) {
        const row = await storage.getDelivery(id);
        assert.equal(row?.status, 'failed');
        assert.equal(row?.lastErrcode, 93000);
      }
      assert.equal((await storage.getDelivery(held[0]))?.status, 'pending', 'held by quiet hours: not due yet');
      assert.equal((await storage.getDelivery(other[0]))?.status, 'pending', 'another queue');
    });

    test('a queue with nothing pending is not due; a retry by hand makes it due at once', async () => {
      const storage = await open();
      await enqueue(storage, 'k', 0, [delivery('robot:r')], 1000);
      const [failed] = await storage.claimDestination('robot:r', 'w', 60_000, 10, 1000);
      await storage.failDeliveries([failed.id], 93000, 'invalid webhook url');
      await storage.releaseDestination('robot:r', 'w', { retryAt: 60_000, failures: 1 }, 1000);
      assert.deepEqual(await storage.dueDestinations(2000), []);
      await storage.retryDelivery(failed.id, 3000);
      assert.deepEqual(await storage.dueDestinations(3000), [{ destination: 'robot:r', dueAt: 3000 }]);
      assert.deepEqual(
        (await storage.claimDestination('robot:r', 'w', 60_000, 10, 3000)).map((d) => d.id),
        [failed.id]
      );
    });

    test("a delivery worker that starts again takes back its queues at once; another replica's claim stands on PostgreSQL", async () => {
      const store = await backend.fresh();
      const first = store.storage;
      await enqueue(
        first,
        'k',
        0,
        [delivery('robot:a'), { ...delivery('robot:b'), notBefore: 7000 }, delivery('robot:c')],
        1000
      );
      await first.claimDestination('robot:a', 'w', 60_000, 10, 1000);
      await first.claimDestination('robot:c', 'another replica', 60_000, 10, 1000);
      const second = await store.twin();
      await second.recoverClaims('w');
      assert.deepEqual(
        (await second.dueDestinations(1000)).sort((x, y) => x.destination.localeCompare(y.destination)),
        [
          { destination: 'robot:a', dueAt: 0 },
          { destination: 'robot:b', dueAt: 7000 },
          // On SQLite one relay has the data dir: no other worker is alive to hold a claim.
          ...(backend === postgres ? [] : [{ destination: 'robot:c', dueAt: 0 }]),
        ]
      );
    });

    test('every claim hands each delivery its own group, also after more groups than are kept parsed', async () => {
      const storage = await open();
      const base = delivery('robot:many');
      const named = (n: number): NewDelivery => ({
        ...base,
        group: {
          ...base.group,
          alerts: base.group.alerts.map((alert) => ({ ...alert, labels: { ...alert.labels, alertname: `A${n}` } })),
        },
      });
      const count = 4_500;
      await storage.ingest(
        Array.from({ length: count }, (_, n) => ({
          action: 'enqueue' as const,
          dedupKey: `k${n}`,
          dedupWindowMs: 0,
          deliveries: [named(n)],
          now: 1000,
        }))
      );
      for (const [at, limit] of [
        [1000, 10],
        [2000, count],
        [3000, count],
      ]) {
        const claimed = await storage.claimDestination('robot:many', 'w', 60_000, limit, at);
        assert.deepEqual(
          claimed.map((d) => d.group.alerts[0].labels.alertname),
          Array.from({ length: limit }, (_, n) => `A${n}`)
        );
      }
    });

    test('the same dedup key within the window stores nothing', async () => {
      const storage = await open();
      assert.equal((await enqueue(storage, 'same', 60_000, [delivery()], 1000)).stored, true);
      assert.equal((await enqueue(storage, 'same', 60_000, [delivery()], 30_000)).stored, false);
      assert.equal((await enqueue(storage, 'same', 60_000, [delivery()], 62_000)).stored, true);
      assert.equal((await storage.queueStats()).pending, 2);
    });

    test('one ingest stores all its writes, in order, each deduplicated against what is stored', async () => {
      const storage = await open();
      await enqueue(storage, 'a', 60_000, [delivery()], 1);
      const results = await storage.ingest([
        {
          action: 'enqueue',
          dedupKey: 'b',
          dedupWindowMs: 60_000,
          deliveries: [delivery(), delivery('robot:b')],
          now: 2,
        },
        { action: 'skip', reason: 'no_match', deliveries: [delivery()], now: 2 },
        { action: 'enqueue', dedupKey: 'a', dedupWindowMs: 60_000, deliveries: [delivery()], now: 2 },
      ]);
      assert.deepEqual(
        results.map((result) => [result.stored, result.ids.length]),
        [
          [true, 2],
          [false, 1],
          [false, 1],
        ]
      );
      const ids = results.flatMap((result) => result.ids);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
        'ids ascend in the order of the writes (the order of the queue)'
      );
      const statuses = await Promise.all(ids.map((id) => storage.getDelivery(id)));
      assert.deepEqual(
        statuses.map((stored) => [stored?.status, stored?.reason]),
        [
          ['pending', null],
          ['pending', null],
          ['skipped', 'no_match'],
          ['skipped', 'duplicate'],
        ]
      );
    });

    test('ingests under way at once, over the same keys and queues in any order, all commit', async () => {
      const storage = await open();
      const random = prng(42);
      const shuffled = <T>(items: T[]) =>
        items
          .map((item) => ({ item, at: random() }))
          .sort((x, y) => x.at - y.at)
          .map(({ item }) => item);
      const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
      const queues = Array.from({ length: 4 }, (_, i) => `robot:q${i}`);
      const batches = Array.from({ length: 40 }, () =>
        shuffled(keys)
          .slice(0, 5)
          .map((dedupKey): IngestWrite => ({
            action: 'enqueue',
            dedupKey,
            dedupWindowMs: 0,
            deliveries: shuffled(queues).slice(0, 3).map(delivery),
            now: 1000,
          }))
      );
      const results = await Promise.all(batches.map((writes) => storage.ingest(writes)));
      assert.equal(results.flat().length, 40 * 5);
      assert.equal(results.flat().filter((result) => result.stored).length, 40 * 5, 'a window of 0 keeps none out');
    });

    test('an ingest whose commit fails stores none of its writes', async () => {
      const store = await backend.fresh();
      const storage = store.storage;
      await store.refuse('robot:bad');
      await assert.rejects(
        storage.ingest([
          { action: 'enqueue', dedupKey: 'good', dedupWindowMs: 60_000, deliveries: [delivery()], now: 1 },
          { action: 'skip', reason: 'rule_disabled', deliveries: [delivery()], now: 1 },
          { action: 'enqueue', dedupKey: 'bad', dedupWindowMs: 60_000, deliveries: [delivery('robot:bad')], now: 1 },
        ]),
        StorageUnavailable
      );
      assert.deepEqual(await storage.listDeliveries({ limit: 10 }), []);
      assert.equal(
        (await enqueue(storage, 'good', 60_000, [delivery()], 2)).stored,
        true,
        'its dedup key was not kept'
      );
    });

    test(
      'the WAL is copied into the database file in the background, not by the writes',
      {
        skip: backend === postgres && 'SQLite only',
      },
      async () => {
        const file = path.join(tempDir(), 'relay.db');
        const storage = keep(new SqliteStorage(file));
        const emptySize = fs.statSync(file).size;
        await storage.ingest(
          Array.from({ length: 500 }, (_, i) => ({
            action: 'enqueue' as const,
            dedupKey: `k${i}`,
            dedupWindowMs: 0,
            deliveries: [delivery()],
            now: i,
          }))
        );
        const deadline = Date.now() + 10_000;
        while (fs.statSync(file).size < emptySize + 500_000 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.ok(fs.statSync(file).size >= emptySize + 500_000, 'the deliveries reached the database file');
        assert.equal((await storage.queueStats()).pending, 500);
      }
    );

    test('writes with a stale version are refused and change nothing', async () => {
      const storage = await open();
      const put = (sealed: string, expectVersion?: number) =>
        storage.writeObjects([
          {
            op: 'put',
            kind: 'service',
            object: { uid: 'ops', name: 'ops', sealed, provenance: 'api' },
            expectVersion,
            now: 1,
          },
        ]);
      await put('{"v":1}', 0);
      await put('{"v":2}', 1);
      await assert.rejects(put('{"v":3}', 1), VersionConflict);
      const stored = await storage.getObject('service', 'ops');
      assert.equal(stored?.version, 2);
      assert.equal(stored?.sealed, '{"v":2}');
    });

    test('prune removes finished deliveries older than the retention, never pending ones', async () => {
      const storage = await open();
      const { ids } = await enqueue(storage, 'old', 0, [delivery('robot:p'), delivery('robot:p')], 1000);
      await storage.recordAttempt(
        {
          deliveryIds: [ids[0]],
          destination: 'robot:p',
          at: 2000,
          ok: true,
          errcode: 0,
          errmsg: 'ok',
          httpStatus: 200,
          durationMs: 5,
          message: {},
        },
        [{ id: ids[0], partsSent: 1, done: true, digest: false }]
      );
      assert.equal(await storage.prune(10_000, 10_000), 1);
      assert.equal(await storage.getDelivery(ids[0]), undefined);
      assert.equal((await storage.getDelivery(ids[1]))?.status, 'pending');
      assert.deepEqual(await storage.listAttempts(ids[0]), []);
    });

    test('prune removes a webhook’s group with the last of its deliveries', async () => {
      const store = await backend.fresh();
      const storage = store.storage;
      const toP = delivery('robot:p');
      const { ids } = await enqueue(storage, 'old', 0, [toP, { ...toP, destination: 'robot:q' }], 1000);
      const groups = () => store.count('groups');
      assert.equal(await groups(), 1, 'one group for both destinations');
      await storage.failDeliveries([ids[0]], null, 'too old');
      await storage.prune(10_000, 10_000);
      assert.equal(await groups(), 1, 'kept for the pending delivery');
      assert.equal((await storage.getDelivery(ids[1]))?.group.status, toP.group.status);
      await storage.failDeliveries([ids[1]], null, 'too old');
      await storage.prune(10_000, 10_000);
      assert.equal(await groups(), 0);
    });

    test('two workers claiming one queue at the same moment: one gets it, the other nothing', async () => {
      const store = await backend.fresh();
      const twin = await store.twin();
      await enqueue(store.storage, 'k', 0, [delivery('robot:race')], 1000);
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? twin : store.storage).claimDestination('robot:race', `w${i}`, 60_000, 10, 1000)
        )
      );
      assert.deepEqual(claims.map((claimed) => claimed.length).sort(), [0, 0, 0, 0, 0, 1]);
    });

    test('a renewed claim outlives its first lease; a lost one cannot be renewed', async () => {
      const store = await backend.fresh();
      const twin = await store.twin();
      await enqueue(store.storage, 'k', 0, [delivery('robot:lease')], 0);
      assert.equal((await store.storage.claimDestination('robot:lease', 'a', 30_000, 10, 0)).length, 1);
      assert.equal(await store.storage.renewClaim('robot:lease', 'a', 30_000, 20_000), true);
      assert.deepEqual(await twin.claimDestination('robot:lease', 'b', 30_000, 10, 40_000), [], 'renewed until 50 s');
      assert.equal((await twin.claimDestination('robot:lease', 'b', 30_000, 10, 50_000)).length, 1);
      assert.equal(await store.storage.renewClaim('robot:lease', 'a', 30_000, 50_001), false, 'b holds it now');
    });

    test('the same group from two replicas at once is stored once', async () => {
      const store = await backend.fresh();
      const twin = await store.twin();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          enqueue(i % 2 ? twin : store.storage, 'ha-peer', 60_000, [delivery()], 1000 + i)
        )
      );
      assert.equal(results.filter((result) => result.stored).length, 1);
      assert.equal((await store.storage.queueStats()).pending, 1);
    });

    test('sends reserved at once from two replicas never exceed a window’s limit', async () => {
      const store = await backend.fresh();
      const twin = await store.twin();
      const windows = [{ windowMs: 60_000, limit: 20 }];
      const reserved = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? twin : store.storage).reserveSend(['robot:k'], windows, 1000 + i))
      );
      assert.equal(reserved.filter(Boolean).length, 20);
      assert.equal((await store.storage.countSends(['robot:k'], 0)).get('robot:k'), 20);
      assert.equal(await store.storage.reserveSend(['robot:k'], windows, 62_000), true, 'the window moved on');
      assert.equal(
        await store.storage.reserveSend(['robot:k', 'user:zhangsan'], [{ windowMs: 3_600_000, limit: 22 }], 62_001),
        true
      );
      assert.equal(
        await store.storage.reserveSend(['user:zhangsan', 'robot:k'], [{ windowMs: 3_600_000, limit: 22 }], 62_002),
        false,
        'one key at its limit refuses the send for all of them'
      );
      assert.equal((await store.storage.countSends(['user:zhangsan'], 0)).get('user:zhangsan'), 1);
    });

    test(
      'a send reserved while another connection commits waits for that commit instead of failing',
      { skip: backend === postgres && 'SQLite only: the ingest thread commits on a connection of its own' },
      async () => {
        const file = path.join(tempDir(), 'relay.db');
        const storage = keep(new SqliteStorage(file));
        // Another thread holds the write lock for a moment and commits, as the ingest thread does.
        const writer = new Worker(
          `const { parentPort, workerData } = require('node:worker_threads');
           const db = new (require(workerData.driver))(workerData.file);
           db.exec('BEGIN IMMEDIATE');
           db.prepare('INSERT INTO sends (limiter_key, at) VALUES (?, ?)').run('robot:k', 1000);
           parentPort.postMessage('locked');
           Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
           db.exec('COMMIT');
           db.close();`,
          { eval: true, workerData: { driver: require.resolve('better-sqlite3'), file } }
        );
        const ended = new Promise((resolve) => writer.once('exit', resolve));
        await new Promise((resolve) => writer.once('message', resolve));
        const reserved = await storage.reserveSend(['robot:k'], [{ windowMs: 60_000, limit: 20 }], 1001);
        await ended;
        assert.equal(reserved, true);
        assert.equal((await storage.countSends(['robot:k'], 0)).get('robot:k'), 2, 'both sends are counted');
      }
    );

    test(
      'a write gets in between the commits of a connection that commits back to back',
      { skip: backend === postgres && 'SQLite only: the ingest thread commits on a connection of its own' },
      async () => {
        const file = path.join(tempDir(), 'relay.db');
        const storage = keep(new SqliteStorage(file));
        // As the ingest thread does under a storm: each commit holds the lock 1 ms, the next one
        // begins at once. It goes on until the test says stop.
        const stop = new Int32Array(new SharedArrayBuffer(4));
        const writer = new Worker(
          `const { parentPort, workerData } = require('node:worker_threads');
           const db = new (require(workerData.driver))(workerData.file);
           const insert = db.prepare('INSERT INTO sends (limiter_key, at) VALUES (?, ?)');
           const pause = new Int32Array(new SharedArrayBuffer(4));
           let commits = 0;
           while (Atomics.load(workerData.stop, 0) === 0) {
             db.exec('BEGIN IMMEDIATE');
             insert.run('robot:other', commits);
             Atomics.wait(pause, 0, 0, 1);
             db.exec('COMMIT');
             if (++commits === 1) parentPort.postMessage('committing');
           }
           db.close();`,
          { eval: true, workerData: { driver: require.resolve('better-sqlite3'), file, stop } }
        );
        const ended = new Promise((resolve) => writer.once('exit', resolve));
        try {
          await new Promise((resolve) => writer.once('message', resolve));
          const reserved = await storage.reserveSend(['robot:k'], [{ windowMs: 60_000, limit: 20 }], 1001);
          assert.equal(reserved, true);
        } finally {
          Atomics.store(stop, 0, 1);
          await ended;
        }
        assert.equal((await storage.countSends(['robot:k'], 0)).get('robot:k'), 1);
      }
    );

    test('a stored token is read back until it is replaced', async () => {
      const store = await backend.fresh();
      const twin = await store.twin();
      assert.equal(await twin.readToken('ww1:1000002:fp'), undefined);
      await store.storage.writeToken('ww1:1000002:fp', { sealed: 'sealed-1', until: 5000 });
      assert.deepEqual(await twin.readToken('ww1:1000002:fp'), { sealed: 'sealed-1', until: 5000 });
      await twin.writeToken('ww1:1000002:fp', { sealed: 'sealed-2', until: 9000 });
      assert.deepEqual(await store.storage.readToken('ww1:1000002:fp'), { sealed: 'sealed-2', until: 9000 });
    });

    test(
      'token refreshes for one app take turns across replicas',
      {
        skip: backend === sqlite && 'one process per SQLite file: its token cache is the lock',
      },
      async () => {
        const store = await backend.fresh();
        const twin = await store.twin();
        const spans: Array<[number, number]> = [];
        let clock = 0;
        const refresh = async () => {
          const start = clock++;
          await new Promise((resolve) => setImmediate(resolve));
          spans.push([start, clock++]);
        };
        await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? twin : store.storage).withTokenLock('ww1:1000002:fp', refresh))
        );
        spans.sort((x, y) => x[0] - y[0]);
        spans.slice(1).forEach(([start], i) => assert.ok(start > spans[i][1], 'no two refreshes overlap'));
      }
    );

    test(
      'a change written through one replica is announced to the others',
      {
        skip: backend === sqlite && 'one process per SQLite file: nobody else writes its objects',
      },
      async () => {
        const store = await backend.fresh();
        const twin = await store.twin();
        let announced = 0;
        twin.onObjectsChanged(() => announced++);
        // The listener connects in the background: write until the first announcement arrives.
        for (let version = 0; announced === 0; version++) {
          await store.storage.writeObjects([
            {
              op: 'put',
              kind: 'rule',
              object: { uid: 'r1', name: 'r1', sealed: '{}', provenance: 'api' },
              expectVersion: version,
              now: 1,
            },
          ]);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const seen = announced;
        await store.storage.writeObjects([{ op: 'delete', kind: 'rule', uid: 'r1' }]);
        while (announced === seen) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.equal(await twin.getObject('rule', 'r1'), undefined, 'the change is visible when announced');
      }
    );

    test(
      'an ingest that commits while a worker lets go of the queue leaves the queue due',
      { skip: backend === sqlite && 'SQLite writes one transaction at a time: the two cannot interleave' },
      async () => {
        const store = await backend.fresh();
        await enqueue(store.storage, 'first', 0, [delivery('robot:race')], 1000);
        const [claimed] = await store.storage.claimDestination('robot:race', 'w', 60_000, 10, 1000);
        await store.storage.failDeliveries([claimed.id], 93000, 'gone');
        // Another replica's ingest, written but not yet committed when the worker lets go.
        const ingest = new pg.Client({ connectionString: store.url });
        await ingest.connect();
        try {
          await ingest.query('BEGIN');
          await ingest.query(
            `INSERT INTO deliveries (group_id, rule_uid, service_uid, destination, kind, label, is_test, not_before, status, created_at)
             SELECT group_id, rule_uid, service_uid, destination, kind, label, is_test, 2000, 'pending', 2000
               FROM deliveries WHERE id = $1`,
            [claimed.id]
          );
          await ingest.query(
            "UPDATE destinations SET next_due = LEAST(next_due, 2000) WHERE destination = 'robot:race'"
          );
          const released = store.storage.releaseDestination('robot:race', 'w', { retryAt: null, failures: 0 }, 2000);
          // Inside a transaction the statistics views are read once and kept: clear them on each look.
          const waiting = async () =>
            Number(
              (
                await ingest.query(
                  "SELECT pg_stat_clear_snapshot(), COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%destinations%'"
                )
              ).rows[0].n
            ) > 0;
          let settled = false;
          void released.finally(() => (settled = true));
          while (!settled && !(await waiting())) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          await ingest.query('COMMIT');
          await released;
        } finally {
          await ingest.end();
        }
        assert.deepEqual(await store.storage.dueDestinations(2000), [{ destination: 'robot:race', dueAt: 2000 }]);
      }
    );

    test('an answer whose errmsg holds a NUL character is still recorded', async () => {
      const storage = await open();
      const { ids } = await enqueue(storage, 'nul', 0, [delivery('robot:nul')], 1000);
      await storage.recordAttempt(
        {
          deliveryIds: ids,
          destination: 'robot:nul',
          at: 2000,
          ok: false,
          errcode: -1,
          errmsg: 'system\u0000 busy',
          httpStatus: 200,
          durationMs: 3,
          message: {},
        },
        [{ id: ids[0], partsSent: 0, done: false, digest: false }]
      );
      const [attempt] = await storage.listAttempts(ids[0]);
      assert.equal(attempt.errmsg.replaceAll('\u0000', ''), 'system busy');
      assert.equal((await storage.getDelivery(ids[0]))?.lastErrcode, -1);
    });
  });
}
