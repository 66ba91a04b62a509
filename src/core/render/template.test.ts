import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TEMPLATES, renderParts, SAMPLE_GROUPS, templateError } from './index';
import { makeAlert, makeContext, makeGroup } from './test-fixtures';

describe('custom templates', () => {
  it('the built-in templates are the Liquid a user can copy: pasting them changes nothing', () => {
    for (const language of ['zh-CN', 'en'] as const) {
      // A big group too: the built-ins show it compact, and so do their copies.
      for (const group of [SAMPLE_GROUPS.firing, SAMPLE_GROUPS.many]) {
        const builtIn = renderParts(group, makeContext({ language }), 'robot-markdown');
        const copied = renderParts(
          group,
          makeContext({ language, template: { ...DEFAULT_TEMPLATES[language] } }),
          'robot-markdown'
        );
        assert.deepEqual(copied, builtIn);
      }
      assert.equal(templateError(DEFAULT_TEMPLATES[language]), null);
    }
  });

  it('sees group and alert variables, formats times in the rule zone, and blank means built-in', () => {
    const template = {
      title: '{{ status }} {{ ruleName }} {{ firing }}/{{ total }}',
      alert:
        '{{ alert.name }}@{{ alert.instance }} {{ alert.startsAtISO | date: "%H:%M" }} {{ alert.durationSeconds | duration }} {{ alert.labels.team }}',
    };
    const group = makeGroup([makeAlert({ labels: { alertname: 'Disk', instance: 'n1', team: 'dba' } })]);
    const [part] = renderParts(group, makeContext({ template }), 'app-markdown');
    assert.equal(part, 'firing 严重告警 1/1\n\nDisk@n1 15:04 5分 dba');
    const [blank] = renderParts(group, makeContext({ template: { title: ' ', alert: '' } }), 'app-markdown');
    assert.equal(blank, renderParts(group, makeContext(), 'app-markdown')[0]);
  });

  it('a custom template that fails while rendering falls back to the built-in one and says so', () => {
    const started = Date.now();
    const looping = '{% for i in (1..20000) %}{% for j in (1..20000) %}{% endfor %}{% endfor %}';
    const [part] = renderParts(SAMPLE_GROUPS.firing, makeContext({ template: { alert: looping } }), 'robot-markdown');
    assert.ok(Date.now() - started < 5_000, 'the limit stopped it');
    assert.ok(part.includes('自定义模板出错，已改用默认模板：alert template:'), part);
    assert.ok(part.includes('【告警】CPU 使用率过高**'));
    const [huge] = renderParts(
      SAMPLE_GROUPS.firing,
      makeContext({ template: { title: '{% for i in (1..100000000) %}x{% endfor %}' } }),
      'app-text'
    );
    assert.ok(huge.includes('自定义模板出错'));
  });

  it('cannot read files', () => {
    const [part] = renderParts(
      SAMPLE_GROUPS.test,
      makeContext({ template: { alert: '{% include "/etc/passwd" %}{% render "package.json" %}' } }),
      'app-text'
    );
    assert.ok(!part.includes('root:') && !part.includes('"name"'));
    assert.match(templateError({ alert: '{% include "/etc/passwd" %}' }) ?? '', /^alert template: /);
  });
});

describe('templateError', () => {
  it('names the template and the problem', () => {
    assert.match(templateError({ title: '{% if %}' }) ?? '', /^title template: .*line:1/);
    assert.match(
      templateError({ alert: '{{ alert.name | nosuchfilter }}' }) ?? '',
      /^alert template: undefined filter: nosuchfilter/
    );
    assert.match(templateError({ alert: '{% for x in alert.labels %}' }) ?? '', /^alert template: .*not closed/);
    assert.match(templateError({ alert: '{% if alert.status == "nope" %}x{% endif %}' }) ?? '', /renders nothing/);
    assert.match(
      templateError({ title: '{% for i in (1..5000) %}标题{% endfor %}' }) ?? '',
      /^title template: renders \d+ bytes/
    );
  });

  it('accepts good and blank templates', () => {
    assert.equal(templateError({ title: '# {{ title }} {{ part }}', alert: '{{ alert.summary | upcase }}' }), null);
    assert.equal(templateError({}), null);
    assert.equal(templateError({ title: '', alert: '  ' }), null);
  });
});
