/**
 * HA: relay replicas (separate processes) sharing one PostgreSQL keep the promises one relay
 * keeps: config changes reach every replica, duplicates from Grafana HA peers are sent once, the
 * robot limit holds across replicas, a replica killed with -9 loses its queues to the others,
 * a database outage answers 503 and heals by itself, and all replicas share one access_token.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { TEST_DATABASE_URL, createTestSchema, skipWithoutPostgres, type TestSchema } from '../support/postgres';

/** These run on PostgreSQL already: `npm run test:postgres`, which runs every relay test on it, skips them. */
const skip =
  skipWithoutPostgres ||
  (process.env.WECOM_RELAY_TEST_BACKEND === 'postgres' && 'run by npm test with WECOM_RELAY_TEST_DATABASE_URL set');
import { APP, ROBOT_KEY, defaultProvisioning, groupPayload, robotTexts, until } from '../support/relay-harness';
import { startReplicas, stopReplicas, type Replica } from '../support/replicas';
import { startTcpProxy } from '../support/tcp-proxy';
import { startWecomSimulator, type WecomSimulator } from '../support/wecom-simulator';

const OTHER_KEY = 'b2c3d4e5-1111-4bc4-97a0-0ec2sifa5bbb';
const THIRD_KEY = 'd4e5f6a7-3333-4bc4-97a0-0ec2sifa5ddd';
const STORM_VIEW = '告警风暴';
/** Replicas share config through the database: a change on one is live on the others this soon. */
const CONFIG_SPREAD_MS = 2_000;
/** While the database is unreachable, webhooks are refused (503) within this. */
const OUTAGE_ANSWER_MS = 6_000;

interface Cluster {
  wecom: WecomSimulator;
  schema: TestSchema;
  replicas: Replica[];
}

/** A simulator, a fresh schema and `count` replicas on it; everything is stopped after `body`. */
async function withCluster(
  count: number,
  setup: {
    robots: string[];
    provisioning: (wecom: WecomSimulator) => object;
    databaseUrl?: (schema: TestSchema) => string;
  },
  body: (cluster: Cluster) => Promise<void>
): Promise<void> {
  const wecom = await startWecomSimulator();
  setup.robots.forEach((key) => wecom.addRobot(key));
  wecom.addApp({ ...APP, visibleUsers: ['zhangsan', 'lisi'] });
  const schema = await createTestSchema();
  let replicas: Replica[] = [];
  try {
    replicas = await startReplicas(count, {
      wecom,
      databaseUrl: setup.databaseUrl?.(schema) ?? schema.url,
      provisioning: setup.provisioning(wecom),
    });
    await body({ wecom, schema, replicas });
  } finally {
    await stopReplicas(replicas);
    await schema.drop();
    await wecom.close();
  }
}

const robotsOnly = (wecom: WecomSimulator) => defaultProvisioning(wecom, {}, { app: undefined });

/** Whether a message shows alert `name` (Storm1, not as part of Storm12). */
const shows = (text: string, name: string) => new RegExp(`${name}(?!\\d)`).test(text);

const missingFrom = (texts: string[], names: string[]) =>
  names.filter((name) => !texts.some((text) => shows(text, name)));

async function elapsedUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  await until(check, timeoutMs);
  return Date.now() - start;
}

async function deliveries(replica: Replica, query: string) {
  const answer = await replica.admin('GET', `/deliveries?${query}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.items as Array<{ status: string; reason: string | null; alertnames: string[] }>;
}

test(
  'an admin change made through one replica is shown and routed by another within a second or so',
  { skip },
  async (t: TestContext) => {
    await withCluster(
      2,
      { robots: [ROBOT_KEY, OTHER_KEY, THIRD_KEY], provisioning: robotsOnly },
      async ({ wecom, replicas: [a, b] }) => {
        const service = {
          uid: 'night',
          name: '夜班',
          robots: [{ groups: '夜班群', webhookUrl: wecom.robotUrl(OTHER_KEY) }],
        };
        assert.equal((await a.admin('POST', '/services', { body: service })).status, 201);
        assert.equal(
          (await a.admin('POST', '/rules', { body: { uid: 'night-rule', name: '夜班规则', services: ['night'] } }))
            .status,
          201
        );
        const created = await elapsedUntil(
          async () => (await b.admin('GET', '/rules/night-rule')).status === 200,
          CONFIG_SPREAD_MS
        );
        assert.equal(
          (await b.post('night-rule', groupPayload('NightShift'))).status,
          202,
          'the other replica routes the new rule'
        );
        await until(() => robotTexts(wecom, OTHER_KEY).some((text) => shows(text, 'NightShift')), 15_000);

        const shown = await a.admin('GET', '/services/night');
        const edited = await a.admin('PUT', '/services/night', {
          body: { ...shown.body, robots: [{ groups: '新夜班群', webhookUrl: wecom.robotUrl(THIRD_KEY) }] },
        });
        assert.equal(edited.status, 200, JSON.stringify(edited.body));
        const changed = await elapsedUntil(
          async () => (await b.admin('GET', '/services/night')).body.version === 2,
          CONFIG_SPREAD_MS
        );
        assert.equal((await b.post('night-rule', groupPayload('AfterEdit'))).status, 202);
        await until(() => robotTexts(wecom, THIRD_KEY).some((text) => shows(text, 'AfterEdit')), 15_000);
        assert.deepEqual(
          missingFrom(robotTexts(wecom, OTHER_KEY), ['AfterEdit']),
          ['AfterEdit'],
          'the replaced robot got nothing after the edit'
        );
        t.diagnostic(`seen by the other replica after ${created} ms (new rule), ${changed} ms (edited service)`);
      }
    );
  }
);

test(
  'the same Grafana group posted to two replicas, as Grafana HA peers do, reaches WeCom once',
  { skip },
  async () => {
    await withCluster(2, { robots: [ROBOT_KEY], provisioning: robotsOnly }, async ({ wecom, replicas: [a, b] }) => {
      const payload = groupPayload('SeenByBothPeers');
      const answers = await Promise.all([a.post('critical', payload), b.post('critical', payload)]);
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [202, 202]
      );
      await until(async () => {
        const log = await deliveries(a, 'rule=critical');
        return log.length === 2 && log.every((delivery) => delivery.status !== 'pending');
      }, 20_000);
      // A peer sending again later (its own retry) is a duplicate too.
      assert.equal((await b.post('critical', payload)).status, 202);
      await until(async () => (await deliveries(b, 'rule=critical')).length === 3);
      const log = await deliveries(b, 'rule=critical');
      assert.deepEqual(log.map((delivery) => `${delivery.status} ${delivery.reason}`).sort(), [
        'sent null',
        'skipped duplicate',
        'skipped duplicate',
      ]);
      assert.equal(
        robotTexts(wecom).filter((text) => shows(text, 'SeenByBothPeers')).length,
        1,
        'one message in the group'
      );
    });
  }
);

/**
 * Detail messages (not storm views, which repeat what is still waiting) whose alerts came again in
 * a later detail message: at most the one message a killed replica had in flight.
 */
function repeatedDetail(texts: string[], names: string[]): { from: Set<number>; alerts: string[] } {
  const detail = texts.filter((text) => !text.includes(STORM_VIEW));
  const first = new Map<string, number>();
  const from = new Set<number>();
  const alerts: string[] = [];
  detail.forEach((text, index) => {
    for (const name of names.filter((candidate) => shows(text, candidate))) {
      if (first.has(name)) {
        from.add(first.get(name)!);
        alerts.push(name);
      } else {
        first.set(name, index);
      }
    }
  });
  return { from, alerts };
}

test(
  'a storm spread over three replicas, one killed with -9 mid-storm: every accepted alert arrives, within the robot limit, without repeats beyond the send in flight',
  { skip },
  async (t: TestContext) => {
    const robots = [ROBOT_KEY, OTHER_KEY];
    const provisioning = (wecom: WecomSimulator) =>
      defaultProvisioning(
        wecom,
        {},
        { app: undefined, robots: robots.map((key, i) => ({ groups: `群${i}`, webhookUrl: wecom.robotUrl(key) })) }
      );
    await withCluster(3, { robots, provisioning }, async ({ wecom, schema, replicas }) => {
      const GROUPS = 90;
      const KILL_AFTER = 30;
      // Slow answers keep sends in flight, so the replica killed is one holding a queue mid-send.
      wecom.inject({ path: 'robot', kind: 'delay', delayMs: 3_000, times: 4 });
      const alive = [...replicas];
      const accepted: string[] = [];
      let killedAt = 0;
      for (let i = 0; i < GROUPS; i++) {
        if (i === KILL_AFTER) {
          const pids = new Map(alive.map((replica) => [String(replica.process.child.pid), replica]));
          let holder: Replica | undefined;
          await until(async () => {
            const claims = await schema.query<{ claimed_by: string }>(
              'SELECT claimed_by FROM destinations WHERE claimed_by IS NOT NULL'
            );
            holder = claims.map((claim) => pids.get(claim.claimed_by.split('-')[0])).find(Boolean);
            return holder !== undefined;
          }, 20_000);
          await holder!.process.kill('SIGKILL');
          killedAt = Date.now();
          alive.splice(alive.indexOf(holder!), 1);
        }
        const name = `Storm${i}`;
        const answer = await alive[i % alive.length].post('critical', groupPayload(name, i));
        assert.equal(answer.status, 202, `${name}: ${await answer.text()}`);
        accepted.push(name);
      }
      for (const key of robots) {
        await until(() => missingFrom(robotTexts(wecom, key), accepted).length === 0, 120_000).catch(() => {
          assert.deepEqual(
            missingFrom(robotTexts(wecom, key), accepted),
            [],
            `every accepted alert reached robot ${key}`
          );
        });
      }
      const resumed = Date.now() - killedAt;
      assert.equal(wecom.count45009(), 0, 'the robot limit held across replicas: WeCom never answered 45009');
      for (const key of robots) {
        const repeats = repeatedDetail(robotTexts(wecom, key), accepted);
        assert.ok(
          repeats.from.size <= 1,
          `repeats only from the one message in flight at the kill: ${JSON.stringify([...repeats.from])}`
        );
        t.diagnostic(
          `robot ${key.slice(0, 8)}: ${wecom.robotMessages(key).length} messages, ${repeats.alerts.length} alerts repeated (${repeats.alerts.join(' ')})`
        );
      }
      t.diagnostic(`everything on screen ${resumed} ms after the kill`);
    });
  }
);

for (const outage of ['refused', 'blackhole'] as const) {
  test(
    `PostgreSQL unreachable (${outage}): webhooks get 503 within seconds and /readyz 503; once it is back the replicas heal and deliver every accepted alert`,
    { skip },
    async (t: TestContext) => {
      const database = new URL(TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432');
      const proxy = await startTcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
      const throughProxy = (schema: TestSchema) => {
        const url = new URL(schema.url);
        url.hostname = '127.0.0.1';
        url.port = String(proxy.port);
        return url.toString();
      };
      try {
        await withCluster(
          2,
          { robots: [ROBOT_KEY], provisioning: robotsOnly, databaseUrl: throughProxy },
          async ({ wecom, replicas }) => {
            const accepted: string[] = [];
            let sent = 0;
            const post = async () => {
              const name = `Outage${sent}`;
              const started = Date.now();
              const answer = await replicas[sent % replicas.length].post('critical', groupPayload(name, sent));
              sent += 1;
              await answer.arrayBuffer();
              if (answer.status === 202) {
                accepted.push(name);
              }
              return { status: answer.status, ms: Date.now() - started };
            };
            for (let i = 0; i < 10; i++) {
              assert.equal((await post()).status, 202);
            }
            // Mid-ingest: the cut lands while webhooks are being stored.
            const racing = Array.from({ length: 6 }, () => post());
            await proxy.cut(outage);
            const raced = await Promise.all(racing);
            assert.ok(
              raced.every(({ status }) => status === 202 || status === 503),
              JSON.stringify(raced)
            );

            const down: Array<{ status: number; ms: number }> = [];
            for (let i = 0; i < 3; i++) {
              down.push(await post());
            }
            assert.deepEqual(
              down.map(({ status }) => status),
              Array(3).fill(503),
              'refused while the database is away'
            );
            for (const replica of replicas) {
              const started = Date.now();
              assert.equal((await fetch(`${replica.url}/readyz`)).status, 503);
              t.diagnostic(`/readyz 503 after ${Date.now() - started} ms`);
            }
            t.diagnostic(
              `webhooks in flight at the cut: ${raced.map(({ status, ms }) => `${status} in ${ms} ms`).join(', ')}`
            );
            t.diagnostic(`webhooks while the database is away: ${down.map(({ ms }) => ms).join(', ')} ms`);
            const longest = Math.max(...[...raced, ...down].map(({ ms }) => ms));
            assert.ok(
              longest < OUTAGE_ANSWER_MS,
              `answered within ${OUTAGE_ANSWER_MS} ms, the longest took ${longest} ms`
            );

            await proxy.restore();
            for (const replica of replicas) {
              await until(async () => (await fetch(`${replica.url}/readyz`)).status === 200, 30_000);
            }
            const back: number[] = [];
            for (let i = 0; i < 6; i++) {
              back.push((await post()).status);
            }
            assert.deepEqual(back, Array(6).fill(202), 'ingest heals by itself');
            await until(() => missingFrom(robotTexts(wecom), accepted).length === 0, 60_000).catch(() => {
              assert.deepEqual(missingFrom(robotTexts(wecom), accepted), [], 'every accepted alert reached WeCom');
            });
          }
        );
      } finally {
        await proxy.close();
      }
    }
  );
}

test('replicas share one access_token: sends from two replicas cost one gettoken', { skip }, async () => {
  const provisioning = (wecom: WecomSimulator) => defaultProvisioning(wecom, {}, { robots: [] });
  await withCluster(2, { robots: [], provisioning }, async ({ wecom, replicas: [a, b] }) => {
    for (const replica of [a, b, a, b]) {
      const answer = await replica.admin('POST', '/services/ops/test');
      assert.equal(answer.body.ok, true, JSON.stringify(answer.body));
    }
    assert.equal((await b.post('critical', groupPayload('AppAlert'))).status, 202);
    await until(
      () => wecom.appMessages('zhangsan').some((message) => shows(JSON.stringify(message.body), 'AppAlert')),
      15_000
    );
    assert.equal(wecom.appMessages('zhangsan').length, 5, 'four test messages and the alert');
    assert.equal(wecom.tokenCalls(APP.corpId), 1, 'one gettoken for both replicas');
  });
});
