import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Mentions } from '../config';
import { utf8Bytes } from '../limits';
import type { AppBody, RobotBody } from '../messages';
import {
  companionText,
  packMessages,
  renderGroupParts,
  SAMPLE_GROUPS,
  type PackItem,
  type RenderedPart,
} from './index';
import { assertFits, makeAlert, makeContext, makeGroup } from './test-fixtures';

const nobody: Mentions = { users: [], mobiles: [], all: false };

/** A part made by hand: its text and how many firing and resolved alerts it shows. */
function part(text: string, firing = 1, resolved = 0): RenderedPart {
  return { text, firing, resolved, fingerprints: [] };
}

function contentOf(body: RobotBody | AppBody): string {
  switch (body.msgtype) {
    case 'markdown':
      return body.markdown.content;
    case 'text':
      return body.text.content;
    case 'textcard':
      return body.textcard.description;
  }
}

describe('packMessages', () => {
  it('merges many small items into as few messages as fit, never reordering, under a digest heading', () => {
    const items: PackItem[] = Array.from({ length: 40 }, (_, i) => ({
      parts: renderGroupParts(
        makeGroup([makeAlert({ labels: { alertname: `Alert${String(i).padStart(2, '0')}` }, fingerprint: `fp${i}` })]),
        makeContext(),
        'robot-markdown'
      ),
      mentions: nobody,
      firing: true,
      language: 'zh-CN',
    }));
    const partBytes = utf8Bytes(items[0].parts[0].text);
    assert.ok(
      items.every((item) => utf8Bytes(item.parts[0].text) === partBytes),
      'same-sized parts'
    );
    const heading = (groups: number) => `# 【汇总】${groups} 组 · 告警 ${groups}`;
    // Each message: the heading, then its parts, all separated by a blank line.
    let perMessage = 1;
    while (utf8Bytes(heading(perMessage + 1)) + (perMessage + 1) * (partBytes + 2) <= 4096) {
      perMessage++;
    }
    const messages = packMessages(items, 'robot-markdown');
    assert.equal(messages.length, Math.ceil(40 / perMessage), `${partBytes} bytes per part`);
    messages.forEach((message) => {
      assert.ok(contentOf(message.body).startsWith(`${heading(message.covers.length)}\n\n## `));
    });
    assert.deepEqual(
      messages.flatMap((message) => message.covers),
      items.map((_, item) => ({ item, part: 0 }))
    );
    const contents = messages.map((message) => contentOf(message.body)).join('\n\n');
    const order = items.map((_, i) => contents.indexOf(`【告警】Alert${String(i).padStart(2, '0')}**`));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b)
    );
    messages.forEach((message, i) => {
      assert.equal(message.full, i < messages.length - 1);
      assert.equal(message.limit, 4096);
      assert.equal(message.bytes, utf8Bytes(contentOf(message.body)));
      assertFits(contentOf(message.body), 4096);
    });
  });

  it('a message exactly at the limit holds both parts; one byte more needs two messages', () => {
    const mentions: Mentions = { users: ['zhangsan'], mobiles: [], all: false };
    const footer = '\n\n<@zhangsan>';
    const heading = '# 【汇总】2 组 · 告警 1 · 恢复 1\n\n';
    const second = part('b'.repeat(100), 0, 1);
    const first = (bytes: number) => part('a'.repeat(bytes));
    const exact = 4096 - utf8Bytes(footer) - utf8Bytes(heading) - 2 - second.text.length;
    const pair = (bytes: number) =>
      packMessages(
        [
          { parts: [first(bytes)], mentions, firing: true, language: 'zh-CN' },
          { parts: [second], mentions: nobody, firing: false, language: 'zh-CN' },
        ],
        'robot-markdown'
      );
    const one = pair(exact);
    assert.equal(one.length, 1);
    assert.equal(one[0].bytes, 4096);
    assert.equal(one[0].full, false);
    assert.ok(contentOf(one[0].body).startsWith(heading));
    const two = pair(exact + 1);
    assert.equal(two.length, 2);
    assert.deepEqual(
      two.map((message) => [message.full, message.covers]),
      [
        [true, [{ item: 0, part: 0 }]],
        [false, [{ item: 1, part: 0 }]],
      ]
    );
    assert.equal(contentOf(two[1].body), second.text, 'no heading for one item, no footer for resolved ones');
  });

  it('mentions only the users of items that carry firing alerts, once each', () => {
    const items: PackItem[] = [
      { parts: [part('firing one')], mentions: { users: ['alice', 'bob'], mobiles: [], all: false }, firing: true },
      { parts: [part('resolved', 0, 1)], mentions: { users: ['carol'], mobiles: [], all: false }, firing: false },
      { parts: [part('firing two')], mentions: { users: ['bob', 'dave'], mobiles: [], all: false }, firing: true },
    ].map((item) => ({ ...item, language: 'en' as const }));
    const [message] = packMessages(items, 'robot-markdown');
    assert.equal(
      contentOf(message.body),
      '# [DIGEST] 3 groups · 2 firing · 1 resolved\n\nfiring one\n\nresolved\n\nfiring two\n\n<@alice> <@bob> <@dave>'
    );
  });

  it('app messages carry no mention footer', () => {
    const [message] = packMessages(
      [
        {
          parts: [part('x')],
          mentions: { users: ['alice'], mobiles: [], all: false },
          firing: true,
          language: 'zh-CN',
        },
      ],
      'app-markdown'
    );
    assert.deepEqual(message.body, { msgtype: 'markdown', markdown: { content: 'x' } });
  });

  it('packs textcards into one 512-byte description: digest title, each card under its own title, first link', () => {
    const ctx = makeContext({ template: { alert: '{{ alert.summary }}' } });
    const items: PackItem[] = [SAMPLE_GROUPS.resolved, SAMPLE_GROUPS.test].map((group) => ({
      parts: renderGroupParts(group, ctx, 'app-textcard'),
      mentions: nobody,
      firing: false,
      language: 'zh-CN',
    }));
    const messages = packMessages(items, 'app-textcard');
    assert.equal(messages.length, 1);
    const body = messages[0].body;
    assert.equal(body.msgtype, 'textcard');
    if (body.msgtype === 'textcard') {
      assert.equal(body.textcard.title, '【汇总】2 组 · 告警 1 · 恢复 1');
      const description = body.textcard.description;
      assert.ok(description.startsWith('<div class="highlight">【恢复】CPU 使用率过高</div>'), description);
      assert.ok(description.includes('<div class="highlight">【测试】【告警】TestAlert</div>'));
      assert.equal(body.textcard.btntxt, '详情');
      assert.match(body.textcard.url, /^https:\/\//);
      assert.ok(
        body.textcard.description.includes('已恢复到 42.0%') && body.textcard.description.includes('Notification test')
      );
      assert.equal(body.textcard.url, 'https://grafana.example.com/d/node-exporter?orgId=1&viewPanel=3');
      assertFits(body.textcard.description, 512);
      assert.equal(messages[0].bytes, utf8Bytes(body.textcard.description));
      assert.equal(messages[0].limit, 512);
    }
  });

  it('a 60-alert group and small ones share messages without losing a part', () => {
    const ctx = makeContext();
    const items: PackItem[] = [SAMPLE_GROUPS.many, SAMPLE_GROUPS.resolved, SAMPLE_GROUPS.test].map((group) => ({
      parts: renderGroupParts(group, ctx, 'app-text'),
      mentions: nobody,
      firing: group.status === 'firing',
      language: 'zh-CN',
    }));
    const messages = packMessages(items, 'app-text');
    assert.deepEqual(
      messages.flatMap((message) => message.covers),
      items.flatMap((item, i) => item.parts.map((_, part) => ({ item: i, part })))
    );
    messages.forEach((message) => assertFits(contentOf(message.body), 2048));
    assert.ok(messages.length < items.reduce((sum, item) => sum + item.parts.length, 0), 'some parts share a message');
  });

  it('nothing queued, nothing sent', () => {
    assert.deepEqual(packMessages([], 'robot-markdown'), []);
    assert.deepEqual(packMessages([{ parts: [], mentions: nobody, firing: true, language: 'zh-CN' }], 'app-text'), []);
  });
});

describe('companionText', () => {
  it('@all through mentioned_list', () => {
    assert.deepEqual(companionText({ users: ['alice'], mobiles: ['13800001111'], all: true }, 'zh-CN'), {
      msgtype: 'text',
      text: { content: '请关注以上告警', mentioned_list: ['@all'] },
    });
  });

  it('mobiles through mentioned_mobile_list, in English for en rules', () => {
    assert.deepEqual(
      companionText({ users: [], mobiles: ['13800001111', '13900002222', '13800001111'], all: false }, 'en'),
      {
        msgtype: 'text',
        text: { content: 'Please look at the alert above.', mentioned_mobile_list: ['13800001111', '13900002222'] },
      }
    );
  });

  it('nothing when only userids are mentioned (markdown does that)', () => {
    assert.equal(companionText({ users: ['alice'], mobiles: [], all: false }, 'zh-CN'), null);
  });
});
