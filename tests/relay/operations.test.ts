/**
 * Running the relay: the CLI (validate, send-test, serve), SIGHUP reload, probes and metrics, and
 * the promise that no secret is ever returned, logged or stored in plaintext.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/relay/logger';
import {
  ADMIN_TOKEN,
  APP,
  defaultProvisioning,
  fixture,
  INGEST_TOKEN,
  REMOVED_KEY,
  ROBOT_KEY,
  SECRET_KEY,
  SQLITE_ONLY,
  TEST_BACKEND,
  startHarness,
  tempDir,
  type Harness,
  writeProvisioning,
} from '../support/relay-harness';
import { runCli } from '../support/cli';
import { spawnRelay, type RelayProcess } from '../support/relay-process';
import { startWecomSimulator, type WecomSimulator } from '../support/wecom-simulator';

const TOKENS = {
  WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
  WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
  WECOM_RELAY_SECRET_KEY: SECRET_KEY,
};

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`not in time: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function admin(
  baseUrl: string,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {}
) {
  const response = await fetch(`${baseUrl}/api/v1${urlPath}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

describe('wecom-relay validate', () => {
  test('exits 0 and sums up a good folder', async () => {
    const dir = tempDir();
    const wecom = await fakeWecom();
    writeProvisioning(dir, defaultProvisioning(wecom));
    const result = await runCli(['validate', '--provisioning', dir, '--wecom-api-base', wecom.baseUrl]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'ok: 1 file(s), 1 service(s), 1 rule(s)');
  });

  test('prints every problem with its file and path, and exits 1', async () => {
    const dir = tempDir();
    writeProvisioning(dir, {
      apiVersion: 1,
      services: [
        { uid: 'ops', name: '运维', app: { corpId: 'bad corp', agentId: 1, secret: 's', accounts: ['zhangsan'] } },
        { uid: 'dba', name: 'DBA', robots: [{ webhookUrl: 'https://evil.example.com/hook' }] },
      ],
    });
    writeProvisioning(
      dir,
      { apiVersion: 1, rules: [{ uid: 'r', name: 'r', services: [], timezone: 'Nowhere/City' }] },
      'rules.yml'
    );
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: 1\nservices: [\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not provisioning: ignored');
    const result = await runCli(['validate', '--provisioning', dir]);
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    for (const expected of [
      /^relay\.yaml: services\[0\]\.app\.corpId: not a WeCom corpId/,
      /^relay\.yaml: services\[1\]\.robots\[0\]\.webhookUrl: must be https:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/webhook\/send\?key=/,
      /^rules\.yml: rules\[0\]\.services: /,
      /^rules\.yml: rules\[0\]\.timezone: unknown IANA time zone/,
      /^broken\.yaml: .* at line \d+, column \d+$/,
    ]) {
      assert.ok(
        lines.some((line) => expected.test(line)),
        `${expected} in:\n${result.stderr}`
      );
    }
    assert.equal(result.stdout, '');
  });

  test('takes the API base serve uses, by flag or WECOM_RELAY_API_BASE; without it the robot URL is refused', async () => {
    const dir = tempDir();
    const wecom = await fakeWecom();
    writeProvisioning(dir, defaultProvisioning(wecom));
    const byEnv = await runCli(['validate', '--provisioning', dir], { WECOM_RELAY_API_BASE: wecom.baseUrl });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    const byDefault = await runCli(['validate', '--provisioning', dir]);
    assert.equal(byDefault.code, 1);
    assert.match(
      byDefault.stderr,
      /^relay\.yaml: services\[0\]\.robots\[0\]\.webhookUrl: must be https:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/webhook\/send\?key=…/m
    );
  });

  test('a rule naming a missing service fails with the message serve stops with', async () => {
    const dataDir = tempDir();
    const dir = path.join(dataDir, 'provisioning');
    const wecom = await fakeWecom();
    writeProvisioning(dir, defaultProvisioning(wecom, { services: ['ops', 'missing'] }));
    const flags = ['--provisioning', dir, '--wecom-api-base', wecom.baseUrl];
    const validated = await runCli(['validate', ...flags]);
    const served = await runCli(
      ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...flags],
      TOKENS
    );
    assert.equal(validated.code, 1);
    assert.equal(served.code, 1);
    const problem = 'relay.yaml: rules[0].services[1]: no service "missing"';
    assert.equal(validated.stderr.trim(), problem);
    assert.ok(
      served.stderr.split('\n').some((line) => line.trim() === problem),
      served.stderr
    );
  });

  test('speaks Chinese when the locale is zh_*: the summary and every problem', async () => {
    const good = tempDir();
    const wecom = await fakeWecom();
    writeProvisioning(good, defaultProvisioning(wecom));
    const zh = { LANG: 'zh_CN.UTF-8' };
    const ok = await runCli(['validate', '--provisioning', good, '--wecom-api-base', wecom.baseUrl], zh);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), '正确：1 个文件，1 个通知服务，1 条通知规则');

    const bad = tempDir();
    writeProvisioning(bad, { apiVersion: 1, servces: [] }, 'typo.yaml');
    writeProvisioning(bad, {
      apiVersion: 1,
      services: [
        { uid: 'ops', name: '运维', app: { corpId: 'notacorp', agentId: 'abc', secret: 's', accounts: ['zhangsan'] } },
      ],
      rules: [{ uid: 'r', name: 'r', services: ['ops'], sendResolve: false }],
    });
    const chinese = await runCli(['validate', '--provisioning', bad], { LC_ALL: 'zh_CN.UTF-8' });
    assert.equal(chinese.code, 1);
    const lines = chinese.stderr.trim().split('\n');
    assert.ok(lines.length >= 4, chinese.stderr);
    assert.ok(
      lines.some((line) => /^typo\.yaml: servces: 未知字段 "servces"，是否应为 "services"？$/.test(line)),
      chinese.stderr
    );
    assert.ok(
      lines.some((line) => /sendResolve: 未知字段 "sendResolve"，是否应为 "sendResolved"？$/.test(line)),
      chinese.stderr
    );
    for (const line of lines) {
      const message = line.slice(line.lastIndexOf(': ') + 2);
      assert.match(message, /[\u4e00-\u9fff]/, `a Chinese message: ${line}`);
      assert.doesNotMatch(message, /\b(expected|received|must|unknown|not a)\b/, `no English left: ${line}`);
    }
    const english = await runCli(['validate', '--provisioning', bad]);
    assert.match(english.stderr, /unknown field "servces"; did you mean "services"\?/);
  });

  test('names a missing folder, and asks for --provisioning when there is none', async () => {
    const missing = await runCli(['validate', '--provisioning', path.join(tempDir(), 'nope')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope: cannot read the provisioning folder/);
    const usage = await runCli(['validate']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /validate needs --provisioning DIR/);
  });
});

describe('wecom-relay serve', () => {
  const running: RelayProcess[] = [];
  after(async () => {
    for (const relay of running) {
      if (relay.child.exitCode === null) {
        await relay.kill('SIGKILL');
      }
    }
  });

  test('refuses to start on a bad provisioning folder, naming every problem', async () => {
    const dataDir = tempDir();
    const dir = path.join(dataDir, 'provisioning');
    const wecom = await fakeWecom();
    writeProvisioning(dir, defaultProvisioning(wecom, { services: ['ops', 'missing'] }));
    const result = await runCli(
      [
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
        '--provisioning',
        dir,
        '--wecom-api-base',
        wecom.baseUrl,
      ],
      TOKENS
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /relay\.yaml: rules\[0\]\.services\[1\]: no service "missing"/);
  });

  test("refuses .env.example's placeholder tokens, naming the variable", async () => {
    const dataDir = tempDir();
    const result = await runCli(['serve', '--port', '0', '--data-dir', dataDir], {
      ...TOKENS,
      WECOM_RELAY_INGEST_TOKEN: 'REPLACE_ME_ingest_token',
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /WECOM_RELAY_INGEST_TOKEN is still the REPLACE_ME_… placeholder of \.env\.example: replace it/
    );
  });

  test('refuses a retention that is not a duration, naming the variable', async () => {
    const result = await runCli(['serve', '--port', '0', '--data-dir', tempDir()], {
      ...TOKENS,
      WECOM_RELAY_RETENTION: 'a month',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /WECOM_RELAY_RETENTION: "a month" is not a duration \(examples: 90s, 5m, 24h, 30d\)/);
  });

  test('SIGHUP reloads the provisioning folder; a bad folder changes nothing and the log says why', async () => {
    const wecom = await startWecomSimulator();
    const dataDir = tempDir();
    const dir = path.join(dataDir, 'provisioning');
    writeProvisioning(dir, defaultProvisioning(wecom));
    const relay = await spawnRelay(
      ['--data-dir', dataDir, '--provisioning', dir, '--wecom-api-base', wecom.baseUrl],
      TOKENS
    );
    running.push(relay);
    try {
      const name = async () => (await admin(relay.url, 'GET', '/services/ops')).body.name;
      assert.equal(await name(), '运维通知');

      writeProvisioning(dir, defaultProvisioning(wecom, {}, { name: '运维通知（改）' }));
      relay.child.kill('SIGHUP');
      await until(async () => (await name()) === '运维通知（改）', 'the changed name after SIGHUP');

      writeProvisioning(
        dir,
        defaultProvisioning(
          wecom,
          {},
          { name: '不应生效', app: { ...APP, corpId: 'bad corp', accounts: ['zhangsan'] } }
        )
      );
      relay.child.kill('SIGHUP');
      await until(
        () => relay.logs.some((line) => line.includes('provisioning reload refused')),
        'the refusal in the log'
      );
      const entry = JSON.parse(relay.logs.find((line) => line.includes('provisioning reload refused'))!);
      assert.equal(entry.level, 50);
      assert.deepEqual(entry.problems, [
        {
          path: 'relay.yaml: services[0].app.corpId',
          message: 'not a WeCom corpId (企业ID): ww or wx and 16 hex digits, as 我的企业 shows it',
        },
      ]);
      assert.equal(await name(), '运维通知（改）', 'nothing changed');
      assert.equal((await fetch(`${relay.url}/healthz`)).status, 200, 'still serving');
      assert.equal(await relay.kill('SIGTERM'), 0);
    } finally {
      await wecom.close();
    }
  });

  test('without secrets in the env, generates them into the data dir (0600) and logs where, never the values', async () => {
    const dataDir = tempDir();
    const relay = await spawnRelay(['--data-dir', dataDir], {});
    running.push(relay);
    const files = ['admin.token', 'ingest.token', 'secret.key'].map((name) => path.join(dataDir, name));
    for (const file of files) {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
      assert.ok(
        relay.logs.some((line) => line.includes(file)),
        `the log says where ${file} is`
      );
    }
    const adminToken = fs.readFileSync(files[0], 'utf8').trim();
    const answer = await fetch(`${relay.url}/api/v1/status`, { headers: { authorization: `Bearer ${adminToken}` } });
    assert.equal(answer.status, 200, 'the generated admin token works');

    const reload = await fetch(`${relay.url}/api/v1/provisioning/reload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(reload.status, 409);
    assert.match((await reload.json()).message, /started without --provisioning/);
    relay.child.kill('SIGHUP');
    await until(
      () => relay.logs.some((line) => line.includes('nothing to reload')),
      'SIGHUP without a folder is logged'
    );

    assert.equal(await relay.kill('SIGTERM'), 0);
    const log = relay.logs.join('\n');
    for (const file of files) {
      assert.ok(!log.includes(fs.readFileSync(file, 'utf8').trim()), `${path.basename(file)} value is not logged`);
    }
  });
});

describe('wecom-relay send-test', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  const sendTest = (service: string, env: Record<string, string> = {}) =>
    runCli(['send-test', '--service', service, '--data-dir', h.dataDir, '--wecom-api-base', h.wecom.baseUrl], {
      ...TOKENS,
      ...h.databaseEnv,
      ...env,
    });

  test('sends to every destination of a service and prints ok for each', async () => {
    const result = await sendTest('ops');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['robot 运维群&DBA群: ok', 'app zhangsan|lisi: ok']);
    assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, 1);
    assert.equal(h.wecom.appMessages('lisi').length, 1);
  });

  test('prints errcode, errmsg and the hint for each failing destination, and exits 1', async () => {
    const created = await admin(h.relay.url, 'POST', '/services', {
      uid: 'broken',
      name: '坏服务',
      robots: [{ groups: '旧群', webhookUrl: h.wecom.robotUrl(REMOVED_KEY) }],
      app: { ...APP, accounts: ['nobody'] },
    });
    assert.equal(created.status, 201);
    const english = await sendTest('broken');
    assert.equal(english.code, 1);
    const lines = english.stdout.trim().split('\n');
    assert.equal(lines[0], 'robot 旧群: FAILED errcode 93000');
    assert.match(lines[1], /^ {2}invalid webhook url/);
    assert.match(lines[2], /^ {2}The robot webhook URL is invalid, or the robot was removed from the group/);
    assert.ok(lines.includes('app nobody: FAILED errcode 81013'), english.stdout);

    const chinese = await sendTest('broken', { LANG: 'zh_CN.UTF-8' });
    assert.match(chinese.stdout, /机器人已被移出群聊/);
    assert.match(chinese.stdout, /可见范围/);
  });

  test('says plainly which recipients WeCom refused in a partial delivery, with the hint, and exits 1', async () => {
    const created = await admin(h.relay.url, 'POST', '/services', {
      uid: 'partly',
      name: '部分送达',
      app: { ...APP, accounts: ['zhangsan', 'nobody'] },
    });
    assert.equal(created.status, 201, created.text);
    const before = h.wecom.appMessages('zhangsan').length;
    const english = await sendTest('partly');
    assert.equal(english.code, 1);
    const lines = english.stdout.trim().split('\n');
    assert.equal(lines[0], 'app zhangsan|nobody: PARTLY DELIVERED, WeCom refused 1 recipient(s): nobody');
    assert.match(
      lines[1],
      /^ {2}WeCom did not deliver to: nobody \(the other recipients got it\)\. Check that .*可见范围/
    );
    assert.equal(lines.length, 2, english.stdout);
    assert.doesNotMatch(english.stdout, /FAILED|errcode 0|: ok/);
    assert.equal(h.wecom.appMessages('zhangsan').length, before + 1, 'zhangsan got it');

    const chinese = await sendTest('partly', { LANG: 'zh_CN.UTF-8' });
    assert.match(
      chinese.stdout,
      /^app zhangsan\|nobody: 部分送达，企业微信拒收 1 个接收人：nobody\n {2}企业微信未送达：nobody/
    );
  });

  test('takes WECOM_RELAY_API_BASE; without an API base the robots are named as not sent, not left out', async () => {
    const robotOnly = await admin(h.relay.url, 'POST', '/services', {
      uid: 'robot-only',
      name: '仅群机器人',
      robots: [{ groups: '值班群', webhookUrl: h.wecom.robotUrl(ROBOT_KEY) }],
    });
    assert.equal(robotOnly.status, 201, robotOnly.text);
    const flags = ['send-test', '--service', 'robot-only', '--data-dir', h.dataDir];
    const before = h.wecom.robotMessages(ROBOT_KEY).length;
    const byEnv = await runCli(flags, { ...TOKENS, ...h.databaseEnv, WECOM_RELAY_API_BASE: h.wecom.baseUrl });
    assert.equal(byEnv.code, 0, byEnv.stdout + byEnv.stderr);
    assert.equal(byEnv.stdout.trim(), 'robot 值班群: ok');
    assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, before + 1);

    const withoutBase = await runCli(flags, { ...TOKENS, ...h.databaseEnv });
    assert.equal(withoutBase.code, 1);
    assert.deepEqual(withoutBase.stdout.trim().split('\n'), [
      'robot 值班群: NOT SENT',
      "  must be https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (the relay's WeCom API base)",
      '  pass the --wecom-api-base (WECOM_RELAY_API_BASE) the relay serves with',
    ]);
    assert.equal(h.wecom.robotMessages(ROBOT_KEY).length, before + 1, 'nothing sent');
  });

  test(
    "without the relay's data key or database, says what is missing and leaves the data dir alone",
    { skip: SQLITE_ONLY },
    async () => {
      const before = fs.readdirSync(h.dataDir).sort();
      const keyless = await runCli([
        'send-test',
        '--service',
        'ops',
        '--data-dir',
        h.dataDir,
        '--wecom-api-base',
        h.wecom.baseUrl,
      ]);
      assert.equal(keyless.code, 1);
      assert.match(keyless.stderr, /set WECOM_RELAY_SECRET_KEY to the relay's key; there is no .*secret\.key/);
      assert.deepEqual(fs.readdirSync(h.dataDir).sort(), before, 'no key or token generated into the relay data dir');

      const elsewhere = path.join(tempDir(), 'not-the-data-dir');
      const wrongDir = await runCli(['send-test', '--service', 'ops', '--data-dir', elsewhere], TOKENS);
      assert.equal(wrongDir.code, 1);
      assert.match(
        wrongDir.stderr,
        /no relay database at .*not-the-data-dir\/wecom-relay\.db: pass the relay's --data-dir/
      );
      assert.equal(fs.existsSync(elsewhere), false, 'no empty database created');
    }
  );

  test('names an unknown service and asks for --service when there is none', async () => {
    const unknown = await sendTest('nope');
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      TEST_BACKEND === 'sqlite'
        ? /no service "nope" in .*wecom-relay\.db/
        : /no service "nope" in the PostgreSQL database/
    );
    const usage = await runCli(['send-test'], TOKENS);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /send-test needs --service UID/);
  });
});

describe('probes and metrics', () => {
  test('/healthz and /readyz answer without a token', async () => {
    const h = await startHarness();
    try {
      assert.deepEqual(await (await fetch(`${h.relay.url}/healthz`)).json(), { status: 'ok' });
      assert.deepEqual(await (await fetch(`${h.relay.url}/readyz`)).json(), { status: 'ready', storage: TEST_BACKEND });
    } finally {
      await h.close();
    }
  });

  test('/metrics counts ingest, deliveries, errcodes, latency, rate-limit waits, token refreshes and the queue', async () => {
    const h = await startHarness();
    try {
      const metrics = async () => (await fetch(`${h.relay.url}/metrics`)).text();
      const value = (text: string, sample: string) => {
        const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
        return line === undefined ? undefined : Number(line.slice(sample.length + 1));
      };

      assert.equal((await h.post('grafana', 'critical', fixture('grafana-firing.json'))).status, 202);
      assert.equal(
        (await h.post('grafana', 'critical', fixture('grafana-firing.json'), { authorization: 'Bearer wrong' })).status,
        401
      );
      assert.equal((await h.post('alertmanager', 'nope', fixture('alertmanager-firing.json'))).status, 404);
      assert.equal((await h.post('grafana', 'critical', '{"alerts": [')).status, 400);
      await h.until(async () => (await h.relay.context.storage.queueStats()).pending === 0);

      h.wecom.inject({ path: 'robot', kind: 'errcode', errcode: 93000, errmsg: 'invalid webhook url' });
      const failing = fixture('grafana-firing.json');
      failing.groupKey = 'metrics-failing';
      await h.post('grafana', 'critical', failing);
      await h.until(async () => (await h.relay.context.storage.queueStats()).failed === 1);

      // Test messages use the robot's budget too; once it is spent, the next delivery waits.
      let spent = false;
      for (let i = 0; i < 25 && !spent; i++) {
        const answer = await admin(h.relay.url, 'POST', '/services/ops/test');
        spent = /rate limit/.test(answer.body.results[0].errmsg);
      }
      assert.ok(spent, 'test messages stop at the robot limit');
      const held = fixture('grafana-firing.json');
      held.groupKey = 'metrics-held';
      await h.post('grafana', 'critical', held);
      await h.until(async () => value(await metrics(), 'wecom_relay_rate_limit_waits_total{kind="robot"}') === 1);
      await h.until(async () => (value(await metrics(), 'wecom_relay_oldest_pending_seconds') ?? 0) > 0);
      await h.until(async () => value(await metrics(), 'wecom_relay_queue_depth') === 1);

      const text = await metrics();
      assert.equal(value(text, 'wecom_relay_ingest_requests_total{source="grafana",result="accepted"}'), 3);
      assert.equal(value(text, 'wecom_relay_ingest_requests_total{source="grafana",result="401"}'), 1);
      assert.equal(value(text, 'wecom_relay_ingest_requests_total{source="alertmanager",result="404"}'), 1);
      assert.equal(value(text, 'wecom_relay_ingest_requests_total{source="grafana",result="400"}'), 1);
      assert.equal(value(text, 'wecom_relay_deliveries_total{kind="robot",outcome="sent"}'), 1);
      assert.equal(value(text, 'wecom_relay_deliveries_total{kind="robot",outcome="failed"}'), 1);
      assert.equal(value(text, 'wecom_relay_wecom_errors_total{kind="robot",errcode="93000"}'), 1);
      assert.equal(value(text, 'wecom_relay_send_duration_seconds_count{kind="robot"}'), 2, 'one sent, one refused');
      assert.equal(value(text, 'wecom_relay_send_duration_seconds_count{kind="app"}'), 3, 'one per group');
      assert.ok((value(text, 'wecom_relay_token_refreshes_total{result="ok"}') ?? 0) >= 1);
      assert.match(text, /^# TYPE wecom_relay_send_duration_seconds histogram$/m);
    } finally {
      await h.close();
    }
  });
});

describe('secrets', () => {
  test('the logger redacts secret fields, and robot keys and tokens in URLs and errors', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    logger.info(
      {
        secret: APP.secret,
        app: { corpId: APP.corpId, secret: APP.secret },
        robot: { webhookUrl: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${ROBOT_KEY}` },
      },
      'fields'
    );
    logger.info(
      {
        req: {
          method: 'GET',
          url: `/cgi-bin/gettoken?corpid=${APP.corpId}&corpsecret=${APP.secret}`,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        },
      },
      'request'
    );
    logger.error(
      { err: new Error(`POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${ROBOT_KEY} failed`) },
      'error'
    );
    const [fields, request, error] = lines.map((line) => JSON.parse(line));
    assert.deepEqual(fields.app, { corpId: APP.corpId, secret: '[REDACTED]' });
    assert.equal(fields.secret, '[REDACTED]');
    assert.equal(fields.robot.webhookUrl, '[REDACTED]');
    assert.deepEqual(request.req, {
      method: 'GET',
      url: `/cgi-bin/gettoken?corpid=[REDACTED]&corpsecret=[REDACTED]`,
    });
    assert.match(error.err.message, /send\?key=\[REDACTED\] failed$/);
    const text = lines.join('');
    for (const secret of [APP.secret, ROBOT_KEY, ADMIN_TOKEN]) {
      assert.ok(!text.includes(secret), 'redacted');
    }
  });

  test('no secret is ever returned, logged, or stored in plaintext', { skip: SQLITE_ONLY }, async () => {
    const hmacSecret = 'hmac-secret-for-the-scan-0123';
    const otherKey = 'e5f6a7b8-4444-4bc4-97a0-0ec2sifa5eee';
    const otherAppSecret = 'second-app-secret-for-the-scan';
    const secrets = {
      ROBOT_KEY,
      otherKey,
      appSecret: APP.secret,
      otherAppSecret,
      hmacSecret,
      ADMIN_TOKEN,
      INGEST_TOKEN,
      SECRET_KEY,
    };
    const h = await startHarness();
    const bodies: string[] = [];
    let running: StoredFile[] = [];
    const call = async (method: string, urlPath: string, body?: unknown, headers?: Record<string, string>) => {
      const answer = await admin(h.relay.url, method, urlPath, body, headers);
      bodies.push(answer.text);
      return answer;
    };
    try {
      h.wecom.addRobot(otherKey);
      h.wecom.addApp({
        corpId: 'ww00000000000000a2',
        agentId: 1000005,
        secret: otherAppSecret,
        visibleUsers: ['wangwu'],
      });
      const service = {
        uid: 'scan-service',
        name: '扫描服务',
        robots: [{ groups: '扫描群', webhookUrl: h.wecom.robotUrl(otherKey) }],
        app: { corpId: 'ww00000000000000a2', agentId: 1000005, secret: otherAppSecret, accounts: ['wangwu'] },
      };
      assert.equal((await call('POST', '/services', service)).status, 201);
      assert.equal(
        (await call('POST', '/services', { ...service, uid: 'scan-bad', app: { ...service.app, corpId: '!' } })).status,
        400
      );
      const bad = {
        ...service,
        uid: 'scan-bad',
        robots: [{ webhookUrl: `https://evil.example.com/cgi-bin/webhook/send?key=${otherKey}` }],
      };
      assert.equal((await call('POST', '/services', bad, { 'accept-language': 'zh-CN' })).status, 400);
      assert.equal(
        (
          await call('POST', '/rules', {
            uid: 'scan-rule',
            name: '扫描规则',
            services: ['scan-service', 'ops'],
            hmac: { secret: hmacSecret },
          })
        ).status,
        201
      );
      for (const urlPath of [
        '/services',
        '/services/ops',
        '/services/scan-service',
        '/rules',
        '/rules/scan-rule',
        '/rules/critical',
        '/status',
      ]) {
        assert.equal((await call('GET', urlPath)).status, 200);
      }
      const shown = await call('GET', '/services/scan-service');
      assert.equal((await call('PUT', '/services/scan-service', { ...shown.body, description: 'edited' })).status, 200);
      const rule = await call('GET', '/rules/scan-rule');
      assert.equal((await call('PUT', '/rules/scan-rule', { ...rule.body, description: 'edited' })).status, 200);
      assert.equal((await call('POST', '/services/scan-service/test')).body.ok, true);
      h.wecom.inject({ path: 'token', kind: 'errcode', errcode: 40001, errmsg: 'invalid credential' });
      await call('POST', '/services/ops/test');
      assert.equal((await call('POST', '/rules/scan-rule/preview', { sample: 'many' })).status, 200);

      const raw = JSON.stringify(fixture('grafana-firing.json'));
      const signature = crypto.createHmac('sha256', hmacSecret).update(raw).digest('hex');
      assert.equal(
        (await h.post('grafana', 'scan-rule', raw, { 'X-Grafana-Alerting-Signature': signature })).status,
        202
      );
      assert.equal((await h.post('grafana', 'scan-rule', raw, { 'X-Grafana-Alerting-Signature': 'bad' })).status, 401);
      await h.until(async () => (await h.relay.context.storage.queueStats()).pending === 0);
      const deliveries = await call('GET', '/deliveries');
      for (const item of deliveries.body.items) {
        await call('GET', `/deliveries/${item.id}`);
      }
      assert.equal((await call('POST', '/provisioning/reload')).status, 200);
      const file = path.join(h.provisioningDir, 'relay.yaml');
      const good = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, good.replace(`secret: ${APP.secret}`, `secret: ${APP.secret}: x`));
      assert.equal(
        (await call('POST', '/provisioning/reload')).status,
        400,
        'a syntax error on the line with the app secret'
      );
      fs.writeFileSync(file, good);
      bodies.push(await (await fetch(`${h.relay.url}/api/v1/openapi.json`)).text());
      bodies.push(await (await fetch(`${h.relay.url}/metrics`)).text());

      const marker = `log-flush-${crypto.randomBytes(4).toString('hex')}`;
      await call('GET', `/services/${marker}`);
      await h.until(() => fs.readFileSync(h.logFile, 'utf8').includes(marker));
      running = storedFiles(h.dataDir);
    } finally {
      await h.close();
    }
    const closed = storedFiles(h.dataDir);

    assert.ok(
      running.some(({ name }) => name.endsWith('-wal')),
      'the WAL is scanned too'
    );
    for (const files of [running, closed]) {
      assert.ok(
        files.some(({ bytes }) => bytes.includes('scan-service')),
        'the scan reads the stored objects'
      );
    }
    const log = fs.readFileSync(h.logFile, 'utf8');
    assert.match(log, /scan-service\/test/, 'the scan reads the log');
    for (const [name, secret] of Object.entries(secrets)) {
      bodies.forEach((body, index) =>
        assert.ok(!body.includes(secret), `${name} in admin response #${index}: ${body.slice(0, 200)}`)
      );
      assert.ok(!log.includes(secret), `${name} in the relay log`);
      for (const { name: file, bytes } of [...running, ...closed]) {
        assert.ok(!bytes.includes(secret), `${name} in plaintext in ${file}`);
      }
    }
  });
});

interface StoredFile {
  name: string;
  bytes: Buffer;
}

/** The raw bytes of the SQLite database and its -wal and -shm files. */
function storedFiles(dataDir: string): StoredFile[] {
  return fs
    .readdirSync(dataDir)
    .filter((name) => name.startsWith('wecom-relay.db'))
    .map((name) => ({ name, bytes: fs.readFileSync(path.join(dataDir, name)) }));
}

/** A simulator only for its robot URLs (validate and failed starts never call it). */
let simulator: WecomSimulator | undefined;
async function fakeWecom(): Promise<WecomSimulator> {
  simulator ??= await startWecomSimulator();
  return simulator;
}
after(() => simulator?.close());
