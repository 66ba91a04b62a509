import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { answerHints } from '../../src/core/errcodes';
import type { AppBody, RobotBody } from '../../src/core/messages';
import { WecomClient, type AppRecipients, type SendOutcome } from '../../src/relay/wecom/client';
import { startWecomSimulator, type SimApp, type WecomSimulator } from '../support/wecom-simulator';

const ROBOT_KEY = 'robot-key-0001-abcdef';
const CORP_ID = 'ww0123456789abcdef';
const AGENT_ID = 1000002;
const SECRET = 'app-secret-s3cr3t-value-xyz';
const APP = { corpId: CORP_ID, agentId: AGENT_ID, secret: SECRET };
const OTHER_AGENT: SimApp = {
  corpId: CORP_ID,
  agentId: 1000003,
  secret: 'other-app-secret-value',
  visibleUsers: ['alice'],
};
const MARKDOWN: AppBody = { msgtype: 'markdown', markdown: { content: '**P1** CPU 97%' } };
const ROBOT_MARKDOWN: RobotBody = { msgtype: 'markdown', markdown: { content: '# 告警\nCPU 97%' } };
const users = (...ids: string[]): AppRecipients => ({ users: ids, departments: [], tags: [] });

let wecom: WecomSimulator;
let client: WecomClient;
let refreshes: boolean[];

before(async () => {
  wecom = await startWecomSimulator();
});

after(() => wecom.close());

beforeEach(() => {
  wecom.reset();
  refreshes = [];
  client = new WecomClient({ apiBase: wecom.baseUrl, onTokenRefresh: (_corp, _agent, ok) => refreshes.push(ok) });
});

function addApp(overrides: Partial<SimApp> = {}): void {
  wecom.addApp({ ...APP, visibleUsers: ['alice', 'bob'], ...overrides });
}

describe('robot webhook', () => {
  before(() => wecom.addRobot(ROBOT_KEY));

  it('delivers a message', async () => {
    const outcome = await client.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN);
    assert.deepEqual(
      { ok: outcome.ok, errcode: outcome.errcode, action: outcome.action, httpStatus: outcome.httpStatus },
      { ok: true, errcode: 0, action: 'done', httpStatus: 200 }
    );
    assert.equal(answerHints(outcome), null);
    assert.equal(outcome.errmsg, 'ok', "WeCom's errmsg as it came");
    assert.deepEqual(
      wecom.robotMessages(ROBOT_KEY).map((m) => m.body),
      [ROBOT_MARKDOWN]
    );
  });

  it('40058 for content over 4096 bytes is permanent, with a hint', async () => {
    const outcome = await client.sendRobot(ROBOT_KEY, {
      msgtype: 'markdown',
      markdown: { content: '中'.repeat(1366) },
    });
    assert.equal(outcome.errcode, 40058);
    assert.equal(outcome.action, 'permanent');
    assert.match(outcome.errmsg, /markdown\.content exceed max length 4096/);
    assert.match(answerHints(outcome)?.en ?? '', /too long/);
    assert.match(answerHints(outcome)?.['zh-CN'] ?? '', /4096 字节/);
    assert.equal(wecom.robotMessages(ROBOT_KEY).length, 0);
  });

  it('93000 for an unknown key is permanent', async () => {
    const outcome = await client.sendRobot('removed-robot-key', ROBOT_MARKDOWN);
    assert.equal(outcome.errcode, 93000);
    assert.equal(outcome.action, 'permanent');
    assert.match(answerHints(outcome)?.['zh-CN'] ?? '', /重新添加机器人/);
  });

  it('45009 after 20 messages a minute is retried, and the 21st is not delivered', async () => {
    const outcomes: SendOutcome[] = [];
    for (let i = 0; i < 21; i++) {
      outcomes.push(await client.sendRobot(ROBOT_KEY, { msgtype: 'text', text: { content: `#${i}` } }));
    }
    assert.ok(outcomes.slice(0, 20).every((o) => o.ok));
    assert.equal(outcomes[20].errcode, 45009);
    assert.equal(outcomes[20].action, 'retry');
    assert.equal(wecom.robotMessages(ROBOT_KEY).length, 20);
    assert.equal(wecom.count45009(), 1);
  });

  it('HTTP 500 and a reset connection are retried', async () => {
    wecom.inject({ path: 'robot', kind: 'http500' });
    wecom.inject({ path: 'robot', kind: 'reset' });
    const http500 = await client.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN);
    assert.deepEqual([http500.errcode, http500.httpStatus, http500.action], [null, 500, 'retry']);
    const reset = await client.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN);
    assert.deepEqual([reset.errcode, reset.httpStatus, reset.action], [null, null, 'retry']);
    assert.match(reset.errmsg, /network error/);
    assert.equal(wecom.robotMessages(ROBOT_KEY).length, 0);
  });

  it('-1 (busy) and 45033 are retried', async () => {
    wecom.inject({ path: 'robot', kind: 'busy' });
    wecom.inject({ path: 'robot', kind: 'concurrency' });
    const busy = await client.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN);
    const concurrency = await client.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN);
    assert.deepEqual([busy.errcode, busy.action], [-1, 'retry']);
    assert.deepEqual([concurrency.errcode, concurrency.action], [45033, 'retry']);
  });

  it('a slow reply times out and is retried', async () => {
    const impatient = new WecomClient({ apiBase: wecom.baseUrl, timeoutMs: 100 });
    wecom.inject({ path: 'robot', kind: 'delay', delayMs: 400 });
    const outcome = await impatient.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN);
    assert.equal(outcome.action, 'retry');
    assert.match(outcome.errmsg, /no reply within 100 ms/);
  });

  it('an HTTP 404 without an errcode (wrong API base) is permanent', async () => {
    const misconfigured = new WecomClient({ apiBase: `${wecom.baseUrl}/wrong-prefix/` });
    const outcome = await misconfigured.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN);
    assert.deepEqual([outcome.errcode, outcome.httpStatus, outcome.action], [null, 404, 'permanent']);
    assert.match(answerHints(outcome)?.en ?? '', /API base URL/);
  });
});

describe('app message tokens', () => {
  it('caches the token: N sends make one gettoken call', async () => {
    addApp();
    for (let i = 0; i < 5; i++) {
      assert.equal((await client.sendApp(APP, users('alice'), MARKDOWN)).ok, true);
    }
    assert.equal(wecom.tokenCalls(), 1);
    assert.deepEqual(refreshes, [true]);
    assert.equal(wecom.appMessages('alice').length, 5);
  });

  it('concurrent first sends share one gettoken (single flight)', async () => {
    addApp();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => client.sendApp(APP, users('alice'), MARKDOWN)));
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(wecom.tokenCalls(), 1);
  });

  it('refetches the token when it expires, before WeCom rejects it', async () => {
    const shortLived = await startWecomSimulator({ tokenExpiresInSec: 1 });
    try {
      shortLived.addApp({ ...APP, visibleUsers: ['alice'] });
      const shortClient = new WecomClient({ apiBase: shortLived.baseUrl });
      assert.equal((await shortClient.sendApp(APP, users('alice'), MARKDOWN)).ok, true);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await shortClient.sendApp(APP, users('alice'), MARKDOWN)).ok, true);
      assert.equal(shortLived.tokenCalls(), 2);
      assert.deepEqual(shortLived.rejected(), []);
    } finally {
      await shortLived.close();
    }
  });

  it('40014 after WeCom revokes tokens: exactly one refresh, then success', async () => {
    addApp();
    await client.sendApp(APP, users('alice'), MARKDOWN);
    wecom.invalidateAllTokens();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => client.sendApp(APP, users('alice'), MARKDOWN)));
    assert.ok(outcomes.every((o) => o.ok && o.errcode === 0));
    assert.equal(wecom.tokenCalls(), 2);
    assert.ok(wecom.rejected().every((r) => r.errcode === 40014));
    assert.equal(wecom.appMessages('alice').length, 11);
  });

  it('42001 (expired early) refreshes once and succeeds', async () => {
    addApp();
    await client.sendApp(APP, users('alice'), MARKDOWN);
    wecom.expireAllTokens();
    const outcome = await client.sendApp(APP, users('alice'), MARKDOWN);
    assert.equal(outcome.ok, true);
    assert.deepEqual(
      wecom.rejected().map((r) => r.errcode),
      [42001]
    );
    assert.equal(wecom.tokenCalls(), 2);
  });

  it('40001 (wrong secret) is permanent and does not hammer gettoken', async () => {
    addApp();
    const wrong = { ...APP, secret: 'not-the-right-secret' };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => client.sendApp(wrong, users('alice'), MARKDOWN))
    );
    for (const outcome of outcomes) {
      assert.deepEqual([outcome.errcode, outcome.action, outcome.ok], [40001, 'permanent', false]);
      assert.match(answerHints(outcome)?.en ?? '', /Secret/);
    }
    assert.ok(wecom.tokenCalls() <= 1);
    await client.sendApp(wrong, users('alice'), MARKDOWN);
    assert.equal(wecom.tokenCalls(), 1, 'the refused credential is remembered');
    assert.deepEqual(refreshes, [false]);

    assert.equal((await client.sendApp(APP, users('alice'), MARKDOWN)).ok, true, 'a corrected secret is tried at once');
    assert.equal(wecom.tokenCalls(), 2);
  });

  it('invalidateToken forgets a remembered failure', async () => {
    addApp();
    await client.sendApp({ ...APP, secret: 'not-the-right-secret' }, users('alice'), MARKDOWN);
    client.invalidateToken(CORP_ID, AGENT_ID);
    await client.sendApp({ ...APP, secret: 'not-the-right-secret' }, users('alice'), MARKDOWN);
    assert.equal(wecom.tokenCalls(), 2);
  });

  it('40013 (unknown corp) is permanent', async () => {
    const outcome = await client.sendApp({ ...APP, corpId: 'wwunknown' }, users('alice'), MARKDOWN);
    assert.deepEqual([outcome.errcode, outcome.action], [40013, 'permanent']);
    assert.match(outcome.errmsg, /^gettoken: invalid corpid/);
  });

  it('a failed gettoken (HTTP 500) is retried, not remembered', async () => {
    addApp();
    wecom.inject({ path: 'token', kind: 'http500' });
    const failed = await client.sendApp(APP, users('alice'), MARKDOWN);
    assert.deepEqual([failed.httpStatus, failed.action], [500, 'retry']);
    assert.equal((await client.sendApp(APP, users('alice'), MARKDOWN)).ok, true);
    assert.deepEqual(refreshes, [false, true]);
  });

  it('301002 when the secret belongs to another agent', async () => {
    addApp();
    wecom.addApp(OTHER_AGENT);
    const outcome = await client.sendApp({ ...APP, agentId: OTHER_AGENT.agentId }, users('alice'), MARKDOWN);
    assert.deepEqual([outcome.errcode, outcome.action], [301002, 'permanent']);
    assert.match(answerHints(outcome)?.en ?? '', /different apps/);
  });
});

describe('app message recipients', () => {
  it('batches 2500 users into 3 calls of at most 1000', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => `user${i}`);
    addApp({ visibleUsers: many });
    const outcome = await client.sendApp(APP, users(...many), MARKDOWN);
    assert.equal(outcome.ok, true);
    const calls = wecom.appCalls();
    assert.deepEqual(
      calls.map((c) => c.touser.length),
      [1000, 1000, 500]
    );
    assert.ok(many.every((userid) => wecom.appMessages(userid).length === 1));
  });

  it('batches departments and tags by 100', async () => {
    const parties = Array.from({ length: 150 }, (_, i) => String(i + 1));
    const departments = Object.fromEntries(parties.map((id) => [id, [] as string[]]));
    addApp({ departments, tags: { '7': ['bob'] } });
    const outcome = await client.sendApp(APP, { users: ['alice'], departments: parties, tags: ['7'] }, MARKDOWN);
    assert.equal(outcome.ok, true);
    assert.deepEqual(
      wecom.appCalls().map((c) => [c.touser.length, c.toparty.length, c.totag.length]),
      [
        [1, 100, 1],
        [0, 50, 0],
      ]
    );
    assert.equal(wecom.appMessages('bob').length, 1);
  });

  it('reports recipients outside the visible range and still delivers to the rest', async () => {
    addApp({ unlicensedUsers: ['bob'] });
    const outcome = await client.sendApp(
      APP,
      { users: ['alice', 'Ghost', 'bob'], departments: ['42'], tags: ['9'] },
      MARKDOWN
    );
    assert.deepEqual([outcome.ok, outcome.errcode, outcome.action], [true, 0, 'done']);
    assert.deepEqual(outcome.invalidRecipients, ['ghost', 'party:42', 'tag:9', 'unlicensed:bob']);
    assert.equal(wecom.appMessages('alice').length, 1);
  });

  it('81013 when every recipient is invalid', async () => {
    addApp();
    const outcome = await client.sendApp(APP, users('ghost1', 'ghost2'), MARKDOWN);
    assert.deepEqual([outcome.ok, outcome.errcode, outcome.action], [false, 81013, 'permanent']);
    assert.deepEqual(outcome.invalidRecipients, ['ghost1', 'ghost2']);
    assert.match(answerHints(outcome)?.['zh-CN'] ?? '', /可见范围/);
  });

  it('81013 in one batch does not stop the other batches', async () => {
    const ghosts = Array.from({ length: 1000 }, (_, i) => `ghost${i}`);
    addApp();
    const outcome = await client.sendApp(APP, users(...ghosts, 'alice'), MARKDOWN);
    assert.deepEqual([outcome.ok, outcome.errcode], [false, 81013]);
    assert.equal(outcome.invalidRecipients?.length, 1000);
    assert.equal(wecom.appMessages('alice').length, 1);
  });

  it('sends nothing when there are no recipients', async () => {
    addApp();
    const outcome = await client.sendApp(APP, users(), MARKDOWN);
    assert.deepEqual([outcome.ok, outcome.action], [false, 'permanent']);
    assert.equal(wecom.tokenCalls(), 0);
  });

  it('60020 names the egress IP to add to 企业可信IP', async () => {
    addApp();
    wecom.setTrustedIp({});
    const outcome = await client.sendApp(APP, users('alice'), MARKDOWN);
    assert.deepEqual([outcome.errcode, outcome.action], [60020, 'permanent']);
    assert.match(answerHints(outcome)?.['zh-CN'] ?? '', /203\.0\.113\.7.*企业可信IP/);
    assert.match(answerHints(outcome)?.en ?? '', /203\.0\.113\.7/);
  });

  it('60020 from gettoken is remembered like a wrong secret', async () => {
    addApp();
    wecom.setTrustedIp({ scope: 'all', egressIp: '198.51.100.9' });
    const first = await client.sendApp(APP, users('alice'), MARKDOWN);
    await client.sendApp(APP, users('alice'), MARKDOWN);
    assert.equal(first.errcode, 60020);
    assert.match(answerHints(first)?.en ?? '', /198\.51\.100\.9/);
    assert.equal(wecom.tokenCalls(), 1);
  });
});

describe('simulator limits the client must respect', () => {
  it('drops messages over 30 per minute per recipient silently, with errcode 0', async () => {
    addApp();
    const outcomes: SendOutcome[] = [];
    for (let i = 0; i < 31; i++) {
      outcomes.push(await client.sendApp(APP, users('alice'), MARKDOWN));
    }
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(wecom.appMessages('alice').length, 30);
    assert.deepEqual(
      wecom.dropped('alice').map((d) => d.limit),
      ['minute']
    );
  });

  it('rejects app markdown over 2048 bytes and markdown_v2 for apps', async () => {
    addApp();
    const long = await client.sendApp(APP, users('alice'), {
      msgtype: 'markdown',
      markdown: { content: 'x'.repeat(2049) },
    });
    assert.deepEqual([long.errcode, long.action], [40058, 'permanent']);
    const v2 = { msgtype: 'markdown_v2', markdown_v2: { content: 'x' } } as unknown as AppBody;
    assert.equal((await client.sendApp(APP, users('alice'), v2)).errcode, 40008);
  });
});

describe('secrets stay out of outcomes', () => {
  it('no robot key, secret or access_token in any outcome', async () => {
    wecom.addRobot(ROBOT_KEY);
    addApp();
    const issuedTokens: string[] = [];
    const outcomes: SendOutcome[] = [];
    const impatient = new WecomClient({ apiBase: wecom.baseUrl, timeoutMs: 100 });

    outcomes.push(await client.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN));
    outcomes.push(await client.sendRobot(`${ROBOT_KEY}-gone`, ROBOT_MARKDOWN));
    wecom.inject({ path: 'robot', kind: 'reset' });
    outcomes.push(await client.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN));
    wecom.inject({ path: 'robot', kind: 'delay', delayMs: 300 });
    outcomes.push(await impatient.sendRobot(ROBOT_KEY, ROBOT_MARKDOWN));
    outcomes.push(await new WecomClient({ apiBase: `${wecom.baseUrl}/x` }).sendRobot(ROBOT_KEY, ROBOT_MARKDOWN));

    outcomes.push(await client.sendApp(APP, users('alice', 'ghost'), MARKDOWN));
    wecom.inject({ path: 'app', kind: 'reset' });
    outcomes.push(await client.sendApp(APP, users('alice'), MARKDOWN));
    wecom.inject({ path: 'app', kind: 'http500' });
    outcomes.push(await client.sendApp(APP, users('alice'), MARKDOWN));
    wecom.invalidateAllTokens();
    outcomes.push(await client.sendApp(APP, users('alice'), MARKDOWN));
    wecom.inject({ path: 'token', kind: 'reset' });
    outcomes.push(await impatient.sendApp(APP, users('alice'), MARKDOWN));
    outcomes.push(await client.sendApp({ ...APP, secret: `${SECRET}-old` }, users('alice'), MARKDOWN));
    wecom.setTrustedIp({});
    outcomes.push(await client.sendApp(APP, users('alice'), MARKDOWN));

    const gettoken = await fetch(`${wecom.baseUrl}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=${SECRET}`);
    issuedTokens.push(((await gettoken.json()) as { access_token: string }).access_token);

    const text = JSON.stringify(outcomes);
    for (const secret of [ROBOT_KEY, SECRET, ...issuedTokens]) {
      assert.ok(!text.includes(secret), `outcomes leak ${secret.slice(0, 6)}…`);
    }
    assert.doesNotMatch(text, /[0-9a-f]{64}/, 'no simulator access_token');
    assert.match(text, /key=\*\*\*/);
  });
});
