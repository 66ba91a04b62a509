/**
 * Every admin route with bad input: missing fields, wrong types, unknown uids, oversized values,
 * bad tokens. Each answer is a 4xx a person can act on (in English or Chinese), never a 5xx, and
 * nothing is created or changed by it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, INGEST_TOKEN, fixture, startHarness, type Harness } from '../support/relay-harness';

interface Case {
  method: string;
  path: string;
  /** An object is sent as JSON; a string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  expect: number;
}

const SERVICE_ROUTES = [
  'GET /services/{uid}',
  'PUT /services/{uid}',
  'DELETE /services/{uid}',
  'POST /services/{uid}/test',
];
const RULE_ROUTES = [
  'GET /rules/{uid}',
  'PUT /rules/{uid}',
  'DELETE /rules/{uid}',
  'POST /rules/{uid}/preview',
  'POST /rules/{uid}/contact-point',
];
const DELIVERY_ROUTES = ['GET /deliveries/{id}', 'POST /deliveries/{id}/retry'];
const OTHER_ROUTES = [
  'GET /services',
  'POST /services',
  'GET /rules',
  'POST /rules',
  'GET /deliveries',
  'GET /status',
  'POST /provisioning/reload',
];
const ALL_ROUTES = [...SERVICE_ROUTES, ...RULE_ROUTES, ...DELIVERY_ROUTES, ...OTHER_ROUTES];

const long = (length: number) => 'x'.repeat(length);

function route(spec: string, values: { uid?: string; id?: string } = {}): { method: string; path: string } {
  const [method, path] = spec.split(' ');
  return { method, path: path.replace('{uid}', values.uid ?? 'svc').replace('{id}', values.id ?? '1') };
}

/** A body for routes that take one. */
function bodyFor(method: string, body: unknown): unknown {
  return method === 'POST' || method === 'PUT' ? body : undefined;
}

function authCases(): Case[] {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const wrong = [
    undefined,
    'Bearer wrong',
    `Bearer ${ADMIN_TOKEN}x`,
    `Bearer ${INGEST_TOKEN}`,
    'Bearer',
    'Token abc',
    basic('admin', 'wrong'),
    'Basic !!!',
    long(4000),
  ];
  return ALL_ROUTES.flatMap((spec) =>
    wrong.map((authorization) => {
      const { method, path } = route(spec);
      return { method, path, headers: { authorization: authorization ?? '' }, body: bodyFor(method, {}), expect: 401 };
    })
  );
}

function unknownCases(): Case[] {
  const uids: Array<[string, number]> = [
    ['no-such', 404],
    ['..%2F..%2Fetc%2Fpasswd', 404],
    ['%00', 404],
    [encodeURIComponent('中文'), 404],
    ['a%20b', 404],
    [long(2000), 414],
    ['%E0%A4%A', 400],
  ];
  const ids: Array<[string, number]> = [
    ['abc', 404],
    ['-1', 404],
    ['0', 404],
    ['1.5', 404],
    ['99999999999999999999', 404],
    ['1e3', 404],
    [long(500), 414],
  ];
  return [
    ...[...SERVICE_ROUTES, ...RULE_ROUTES].flatMap((spec) =>
      uids.map(([uid, expect]) => {
        const { method, path } = route(spec, { uid });
        return { method, path, body: bodyFor(method, { version: 1 }), expect };
      })
    ),
    ...DELIVERY_ROUTES.flatMap((spec) => ids.map(([id, expect]) => ({ ...route(spec, { id }), expect }))),
  ];
}

/** Bodies no JSON route accepts. */
function rawBodyCases(): Case[] {
  const raw: Array<Omit<Case, 'method' | 'path'>> = [
    { body: '{', headers: json, expect: 400 },
    { body: '{"uid": "a",}', headers: json, expect: 400 },
    { body: '{"__proto__": {"admin": true}}', headers: json, expect: 400 },
    { body: '{"constructor": {"prototype": {"admin": true}}}', headers: json, expect: 400 },
    { body: '<service/>', headers: { 'content-type': 'application/xml' }, expect: 415 },
    { body: 'uid=a&name=b', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: 415 },
    { body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=x' }, expect: 415 },
  ];
  const writes = [
    'POST /services',
    'PUT /services/{uid}',
    'POST /services/{uid}/test',
    'POST /rules',
    'PUT /rules/{uid}',
    'POST /rules/{uid}/preview',
    'POST /rules/{uid}/contact-point',
    'POST /deliveries/{id}/retry',
    'POST /provisioning/reload',
  ];
  // An empty JSON body is no body: a create needs one (400), a replace needs a version first (428).
  const empty: Case[] = [
    { method: 'POST', path: '/services', body: '', headers: json, expect: 400 },
    { method: 'POST', path: '/rules', body: '', headers: json, expect: 400 },
    { method: 'PUT', path: '/services/svc', body: '', headers: json, expect: 428 },
    { method: 'PUT', path: '/rules/rule', body: '', headers: json, expect: 428 },
  ];
  return [
    ...empty,
    ...writes.flatMap((spec) =>
      raw.map((item) => ({ ...route(spec, { uid: spec.includes('rules') ? 'rule' : 'svc' }), ...item }))
    ),
  ];
}

function serviceBodies(): unknown[] {
  const robot = { groups: '群', webhookUrl: 'abcdefgh12345678' };
  const app = { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 's', accounts: ['zhangsan'] };
  return [
    {},
    null,
    [],
    'service',
    42,
    { uid: 123, name: ['n'], robots: {} },
    { uid: 'svc-x', name: 'x' },
    { uid: 'svc-x', name: 'x', robots: 'abcdefgh12345678' },
    { uid: 'svc-x', name: 'x', robots: [null] },
    { uid: 'svc-x', name: 'x', robots: [{ webhookUrl: 12345678 }] },
    { uid: long(65), name: 'x', robots: [robot] },
    { uid: '-starts-with-dash', name: 'x', robots: [robot] },
    { uid: 'svc-x', name: long(10_000), robots: [robot] },
    { uid: 'svc-x', name: '   ', robots: [robot] },
    { uid: 'svc-x', name: 'x', description: long(100_000), robots: [robot] },
    {
      uid: 'svc-x',
      name: 'x',
      robots: [{ webhookUrl: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${long(5000)}` }],
    },
    { uid: 'svc-x', name: 'x', robots: Array.from({ length: 51 }, () => robot) },
    { uid: 'svc-x', name: 'x', robots: [{ webhookUrl: 'file:///etc/passwd' }] },
    {
      uid: 'svc-x',
      name: 'x',
      robots: [{ webhookUrl: 'http://127.0.0.1:22/cgi-bin/webhook/send?key=abcdefgh12345678' }],
    },
    { uid: 'svc-x', name: 'x', app: [] },
    { uid: 'svc-x', name: 'x', app: { ...app, agentId: 1e20 } },
    { uid: 'svc-x', name: 'x', app: { ...app, agentId: -1 } },
    { uid: 'svc-x', name: 'x', app: { ...app, agentId: 'ten' } },
    { uid: 'svc-x', name: 'x', app: { ...app, accounts: [] } },
    { uid: 'svc-x', name: 'x', app: { ...app, accounts: 'zhangsan' } },
    { uid: 'svc-x', name: 'x', app: { ...app, accounts: ['has space'] } },
    { uid: 'svc-x', name: 'x', app: { ...app, accounts: Array.from({ length: 10_001 }, (_, i) => `u${i}`) } },
    { uid: 'svc-x', name: 'x', app: { ...app, departments: ['abc'] } },
    { uid: 'svc-x', name: 'x', app: { ...app, msgType: 'news' } },
    { uid: 'svc-x', name: 'x', app: { ...app, secret: long(600) } },
    { uid: 'svc-x', name: '\ud800', robots: [{ webhookUrl: '\udfff' }] },
  ];
}

function ruleBodies(): unknown[] {
  const base = { uid: 'rule-x', name: 'x', services: ['svc'] };
  return [
    {},
    null,
    [],
    { ...base, services: 'svc' },
    { ...base, services: [] },
    { ...base, services: [long(100)] },
    { ...base, services: ['no-such-service'] },
    { ...base, services: Array.from({ length: 51 }, () => 'svc') },
    { ...base, enabled: 'yes' },
    { ...base, language: 'de' },
    { ...base, timezone: 5 },
    { ...base, timezone: 'Nowhere/City' },
    { ...base, match: { matchers: [{ label: 'a', op: '=~', value: '(' }] } },
    { ...base, match: { matchers: [{ label: '', op: '==', value: 1 }] } },
    { ...base, match: { severities: long(10) } },
    { ...base, template: { alert: long(20_000) } },
    { ...base, template: { alert: '{% if %}' } },
    { ...base, template: { title: '{{ alerts | nosuchfilter }}' } },
    { ...base, template: { alert: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' } },
    { ...base, mentions: { users: ['not a userid'], mobiles: ['abc'], all: 'yes' } },
    { ...base, quietHours: { start: '24:00', end: '7' } },
    { ...base, hmac: { secret: '' } },
    { ...base, hmac: 'secret' },
  ];
}

function previewBodies(): unknown[] {
  const alert = fixture('grafana-firing.json').alerts[0];
  return [
    [],
    'firing',
    { sample: 'lots' },
    { source: 'prometheus' },
    { payload: 'alerts' },
    { payload: [] },
    { payload: { alerts: 'x' } },
    { payload: { alerts: [null] } },
    { payload: { alerts: [{ ...alert, labels: 'x' }] } },
    { payload: { alerts: [{ ...alert, startsAt: 'yesterday' }] } },
  ];
}

/** {"a":{"a":…}} `depth` levels deep, as JSON text (too deep for JSON.stringify). */
function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);
}

const json = { 'content-type': 'application/json' };

function bodyCases(): Case[] {
  const isObject = (body: unknown) => typeof body === 'object' && body !== null && !Array.isArray(body);
  // A PUT body that is not an object cannot carry a version, so it is refused for that first.
  const put = (path: string, body: unknown): Case =>
    isObject(body)
      ? { method: 'PUT', path, body: { ...(body as object), version: 1 }, expect: 400 }
      : { method: 'PUT', path, body, expect: 428 };
  return [
    ...serviceBodies().map((body) => ({ method: 'POST', path: '/services', body, expect: 400 })),
    ...serviceBodies().map((body) => put('/services/svc', body)),
    ...ruleBodies().map((body) => ({ method: 'POST', path: '/rules', body, expect: 400 })),
    ...ruleBodies().map((body) => put('/rules/rule', body)),
    ...previewBodies().map((body) => ({ method: 'POST', path: '/rules/rule/preview', body, expect: 400 })),
    { method: 'POST', path: '/services', body: nested(100_000), headers: json, expect: 400 },
    { method: 'POST', path: '/rules', body: nested(100_000), headers: json, expect: 400 },
    {
      method: 'POST',
      path: '/rules/rule/preview',
      body: `{"payload":{"alerts":[{"labels":${nested(5_000)}}]}}`,
      headers: json,
      expect: 400,
    },
  ];
}

function versionCases(): Case[] {
  const body = { uid: 'svc', name: 'x', robots: [{ webhookUrl: 'abcdefgh12345678' }] };
  return [
    { method: 'PUT', path: '/services/svc', body, expect: 428 },
    { method: 'PUT', path: '/services/svc', body: { ...body, version: '1' }, expect: 428 },
    { method: 'PUT', path: '/services/svc', body: { ...body, version: 1.5 }, expect: 428 },
    { method: 'PUT', path: '/services/svc', body, headers: { 'if-match': '*' }, expect: 428 },
    { method: 'PUT', path: '/services/svc', body, headers: { 'if-match': 'W/"abc"' }, expect: 428 },
    { method: 'PUT', path: '/services/svc', body: { ...body, version: -1 }, expect: 409 },
    { method: 'PUT', path: '/services/svc', body: { ...body, version: 99 }, expect: 409 },
    { method: 'PUT', path: '/services/svc', body, headers: { 'if-match': `"${'9'.repeat(30)}"` }, expect: 409 },
    { method: 'DELETE', path: '/services/svc', headers: { 'if-match': '"99"' }, expect: 409 },
    { method: 'DELETE', path: '/services/ops', expect: 409 },
    {
      method: 'POST',
      path: '/services',
      body: { uid: 'svc', name: 'x', robots: [{ webhookUrl: 'abcdefgh12345678' }] },
      expect: 409,
    },
    { method: 'PUT', path: '/rules/rule', body: { uid: 'rule', name: 'x', services: ['svc'] }, expect: 428 },
    {
      method: 'PUT',
      path: '/rules/critical',
      body: { uid: 'critical', name: 'x', services: ['ops'], version: 1 },
      expect: 409,
    },
    { method: 'DELETE', path: '/services/svc', headers: { 'if-match': '"1"' }, expect: 409 },
  ];
}

function queryCases(): Case[] {
  const queries = [
    'status=bogus',
    'status=sent&status=failed',
    'limit=0',
    'limit=201',
    'limit=abc',
    'limit=1.5',
    'limit=-1',
    'cursor=0',
    'cursor=-5',
    'cursor=abc',
    'since=yesterday',
    'since=-1',
    'until=2026-13-45T99:99:99Z',
    'since=2026-01-02',
    `rule=${long(100)}`,
    `service=${long(100)}`,
    `destination=${long(200)}`,
    `status=${long(8000)}`,
  ];
  return queries.map((query) => ({ method: 'GET', path: `/deliveries?${query}`, expect: 400 }));
}

function otherCases(): Case[] {
  return [
    { method: 'PATCH', path: '/services/svc', body: {}, expect: 404 },
    { method: 'GET', path: '/services/svc/test', expect: 404 },
    { method: 'PUT', path: '/services', body: {}, expect: 404 },
    { method: 'DELETE', path: '/deliveries/1', expect: 404 },
    { method: 'GET', path: '/nothing-here', expect: 404 },
    { method: 'POST', path: '/deliveries/1/retry', expect: 409 },
  ];
}

describe('bad input to the admin API', () => {
  let h: Harness;
  let pendingId: number;
  before(async () => {
    h = await startHarness();
    const created = await send({
      method: 'POST',
      path: '/services',
      body: { uid: 'svc', name: '服务', robots: [{ webhookUrl: 'abcdefgh12345678' }] },
      expect: 201,
    });
    assert.equal(created.status, 201);
    // Quiet hours from an hour ago to two hours from now: delivery 1 stays pending, so retrying it is refused.
    const hour = new Date().getUTCHours();
    const at = (offset: number) => `${String((hour + offset + 24) % 24).padStart(2, '0')}:00`;
    const rule = {
      uid: 'rule',
      name: '规则',
      services: ['svc'],
      timezone: 'UTC',
      quietHours: { start: at(-1), end: at(2), allowSeverities: [] },
    };
    assert.equal((await send({ method: 'POST', path: '/rules', body: rule, expect: 201 })).status, 201);
    pendingId = (await (await h.post('grafana', 'rule', fixture('grafana-firing.json'))).json()).ids[0];
  });
  after(() => h.close());

  async function send(item: Case, language = 'en') {
    const body =
      item.body === undefined ? undefined : typeof item.body === 'string' ? item.body : JSON.stringify(item.body);
    const response = await fetch(`${h.relay.url}/api/v1${item.path}`, {
      method: item.method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'accept-language': language,
        ...(body === undefined || typeof item.body === 'string' ? {} : { 'content-type': 'application/json' }),
        ...item.headers,
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  /** Sends each case in English and in Chinese and checks the answer. */
  async function check(cases: Case[]) {
    const failures: string[] = [];
    for (const item of cases) {
      for (const language of ['en', 'zh-CN']) {
        const answer = await send(item, language);
        const what = `${item.method} ${item.path.slice(0, 80)} ${JSON.stringify(item.body ?? null).slice(0, 80)} [${language}]`;
        let body: any;
        try {
          body = JSON.parse(answer.text);
        } catch {
          failures.push(`${what}: not JSON: ${answer.text.slice(0, 100)}`);
          continue;
        }
        if (answer.status !== item.expect) {
          failures.push(`${what}: ${answer.status} (expected ${item.expect}): ${answer.text.slice(0, 300)}`);
        } else if (
          body.statusCode !== answer.status ||
          typeof body.error !== 'string' ||
          typeof body.message !== 'string' ||
          body.message === ''
        ) {
          failures.push(`${what}: not an error body: ${answer.text.slice(0, 300)}`);
        } else if (language === 'zh-CN' && !/[\u4e00-\u9fff]/.test(body.message)) {
          failures.push(`${what}: message not in Chinese: ${body.message.slice(0, 200)}`);
        } else if (
          body.problems &&
          !body.problems.every(
            (problem: any) =>
              typeof problem.path === 'string' && typeof problem.message === 'string' && problem.message !== ''
          )
        ) {
          failures.push(`${what}: problems without path or message: ${JSON.stringify(body.problems).slice(0, 300)}`);
        }
        if (answer.status === 401 && answer.headers.get('www-authenticate') !== 'Bearer realm="wecom-relay admin"') {
          failures.push(`${what}: 401 without WWW-Authenticate`);
        }
      }
    }
    assert.deepEqual(failures, []);
  }

  test('a missing or wrong admin token is 401 on every route', () => check(authCases()));
  test('an unknown uid or delivery id is 404 on every route that takes one (414 when too long)', () =>
    check(unknownCases()));
  test('a body that is not a JSON object is refused on every route that takes a body', () => check(rawBodyCases()));
  test('missing fields, wrong types and oversized values are 400 naming the field', () => check(bodyCases()));
  test('a write without a version, with a stale one, or to a provisioned object is refused', () =>
    check(versionCases()));
  test('bad delivery log queries are 400 naming the parameter', () => check(queryCases()));
  test('unknown routes and methods are 404, retrying a pending delivery is 409', async () => {
    assert.equal(pendingId, 1);
    await check(otherCases());
  });

  test('a body over the size limit is 413', async () => {
    await check([
      {
        method: 'POST',
        path: '/services',
        body: JSON.stringify({ uid: 'big', name: long(17 * 1024 * 1024) }),
        headers: { 'content-type': 'application/json' },
        expect: 413,
      },
    ]);
  });

  test('after all of it, nothing was created or changed, and nothing failed inside', async () => {
    const services = JSON.parse((await send({ method: 'GET', path: '/services', expect: 200 })).text);
    assert.deepEqual(
      services.items.map((item: { uid: string; version: number }) => [item.uid, item.version]),
      [
        ['ops', 1],
        ['svc', 1],
      ]
    );
    const rules = JSON.parse((await send({ method: 'GET', path: '/rules', expect: 200 })).text);
    assert.deepEqual(
      rules.items.map((item: { uid: string; version: number }) => [item.uid, item.version]),
      [
        ['critical', 1],
        ['rule', 1],
      ]
    );
    assert.equal((await fetch(`${h.relay.url}/readyz`)).status, 200);
    const log = fs.readFileSync(h.logFile, 'utf8');
    assert.ok(!log.includes('"statusCode":500'), 'no 5xx in the log');
    assert.ok(!log.includes('request failed'), 'no handler error in the log');
  });
});
