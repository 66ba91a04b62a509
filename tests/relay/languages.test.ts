/**
 * With Accept-Language: zh-CN every error is Chinese, in the user's terms: the webhook's 400, 401
 * and 404, and the admin API's validation problems; in English otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { APP, INGEST_TOKEN, fixture, startHarness, type Harness } from '../support/relay-harness';

const CHINESE = /[\u4e00-\u9fff]/;
/** English a Chinese message must not fall back to: zod's and JSON.parse's wording, and ours. */
const ENGLISH_LEFT = /\b(expected|received|must|missing|unknown|invalid|not valid|Unexpected|token)\b/i;

function assertChinese(message: string, what: string) {
  assert.match(message, CHINESE, `${what} in Chinese: ${message}`);
  assert.doesNotMatch(
    message.replace(/Authorization: Bearer|Basic/g, ''),
    ENGLISH_LEFT,
    `${what}, no English: ${message}`
  );
}

describe('errors in the caller’s language', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const hook = (ruleUid: string, body: unknown, language: string, token = INGEST_TOKEN) =>
    h.post('grafana', ruleUid, body, { 'accept-language': language, authorization: `Bearer ${token}` });

  test('the webhook answers 400, 401 and 404 in Chinese for zh-CN, in English otherwise', async () => {
    const badField = fixture('grafana-firing.json');
    badField.alerts[1].startsAt = 'yesterday';
    const cases: Array<[string, () => Promise<Response>, () => Promise<Response>, number, RegExp]> = [
      [
        'wrong token',
        () => hook('critical', {}, 'zh-CN', 'wrong'),
        () => hook('critical', {}, 'en', 'wrong'),
        401,
        /token/,
      ],
      ['unknown rule', () => hook('nope', {}, 'zh-CN'), () => hook('nope', {}, 'en'), 404, /nope/],
      [
        'bad field',
        () => hook('critical', badField, 'zh-CN,zh;q=0.9'),
        () => hook('critical', badField, 'en-US'),
        400,
        /alerts\[1\]\.startsAt/,
      ],
      [
        'broken JSON',
        () => hook('critical', '{"alerts": [', 'zh-CN'),
        () => hook('critical', '{"alerts": [', 'en'),
        400,
        /not valid JSON/,
      ],
      [
        'not an object',
        () => hook('critical', '{"alerts": x}', 'zh-CN'),
        () => hook('critical', '{"alerts": x}', 'en'),
        400,
        /not valid JSON/,
      ],
    ];
    for (const [what, chinese, english, status, englishText] of cases) {
      const zh = await chinese();
      assert.equal(zh.status, status, what);
      assertChinese((await zh.json()).message, what);
      const en = await english();
      assert.equal(en.status, status, what);
      const message = (await en.json()).message;
      assert.match(message, englishText, what);
      assert.doesNotMatch(message, /[\u4e00-\u9fff]{4,}/, `${what} in English: ${message}`);
    }
  });

  test('validation problems say what is wrong in the user’s terms, in both languages', async () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp, RegExp]> = [
      [
        'a short robot key',
        { robots: [{ webhookUrl: `${h.wecom.baseUrl}/cgi-bin/webhook/send?key=k1` }] },
        'robots[0].webhookUrl',
        /too short/,
        /太短/,
      ],
      [
        'an AgentId that is not a number',
        { app: { ...APP, agentId: 'abc', accounts: ['a'] } },
        'app.agentId',
        /^AgentId must be a number/,
        /^AgentId 必须是数字/,
      ],
      [
        'an empty name',
        { name: '', robots: [{ webhookUrl: h.wecom.robotUrl('a1b2c3d4-9999') }] },
        'name',
        /^must not be empty$/,
        /^不能为空$/,
      ],
      [
        'a bad corpId',
        { app: { ...APP, corpId: 'notacorp', accounts: ['a'] } },
        'app.corpId',
        /not a WeCom corpId/,
        /企业ID/,
      ],
      [
        'an unknown field',
        { colour: 'red', robots: [{ webhookUrl: h.wecom.robotUrl('a1b2c3d4-9999') }] },
        'colour',
        /unknown field "colour"/,
        /未知字段 "colour"/,
      ],
    ];
    for (const [index, [what, fields, path, english, chinese]] of cases.entries()) {
      const body = { uid: `lang-${index}`, name: '语言', ...fields };
      const en = await h.admin('POST', '/services', { body, headers: { 'accept-language': 'en' } });
      const zh = await h.admin('POST', '/services', { body, headers: { 'accept-language': 'zh-CN' } });
      assert.equal(en.status, 400, what);
      assert.equal(zh.status, 400, what);
      const enProblem = en.body.problems.find((problem: { path: string }) => problem.path === path);
      const zhProblem = zh.body.problems.find((problem: { path: string }) => problem.path === path);
      assert.ok(enProblem && zhProblem, `${what}: a problem at ${path}: ${JSON.stringify(zh.body)}`);
      assert.match(enProblem.message, english, what);
      assert.match(zhProblem.message, chinese, what);
      for (const problem of zh.body.problems) {
        assertChinese(problem.message, `${what} (${problem.path})`);
      }
      assertChinese(zh.body.message, `${what}: the summary`);
    }
  });
});
