import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8Bytes } from '../limits';
import { limitOf, renderStormView, type MessageKind, type StormGroup, type StormView } from './index';
import { assertFits, makeAlert, makeGroup } from './test-fixtures';

const now = new Date('2026-01-02T07:09:05Z');

/** A storm as a partition makes it: `names` alertnames × `instances` instances, one group per alert. */
function storm(names: number, instances: number, name = (n: number) => `服务${n}接口错误率过高`): StormGroup[] {
  return Array.from({ length: names * instances }, (_, index) => {
    const n = Math.floor(index / instances);
    const i = index % instances;
    return {
      id: `delivery-${index}`,
      group: makeGroup([
        makeAlert({
          status: n % 10 === 9 ? 'resolved' : 'firing',
          labels: {
            alertname: name(n),
            instance: `svc-${n}-${i}:8080`,
            severity: n % 3 === 0 ? 'critical' : 'warning',
          },
          fingerprint: `fp-${n}-${i}`,
        }),
      ]),
    };
  });
}

/** Each listed name with its count line and the instances shown under it. */
function entries(text: string): Map<string, { head: string; instances: string[]; more: number }> {
  const lines = text.split('\n');
  const found = new Map<string, { head: string; instances: string[]; more: number }>();
  lines.forEach((line, i) => {
    const name = /^\*\*(.+?)\*\* ×/.exec(line)?.[1];
    if (!name) {
      return;
    }
    const below = lines[i + 1]?.startsWith('> `') || lines[i + 1]?.startsWith('> +') ? lines[i + 1] : '';
    found.set(name, {
      head: line,
      instances: [...below.matchAll(/`([^`]+)`/g)].map((match) => match[1]),
      more: Number(/\+(\d+)$/.exec(below)?.[1] ?? 0),
    });
  });
  return found;
}

function carriedSet(view: StormView): Set<string> {
  return new Set(view.carried.flatMap(({ id, fingerprints }) => fingerprints.map((fp) => `${id} ${fp}`)));
}

describe('renderStormView: everything pending in one message', () => {
  const groups = storm(40, 50);

  it('40 names × 50 instances: one robot message with every name, its count, severity and status', () => {
    const view = renderStormView(groups, { kind: 'robot-markdown', language: 'zh-CN', timezone: 'Asia/Shanghai', now });
    assertFits(view.text, 4096);
    assert.deepEqual(view.body, { msgtype: 'markdown', markdown: { content: view.text } });
    assert.equal(view.bytes, utf8Bytes(view.text));
    const lines = view.text.split('\n');
    assert.equal(lines[0], '## 【告警风暴】待发送 2000 条 · 40 种 · 截至 01-02 15:09');
    assert.equal(lines[1], '[查看全部告警](https://grafana.example.com/alerting/list)');
    const firingAt = lines.indexOf('### <font color="warning">【告警】</font>36 种 · 1800 条');
    const resolvedAt = lines.indexOf('### <font color="info">【恢复】</font>4 种 · 200 条');
    assert.ok(firingAt > 0 && resolvedAt > firingAt, 'firing and resolved under their own headings');
    const listed = entries(view.text);
    assert.equal(listed.size, 40, 'every name');
    for (let n = 0; n < 40; n++) {
      const name = `服务${n}接口错误率过高`;
      const entry = listed.get(name)!;
      assert.equal(entry.head, `**${name}** ×50 条 · ${n % 3 === 0 ? 'critical' : 'warning'}`);
      assert.equal(lines.indexOf(entry.head) > resolvedAt, n % 10 === 9, `${name} in its status section`);
      assert.ok(entry.instances.length >= 1, `${name}: some instances`);
      assert.equal(entry.instances.length + entry.more, 50, `${name}: shown + "+N" = all`);
      entry.instances.forEach((instance, i) => assert.equal(instance, `svc-${n}-${i}:8080`));
    }
  });

  it('reports exactly the alerts whose instance it shows as carried', () => {
    const view = renderStormView(groups, { kind: 'robot-markdown', language: 'zh-CN', timezone: 'Asia/Shanghai', now });
    const shown = new Set([...entries(view.text).values()].flatMap((entry) => entry.instances));
    const expected = new Set(
      groups
        .filter(({ group }) => shown.has(group.alerts[0].labels.instance))
        .map(({ id, group }) => `${id} ${group.alerts[0].fingerprint}`)
    );
    assert.ok(expected.size >= 40);
    assert.deepEqual(carriedSet(view), expected);
  });

  for (const kind of ['robot-markdown', 'app-markdown', 'app-text'] as MessageKind[]) {
    it(`${kind}: within the limit byte for byte, and as full as the next instance allows`, () => {
      // Multi-byte instance names, so that a cut at the wrong byte would show.
      const wide = storm(5, 80, (n) => `磁盘${n}`).map(({ id, group }) => ({
        id,
        group: {
          ...group,
          alerts: group.alerts.map((a) => ({ ...a, labels: { ...a.labels, instance: `节点-${a.labels.instance}` } })),
        },
      }));
      const options = { kind, language: 'zh-CN' as const, timezone: 'Asia/Shanghai', now };
      let previous = 0;
      for (let limit = limitOf(kind) - 40; limit <= limitOf(kind); limit++) {
        const view = renderStormView(wide, { ...options, limit });
        assertFits(view.text, limit);
        assert.equal(view.bytes, utf8Bytes(view.text));
        const carried = carriedSet(view).size;
        assert.ok(carried >= previous, 'more room never carries less');
        previous = carried;
        assert.match(view.text, /\+\d+$/m, 'the storm is bigger than one message');
        // Every name still showing "+N" stopped because its next instance did not fit.
        assert.ok(
          limit - view.bytes < utf8Bytes(' `节点-svc-4-79:8080`'),
          `${limit}: ${view.bytes} bytes, room was left`
        );
      }
    });
  }

  it('app text is plain text; en speaks English', () => {
    const view = renderStormView(storm(20, 50), { kind: 'app-text', language: 'en', timezone: 'UTC', now });
    assert.deepEqual(view.body, { msgtype: 'text', text: { content: view.text } });
    const lines = view.text.split('\n');
    assert.equal(lines[0], '[ALERT STORM] 1000 pending · 20 alertnames · as of 01-02 07:09');
    assert.equal(lines[1], '<a href="https://grafana.example.com/alerting/list">All alerts</a>');
    assert.ok(lines.includes('[FIRING] 18 names · 900'));
    assert.ok(lines.includes('[RESOLVED] 2 names · 100'));
    assert.ok(lines.includes('服务19接口错误率过高 ×50 · warning'));
    assert.ok(!/\*\*|<font|`/.test(view.text));
    assertFits(view.text, 2048);
  });

  it('a textcard lists the names that fit in 512 bytes and sums up the rest', () => {
    const view = renderStormView(groups, { kind: 'app-textcard', language: 'zh-CN', timezone: 'Asia/Shanghai', now });
    assert.equal(view.body.msgtype, 'textcard');
    if (view.body.msgtype === 'textcard') {
      assert.equal(view.body.textcard.title, '【告警风暴】待发送 2000 条 · 40 种 · 截至 01-02 15:09');
      assert.equal(view.body.textcard.url, 'https://grafana.example.com/alerting/list');
      assert.equal(view.body.textcard.description, view.text);
    }
    assertFits(view.text, 512);
    const shownNames = (view.text.match(/接口错误率过高 ×50 条/g) ?? []).length;
    assert.ok(shownNames > 0 && shownNames < 40);
    assert.match(
      view.text,
      new RegExp(`另有 ${40 - shownNames} 种（${(40 - shownNames) * 50} 条）未列出，详情随后发送`)
    );
    const carriedNames = new Set(
      view.carried.flatMap(({ fingerprints }) => fingerprints.map((fp) => fp.split('-')[1]))
    );
    assert.ok(carriedNames.size <= shownNames, 'nothing of an unlisted name is carried');
  });

  it('counts an alert waiting in two groups once; an alert without instance is carried with its name', () => {
    const alert = makeAlert({ labels: { alertname: 'Backup' }, fingerprint: 'backup' });
    const view = renderStormView(
      [
        { id: 'a', group: makeGroup([alert]) },
        { id: 'b', group: makeGroup([alert]) },
      ],
      { kind: 'robot-markdown', language: 'zh-CN', timezone: 'Asia/Shanghai', now }
    );
    assert.ok(view.text.includes('\n**Backup** ×1 条\n') || view.text.endsWith('\n**Backup** ×1 条'), view.text);
    assert.deepEqual(view.carried, [
      { id: 'a', fingerprints: ['backup'] },
      { id: 'b', fingerprints: ['backup'] },
    ]);
  });
});
