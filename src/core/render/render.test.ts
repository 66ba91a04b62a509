import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderParts, SAMPLE_GROUPS } from './index';
import { decodeCard } from './textcard';
import { makeAlert, makeContext, makeGroup } from './test-fixtures';

const firstLine = (text: string) => text.split('\n')[0];

describe('renderParts: what the on-call engineer reads', () => {
  it('zh-CN firing: status, name and summary first, then severity, instance, value, start, links', () => {
    const [part] = renderParts(SAMPLE_GROUPS.firing, makeContext(), 'robot-markdown');
    const lines = part.split('\n');
    assert.equal(lines[0], '## <font color="warning">【告警】</font>CPU 使用率过高');
    assert.match(lines[1], /^> 规则：严重告警 · <font color="warning">告警 2<\/font>$/);
    const block = part.split('\n\n')[1].split('\n');
    assert.equal(block[0], '<font color="warning">**【告警】CPU 使用率过高**</font>');
    assert.equal(block[1], 'db-1 的 CPU 使用率为 97.2%，超过 90% 阈值');
    const order = [
      '级别：',
      '实例：`db-1:9100`',
      '数值：B=97.23, C=1',
      '开始：2026-01-02 15:04:05（已持续 5分）',
      '[规则](',
      '[仪表盘](',
      '[面板](',
      '[静默](',
      '[处理手册](',
      '[截图](',
    ];
    const positions = order.map((needle) => part.indexOf(needle));
    assert.ok(
      positions.every((position) => position > 0),
      `missing one of ${order.join(' ')}`
    );
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
      'fields out of reading order'
    );
  });

  it('resolved: info colour, end time and how long it lasted; no silence link', () => {
    const [part] = renderParts(SAMPLE_GROUPS.resolved, makeContext(), 'robot-markdown');
    assert.ok(part.startsWith('## <font color="info">【恢复】</font>'));
    assert.ok(part.includes('> 恢复：2026-01-02 16:09:05（持续 1小时5分）'));
    assert.ok(!part.includes('color="warning"'));
    assert.ok(!part.includes('[静默]('));
  });

  it('English templates for en rules', () => {
    const ctx = makeContext({ language: 'en', ruleName: 'Critical' });
    const [firing] = renderParts(SAMPLE_GROUPS.firing, ctx, 'robot-markdown');
    assert.equal(firstLine(firing), '## <font color="warning">[FIRING]</font> CPU 使用率过高');
    assert.ok(firing.includes('> Rule: Critical · <font color="warning">2 firing</font>'));
    assert.ok(firing.includes('> Started: 2026-01-02 15:04:05 (for 5m)'));
    assert.ok(firing.includes('[Silence]('));
    assert.ok(!/[规则级别实例开始]：/.test(firing));
    const [resolved] = renderParts(SAMPLE_GROUPS.resolved, ctx, 'robot-markdown');
    assert.ok(resolved.includes('> Resolved: 2026-01-02 16:09:05 (lasted 1h5m)'));
  });

  it('shows times in the rule time zone', () => {
    const group = makeGroup([makeAlert({ startsAt: '2026-01-02T20:00:00Z' })]);
    const shanghai = renderParts(group, makeContext({ timezone: 'Asia/Shanghai' }), 'robot-markdown')[0];
    assert.ok(shanghai.includes('开始：2026-01-03 04:00:00'), shanghai);
    const utc = renderParts(group, makeContext({ timezone: 'UTC' }), 'robot-markdown')[0];
    assert.ok(utc.includes('开始：2026-01-02 20:00:00'));
    const newYork = renderParts(group, makeContext({ timezone: 'America/New_York' }), 'robot-markdown')[0];
    assert.ok(newYork.includes('开始：2026-01-02 15:00:00'));
  });

  it('durations: resolved lasted, firing so far (from ctx.now)', () => {
    const resolved = makeAlert({
      status: 'resolved',
      startsAt: '2026-01-02T07:00:00Z',
      endsAt: '2026-01-03T10:30:10Z',
    });
    const firing = makeAlert({ startsAt: '2026-01-02T07:08:20.123456789Z' });
    const [part] = renderParts(makeGroup([resolved, firing]), makeContext(), 'robot-markdown');
    assert.ok(part.includes('（持续 1天3小时）'), part);
    assert.ok(part.includes('（已持续 44秒）'));
    const [en] = renderParts(makeGroup([resolved]), makeContext({ language: 'en' }), 'robot-markdown');
    assert.ok(en.includes('(lasted 1d3h)'));
  });

  it('marks Grafana test alerts as a test in every kind', () => {
    const [markdown] = renderParts(SAMPLE_GROUPS.test, makeContext(), 'robot-markdown');
    assert.match(firstLine(markdown), /^## 【测试】/);
    assert.ok(markdown.includes('这是一条测试通知，无需处理'));
    const [en] = renderParts(SAMPLE_GROUPS.test, makeContext({ language: 'en' }), 'app-markdown');
    assert.match(firstLine(en), /^## \[TEST\] /);
    const [text] = renderParts(SAMPLE_GROUPS.test, makeContext(), 'app-text');
    assert.match(firstLine(text), /^【测试】【告警】TestAlert/);
    const card = decodeCard(renderParts(SAMPLE_GROUPS.test, makeContext(), 'app-textcard')[0]);
    assert.equal(card.title, '【测试】【告警】TestAlert');
  });

  it('says when Grafana truncated alerts', () => {
    const group = makeGroup([makeAlert()], { truncatedAlerts: 7 });
    assert.ok(renderParts(group, makeContext(), 'robot-markdown')[0].includes('另有 7 条告警未列出（Grafana 已截断）'));
    assert.ok(
      renderParts(group, makeContext({ language: 'en' }), 'robot-markdown')[0].includes('7 more alerts not listed')
    );
  });

  it('leaves out empty links and keeps only http(s) ones', () => {
    const alert = makeAlert({ dashboardURL: '', panelURL: 'javascript:alert(1)', imageURL: 'ftp://x/y.png' });
    const [part] = renderParts(makeGroup([alert]), makeContext(), 'robot-markdown');
    assert.ok(part.includes('[规则](https://grafana.example.com/alerting/grafana/cpu/view) · [静默]('));
    assert.ok(!part.includes('[仪表盘]') && !part.includes('[面板]') && !part.includes('[截图]'));
    assert.ok(!part.includes('javascript:'));
  });

  it('lists firing alerts before resolved ones', () => {
    const group = makeGroup([
      makeAlert({ status: 'resolved', labels: { alertname: 'Old' }, endsAt: '2026-01-02T08:00:00Z' }),
      makeAlert({ labels: { alertname: 'New' } }),
    ]);
    const [part] = renderParts(group, makeContext(), 'robot-markdown');
    assert.ok(part.indexOf('【告警】New') < part.indexOf('【恢复】Old'));
    assert.ok(part.includes('告警 1</font> · <font color="info">恢复 1</font>'));
  });

  it('shows the labels not shown otherwise, shared ones once; never Grafana’s __…__ ones', () => {
    const labels = (instance: string, extra: Record<string, string>) => ({
      alertname: 'OrderLag',
      severity: 'critical',
      instance,
      __alert_rule_uid__: 'abc',
      team: 'blue',
      cluster: '订单库',
      ...extra,
    });
    const group = makeGroup([
      makeAlert({ fingerprint: 'a', labels: labels('db-1', { lbl1: 'val1' }) }),
      makeAlert({ fingerprint: 'b', labels: labels('db-2', { lbl1: 'val2', mountpoint: '/data' }) }),
    ]);
    const [part] = renderParts(group, makeContext(), 'robot-markdown');
    assert.ok(part.includes('\n> 标签：team=blue · cluster=订单库\n'), part);
    assert.ok(part.includes('> 标签：lbl1=val1\n') && part.includes('> 标签：lbl1=val2 · mountpoint=/data\n'));
    assert.ok(!part.includes('__alert_rule_uid__') && !part.includes('severity=') && !part.includes('instance='));

    const chosen = makeContext({ labels: { hide: ['team'], first: ['mountpoint', 'cluster'] } });
    const [ordered] = renderParts(group, chosen, 'robot-markdown');
    assert.ok(ordered.includes('\n> 标签：cluster=订单库\n'), ordered);
    assert.ok(ordered.includes('> 标签：mountpoint=/data · lbl1=val2\n'), 'first, then the rest');
    assert.ok(!ordered.includes('team='));
    const [en] = renderParts(group, makeContext({ language: 'en' }), 'robot-markdown');
    assert.ok(en.includes('\n> Labels: team=blue · cluster=订单库\n'));
  });

  it('is deterministic for the same input and ctx.now', () => {
    for (const kind of ['robot-markdown', 'app-text', 'app-textcard'] as const) {
      assert.deepEqual(
        renderParts(SAMPLE_GROUPS.many, makeContext(), kind),
        renderParts(SAMPLE_GROUPS.many, makeContext(), kind)
      );
    }
  });
});

describe('renderParts: alert data cannot become markup', () => {
  const hostile = makeAlert({
    labels: { alertname: '<@all> **urgent**', instance: 'x`y`\n# 标题', severity: '<font color="warning">p0</font>' },
    annotations: {
      summary: '<@zhangsan> click [here](https://evil.example.com) <font color="info">ok</font>',
      description: 'line one\n> quoted\n<div class="highlight">card</div>',
    },
  });
  const group = makeGroup([hostile]);

  it('robot markdown: no mention, colour, link, bold, code, header or quote from labels', () => {
    const [part] = renderParts(group, makeContext(), 'robot-markdown');
    assert.ok(!part.includes('<@'), part);
    assert.ok(!part.includes('<font color="warning">p0'));
    assert.ok(!part.includes('<font color="info">ok'));
    assert.ok(!part.includes('](https://evil'));
    assert.ok(!part.includes('**urgent**'));
    assert.ok(!part.includes('`y`'));
    assert.ok(!part.split('\n').some((line) => line.startsWith('# ') || line === '> quoted'));
    assert.ok(part.includes('＜@all＞ ∗∗urgent∗∗'), 'neutralised text stays readable');
    assert.ok(part.includes('实例：`xˋyˋ # 标题`'));
  });

  it('text and textcard: no injected anchors or divs', () => {
    const [text] = renderParts(group, makeContext(), 'app-text');
    assert.ok(!text.includes('<a href="https://evil'));
    assert.ok(!text.includes('<div'));
    const card = decodeCard(renderParts(group, makeContext(), 'app-textcard')[0]);
    assert.ok(!card.description.includes('<div class="highlight">card'));
    assert.equal(card.description.split('<div').length - 1, card.description.split('</div>').length - 1);
  });

  it('app text is plain: no markdown left', () => {
    const [text] = renderParts(SAMPLE_GROUPS.firing, makeContext(), 'app-text');
    assert.ok(!/\*\*|<font|`|\]\(/.test(text), text);
    assert.ok(!text.split('\n').some((line) => /^(#|>)/.test(line)));
    assert.ok(text.includes('<a href="https://grafana.example.com/d/node-exporter?orgId=1&viewPanel=3">面板</a>'));
  });
});

describe('renderParts: textcard', () => {
  it('title is status + alert name, description uses WeCom card classes, url is the panel', () => {
    const card = decodeCard(renderParts(SAMPLE_GROUPS.firing, makeContext(), 'app-textcard')[0]);
    assert.equal(card.title, '【告警】CPU 使用率过高');
    assert.equal(card.url, 'https://grafana.example.com/d/node-exporter?orgId=1&viewPanel=3');
    assert.equal(card.btntxt, '详情');
    assert.ok(
      card.description.startsWith(
        '<div class="gray">规则：严重告警 · 告警 2</div><div class="highlight">【告警】CPU 使用率过高 db-1:9100</div>'
      )
    );
    assert.ok(/^(<div class="(highlight|gray|normal)">[^<]*<\/div>)+$/.test(card.description), card.description);
    assert.equal(
      decodeCard(renderParts(SAMPLE_GROUPS.firing, makeContext({ language: 'en' }), 'app-textcard')[0]).btntxt,
      'More'
    );
  });

  it('falls back to Grafana when an alert has no links', () => {
    const card = decodeCard(renderParts(SAMPLE_GROUPS.test, makeContext(), 'app-textcard')[0]);
    assert.equal(card.url, 'https://grafana.example.com/');
  });
});
