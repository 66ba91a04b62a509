import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertGroup } from '../alert';
import type { RobotBody } from '../messages';
import { renderDeliveryMessages, SAMPLE_GROUPS, type DeliveryToRender } from './index';
import { assertFits, countOf, makeAlert, makeContext, makeGroup } from './test-fixtures';

const markdownOf = (body: unknown) => (body as Extract<RobotBody, { msgtype: 'markdown' }>).markdown.content;
const headings = (text: string) => text.split('\n').filter((line) => line.startsWith('#'));

/** A firing group too big for one message: its last part leaves room for others. */
const big = makeGroup(
  Array.from({ length: 40 }, (_, i) =>
    makeAlert({
      labels: { alertname: 'HighCPU', instance: `db-${i}:9100`, severity: 'critical' },
      annotations: { summary: `CPU of db-${i} above 90%`, description: 'x'.repeat(300) },
      fingerprint: `big${i}`,
    })
  )
);
const resolvedOne = makeGroup(
  [makeAlert({ status: 'resolved', labels: { alertname: 'alert1' }, endsAt: '2026-01-02T07:08:05Z' })],
  { groupKey: 'alert1' }
);
const resolvedTest: AlertGroup = {
  ...SAMPLE_GROUPS.test,
  status: 'resolved',
  alerts: SAMPLE_GROUPS.test.alerts.map((alert) => ({ ...alert, status: 'resolved', endsAt: '2026-01-02T07:08:05Z' })),
};

function deliveries(groups: AlertGroup[], digest: boolean): DeliveryToRender[] {
  return groups.map((group) => ({ group, ctx: makeContext({ digest }) }));
}

describe('digests: a reader can tell which group each alert belongs to and its status', () => {
  for (const digest of [false, true]) {
    it(`${digest ? 'digest' : 'full'} style: every group under its own heading, the message headed as a digest`, () => {
      const { messages } = renderDeliveryMessages(
        deliveries([big, resolvedTest, resolvedOne], digest),
        'robot-markdown'
      );
      const shared = messages.find((message) => new Set(message.covers.map((cover) => cover.item)).size === 3);
      assert.ok(shared, 'the big group’s last part shares a message with the two small groups');
      const text = markdownOf(shared.body);
      assertFits(text, 4096);
      const lines = headings(text);
      // The big group is compact in both styles: one line per alert.
      const firingInMessage = (text.match(/^> CPU of db-\d+ above 90%/gm) ?? []).length;
      assert.ok(firingInMessage > 0);
      assert.equal(lines[0], `# 【汇总】3 组 · 告警 ${firingInMessage} · 恢复 2`);
      const [bigHeading, testHeading, oneHeading] = lines.slice(1);
      assert.match(bigHeading, /^## <font color="warning">【告警】<\/font>HighCPU \((\d+)\/\1\)$/);
      assert.equal(testHeading, '## 【测试】<font color="info">【恢复】</font>TestAlert');
      assert.equal(oneHeading, '## <font color="info">【恢复】</font>alert1');
      assert.equal(text.match(/\(\d+\/\d+\)/g)?.length, 1, '(i/N) only on the big group’s heading');
      assert.equal(countOf(text, '> 规则：严重告警'), 3, 'each heading names the rule and counts');
      const ruleLine = (heading: string) => text.slice(text.indexOf(heading)).split('\n')[1];
      assert.match(ruleLine(testHeading), /^> 规则：严重告警 · (<font color="info">)?恢复 1\b/);
      assert.match(ruleLine(oneHeading), /^> 规则：严重告警 · (<font color="info">)?恢复 1\b/);
      assert.match(ruleLine(bigHeading), /^> 规则：严重告警 · 告警 40\b/);
      // Nothing of the resolved groups before their own heading.
      assert.ok(text.indexOf('TestAlert') >= text.indexOf(testHeading));
      assert.ok(text.indexOf('alert1') >= text.indexOf(oneHeading));
    });
  }

  it('digest: a group with firing and resolved alerts gets two status headings', () => {
    const mixed = makeGroup([
      makeAlert({ fingerprint: 'a', labels: { alertname: 'Disk', instance: 'a:1' } }),
      makeAlert({
        fingerprint: 'b',
        status: 'resolved',
        labels: { alertname: 'Disk', instance: 'b:1' },
        endsAt: '2026-01-02T07:08:05Z',
      }),
    ]);
    const { messages, parts } = renderDeliveryMessages(deliveries([mixed], true), 'robot-markdown');
    assert.deepEqual(
      parts[0].map(({ firing, resolved, fingerprints }) => ({ firing, resolved, fingerprints })),
      [
        { firing: 1, resolved: 0, fingerprints: ['a'] },
        { firing: 0, resolved: 1, fingerprints: ['b'] },
      ]
    );
    const text = markdownOf(messages[0].body);
    const [firingHeading, resolvedHeading] = headings(text);
    assert.equal(firingHeading, '## <font color="warning">【告警】</font>Disk');
    assert.equal(resolvedHeading, '## <font color="info">【恢复】</font>Disk');
    const resolvedAt = text.indexOf(resolvedHeading);
    assert.ok(text.indexOf('`a:1`') < resolvedAt && text.indexOf('`b:1`') > resolvedAt);
    assert.ok(!text.startsWith('# 【汇总】'), 'one group: no digest heading');
  });

  it('digest: a 10 KB description is cut with the marker; the group keeps its panel and silence links once', () => {
    const group = makeGroup([
      makeAlert({ fingerprint: 'a', annotations: { summary: 's'.repeat(5000), description: '描述'.repeat(5000) } }),
      makeAlert({ fingerprint: 'b', labels: { alertname: 'HighCPU', instance: 'db-2:9100', severity: 'critical' } }),
    ]);
    const { messages } = renderDeliveryMessages(deliveries([group], true), 'robot-markdown');
    assert.equal(messages.length, 1);
    const text = markdownOf(messages[0].body);
    assert.ok(text.includes(`${'描述'.repeat(19)}描…`), 'the description, cut and marked');
    assert.ok(text.includes(`${'s'.repeat(119)}…`), 'the summary, cut and marked');
    // A digest must fit a storm into the robot's budget: of rule, dashboard and panel it keeps the panel.
    assert.equal(countOf(text, '[面板](https://grafana.example.com/d/node?viewPanel=3)'), 1);
    assert.equal(countOf(text, '[静默](https://grafana.example.com/alerting/silence/new?matcher=a%3Db)'), 1);
    assert.ok(!text.includes('[规则](') && !text.includes('[仪表盘]('));
  });
});
