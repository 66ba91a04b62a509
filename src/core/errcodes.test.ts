import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { answerHint, answerHints, decide, egressIpFromErrmsg, type HintLanguage } from './errcodes';

const errcodeAction = (errcode: number) => decide({ errcode, httpStatus: 200 }).action;
const errcodeHint = (errcode: number, errmsg: string, language: HintLanguage) =>
  answerHint({ errcode, httpStatus: 200, errmsg }, language);

const TRUSTED_IP_ERRMSG =
  'not allow to access from your ip, hint: [1700000000_ab12], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=60020';

describe('errcodeAction', () => {
  it('retries transient codes', () => {
    for (const code of [-1, 45009, 45033]) {
      assert.equal(errcodeAction(code), 'retry', String(code));
    }
  });

  it('refreshes the token on 40014 and 42001', () => {
    assert.equal(errcodeAction(40014), 'refresh-token');
    assert.equal(errcodeAction(42001), 'refresh-token');
  });

  it('fails at once on configuration, content and recipient errors', () => {
    for (const code of [40058, 93000, 93004, 60020, 40001, 40013, 40056, 301002, 48002, 81013, 40032, 45002]) {
      assert.equal(errcodeAction(code), 'permanent', String(code));
    }
  });

  it('backs off on unknown codes instead of dropping the message', () => {
    assert.equal(errcodeAction(123456), 'retry');
  });
});

describe('egressIpFromErrmsg', () => {
  it('finds the IPv4 address WeCom saw', () => {
    assert.equal(egressIpFromErrmsg(TRUSTED_IP_ERRMSG), '203.0.113.7');
  });

  it('finds an IPv6 address', () => {
    assert.equal(egressIpFromErrmsg('x, from ip: 2001:db8::1, more info at …'), '2001:db8::1');
  });

  it('returns undefined when there is none', () => {
    assert.equal(egressIpFromErrmsg('invalid credential'), undefined);
  });
});

describe('errcodeHint', () => {
  it('60020 names the egress IP, 企业可信IP and the trusted-domain prerequisite', () => {
    const zh = errcodeHint(60020, TRUSTED_IP_ERRMSG, 'zh-CN');
    assert.match(zh, /203\.0\.113\.7/);
    assert.match(zh, /企业可信IP/);
    assert.match(zh, /可信域名/);
    const en = errcodeHint(60020, TRUSTED_IP_ERRMSG, 'en');
    assert.match(en, /203\.0\.113\.7/);
    assert.match(en, /trusted domain/);
  });

  it('60020 without an IP still explains what to do', () => {
    assert.match(errcodeHint(60020, 'not allow to access from your ip', 'en'), /egress IP/);
  });

  it('names the wrong credential', () => {
    assert.match(errcodeHint(40001, '', 'en'), /Secret/);
    assert.match(errcodeHint(40013, '', 'en'), /corpId/);
    assert.match(errcodeHint(40056, '', 'en'), /AgentId/);
    assert.match(errcodeHint(301002, '', 'zh-CN'), /Secret 与 AgentId/);
    assert.match(errcodeHint(40091, '', 'en'), /another corp/);
    assert.match(errcodeHint(48002, '', 'en'), /contacts-sync/);
  });

  it('93000 says to recreate the robot and update the key', () => {
    assert.match(errcodeHint(93000, 'invalid webhook url', 'zh-CN'), /重新添加机器人.*key/);
    assert.match(errcodeHint(93000, 'invalid webhook url', 'en'), /removed from the group/);
  });

  it('81013 points at the visible range', () => {
    assert.match(errcodeHint(81013, '', 'zh-CN'), /可见范围/);
  });

  it('40058 repeats what WeCom said was too long, without the errmsg tail', () => {
    const hint = errcodeHint(
      40058,
      'markdown.content exceed max length 4096. invalid Request Parameter, hint: [1_a], from ip: 1.2.3.4, more info at …',
      'en'
    );
    assert.match(hint, /too long/);
    assert.match(hint, /markdown\.content exceed max length 4096/);
    assert.doesNotMatch(hint, /from ip/);
  });

  it('explains rate limits and busy', () => {
    assert.match(errcodeHint(45009, '', 'en'), /rate limit/);
    assert.match(errcodeHint(-1, '', 'zh-CN'), /繁忙/);
  });

  it('gives unknown codes a generic hint with the code', () => {
    const hint = errcodeHint(123456, 'something odd, hint: [x], from ip: 1.2.3.4', 'en');
    assert.match(hint, /123456/);
    assert.match(hint, /something odd/);
    assert.match(errcodeHint(123456, '', 'zh-CN'), /错误码 123456/);
  });
});

describe('the decision table', () => {
  const errcode = (code: number) => ({ errcode: code, httpStatus: 200 });
  const http = (status: number) => ({ errcode: null, httpStatus: status });
  const network = { errcode: null, httpStatus: null };
  const cases: Array<[string, { errcode: number | null; httpStatus: number | null }, ReturnType<typeof decide>]> = [
    ['busy', errcode(-1), { action: 'retry', scope: 'destination', minWaitMs: 0 }],
    ['robot minute used up', errcode(45009), { action: 'retry', scope: 'destination', minWaitMs: 60_000 }],
    ['too many concurrent calls', errcode(45033), { action: 'retry', scope: 'destination', minWaitMs: 0 }],
    ['token revoked', errcode(40014), { action: 'refresh-token', scope: 'destination', minWaitMs: 0 }],
    ['token expired', errcode(42001), { action: 'refresh-token', scope: 'destination', minWaitMs: 0 }],
    ['message too long', errcode(40058), { action: 'permanent', scope: 'message', minWaitMs: 0 }],
    ['app message too long', errcode(45002), { action: 'permanent', scope: 'message', minWaitMs: 0 }],
    ['empty content', errcode(44004), { action: 'permanent', scope: 'message', minWaitMs: 0 }],
    ['unsupported message type', errcode(40008), { action: 'permanent', scope: 'message', minWaitMs: 0 }],
    ['robot gone', errcode(93000), { action: 'permanent', scope: 'destination', minWaitMs: 0 }],
    ['untrusted IP', errcode(60020), { action: 'permanent', scope: 'destination', minWaitMs: 0 }],
    ['wrong secret', errcode(40001), { action: 'permanent', scope: 'destination', minWaitMs: 0 }],
    ['no valid recipient', errcode(81013), { action: 'permanent', scope: 'destination', minWaitMs: 0 }],
    ['unknown errcode', errcode(123456), { action: 'retry', scope: 'destination', minWaitMs: 0 }],
    ['no answer', network, { action: 'retry', scope: 'destination', minWaitMs: 0 }],
    ['HTTP 502', http(502), { action: 'retry', scope: 'destination', minWaitMs: 0 }],
    ['HTTP 429', http(429), { action: 'retry', scope: 'destination', minWaitMs: 0 }],
    ['HTTP 404: wrong API base', http(404), { action: 'permanent', scope: 'destination', minWaitMs: 0 }],
    ['HTTP 200 without an errcode', http(200), { action: 'retry', scope: 'destination', minWaitMs: 0 }],
  ];
  for (const [what, answer, decision] of cases) {
    it(`${what}: ${decision.action}, ${decision.scope}`, () => {
      assert.deepEqual(decide(answer), decision);
    });
  }

  it('every failure has a hint in both languages, network and HTTP failures included', () => {
    for (const [what, answer] of cases) {
      const hints = answerHints({ ...answer, errmsg: 'x', ok: false });
      assert.ok(hints && hints['zh-CN'].length > 0 && hints.en.length > 0, what);
      assert.notEqual(hints['zh-CN'], hints.en, what);
    }
    assert.match(answerHint({ ...network, errmsg: 'connect ECONNREFUSED' }, 'en'), /Could not reach/);
    assert.match(answerHint({ ...http(502), errmsg: '' }, 'zh-CN'), /HTTP 502.*自动重试/);
  });

  it('a success has no hint', () => {
    assert.equal(answerHints({ errcode: 0, httpStatus: 200, errmsg: 'ok', ok: true }), null);
  });
});
