/**
 * An app message WeCom delivered to some recipients but not to others: the delivery is sent, and
 * the refused users, departments and tags are visible in the delivery, its attempt (with what to
 * check), the metrics and the log.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { APP, ROBOT_KEY, fixture, startHarness, type Harness } from '../support/relay-harness';
import type { WecomSimulator } from '../support/wecom-simulator';

function partlyVisible(wecom: WecomSimulator) {
  return {
    apiVersion: 1,
    services: [
      {
        uid: 'ops',
        name: '运维通知',
        robots: [{ groups: '运维群', webhookUrl: wecom.robotUrl(ROBOT_KEY) }],
        app: { ...APP, accounts: ['zhangsan', 'nobody'], departments: ['99'] },
      },
    ],
    rules: [{ uid: 'critical', name: '严重告警', services: ['ops'] }],
  };
}

describe('partial app delivery', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ provisioning: partlyVisible });
  });
  after(() => h.close());

  test('the delivery is sent to the others, and lists whom WeCom refused with a hint, a metric and a log line', async () => {
    assert.equal((await h.post('grafana', 'critical', fixture('grafana-firing.json'))).status, 202);
    await h.until(async () => {
      const page = await h.admin('GET', '/deliveries?status=sent');
      return page.body.items.length === 2;
    });
    assert.equal(h.wecom.appMessages('zhangsan').length, 1, 'zhangsan got it');

    const page = await h.admin('GET', '/deliveries');
    const app = page.body.items.find((item: { kind: string }) => item.kind === 'app');
    const robot = page.body.items.find((item: { kind: string }) => item.kind === 'robot');
    assert.equal(app.status, 'sent');
    assert.deepEqual(app.invalidRecipients, ['nobody', 'party:99']);
    assert.deepEqual(robot.invalidRecipients, []);

    const detail = await h.admin('GET', `/deliveries/${app.id}`);
    const [attempt] = detail.body.attempts;
    assert.equal(attempt.ok, true);
    assert.deepEqual(attempt.invalidRecipients, ['nobody', 'party:99']);
    assert.match(attempt.hint.en, /did not deliver to: nobody, party:99 \(the other recipients got it\)/);
    assert.match(attempt.hint.en, /账号/);
    assert.match(attempt.hint['zh-CN'], /企业微信未送达：nobody, party:99/);
    assert.match(attempt.hint['zh-CN'], /可见范围/);

    const metrics = await (await fetch(`${h.relay.url}/metrics`)).text();
    assert.match(metrics, /^wecom_relay_invalid_recipients_total\{kind="user"\} 1$/m);
    assert.match(metrics, /^wecom_relay_invalid_recipients_total\{kind="party"\} 1$/m);

    await h.until(() => fs.readFileSync(h.logFile, 'utf8').includes('not to these recipients'));
    const line = fs
      .readFileSync(h.logFile, 'utf8')
      .split('\n')
      .find((candidate) => candidate.includes('not to these recipients'))!;
    const entry = JSON.parse(line);
    assert.equal(entry.level, 40, 'a warning');
    assert.deepEqual(entry.invalidRecipients, ['nobody', 'party:99']);
  });

  test('the service test of the app destination alone says the same', async () => {
    const service = await h.admin('GET', '/services/ops');
    const destination = service.body.app.destination;
    assert.ok(destination, JSON.stringify(service.body.app));
    const answer = await h.admin('POST', '/services/ops/test', {
      body: { destination },
      headers: { 'accept-language': 'zh-CN' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.ok, false);
    assert.equal(answer.body.results.length, 1, 'only the app was tested');
    const [result] = answer.body.results;
    assert.equal(result.kind, 'app');
    assert.deepEqual(result.invalidRecipients, ['nobody', 'party:99']);
    assert.match(result.hint['zh-CN'], /可见范围/);
  });
});
