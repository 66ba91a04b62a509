/** The SQLite storage on real files: claims, optimistic versions, dedup, pruning. */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { normalizePayload } from '../../src/core/normalize';
import { SqliteStorage } from '../../src/relay/storage/sqlite';
import { StorageUnavailable, VersionConflict, type NewDelivery, type Storage } from '../../src/relay/storage/types';
import { fixture, tempDir } from '../support/relay-harness';

const storages: SqliteStorage[] = [];
function open(file = path.join(tempDir(), 'relay.db')) {
  const storage = new SqliteStorage(file);
  storages.push(storage);
  return storage;
}
after(async () => Promise.all(storages.map((storage) => storage.close())));

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

describe('SqliteStorage', () => {
  test('a destination claimed by one worker is not handed to another until released', async () => {
    const file = path.join(tempDir(), 'relay.db');
    const a = open(file);
    const b = open(file);
    await enqueue(a, 'k1', 0, [delivery(), delivery()], 1000);
    assert.equal((await a.claimDestination('robot:abc', 'worker-a', 60_000, 10, 1000)).length, 2);
    assert.deepEqual(await b.claimDestination('robot:abc', 'worker-b', 60_000, 10, 1001), [], 'held by worker-a');
    assert.deepEqual(await b.dueDestinations(1001), [], 'a claimed queue is not due');
    await a.releaseDestination('robot:abc', 'worker-a', { retryAt: null, failed: false }, 1001);
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
    const storage = open();
    await enqueue(storage, 'k', 0, [delivery('robot:x')], 0);
    await storage.claimDestination('robot:x', 'w', 60_000, 10, 0);
    await storage.releaseDestination('robot:x', 'w', { retryAt: 5000, failed: true }, 0);
    assert.deepEqual(await storage.dueDestinations(100), [{ destination: 'robot:x', dueAt: 5000 }]);
    assert.equal(await storage.destinationFailures('robot:x'), 1);
  });

  test('a delivery held by quiet hours makes its queue due when the hold ends, not before', async () => {
    const storage = open();
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
    await storage.releaseDestination('robot:q', 'w', { retryAt: null, failed: false }, 2000);
    assert.deepEqual(
      await storage.dueDestinations(2000),
      [{ destination: 'robot:q', dueAt: 9000 }],
      'the held one is still waited for'
    );
    assert.equal((await storage.claimDestination('robot:q', 'w', 60_000, 10, 9000)).length, 1);
  });

  test('work stored while a queue is claimed keeps it due after the release', async () => {
    const storage = open();
    await enqueue(storage, 'a', 0, [delivery('robot:c')], 1000);
    const claimed = await storage.claimDestination('robot:c', 'w', 60_000, 10, 1000);
    await storage.failDeliveries([claimed[0].id], 93000, 'invalid webhook url');
    await enqueue(storage, 'b', 0, [{ ...delivery('robot:c'), notBefore: 1500 }], 1500);
    await storage.releaseDestination('robot:c', 'w', { retryAt: null, failed: false }, 1500);
    assert.deepEqual(await storage.dueDestinations(1500), [{ destination: 'robot:c', dueAt: 1500 }]);
  });

  test('a queue with nothing pending is not due; a retry by hand makes it due at once', async () => {
    const storage = open();
    await enqueue(storage, 'k', 0, [delivery('robot:r')], 1000);
    const [failed] = await storage.claimDestination('robot:r', 'w', 60_000, 10, 1000);
    await storage.failDeliveries([failed.id], 93000, 'invalid webhook url');
    await storage.releaseDestination('robot:r', 'w', { retryAt: 60_000, failed: true }, 1000);
    assert.deepEqual(await storage.dueDestinations(2000), []);
    await storage.retryDelivery(failed.id, 3000);
    assert.deepEqual(await storage.dueDestinations(3000), [{ destination: 'robot:r', dueAt: 3000 }]);
    assert.deepEqual(
      (await storage.claimDestination('robot:r', 'w', 60_000, 10, 3000)).map((d) => d.id),
      [failed.id]
    );
  });

  test('after a restart, queues with pending work are due again, claims left behind forgotten', async () => {
    const file = path.join(tempDir(), 'relay.db');
    const first = open(file);
    await enqueue(first, 'k', 0, [delivery('robot:a'), { ...delivery('robot:b'), notBefore: 7000 }], 1000);
    await first.claimDestination('robot:a', 'w', 60_000, 10, 1000);
    await first.close();
    const second = open(file);
    await second.recoverClaims();
    assert.deepEqual(
      (await second.dueDestinations(1000)).sort((x, y) => x.destination.localeCompare(y.destination)),
      [
        { destination: 'robot:a', dueAt: 0 },
        { destination: 'robot:b', dueAt: 7000 },
      ]
    );
  });

  test('every claim hands each delivery its own group, also after more groups than are kept parsed', async () => {
    const storage = open();
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
    const storage = open();
    assert.equal((await enqueue(storage, 'same', 60_000, [delivery()], 1000)).stored, true);
    assert.equal((await enqueue(storage, 'same', 60_000, [delivery()], 30_000)).stored, false);
    assert.equal((await enqueue(storage, 'same', 60_000, [delivery()], 62_000)).stored, true);
    assert.equal((await storage.queueStats()).pending, 2);
  });

  test('one ingest stores all its writes, in order, deduplicating within itself', async () => {
    const storage = open();
    const results = await storage.ingest([
      {
        action: 'enqueue',
        dedupKey: 'a',
        dedupWindowMs: 60_000,
        deliveries: [delivery(), delivery('robot:b')],
        now: 1,
      },
      { action: 'skip', reason: 'no_match', deliveries: [delivery()], now: 1 },
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
    const statuses = await Promise.all(results.flatMap((result) => result.ids).map((id) => storage.getDelivery(id)));
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

  test('an ingest whose commit fails stores none of its writes', async () => {
    const file = path.join(tempDir(), 'relay.db');
    const storage = open(file);
    // Another connection makes the database refuse one of the writes.
    const saboteur = new Database(file);
    saboteur.exec(`CREATE TRIGGER refuse BEFORE INSERT ON deliveries WHEN NEW.destination = 'robot:bad'
      BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    saboteur.close();
    await assert.rejects(
      storage.ingest([
        { action: 'enqueue', dedupKey: 'good', dedupWindowMs: 60_000, deliveries: [delivery()], now: 1 },
        { action: 'skip', reason: 'rule_disabled', deliveries: [delivery()], now: 1 },
        { action: 'enqueue', dedupKey: 'bad', dedupWindowMs: 60_000, deliveries: [delivery('robot:bad')], now: 1 },
      ]),
      StorageUnavailable
    );
    assert.deepEqual(await storage.listDeliveries({ limit: 10 }), []);
    assert.equal((await enqueue(storage, 'good', 60_000, [delivery()], 2)).stored, true, 'its dedup key was not kept');
  });

  test('the WAL is copied into the database file in the background, not by the writes', async () => {
    const file = path.join(tempDir(), 'relay.db');
    const storage = open(file);
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
  });

  test('writes with a stale version are refused and change nothing', async () => {
    const storage = open();
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
    const storage = open();
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
    const file = path.join(tempDir(), 'relay.db');
    const storage = open(file);
    const toP = delivery('robot:p');
    const { ids } = await enqueue(storage, 'old', 0, [toP, { ...toP, destination: 'robot:q' }], 1000);
    const groups = () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM groups').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    assert.equal(groups(), 1, 'one group for both destinations');
    await storage.failDeliveries([ids[0]], null, 'too old');
    await storage.prune(10_000, 10_000);
    assert.equal(groups(), 1, 'kept for the pending delivery');
    assert.equal((await storage.getDelivery(ids[1]))?.group.status, toP.group.status);
    await storage.failDeliveries([ids[1]], null, 'too old');
    await storage.prune(10_000, 10_000);
    assert.equal(groups(), 0);
  });
});
