import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GroupCommit } from '../../src/relay/ingest/group-commit';
import { StorageUnavailable, type IngestWrite } from '../../src/relay/storage/types';
import {
  INGEST_TOKEN,
  SQLITE_ONLY,
  defaultProvisioning,
  fixture,
  startHarness,
  type Harness,
} from '../support/relay-harness';

/** A firing group of its own: one alert named `name`. */
function groupNamed(name: string) {
  const payload = fixture('grafana-firing.json');
  payload.groupKey = `{}:{alertname="${name}"}`;
  payload.alerts = [
    { ...payload.alerts[0], labels: { ...payload.alerts[0].labels, alertname: name }, fingerprint: name },
  ];
  return payload;
}

/** The alert names in every stored delivery, with how many deliveries carry each. */
async function storedAlertNames(h: Harness): Promise<Map<string, number>> {
  const names = new Map<string, number>();
  for (const delivery of await h.relay.context.storage.listDeliveries({ limit: 100_000 })) {
    for (const alert of delivery.group.alerts) {
      names.set(alert.labels.alertname, (names.get(alert.labels.alertname) ?? 0) + 1);
    }
  }
  return names;
}

describe('ingest endpoints', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      provisioning: (wecom) => {
        const content = defaultProvisioning(wecom);
        content.rules.push({
          uid: 'signed',
          name: '签名规则',
          services: ['ops'],
          hmac: {
            secret: 'hmac-secret',
            header: 'X-Grafana-Alerting-Signature',
            timestampHeader: 'X-Grafana-Alerting-Timestamp',
          },
        } as never);
        return content;
      },
    });
  });
  after(() => h.close());

  test('answers 202 only once the deliveries are stored', async () => {
    const response = await h.post('grafana', 'critical', fixture('grafana-firing.json'));
    assert.equal(response.status, 202);
    const body = await response.json();
    assert.equal(body.status, 'accepted');
    assert.equal(body.deliveries, 2, 'one robot and one app');
    for (const id of body.ids) {
      assert.ok(await h.relay.context.storage.getDelivery(id), `delivery ${id} is in storage when 202 is answered`);
    }
  });

  test('many webhooks at once are all stored, each answered 202 once its commit is done', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `Concurrent${i}`);
    const answers = await Promise.all(names.map((name) => h.post('grafana', 'critical', groupNamed(name))));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      names.map(() => 202)
    );
    const stored = await storedAlertNames(h);
    assert.deepEqual(
      names.filter((name) => stored.get(name) !== 2),
      [],
      'every group is stored for the robot and the app'
    );
  });

  test('an accepted webhook logs its request line at debug, a refused one at warn', async () => {
    const marker = crypto.randomBytes(4).toString('hex');
    assert.equal((await h.post('grafana', `critical?accepted-${marker}`, groupNamed(`Logged${marker}`))).status, 202);
    const refused = await h.post('grafana', `critical?refused-${marker}`, fixture('grafana-firing.json'), {
      authorization: 'Bearer wrong',
    });
    assert.equal(refused.status, 401);
    const lines = () =>
      fs
        .readFileSync(h.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes(marker))
        .map((line) => JSON.parse(line));
    await h.until(() => lines().length > 0);
    assert.deepEqual(
      lines().map((line) => [line.level, line.req.url, line.res.statusCode]),
      [[40, `/hooks/grafana/critical?refused-${marker}`, 401]],
      'the relay logs at info: the 202 line (debug) is not written'
    );
  });

  test('accepts Basic auth with the token as password', async () => {
    const payload = fixture('alertmanager-firing.json');
    const basic = Buffer.from(`grafana:${INGEST_TOKEN}`).toString('base64');
    const response = await h.post('alertmanager', 'critical', payload, { authorization: `Basic ${basic}` });
    assert.equal(response.status, 202);
  });

  test('refuses a missing or wrong token with 401', async () => {
    for (const token of ['nope', INGEST_TOKEN.slice(0, -1), `${INGEST_TOKEN}x`, `${INGEST_TOKEN.slice(0, -1)}é`]) {
      const response = await h.post('grafana', 'critical', fixture('grafana-firing.json'), {
        authorization: `Bearer ${token}`,
      });
      assert.equal(response.status, 401, `token ${token}`);
    }
    const noAuth = await fetch(`${h.relay.url}/hooks/grafana/critical`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(noAuth.status, 401);
  });

  test('answers 404 for an unknown rule, naming it', async () => {
    const response = await h.post('grafana', 'no-such-rule', fixture('grafana-firing.json'));
    assert.equal(response.status, 404);
    assert.match((await response.json()).message, /no-such-rule/);
  });

  test('answers 415 for a body that is not JSON', async () => {
    const response = await h.post('grafana', 'critical', 'alertname=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(response.status, 415);
  });

  test('answers 400 naming the bad field', async () => {
    const bad = fixture('grafana-firing.json');
    bad.alerts[1].startsAt = 'yesterday';
    const response = await h.post('grafana', 'critical', bad);
    assert.equal(response.status, 400);
    assert.match((await response.json()).message, /alerts\[1\]\.startsAt/);
    const broken = await h.post('grafana', 'critical', '{"alerts": [');
    assert.equal(broken.status, 400);
    assert.match((await broken.json()).message, /not valid JSON/);
    const noAlerts = await h.post('grafana', 'critical', { status: 'firing' });
    assert.equal(noAlerts.status, 400);
    assert.match((await noAlerts.json()).message, /^alerts: missing/);
  });

  test('answers 413 over the body limit', async () => {
    const huge = JSON.stringify({ alerts: [], padding: 'x'.repeat(17 * 1024 * 1024) });
    const response = await h.post('grafana', 'critical', huge);
    assert.equal(response.status, 413);
  });

  test('verifies the HMAC signature exactly as Grafana signs', async () => {
    const raw = JSON.stringify(fixture('grafana-firing.json'));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = crypto.createHmac('sha256', 'hmac-secret').update(`${timestamp}:${raw}`).digest('hex');
    const ok = await h.post('grafana', 'signed', raw, {
      'X-Grafana-Alerting-Signature': signature,
      'X-Grafana-Alerting-Timestamp': timestamp,
    });
    assert.equal(ok.status, 202);

    const tampered = await h.post('grafana', 'signed', raw.replace('内存', '硬盘'), {
      'X-Grafana-Alerting-Signature': signature,
      'X-Grafana-Alerting-Timestamp': timestamp,
    });
    assert.equal(tampered.status, 401);
    assert.match((await tampered.json()).message, /signature does not match/);

    const old = String(Math.floor(Date.now() / 1000) - 600);
    const oldSignature = crypto.createHmac('sha256', 'hmac-secret').update(`${old}:${raw}`).digest('hex');
    const replayed = await h.post('grafana', 'signed', raw, {
      'X-Grafana-Alerting-Signature': oldSignature,
      'X-Grafana-Alerting-Timestamp': old,
    });
    assert.equal(replayed.status, 401);

    const unsigned = await h.post('grafana', 'signed', raw);
    assert.equal(unsigned.status, 401);
  });

  test('delivers the same group state posted twice (HA peers) once', async () => {
    const payload = fixture('grafana-firing.json');
    payload.groupKey = 'ha-dedup-group';
    const first = await (await h.post('grafana', 'critical', payload)).json();
    const second = await (await h.post('grafana', 'critical', payload)).json();
    assert.equal(first.status, 'accepted');
    assert.equal(second.status, 'duplicate');
    payload.alerts[0].status = 'resolved';
    payload.alerts[0].endsAt = new Date().toISOString();
    const changed = await (await h.post('grafana', 'critical', payload)).json();
    assert.equal(changed.status, 'accepted', 'a new state is a new notification');
  });

  test('accepts what Grafana really sends: nulls, numbers, relative URLs, escapes', async () => {
    const payload = {
      receiver: null,
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Odd', instance: 42, empty: null },
          annotations: null,
          startsAt: '2026-11-23T08:00:00Z',
          endsAt: null,
          generatorURL: '/alerting/grafana/x/view',
          silenceURL: '',
          dashboardURL: null,
          panelURL: 'javascript:alert(1)',
          values: { A: 'NaN', B: 3 },
        },
      ],
      groupLabels: null,
      commonLabels: {},
      externalURL: 'https://grafana.example.com/',
      truncatedAlerts: 3,
    };
    const response = await h.post('grafana', 'critical', payload);
    assert.equal(response.status, 202);
  });
});

describe('group commit', () => {
  const write = (dedupKey: string): IngestWrite => ({
    action: 'enqueue',
    dedupKey,
    dedupWindowMs: 0,
    deliveries: [],
    now: 0,
  });

  /** A GroupCommit of at most `maxBatch` writes over a storage that records each commit's keys. */
  function recordingCommits(maxBatch: number) {
    const commits: string[][] = [];
    const group = new GroupCommit(
      {
        ingestCommits: 1,
        ingest: async (writes) => {
          commits.push(writes.map((w) => (w.action === 'enqueue' ? w.dedupKey : '')));
          return writes.map(() => ({ stored: true, ids: [] }));
        },
      },
      maxBatch
    );
    return { group, commits };
  }

  test('the writes of one turn share one commit, at most the batch size each', async () => {
    const { group, commits } = recordingCommits(3);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => group.write(write(key))));
    assert.deepEqual(commits, [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  test('a commit holds each dedup key once: a repeat goes in the next commit, in its order', async () => {
    const { group, commits } = recordingCommits(3);
    await Promise.all(['a', 'b', 'a', 'c', 'a', 'd'].map((key) => group.write(write(key))));
    assert.deepEqual(commits, [['a', 'b', 'c'], ['a', 'd'], ['a']]);
  });

  test('up to the storage’s number of commits are under way at once; the next batch waits for one to end', async () => {
    const started: string[][] = [];
    const finish: Array<() => void> = [];
    const group = new GroupCommit({
      ingestCommits: 2,
      ingest: (writes) => {
        started.push(writes.map((w) => (w.action === 'enqueue' ? w.dedupKey : '')));
        return new Promise((resolve) => finish.push(() => resolve(writes.map(() => ({ stored: true, ids: [] })))));
      },
    });
    const turn = async (keys: string[]) => {
      const writes = keys.map((key) => group.write(write(key)));
      await new Promise((resolve) => setImmediate(resolve));
      return writes;
    };
    const first = await turn(['a', 'b']);
    const second = await turn(['c']);
    const third = await turn(['d', 'e']);
    assert.deepEqual(started, [['a', 'b'], ['c']], 'two under way, the third batch gathers');
    finish.shift()!();
    await Promise.all(first);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [['a', 'b'], ['c'], ['d', 'e']]);
    finish.splice(0).forEach((done) => done());
    await Promise.all([...second, ...third]);
  });

  test('when storage is unavailable, the writes queued behind the failed commit are answered with it', async () => {
    const finish: Array<(error?: Error) => void> = [];
    const group = new GroupCommit({
      ingestCommits: 1,
      ingest: (writes) =>
        new Promise((resolve, reject) =>
          finish.push((error) => (error ? reject(error) : resolve(writes.map(() => ({ stored: true, ids: [] })))))
        ),
    });
    const first = group.write(write('a'));
    await new Promise((resolve) => setImmediate(resolve));
    const queued = group.write(write('b'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(finish.length, 1, 'b waits for the commit under way');
    finish[0](new StorageUnavailable('connection timeout'));
    await assert.rejects(first, StorageUnavailable);
    await assert.rejects(queued, StorageUnavailable);
    assert.equal(finish.length, 1, 'b was not tried against the failed storage');
    const later = group.write(write('c'));
    await new Promise((resolve) => setImmediate(resolve));
    finish[1]();
    assert.deepEqual(await later, { stored: true, ids: [] });
  });

  test('a failed commit fails every write in it, and the next commit goes on', async () => {
    let fail = true;
    const group = new GroupCommit({
      ingestCommits: 1,
      ingest: async (writes) => {
        if (fail) {
          throw new Error('disk full');
        }
        return writes.map(() => ({ stored: true, ids: [1] }));
      },
    });
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((key) => group.write(write(key))));
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['rejected', 'rejected', 'rejected']
    );
    fail = false;
    assert.deepEqual(await group.write(write('d')), { stored: true, ids: [1] });
  });
});

/**
 * Posts each body on a connection of its own, written all at once once the relay has accepted
 * every connection: it then reads them in one turn of its event loop, so they land in one commit.
 */
async function postAtOnce(h: Harness, path: string, bodies: string[]): Promise<number[]> {
  const { host, port } = new URL(h.relay.url);
  const sockets = await Promise.all(
    bodies.map(
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(Number(port), host.split(':')[0], () => resolve(socket));
          socket.once('error', reject);
        })
    )
  );
  const server = h.relay.server.server;
  await h.until(
    () => new Promise((resolve) => server.getConnections((_error, count) => resolve(count >= bodies.length)))
  );
  const answers = sockets.map(
    (socket) =>
      new Promise<number>((resolve) => {
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
      })
  );
  sockets.forEach((socket, i) =>
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${INGEST_TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(bodies[i])}\r\nConnection: close\r\n\r\n${bodies[i]}`
    )
  );
  return Promise.all(answers);
}

describe('when a commit fails', () => {
  test('every webhook in it is answered 503 and none of them is stored', { skip: SQLITE_ONLY }, async () => {
    const h = await startHarness();
    const saboteur = new Database(path.join(h.dataDir, 'wecom-relay.db'));
    try {
      // The database refuses one group of the batch.
      saboteur.exec(`CREATE TRIGGER refuse BEFORE INSERT ON groups WHEN NEW.json LIKE '%Poison%'
        BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
      const names = Array.from({ length: 40 }, (_, i) => (i === 20 ? 'Poison' : `Batch${i}`));
      const bodies = names.map((name) => JSON.stringify(groupNamed(name)));
      const statuses = await postAtOnce(h, '/hooks/grafana/critical', bodies);
      assert.deepEqual(
        statuses,
        names.map(() => 503)
      );
      assert.deepEqual([...(await storedAlertNames(h)).keys()], [], 'nothing of the batch is stored');

      saboteur.exec('DROP TRIGGER refuse');
      const again = await postAtOnce(h, '/hooks/grafana/critical', bodies);
      assert.deepEqual(
        again,
        names.map(() => 202),
        'sent again, all are accepted'
      );
      const stored = await storedAlertNames(h);
      assert.deepEqual(
        names.filter((name) => stored.get(name) !== 2),
        []
      );
    } finally {
      saboteur.close();
      await h.close();
    }
  });
});

describe('when storage is unavailable', () => {
  test(
    'the hook answers 503, so Grafana and Alertmanager send again, and stores nothing',
    { skip: SQLITE_ONLY },
    async () => {
      const h = await startHarness();
      const blocker = new Database(path.join(h.dataDir, 'wecom-relay.db'));
      try {
        // Another writer holds the database past the relay's busy timeout.
        blocker.exec('BEGIN EXCLUSIVE');
        const refused = await h.post('grafana', 'critical', fixture('grafana-firing.json'));
        assert.equal(refused.status, 503);
        assert.match((await refused.json()).message, /nothing was stored, send again/);
        blocker.exec('ROLLBACK');
        assert.equal((await h.relay.context.storage.queueStats()).pending, 0);
        const accepted = await h.post('grafana', 'critical', fixture('grafana-firing.json'));
        assert.equal(accepted.status, 202, 'the same post is accepted once storage is back');
      } finally {
        blocker.close();
        await h.close();
      }
    }
  );
});
