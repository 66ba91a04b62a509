/** The admin API as the plugin pages and operators use it: real HTTP on loopback, a real WeCom simulator. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { utf8Bytes } from '../../src/core/limits';
import {
  APP,
  fixture,
  defaultProvisioning,
  provisioningWithBrokenService,
  REMOVED_KEY,
  ROBOT_KEY,
  robotTexts,
  startHarness,
  TEST_BACKEND,
  type Harness,
  writeProvisioning,
} from '../support/relay-harness';

const OTHER_KEY = 'b2c3d4e5-1111-4bc4-97a0-0ec2sifa5bbb';

function robotService(
  uid: string,
  keys: Array<[groups: string, key: string]>,
  h: Harness,
  extra: Record<string, unknown> = {}
) {
  return {
    uid,
    name: `服务 ${uid}`,
    robots: keys.map(([groups, key]) => ({ groups, webhookUrl: h.wecom.robotUrl(key) })),
    ...extra,
  };
}

function resolvedGroup() {
  const payload = fixture('grafana-firing.json');
  payload.status = 'resolved';
  for (const alert of payload.alerts) {
    alert.status = 'resolved';
    alert.endsAt = '2026-10-12T10:51:03Z';
  }
  return payload;
}

describe('admin API: services and rules', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.wecom.addRobot(OTHER_KEY);
  });
  after(() => h.close());

  test('a new service is shown with its secrets only as "set" flags', async () => {
    const created = await h.admin('POST', '/services', {
      body: { ...robotService('svc-view', [['值班群', OTHER_KEY]], h), app: { ...APP, accounts: ['zhangsan'] } },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.deepEqual(created.body.robots, [
      { destination: created.body.robots[0].destination, groups: '值班群', webhookUrlSet: true },
    ]);
    assert.match(created.body.robots[0].destination, /^robot:[0-9a-f]{16}$/);
    assert.equal(created.body.app.secretSet, true);
    assert.equal(created.body.app.secret, undefined);
    assert.equal(created.body.provenance, 'api');
    assert.equal(created.body.version, 1);

    const listed = await h.admin('GET', '/services');
    assert.deepEqual(
      listed.body.items.map((item: { uid: string }) => item.uid),
      ['ops', 'svc-view']
    );
    const text = JSON.stringify(listed.body);
    for (const secret of [OTHER_KEY, ROBOT_KEY, APP.secret]) {
      assert.ok(!text.includes(secret), 'no secret in the list');
    }
  });

  test('a bad service is refused with every bad field named, in English or Chinese', async () => {
    const body = {
      uid: 'bad svc',
      name: 42,
      robots: [{ groups: 'x', webhookUrl: 'https://evil.example.com/cgi-bin/webhook/send?key=abcdefgh123' }],
      app: { corpId: 'x', agentId: 'abc', secret: '', accounts: [] },
    };
    const english = await h.admin('POST', '/services', { body });
    assert.equal(english.status, 400);
    const paths = english.body.problems.map((problem: { path: string }) => problem.path);
    for (const path of ['uid', 'name', 'app.corpId', 'app.agentId', 'app.secret']) {
      assert.ok(paths.includes(path), `${path} is named in ${JSON.stringify(english.body.problems)}`);
    }
    assert.match(english.body.message, /app\.corpId: not a WeCom corpId/);

    const chinese = await h.admin('POST', '/services', {
      body,
      headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
    });
    assert.equal(chinese.status, 400);
    const corpId = chinese.body.problems.find((problem: { path: string }) => problem.path === 'app.corpId');
    assert.match(corpId.message, /^不是有效的企业ID \(corpId\)：应为 ww 或 wx 加 16 位十六进制字符/);
    const name = chinese.body.problems.find((problem: { path: string }) => problem.path === 'name');
    assert.equal(name.message, '应为文本', "in the user's terms, not zod's");
    const agentId = chinese.body.problems.find((problem: { path: string }) => problem.path === 'app.agentId');
    assert.equal(agentId.message, 'AgentId 必须是数字（应用管理 → 自建应用）');
    const secret = chinese.body.problems.find((problem: { path: string }) => problem.path === 'app.secret');
    assert.equal(secret.message, '不能为空');
    assert.match(chinese.body.message, /^校验失败/);
  });

  test('a robot URL on any host but the WeCom API is refused (no SSRF through the relay)', async () => {
    const answer = await h.admin('POST', '/services', {
      body: {
        uid: 'ssrf',
        name: 'x',
        robots: [{ webhookUrl: 'http://169.254.169.254/cgi-bin/webhook/send?key=abcdefgh123' }],
      },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.problems[0].path, 'robots[0].webhookUrl');
    assert.match(answer.body.problems[0].message, /^must be http:\/\/127\.0\.0\.1:\d+\/cgi-bin\/webhook\/send\?key=/);
    assert.equal((await h.admin('GET', '/services/ssrf')).status, 404);
  });

  test('GET then PUT with the version, as the plugin does, keeps every secret the edit left out', async () => {
    await h.admin('POST', '/services', {
      body: {
        ...robotService(
          'svc-edit',
          [
            ['甲群', ROBOT_KEY],
            ['乙群', OTHER_KEY],
          ],
          h
        ),
        app: { ...APP, accounts: ['zhangsan'] },
      },
    });
    const shown = await h.admin('GET', '/services/svc-edit');
    const edited = { ...shown.body, name: '改名后的服务', description: '编辑过' };
    const saved = await h.admin('PUT', '/services/svc-edit', { body: edited });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.version, 2);
    assert.equal(saved.headers.get('etag'), '"2"');
    assert.equal(saved.body.name, '改名后的服务');

    h.wecom.reset();
    const test = await h.admin('POST', '/services/svc-edit/test');
    assert.equal(test.body.ok, true, JSON.stringify(test.body));
    assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, 1, 'the first robot kept its key');
    assert.equal(h.wecom.robotMessages(OTHER_KEY).length, 1, 'the second robot kept its key');
    assert.equal(h.wecom.appMessages('zhangsan').length, 1, 'the app kept its secret');
  });

  test('removing one robot leaves the other with its own key, not the removed one', async () => {
    await h.admin('POST', '/services', {
      body: robotService(
        'svc-two',
        [
          ['甲群', ROBOT_KEY],
          ['乙群', OTHER_KEY],
        ],
        h
      ),
    });
    const shown = await h.admin('GET', '/services/svc-two');
    const saved = await h.admin('PUT', '/services/svc-two', {
      body: { ...shown.body, robots: [shown.body.robots[1]] },
      headers: { 'if-match': shown.headers.get('etag')! },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(
      saved.body.robots.map((robot: { groups: string }) => robot.groups),
      ['乙群']
    );

    h.wecom.reset();
    const test = await h.admin('POST', '/services/svc-two/test');
    assert.equal(test.body.ok, true);
    assert.equal(h.wecom.robotMessages(OTHER_KEY).length, 1, '乙群 still gets its messages');
    assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, 0, '甲群 was removed and gets nothing');
  });

  test('a robot with neither a webhook URL nor a known destination is refused, naming it', async () => {
    const shown = await h.admin('GET', '/services/svc-two');
    const answer = await h.admin('PUT', '/services/svc-two', {
      body: { ...shown.body, robots: [...shown.body.robots, { groups: '新群' }] },
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(
      answer.body.problems.map((problem: { path: string }) => problem.path),
      ['robots[1].webhookUrl']
    );
  });

  test('two admins cannot silently overwrite each other', async () => {
    await h.admin('POST', '/services', { body: robotService('svc-race', [['群', OTHER_KEY]], h) });
    const first = await h.admin('GET', '/services/svc-race');
    const second = await h.admin('GET', '/services/svc-race');

    const unversioned = await h.admin('PUT', '/services/svc-race', {
      body: { ...first.body, name: '没有版本', version: undefined },
    });
    assert.equal(unversioned.status, 428);
    assert.match(unversioned.body.message, /If-Match.*current version is 1/);

    assert.equal(
      (await h.admin('PUT', '/services/svc-race', { body: { ...first.body, name: '甲的修改' } })).status,
      200
    );
    const late = await h.admin('PUT', '/services/svc-race', { body: { ...second.body, name: '乙的修改' } });
    assert.equal(late.status, 409);
    assert.match(late.body.message, /changed by someone else \(now version 2\)/);
    const lateByHeader = await h.admin('PUT', '/services/svc-race', {
      body: { ...second.body, name: '乙的修改' },
      headers: { 'if-match': '"1"' },
    });
    assert.equal(lateByHeader.status, 409);
    const staleDelete = await h.admin('DELETE', '/services/svc-race', {
      headers: { 'if-match': '"1"', 'accept-language': 'zh-CN' },
    });
    assert.equal(staleDelete.status, 409);
    assert.match(staleDelete.body.message, /通知服务 "svc-race" 已被他人修改/);

    const now = await h.admin('GET', '/services/svc-race');
    assert.equal(now.body.name, '甲的修改');
  });

  test('provisioned objects are read-only, with a 409 that says to change the file', async () => {
    for (const [method, path] of [
      ['PUT', '/services/ops'],
      ['DELETE', '/services/ops'],
      ['PUT', '/rules/critical'],
      ['DELETE', '/rules/critical'],
    ]) {
      const answer = await h.admin(method, path, { body: method === 'PUT' ? { name: 'x', version: 1 } : undefined });
      assert.equal(answer.status, 409, `${method} ${path}`);
      assert.match(answer.body.message, /provisioned from a file \(provenance: file\); change the file and reload/);
    }
    const chinese = await h.admin('DELETE', '/rules/critical', { headers: { 'accept-language': 'zh-CN' } });
    assert.match(chinese.body.message, /来自配置文件/);
    assert.equal((await h.admin('GET', '/rules/critical')).body.provenance, 'file');
  });

  test('a service used by rules cannot be deleted, and the answer names the rules', async () => {
    await h.admin('POST', '/services', { body: robotService('svc-used', [['群', OTHER_KEY]], h) });
    for (const uid of ['rule-a', 'rule-b']) {
      assert.equal((await h.admin('POST', '/rules', { body: { uid, name: uid, services: ['svc-used'] } })).status, 201);
    }
    const refused = await h.admin('DELETE', '/services/svc-used');
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /used by rule\(s\) rule-a, rule-b/);
    assert.deepEqual((await h.admin('GET', '/services/svc-used')).body.usedBy, ['rule-a', 'rule-b']);

    for (const uid of ['rule-a', 'rule-b']) {
      assert.equal((await h.admin('DELETE', `/rules/${uid}`)).status, 204);
    }
    assert.equal((await h.admin('DELETE', '/services/svc-used')).status, 204);
    assert.equal((await h.admin('GET', '/services/svc-used')).status, 404);
  });

  test('a rule must name services that exist and carry a template that renders', async () => {
    const answer = await h.admin('POST', '/rules', {
      body: {
        uid: 'rule-bad',
        name: 'x',
        services: ['ops', 'no-such-service'],
        template: { alert: '{% if %}' },
        timezone: 'Mars/Base',
        quietHours: { start: '25:00', end: '07:00' },
      },
    });
    assert.equal(answer.status, 400);
    const paths = answer.body.problems.map((problem: { path: string }) => problem.path);
    assert.ok(paths.includes('timezone') && paths.includes('quietHours.start'), JSON.stringify(paths));
    const fixedSchema = await h.admin('POST', '/rules', {
      body: { uid: 'rule-bad', name: 'x', services: ['ops', 'no-such-service'], template: { alert: '{% if %}' } },
    });
    assert.equal(fixedSchema.status, 400);
    assert.deepEqual(
      fixedSchema.body.problems.map((problem: { path: string }) => problem.path),
      ['services[1]', 'template']
    );
    assert.match(fixedSchema.body.problems[0].message, /no service "no-such-service"/);
  });

  test('an existing uid cannot be created again, and a uid cannot be changed', async () => {
    await h.admin('POST', '/rules', { body: { uid: 'rule-uid', name: 'x', services: ['ops'] } });
    const again = await h.admin('POST', '/rules', { body: { uid: 'rule-uid', name: 'y', services: ['ops'] } });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /already exists; PUT \/rules\/rule-uid changes it/);
    const renamed = await h.admin('PUT', '/rules/rule-uid', {
      body: { uid: 'other-uid', name: 'x', services: ['ops'], version: 1 },
    });
    assert.equal(renamed.status, 400);
    assert.equal(renamed.body.problems[0].path, 'uid');
  });

  test("a rule's HMAC secret is write-only and survives an edit that leaves it out", async () => {
    const created = await h.admin('POST', '/rules', {
      body: { uid: 'rule-signed', name: '签名', services: ['ops'], hmac: { secret: 'rule-hmac-secret-value' } },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.hmac, {
      header: 'X-Grafana-Alerting-Signature',
      timestampHeader: '',
      secretSet: true,
    });
    assert.deepEqual(created.body.hooks, {
      grafana: '/hooks/grafana/rule-signed',
      alertmanager: '/hooks/alertmanager/rule-signed',
    });

    const edited = await h.admin('PUT', '/rules/rule-signed', { body: { ...created.body, name: '签名（改）' } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.hmac.secretSet, true);

    const raw = JSON.stringify(fixture('grafana-test-alert.json'));
    const signature = crypto.createHmac('sha256', 'rule-hmac-secret-value').update(raw).digest('hex');
    assert.equal(
      (await h.post('grafana', 'rule-signed', raw, { 'X-Grafana-Alerting-Signature': signature })).status,
      202,
      'the kept secret still verifies'
    );
  });
});

describe('admin API: test-send', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.wecom.addApp({ corpId: APP.corpId, agentId: 1000003, secret: 'other-app-secret', visibleUsers: ['wangwu'] });
  });
  after(() => h.close());

  async function testOf(service: object, language = 'en') {
    const uid = (service as { uid: string }).uid;
    assert.equal((await h.admin('POST', '/services', { body: service })).status, 201);
    const answer = await h.admin('POST', `/services/${uid}/test`, { headers: { 'accept-language': language } });
    assert.equal(answer.status, 200);
    return answer.body;
  }

  test('sends a real test message to every destination and answers ok for each', async () => {
    const answer = await h.admin('POST', '/services/ops/test');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.ok, true);
    assert.deepEqual(
      answer.body.results.map((result: { kind: string; label: string; ok: boolean }) => [
        result.kind,
        result.label,
        result.ok,
      ]),
      [
        ['robot', '运维群&DBA群', true],
        ['app', 'zhangsan|lisi', true],
      ]
    );
    const [text] = robotTexts(h.wecom);
    assert.match(text, /^## 【测试】.*TestAlert/, 'in Chinese, as the default templates, whatever the admin reads');
    assert.match(text, /\n> 通知服务：运维通知/, 'labelled as the service under test, not a rule');
    assert.doesNotMatch(text, /规则：|Rule:/);
    assert.equal(h.wecom.appMessages('zhangsan').length, 1);
    assert.equal(h.wecom.appMessages('lisi').length, 1);
  });

  test('a removed robot answers 93000 with what to do, in both languages', async () => {
    const body = await testOf({
      uid: 'gone',
      name: 'x',
      robots: [{ groups: '旧群', webhookUrl: h.wecom.robotUrl(REMOVED_KEY) }],
    });
    assert.equal(body.ok, false);
    const [result] = body.results;
    assert.equal(result.errcode, 93000);
    assert.match(result.errmsg, /invalid webhook url/);
    assert.match(result.hint['zh-CN'], /机器人已被移出群聊/);
    assert.match(result.hint.en, /removed from the group/);
  });

  test('each wrong app credential is named: corpId 40013, Secret 40001, AgentId 40056, Secret of another app 301002', async () => {
    const cases: Array<[app: object, errcode: number, hint: RegExp]> = [
      [{ ...APP, corpId: 'ww00000000000000ff' }, 40013, /Wrong corpId/],
      [{ ...APP, secret: 'not-the-secret' }, 40001, /Wrong Secret/],
      [{ ...APP, agentId: 1000099 }, 40056, /Wrong AgentId/],
      [{ ...APP, agentId: 1000003 }, 301002, /Secret and the AgentId belong to different apps/],
    ];
    for (const [index, [app, errcode, hint]] of cases.entries()) {
      const body = await testOf({ uid: `cred-${index}`, name: 'x', app: { ...app, accounts: ['zhangsan'] } });
      const [result] = body.results;
      assert.equal(result.ok, false);
      assert.equal(result.errcode, errcode, JSON.stringify(result));
      assert.match(result.hint.en, hint);
      assert.ok(!result.errmsg.includes(APP.secret), 'no secret in errmsg');
    }
  });

  test('accounts outside the app visible range answer 81013 and are listed', async () => {
    const body = await testOf({ uid: 'outside', name: 'x', app: { ...APP, accounts: ['nobody'] } });
    const [result] = body.results;
    assert.equal(result.errcode, 81013);
    assert.deepEqual(result.invalidRecipients, ['nobody']);
    assert.match(result.hint['zh-CN'], /可见范围/);
  });

  test('60020 names the egress IP to add to 企业可信IP, and /status shows it', async () => {
    h.wecom.setTrustedIp({ egressIp: '198.51.100.9' });
    try {
      const answer = await h.admin('POST', '/services/ops/test', { headers: { 'accept-language': 'zh-CN' } });
      const app = answer.body.results.find((result: { kind: string }) => result.kind === 'app');
      assert.equal(app.errcode, 60020);
      assert.match(app.hint['zh-CN'], /企业可信IP 中添加 198\.51\.100\.9/);
      assert.match(app.hint.en, /Add 198\.51\.100\.9 to the app's trusted IPs/);
      assert.equal(
        answer.body.results.find((result: { kind: string }) => result.kind === 'robot').ok,
        true,
        'robots do not need a trusted IP'
      );
      assert.equal((await h.admin('GET', '/status')).body.egressIp, '198.51.100.9');
    } finally {
      h.wecom.setTrustedIp(undefined);
    }
  });
});

describe('admin API: preview', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('renders each built-in sample into messages within the byte limits, and sends nothing', async () => {
    for (const sample of ['firing', 'resolved', 'many', 'test']) {
      const answer = await h.admin('POST', '/rules/critical/preview', { body: { sample } });
      assert.equal(answer.status, 200, sample);
      assert.deepEqual(
        answer.body.destinations.map((destination: { kind: string; limit: number }) => [
          destination.kind,
          destination.limit,
        ]),
        [
          ['robot', 4096],
          ['app', 2048],
        ],
        sample
      );
      for (const destination of answer.body.destinations) {
        assert.ok(destination.messages.length > 0);
        for (const message of destination.messages) {
          const content = message.body.markdown.content;
          assert.equal(message.bytes, utf8Bytes(content), `${sample}: bytes are UTF-8 bytes`);
          assert.ok(message.bytes <= message.limit, `${sample}: ${message.bytes} <= ${message.limit}`);
        }
      }
      if (sample === 'many') {
        const robot = answer.body.destinations[0].messages;
        assert.ok(robot.length > 1, 'many alerts split into several messages');
        // Compact: the 50 firing alerts in numbered parts under their heading, then the 10 resolved ones under theirs.
        const firing = robot.filter((message: { body: { markdown: { content: string } } }) =>
          message.body.markdown.content.startsWith('## <font color="warning">【告警】')
        );
        assert.match(robot[0].body.markdown.content, new RegExp(`\\(1/${firing.length}\\)`));
        assert.ok(
          robot[robot.length - 1].body.markdown.content.includes('## <font color="info">【恢复】</font>磁盘空间不足')
        );
      }
    }
    assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, 0);
    assert.equal(h.wecom.appCalls().length, 0);
    assert.equal((await h.admin('GET', '/deliveries')).body.items.length, 0, 'nothing queued');
  });

  test('renders a posted payload into exactly the messages the destinations then get', async () => {
    const payload = resolvedGroup();
    const preview = await h.admin('POST', '/rules/critical/preview', { body: { payload } });
    assert.equal(preview.status, 200);
    assert.equal(preview.body.matched, 2);
    const [robot, app] = preview.body.destinations;

    assert.equal((await h.post('grafana', 'critical', payload)).status, 202);
    await h.until(() => h.wecom.robotMessages(ROBOT_KEY).length > 0 && h.wecom.appMessages('zhangsan').length > 0);
    assert.deepEqual(h.wecom.robotMessages(ROBOT_KEY)[0].body, robot.messages[0].body);
    assert.deepEqual(h.wecom.appMessages('zhangsan')[0].body.markdown, app.messages[0].body.markdown);
  });

  test('an Alertmanager payload previews too', async () => {
    const answer = await h.admin('POST', '/rules/critical/preview', {
      body: { source: 'alertmanager', payload: fixture('alertmanager-firing.json') },
    });
    assert.equal(answer.status, 200);
    assert.ok(answer.body.matched > 0);
  });

  test('says so when no alert matches the rule', async () => {
    await h.admin('POST', '/rules', {
      body: { uid: 'only-info', name: 'x', services: ['ops'], match: { severities: ['info'] } },
    });
    const answer = await h.admin('POST', '/rules/only-info/preview', {
      body: { payload: fixture('grafana-firing.json') },
      headers: { 'accept-language': 'zh-CN' },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.matched, 0);
    assert.deepEqual(answer.body.destinations, []);
    assert.equal(answer.body.note, '没有告警匹配该规则，不会发送任何消息');
  });

  test('a bad payload is refused, naming the field', async () => {
    const payload = fixture('grafana-firing.json');
    payload.alerts[1].startsAt = 'yesterday';
    const answer = await h.admin('POST', '/rules/critical/preview', { body: { payload } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.problems[0].path, 'payload.alerts[1].startsAt');
    const sample = await h.admin('POST', '/rules/critical/preview', { body: { sample: 'lots' } });
    assert.equal(sample.status, 400);
    assert.equal(sample.body.problems[0].path, 'sample');
  });
});

describe('admin API: delivery log', () => {
  let h: Harness;
  const ids: Record<string, number[]> = {};
  before(async () => {
    h = await startHarness({
      provisioning: provisioningWithBrokenService,
    });
    for (const [rule, name] of [
      ['critical', 'First'],
      ['critical', 'Second'],
      ['to-broken', 'Third'],
    ]) {
      const payload = fixture('grafana-firing.json');
      payload.groupKey = name;
      payload.alerts = [{ ...payload.alerts[0], labels: { ...payload.alerts[0].labels, alertname: name } }];
      ids[name] = (await (await h.post('grafana', rule, payload)).json()).ids;
    }
    await h.until(async () => (await h.relay.context.storage.queueStats()).pending === 0);
  });
  after(() => h.close());

  const list = async (query = '') => (await h.admin('GET', `/deliveries${query}`)).body;
  const idsOf = (page: { items: Array<{ id: number }> }) => page.items.map((item) => item.id);

  test('lists deliveries newest first, and pages through them with a cursor', async () => {
    const all = idsOf(await list());
    assert.deepEqual(
      all,
      [...ids.First, ...ids.Second, ...ids.Third].sort((a, b) => b - a)
    );
    const paged: number[] = [];
    let cursor: number | null = null;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.items.length <= 2);
      paged.push(...idsOf(page));
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(paged, all);
  });

  test('filters by status, rule, service, destination and time', async () => {
    assert.deepEqual(idsOf(await list('?status=failed')), ids.Third);
    assert.equal((await list('?status=sent')).items.length, 4);
    assert.deepEqual(idsOf(await list('?rule=to-broken')), ids.Third);
    assert.deepEqual(idsOf(await list('?service=broken')), ids.Third);
    const robot = (await list('?service=ops')).items.find((item: { kind: string }) => item.kind === 'robot');
    const byDestination = await list(`?destination=${encodeURIComponent(robot.destination)}`);
    assert.deepEqual(
      byDestination.items.map((item: { destination: string }) => item.destination),
      [robot.destination, robot.destination]
    );
    assert.deepEqual((await list(`?since=${Date.now() + 60_000}`)).items, []);
    assert.deepEqual((await list('?until=2000-01-01T00:00:00Z')).items, []);
    assert.equal((await list('?since=2000-01-01T08:00:00%2B08:00&status=sent&rule=critical')).items.length, 4);
  });

  test('a delivery shows each attempt with errcode, errmsg and hint, and the rendered message', async () => {
    const answer = await h.admin('GET', `/deliveries/${ids.Third[0]}`);
    assert.equal(answer.status, 200);
    const delivery = answer.body;
    assert.equal(delivery.status, 'failed');
    assert.equal(delivery.lastErrcode, 93000);
    assert.equal(delivery.attempts.length, 1);
    const [attempt] = delivery.attempts;
    assert.equal(attempt.errcode, 93000);
    assert.match(attempt.errmsg, /invalid webhook url/);
    assert.match(attempt.hint.en, /removed from the group/);
    assert.match(attempt.hint['zh-CN'], /移出群聊/);
    assert.ok(!Number.isNaN(Date.parse(attempt.at)));
    assert.match(delivery.messages[0].body.markdown.content, /Third/);
    assert.ok(delivery.messages[0].bytes <= delivery.messages[0].limit);

    const sent = (await h.admin('GET', `/deliveries/${ids.First[0]}`)).body;
    assert.equal(sent.attempts[0].hint, null);
    assert.equal(sent.attempts[0].errcode, 0);
  });

  test("the delivery list says what to do about a failed delivery, once, beside WeCom's own errmsg", async () => {
    const [failed] = (await list('?status=failed')).items;
    assert.equal(failed.lastErrcode, 93000);
    assert.match(failed.lastError, /invalid webhook url/);
    assert.match(failed.hint.en, /removed from the group/);
    assert.match(failed.hint['zh-CN'], /移出群聊/);
    assert.doesNotMatch(
      failed.lastError,
      /removed from the group|移出群聊/,
      'the hint is not repeated inside lastError'
    );
    const detail = (await h.admin('GET', `/deliveries/${failed.id}`)).body;
    assert.deepEqual(detail.hint, detail.attempts.at(-1).hint, 'the same hint as its last attempt');

    const sent = (await list('?status=sent')).items;
    assert.deepEqual(
      sent.map((item: { hint: unknown }) => item.hint),
      sent.map(() => null)
    );
  });

  test('a failed delivery can be retried by hand once the cause is fixed', async () => {
    h.wecom.addRobot(REMOVED_KEY);
    const retried = await h.admin('POST', `/deliveries/${ids.Third[0]}/retry`);
    assert.equal(retried.status, 202);
    assert.equal(retried.body.status, 'pending');
    await h.until(async () => (await h.admin('GET', `/deliveries/${ids.Third[0]}`)).body.status === 'sent');
    assert.match(robotTexts(h.wecom, REMOVED_KEY)[0], /Third/);
    const detail = (await h.admin('GET', `/deliveries/${ids.Third[0]}`)).body;
    assert.deepEqual(
      detail.attempts.map((attempt: { errcode: number }) => attempt.errcode),
      [93000, 0]
    );
  });

  test('a time filter that is not a time says what it should be', async () => {
    const answer = await h.admin('GET', '/deliveries?since=yesterday', { headers: { 'accept-language': 'zh-CN' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.problems[0].path, 'since');
    assert.match(answer.body.problems[0].message, /ISO-8601/);
  });
});

describe('admin API: status and OpenAPI document', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const ROUTES = [
    'GET /services',
    'POST /services',
    'GET /services/{uid}',
    'PUT /services/{uid}',
    'DELETE /services/{uid}',
    'POST /services/{uid}/test',
    'GET /rules',
    'POST /rules',
    'GET /rules/{uid}',
    'PUT /rules/{uid}',
    'DELETE /rules/{uid}',
    'POST /rules/{uid}/preview',
    'POST /rules/{uid}/contact-point',
    'GET /deliveries',
    'GET /deliveries/{id}',
    'POST /deliveries/{id}/retry',
    'GET /status',
    'POST /provisioning/reload',
  ];

  test('status shows version, storage, queue and provisioning', async () => {
    const answer = await h.admin('GET', '/status');
    assert.equal(answer.status, 200);
    assert.match(answer.body.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(answer.body.storage, { kind: TEST_BACKEND, ok: true });
    assert.deepEqual(answer.body.queue, { pending: 0, failed: 0, oldestPendingSeconds: null });
    assert.equal(answer.body.egressIp, null);
    assert.equal(answer.body.provisioning, h.provisioningDir);
    assert.equal(answer.body.services, 1);
    assert.equal(answer.body.rules, 1);
  });

  test('the OpenAPI document describes every admin route, with bodies from the validation schemas', async () => {
    const response = await fetch(`${h.relay.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    const document = await response.json();
    assert.match(document.openapi, /^3\./);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '')}`)
    );
    assert.deepEqual(documented.sort(), [...ROUTES].sort());
    for (const operation of Object.values(
      document.paths as Record<string, Record<string, { summary?: string }>>
    ).flatMap((methods) => Object.values(methods))) {
      assert.ok(operation.summary, 'every operation has a summary');
    }
    assert.deepEqual(document.security, [{ adminToken: [] }]);
    const service = document.paths['/api/v1/services'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(service.required, ['uid', 'name']);
    assert.equal(service.properties.app.properties.corpId.pattern, '^w[wx][0-9a-f]{16}$');
    assert.equal(service.properties.app.properties.agentId.exclusiveMinimum, true, 'OpenAPI 3.0 style');
    const query = document.paths['/api/v1/deliveries'].get.parameters.map(
      (parameter: { in: string; name: string }) => `${parameter.in}:${parameter.name}`
    );
    for (const name of ['status', 'rule', 'service', 'destination', 'since', 'until', 'cursor', 'limit']) {
      assert.ok(query.includes(`query:${name}`), `GET /deliveries documents ?${name}`);
    }
  });

  test('every documented route is served', async () => {
    for (const route of ROUTES) {
      const [method, path] = route.split(' ');
      const answer = await h.admin(method, path.replace('{uid}', 'no-such-uid').replace('{id}', '999'), {
        body: method === 'POST' || method === 'PUT' ? {} : undefined,
      });
      assert.doesNotMatch(String(answer.body?.message), /^no route/, route);
      assert.ok(answer.status < 500, `${route}: ${answer.status}`);
    }
  });
});

describe('admin API: hints of deliveries still retrying, or failed by the relay itself', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const robotDelivery = async () =>
    (await h.admin('GET', '/deliveries')).body.items.find((item: { kind: string }) => item.kind === 'robot');

  test('a retrying delivery says what its last error means; once its rule is gone it only says so', async () => {
    h.wecom.inject({ path: 'robot', kind: 'http500', times: 1000 });
    assert.equal((await h.post('grafana', 'critical', fixture('grafana-firing.json'))).status, 202);
    await h.until(async () => (await robotDelivery())?.lastError !== null, 20_000);
    const retrying = await robotDelivery();
    assert.equal(retrying.status, 'pending');
    assert.match(retrying.hint.en, /HTTP 500/);
    assert.match(retrying.hint['zh-CN'], /HTTP 500/);

    writeProvisioning(h.provisioningDir, { ...defaultProvisioning(h.wecom), rules: [] });
    assert.equal((await h.admin('POST', '/provisioning/reload')).status, 200);
    await h.until(async () => (await robotDelivery()).status === 'failed', 30_000);
    const failed = await robotDelivery();
    assert.match(failed.lastError, /rule critical no longer exists/);
    assert.equal(failed.hint, null, 'no hint from the HTTP 500 before: the relay names the cause itself');
  });
});
