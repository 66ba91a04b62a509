/** Provisioning files applied at reload (POST /api/v1/provisioning/reload): all or nothing, every problem with its file and path. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { stringify } from 'yaml';
import {
  APP,
  ROBOT_KEY,
  defaultProvisioning,
  startHarness,
  tempDir,
  writeProvisioning,
  type AdminAnswer,
  type Harness,
} from '../support/relay-harness';

const DBA_KEY = 'd4e5f6a7-3333-4bc4-97a0-0ec2sifa5ddd';

describe('provisioning reload', () => {
  let h: Harness;
  const reload = (language = 'en') =>
    h.admin('POST', '/provisioning/reload', { headers: { 'accept-language': language } });
  const paths = (answer: AdminAnswer) => answer.body.problems.map((problem: { path: string }) => problem.path);
  const problemAt = (answer: AdminAnswer, at: string) =>
    answer.body.problems.find((problem: { path: string }) => problem.path === at)?.message;

  /** Replaces the folder's files with these (name → content). */
  function writeFiles(files: Record<string, object | string>) {
    for (const name of fs.readdirSync(h.provisioningDir)) {
      fs.rmSync(path.join(h.provisioningDir, name), { recursive: true });
    }
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(h.provisioningDir, name), typeof content === 'string' ? content : stringify(content));
    }
  }

  before(async () => {
    h = await startHarness({ env: { OPS_ROBOT_KEY: ROBOT_KEY } });
    h.wecom.addRobot(DBA_KEY);
  });
  after(() => h.close());
  beforeEach(async () => {
    writeFiles({ 'relay.yaml': defaultProvisioning(h.wecom) });
    assert.equal((await reload()).status, 200);
  });

  test('applies added, changed and removed objects, and says how many', async () => {
    const content = defaultProvisioning(h.wecom, {}, { name: '运维通知（新）' });
    content.services.push({
      uid: 'dba',
      name: 'DBA',
      robots: [{ groups: 'DBA群', webhookUrl: h.wecom.robotUrl(DBA_KEY) }],
    } as never);
    content.rules.push({ uid: 'slow-query', name: '慢查询', services: ['dba'] });
    writeFiles({ 'relay.yaml': content });
    const applied = await reload();
    assert.equal(applied.status, 200);
    assert.deepEqual(applied.body, { ok: true, changed: 3, removed: 0, unchanged: 1 });
    const ops = (await h.admin('GET', '/services/ops')).body;
    assert.equal(ops.name, '运维通知（新）');
    assert.equal(ops.provenance, 'file');
    assert.equal((await h.admin('GET', '/rules/slow-query')).body.provenance, 'file');

    writeFiles({ 'relay.yaml': defaultProvisioning(h.wecom) });
    assert.deepEqual((await reload()).body, { ok: true, changed: 1, removed: 2, unchanged: 1 });
    assert.equal((await h.admin('GET', '/services/dba')).status, 404);
    assert.equal((await h.admin('GET', '/rules/slow-query')).status, 404);
  });

  test('a bad file changes nothing, and every problem names its file and path', async () => {
    const before = (await h.admin('GET', '/services/ops')).body;
    writeFiles({
      'a.yaml': defaultProvisioning(h.wecom, {}, { name: '不应生效的改名' }),
      'b.yaml': {
        apiVersion: 1,
        services: [
          { uid: 'bad', name: 'x', app: { corpId: 'not a corp', agentId: -1, secret: 's', accounts: ['zhangsan'] } },
        ],
        rules: [{ uid: 'bad-rule', name: 'x', services: [], language: 'fr' }],
      },
    });
    const refused = await reload();
    assert.equal(refused.status, 400);
    assert.deepEqual(paths(refused).sort(), [
      'b.yaml: rules[0].language',
      'b.yaml: rules[0].services',
      'b.yaml: services[0].app.agentId',
      'b.yaml: services[0].app.corpId',
    ]);
    assert.match(
      refused.body.message,
      /^provisioning refused, nothing changed: .*b\.yaml: services\[0\]\.app\.corpId: not a WeCom corpId/
    );

    const after = (await h.admin('GET', '/services/ops')).body;
    assert.equal(after.name, before.name);
    assert.equal(after.version, before.version);
    assert.equal((await h.admin('GET', '/services/bad')).status, 404);
  });

  test('says why in Chinese when asked', async () => {
    writeFiles({
      'relay.yaml': {
        apiVersion: 1,
        services: [
          { uid: 'bad', name: 'x', app: { corpId: 'not a corp', agentId: 1, secret: 's', accounts: ['zhangsan'] } },
        ],
      },
    });
    const refused = await reload('zh-CN');
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /^配置文件有误，未做任何修改：relay\.yaml: services\[0\]\.app\.corpId/);
  });

  test('a file and the admin API refuse the same objects with the same words', async () => {
    const service = {
      uid: 'same',
      name: '同一检查',
      robots: [{ webhookUrl: `${h.wecom.baseUrl}/cgi-bin/webhook/send?key=k1` }],
      app: { ...APP, corpId: 'notacorp', agentId: 'abc', accounts: ['zhangsan'] },
      colour: 'red',
    };
    const rule = { uid: 'same-rule', name: '同一规则', services: ['ops', 'nope'], sendResolve: false };
    for (const language of ['en', 'zh-CN']) {
      writeFiles({ 'relay.yaml': { apiVersion: 1, services: [service] } });
      const fromFile = await reload(language);
      const fromApi = await h.admin('POST', '/services', { body: service, headers: { 'accept-language': language } });
      assert.equal(fromFile.status, 400);
      assert.equal(fromApi.status, 400);
      const inFile = fromFile.body.problems.map((problem: { path: string; message: string }) => ({
        path: problem.path.replace(/^relay\.yaml: services\[0\]\./, ''),
        message: problem.message,
      }));
      assert.deepEqual(inFile, fromApi.body.problems, language);
      assert.ok(inFile.length >= 3, JSON.stringify(inFile));

      writeFiles({ 'relay.yaml': { ...defaultProvisioning(h.wecom), rules: [rule] } });
      const ruleFromFile = await reload(language);
      const ruleFromApi = await h.admin('POST', '/rules', { body: rule, headers: { 'accept-language': language } });
      assert.equal(ruleFromFile.status, 400);
      assert.equal(ruleFromApi.status, 400);
      assert.deepEqual(
        ruleFromFile.body.problems.map((problem: { path: string; message: string }) => ({
          path: problem.path.replace(/^relay\.yaml: rules\[0\]\./, ''),
          message: problem.message,
        })),
        ruleFromApi.body.problems,
        language
      );
    }
  });

  test('a rule naming an unknown service is refused at its file and path', async () => {
    writeFiles({ 'relay.yaml': defaultProvisioning(h.wecom, { services: ['ops', 'nope'] }) });
    const refused = await reload();
    assert.equal(refused.status, 400);
    assert.deepEqual(paths(refused), ['relay.yaml: rules[0].services[1]']);
    assert.match(problemAt(refused, 'relay.yaml: rules[0].services[1]'), /^no service "nope"$/);
  });

  test('a file may not remove a service that a rule made through the API still uses', async () => {
    assert.equal(
      (await h.admin('POST', '/rules', { body: { uid: 'api-rule', name: 'API 规则', services: ['ops'] } })).status,
      201
    );
    try {
      writeFiles({ 'relay.yaml': { apiVersion: 1 } });
      const refused = await reload();
      assert.equal(refused.status, 400);
      assert.deepEqual(paths(refused), ['rule api-rule']);
      assert.equal((await h.admin('GET', '/services/ops')).status, 200, 'nothing was removed');
      assert.equal((await h.admin('GET', '/rules/critical')).status, 200, 'nothing was removed');
    } finally {
      await h.admin('DELETE', '/rules/api-rule');
    }
  });

  test('deleteServices and deleteRules remove objects, also ones made through the API', async () => {
    await h.admin('POST', '/services', {
      body: { uid: 'old-service', name: 'old', robots: [{ webhookUrl: DBA_KEY }] },
    });
    await h.admin('POST', '/rules', { body: { uid: 'old-rule', name: 'old', services: ['old-service'] } });
    writeFiles({
      'relay.yaml': {
        ...defaultProvisioning(h.wecom),
        deleteServices: [{ uid: 'old-service' }],
        deleteRules: [{ uid: 'old-rule' }],
      },
    });
    assert.deepEqual((await reload()).body, { ok: true, changed: 0, removed: 2, unchanged: 2 });
    assert.equal((await h.admin('GET', '/services/old-service')).status, 404);
    assert.equal((await h.admin('GET', '/rules/old-rule')).status, 404);
  });

  test('$__env, $__file and $$ expand; an unset variable is named where it is used', async () => {
    const secretFile = path.join(tempDir(), 'app-secret');
    fs.writeFileSync(secretFile, `${APP.secret}\n`);
    writeFiles({
      'relay.yaml': defaultProvisioning(
        h.wecom,
        {},
        {
          description: '每月 $$5 的机器人',
          robots: [
            { groups: '运维群', webhookUrl: `${h.wecom.baseUrl}/cgi-bin/webhook/send?key=$__env{OPS_ROBOT_KEY}` },
          ],
          app: { corpId: APP.corpId, agentId: APP.agentId, secret: `$__file{${secretFile}}`, accounts: ['zhangsan'] },
        }
      ),
    });
    assert.equal((await reload()).status, 200);
    assert.equal((await h.admin('GET', '/services/ops')).body.description, '每月 $5 的机器人');
    h.wecom.reset();
    const test = await h.admin('POST', '/services/ops/test');
    assert.equal(test.body.ok, true, 'the robot key came from the env, the app secret from the file');
    assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, 1);

    writeFiles({
      'relay.yaml': defaultProvisioning(h.wecom, {}, { robots: [{ webhookUrl: '$__env{WECOM_RELAY_TEST_UNSET}' }] }),
    });
    const refused = await reload();
    assert.equal(refused.status, 400);
    assert.deepEqual(paths(refused), ['relay.yaml: services[0].robots[0].webhookUrl']);
    assert.match(refused.body.problems[0].message, /environment variable WECOM_RELAY_TEST_UNSET is not set/);
  });

  test('a YAML syntax error says where, without quoting the file back', async () => {
    const broken = stringify(defaultProvisioning(h.wecom)).replace(`secret: ${APP.secret}`, `secret: ${APP.secret}: x`);
    writeFiles({ 'relay.yaml': broken });
    const refused = await reload();
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.problems, [
      { path: 'relay.yaml', message: 'Nested mappings are not allowed in compact mappings at line 11, column 15' },
    ]);
    assert.ok(!JSON.stringify(refused.body).includes(APP.secret), 'the secret on the broken line is not echoed');
  });

  test('a template that does not render, an unknown apiVersion and a foreign robot host are refused', async () => {
    const content = defaultProvisioning(
      h.wecom,
      { template: { alert: '{% if %}' } },
      { robots: [{ webhookUrl: 'https://example.com/cgi-bin/webhook/send?key=abcdefgh123' }] }
    );
    writeFiles({ 'relay.yaml': content, 'v2.yaml': { apiVersion: 2 } });
    const refused = await reload();
    assert.equal(refused.status, 400);
    assert.deepEqual(paths(refused).sort(), [
      'relay.yaml: rules[0].template',
      'relay.yaml: services[0].robots[0].webhookUrl',
      'v2.yaml: apiVersion',
    ]);
  });

  test('the same uid in two files names both files', async () => {
    writeFiles({
      'a.yaml': defaultProvisioning(h.wecom),
      'b.yaml': { apiVersion: 1, services: defaultProvisioning(h.wecom).services },
    });
    const refused = await reload();
    assert.equal(refused.status, 400);
    assert.deepEqual(paths(refused), ['b.yaml: services[0].uid']);
    assert.match(refused.body.problems[0].message, /service "ops" is already defined in a\.yaml/);
  });

  test('a file that cannot be read is a problem, not a crash', async () => {
    writeFiles({ 'relay.yaml': defaultProvisioning(h.wecom) });
    fs.mkdirSync(path.join(h.provisioningDir, 'folder.yaml'));
    const refused = await reload();
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.problems, [{ path: 'folder.yaml', message: 'cannot read the file (EISDIR)' }]);
  });

  test('a missing folder is named', async () => {
    fs.rmSync(h.provisioningDir, { recursive: true });
    try {
      const refused = await reload();
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body.problems, [
        { path: h.provisioningDir, message: 'cannot read the provisioning folder' },
      ]);
    } finally {
      writeProvisioning(h.provisioningDir, defaultProvisioning(h.wecom));
    }
  });
});
