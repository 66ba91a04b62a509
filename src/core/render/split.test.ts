import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8Bytes } from '../limits';
import { limitOf, renderDeliveryMessages, renderParts, SAMPLE_GROUPS, type MessageKind } from './index';
import { decodeCard } from './textcard';
import { assertFits, countOf, makeAlert, makeContext, makeGroup } from './test-fixtures';

const KINDS: MessageKind[] = ['robot-markdown', 'app-markdown', 'app-text', 'app-textcard'];

/** The limited field of a part: the content, or a textcard's description. */
function fieldOf(part: string, kind: MessageKind): string {
  return kind === 'app-textcard' ? decodeCard(part).description : part;
}

describe('limits', () => {
  it('limitOf gives WeCom’s byte limits', () => {
    assert.deepEqual(
      KINDS.map((kind) => limitOf(kind)),
      [4096, 2048, 2048, 512]
    );
  });

  for (const kind of KINDS) {
    it(`${kind}: exactly at the limit is one part, one byte more is two (1/2)(2/2)`, () => {
      const groupWith = (padding: number) =>
        makeGroup([
          makeAlert({ fingerprint: 'a', labels: { alertname: 'First' } }),
          makeAlert({
            fingerprint: 'b',
            labels: { alertname: 'Second' },
            annotations: { summary: 'x'.repeat(padding) },
          }),
        ]);
      const sizeWith = (padding: number) =>
        utf8Bytes(fieldOf(renderParts(groupWith(padding), makeContext(), kind)[0], kind));
      const exact = 1 + limitOf(kind) - sizeWith(1);
      const atLimit = renderParts(groupWith(exact), makeContext(), kind);
      assert.equal(atLimit.length, 1);
      assert.equal(utf8Bytes(fieldOf(atLimit[0], kind)), limitOf(kind));

      const over = renderParts(groupWith(exact + 1), makeContext(), kind);
      assert.equal(over.length, 2);
      const heads = over.map((part) => (kind === 'app-textcard' ? decodeCard(part).title : part.split('\n')[0]));
      assert.ok(heads[0].endsWith(' (1/2)') && heads[1].endsWith(' (2/2)'), heads.join(' | '));
      for (const part of over) {
        assertFits(fieldOf(part, kind), limitOf(kind));
      }
      assert.ok(fieldOf(over[0], kind).includes('First') && fieldOf(over[1], kind).includes('Second'));
      assert.ok(fieldOf(over[1], kind).includes('x'.repeat(exact + 1)), 'the alert moved whole, not truncated');
    });
  }

  it('robot markdown reserves room for the mention footer of firing groups', () => {
    const mentions = { users: ['zhangsan', 'lisi'], mobiles: [], all: false };
    const groupWith = (padding: number) =>
      makeGroup([makeAlert({ annotations: { summary: 'x'.repeat(padding) } }), makeAlert({ fingerprint: 'b' })]);
    const messagesWith = (padding: number) =>
      renderDeliveryMessages([{ group: groupWith(padding), ctx: makeContext({ mentions }) }], 'robot-markdown')
        .messages;
    const exact = 1 + 4096 - messagesWith(1)[0].bytes;
    const [message] = messagesWith(exact);
    assert.equal(message.bytes, 4096);
    assert.ok((message.body as { markdown: { content: string } }).markdown.content.endsWith('\n\n<@zhangsan> <@lisi>'));

    const over = messagesWith(exact + 1);
    assert.equal(over.length, 2);
    for (const packed of over) {
      assert.ok(packed.bytes <= 4096);
    }
  });
});

describe('splitting a big group', () => {
  it('60 alerts: compact, firing then resolved under their own headings, each numbered, every alert once', () => {
    const parts = renderParts(SAMPLE_GROUPS.many, makeContext(), 'robot-markdown');
    const firing = parts.filter((part) => part.startsWith('## <font color="warning">【告警】</font>磁盘空间不足'));
    const resolved = parts.filter((part) => part.startsWith('## <font color="info">【恢复】</font>磁盘空间不足'));
    assert.equal(firing.length + resolved.length, parts.length, 'every part has a status heading');
    assert.deepEqual(parts, [...firing, ...resolved], 'firing first');
    assert.ok(firing.length > 1);
    firing.forEach((part, i) => {
      assert.ok(part.split('\n')[0].endsWith(` (${i + 1}/${firing.length})`), part.split('\n')[0]);
      assert.equal(part.split('\n')[1], '> 规则：严重告警 · 告警 50 · mountpoint=/data', 'its own status counted');
    });
    resolved.forEach((part) => assert.equal(part.split('\n')[1], '> 规则：严重告警 · 恢复 10 · mountpoint=/data'));
    for (const part of parts) {
      assertFits(part, 4096);
      assert.equal(countOf(part, 'mountpoint='), 1, 'the shared label, once per part');
      assert.equal(countOf(part, '[仪表盘]('), 1, 'the shared dashboard link, once per part');
    }
    const all = parts.join('\n');
    const lines = all.split('\n').filter((line) => line.startsWith('> node-'));
    assert.equal(lines.length, 60, 'one line per alert');
    SAMPLE_GROUPS.many.alerts.forEach((alert) => {
      const line = lines.find((candidate) => candidate.includes(`\`${alert.labels.instance}\``));
      assert.ok(line, alert.labels.instance);
      assert.equal(countOf(all, `\`${alert.labels.instance}\``), 1);
      assert.ok(line.includes(alert.annotations.summary) && line.includes(` · ${alert.labels.severity} · `), line);
      assert.ok(line.includes(`var-instance=${alert.labels.instance.split(':')[0]})`), 'its own panel link');
      const section = all.lastIndexOf('\n## ', all.indexOf(line));
      assert.equal(all.startsWith('## <font color="warning">', section + 1), alert.status === 'firing');
    });
    assert.ok(!all.includes('[静默]('), 'the alerts share no matcher: no silence for all of them');
  });

  for (const kind of KINDS) {
    it(`${kind}: no fingerprint lost or repeated across parts`, () => {
      const ctx = makeContext({ template: { alert: 'fp={{ alert.fingerprint }} {{ alert.summary }}' } });
      const parts = renderParts(SAMPLE_GROUPS.many, ctx, kind);
      const fields = parts.map((part) => fieldOf(part, kind));
      fields.forEach((field) => assertFits(field, limitOf(kind)));
      for (const alert of SAMPLE_GROUPS.many.alerts) {
        assert.equal(countOf(fields.join('\n'), `fp=${alert.fingerprint}`), 1, alert.fingerprint);
      }
      if (kind === 'app-textcard') {
        parts.forEach((part, i) => assert.ok(decodeCard(part).title.endsWith(`(${i + 1}/${parts.length})`)));
      }
    });
  }

  it('puts the marker at the end of the first line when a custom title has no {{ part }}', () => {
    const parts = renderParts(
      SAMPLE_GROUPS.many,
      makeContext({ template: { title: '**{{ title }}**\n{{ firing }}' } }),
      'app-markdown'
    );
    assert.ok(parts.length > 1);
    parts.forEach((part, i) => assert.ok(part.startsWith(`**磁盘空间不足** (${i + 1}/${parts.length})\n50\n\n`)));
  });
});

describe('truncating an alert too big for any part', () => {
  const huge = (description: string) =>
    makeGroup([
      makeAlert({ annotations: { summary: 'CPU 过高', description, runbook_url: 'https://wiki.example.com/cpu' } }),
    ]);

  it('a 10 KB annotation is cut with the marker; the links after it survive', () => {
    const group = huge('数据库连接数异常升高，'.repeat(350));
    assert.ok(utf8Bytes(group.alerts[0].annotations.description) > 10_000);
    const parts = renderParts(group, makeContext(), 'robot-markdown');
    assert.equal(parts.length, 1);
    assertFits(parts[0], 4096);
    assert.ok(parts[0].includes('…（内容过长，已截断）'));
    assert.ok(parts[0].includes('[处理手册](https://wiki.example.com/cpu)'));
    assert.ok(utf8Bytes(parts[0]) > 4000, 'uses the room it has');
    assert.equal(countOf(parts[0], '<font'), countOf(parts[0], '</font>'), 'no colour left open');

    const [en] = renderParts(group, makeContext({ language: 'en' }), 'app-text');
    assertFits(en, 2048);
    assert.ok(en.includes('… (truncated)'));
  });

  it('never cuts inside a character or an emoji sequence, in any kind', () => {
    const family = '👨‍👩‍👧';
    for (const description of [
      '告'.repeat(5000),
      '🔥'.repeat(3000),
      family.repeat(1000),
      `a${'é'.repeat(4000)}`,
      '\u0915\u094D\u0937'.repeat(2000),
    ]) {
      for (const kind of KINDS) {
        for (const part of renderParts(huge(description), makeContext(), kind)) {
          const field = fieldOf(part, kind);
          assertFits(field, limitOf(kind));
          assert.ok(!field.split(family).join('').includes('\u200D'), 'a ZWJ sequence was split');
        }
      }
    }
  });

  it('a huge alert name and a huge label still give valid parts', () => {
    const group = makeGroup([makeAlert({ labels: { alertname: '名'.repeat(3000), instance: 'i'.repeat(9000) } })]);
    for (const kind of KINDS) {
      const parts = renderParts(group, makeContext(), kind);
      assert.equal(parts.length, 1);
      assertFits(fieldOf(parts[0], kind), limitOf(kind));
      if (kind === 'app-textcard') {
        assertFits(decodeCard(parts[0]).title, 128);
      }
    }
  });
});
