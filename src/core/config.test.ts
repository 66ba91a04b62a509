import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ruleSchema } from './config';
import { validate } from './validation';

const base = { uid: 'r', name: '规则', services: ['ops'] };

describe('rule schema', () => {
  test("accepts Alertmanager's matcher syntax as well as objects", () => {
    const rule = ruleSchema.parse({
      ...base,
      match: {
        matchers: [
          'team=~"dba|sre"',
          'env != "dev"',
          'severity=critical',
          { label: 'zone', op: '!~', value: 'test.*' },
        ],
      },
    });
    assert.deepEqual(rule.match.matchers, [
      { label: 'team', op: '=~', value: 'dba|sre' },
      { label: 'env', op: '!=', value: 'dev' },
      { label: 'severity', op: '=', value: 'critical' },
      { label: 'zone', op: '!~', value: 'test.*' },
    ]);
  });

  test('names a malformed matcher and a bad regex, in Chinese when asked', () => {
    const result = validate(ruleSchema, { ...base, match: { matchers: ['team ~ dba', 'x=~"("'] } }, 'zh-CN');
    assert.equal(result.ok, false);
    const problems = result.ok ? [] : result.problems;
    assert.deepEqual(
      problems.map((problem) => problem.path),
      ['match.matchers[0]', 'match.matchers[1].value']
    );
    assert.match(problems[0].message, /不是有效的匹配条件/);
    assert.match(problems[1].message, /正则表达式/);
  });

  test('mentions may be a plain list of userids, mobiles and @all', () => {
    const rule = ruleSchema.parse({ ...base, mentions: ['zhangsan', '13800001111', '@all'] });
    assert.deepEqual(rule.mentions, { users: ['zhangsan'], mobiles: ['13800001111'], all: true });
    assert.deepEqual(ruleSchema.parse(base).mentions, { users: [], mobiles: [], all: false });
  });

  test('defaults: zh-CN, Asia/Shanghai, resolved messages on, every status', () => {
    const rule = ruleSchema.parse(base);
    assert.equal(rule.language, 'zh-CN');
    assert.equal(rule.timezone, 'Asia/Shanghai');
    assert.equal(rule.sendResolved, true);
    assert.deepEqual(rule.match, { matchers: [], severities: [], statuses: [] });
    assert.deepEqual(rule.labels, { hide: [], first: [] });
  });

  test('labels: which to hide and which to show first; a misspelt key is named', () => {
    const rule = ruleSchema.parse({ ...base, labels: { hide: ['grafana_folder'], first: ['cluster'] } });
    assert.deepEqual(rule.labels, { hide: ['grafana_folder'], first: ['cluster'] });
    const result = validate(ruleSchema, { ...base, labels: { hidden: ['x'] } }, 'en');
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems.map((problem) => problem.path), ['labels.hidden']);
  });
});
