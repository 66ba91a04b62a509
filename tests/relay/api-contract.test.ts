/**
 * The admin API keeps the contract the plugin pages are typed by: every answer is exactly what
 * its core schema (src/core/api.ts) describes, the OpenAPI document carries those schemas for
 * every route, and no GET ever carries a secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { z } from 'zod';
import {
  contactPointSpecSchema,
  deliveryDetailSchema,
  deliveryPageSchema,
  deliverySummarySchema,
  errorBodySchema,
  listOf,
  previewResultSchema,
  relayStatusSchema,
  reloadResultSchema,
  ruleViewSchema,
  serviceTestResultSchema,
  serviceViewSchema,
} from '../../src/core/api';
import {
  ADMIN_TOKEN,
  APP,
  fixture,
  INGEST_TOKEN,
  provisioningWithBrokenService,
  ROBOT_KEY,
  startHarness,
  type AdminAnswer,
  type Harness,
} from '../support/relay-harness';

/** Each admin route and the core schema of each success answer; null for an answer without a body. */
const CONTRACT: Record<string, Record<number, z.ZodType | null>> = {
  'GET /services': { 200: listOf(serviceViewSchema) },
  'POST /services': { 201: serviceViewSchema },
  'GET /services/{uid}': { 200: serviceViewSchema },
  'PUT /services/{uid}': { 200: serviceViewSchema },
  'DELETE /services/{uid}': { 204: null },
  'POST /services/{uid}/test': { 200: serviceTestResultSchema },
  'GET /rules': { 200: listOf(ruleViewSchema) },
  'POST /rules': { 201: ruleViewSchema },
  'GET /rules/{uid}': { 200: ruleViewSchema },
  'PUT /rules/{uid}': { 200: ruleViewSchema },
  'DELETE /rules/{uid}': { 204: null },
  'POST /rules/{uid}/preview': { 200: previewResultSchema },
  'POST /rules/{uid}/contact-point': { 200: contactPointSpecSchema },
  'GET /deliveries': { 200: deliveryPageSchema },
  'GET /deliveries/{id}': { 200: deliveryDetailSchema },
  'POST /deliveries/{id}/retry': { 202: deliverySummarySchema },
  'GET /status': { 200: relayStatusSchema },
  'POST /provisioning/reload': { 200: reloadResultSchema },
};

const NEW_KEY = 'd4e5f6a7-3333-4bc4-97a0-0ec2sifa5ddd';
const NEW_APP_SECRET = 'contract-app-secret-value-0123';
const HMAC_SECRET = 'contract-hmac-secret-value-0123';

interface OpenApiOperation {
  responses: Record<string, { content?: { 'application/json'?: { schema?: JsonSchema } } }>;
}
interface JsonSchema {
  properties?: Record<string, unknown>;
  required?: string[];
}

async function openApiOperations(h: Harness): Promise<Map<string, OpenApiOperation>> {
  const document = await (await fetch(`${h.relay.url}/api/v1/openapi.json`)).json();
  const operations = new Map<string, OpenApiOperation>();
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, OpenApiOperation>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations.set(`${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '')}`, operation);
    }
  }
  return operations;
}

/** The top-level field names a zod object schema declares. */
function fieldsOf(schema: z.ZodType): string[] {
  return Object.keys((schema as unknown as z.ZodObject).shape).sort();
}

describe('admin API contract', () => {
  let h: Harness;
  /** Routes whose success answer was parsed, with the status it came with. */
  const answered = new Set<string>();

  before(async () => {
    h = await startHarness({
      provisioning: provisioningWithBrokenService,
    });
    h.wecom.addRobot(NEW_KEY);
    h.wecom.addApp({ corpId: APP.corpId, agentId: 1000007, secret: NEW_APP_SECRET, visibleUsers: ['wangwu'] });
  });
  after(() => h.close());

  /**
   * Calls a route (`'GET /services/{uid}'` with `{ uid }`) and checks its answer against the
   * contract: a success answer is exactly its core schema (parsing it changes nothing, so it has
   * no field the schema does not name), an error answer exactly the error body.
   */
  async function call(
    route: string,
    values: { uid?: string; id?: number } = {},
    options: { body?: unknown; headers?: Record<string, string> } = {}
  ): Promise<AdminAnswer> {
    const [method, template] = route.split(' ');
    const path = template.replace('{uid}', values.uid ?? '').replace('{id}', String(values.id ?? ''));
    const answer = await h.admin(method, path, options);
    const label = `${route} → ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 300)}`;
    if (answer.status >= 400) {
      assert.deepEqual(errorBodySchema.parse(answer.body), answer.body, label);
      assert.equal(answer.body.statusCode, answer.status, label);
      return answer;
    }
    assert.ok(answer.status in CONTRACT[route], `${label}: not a success status of the contract`);
    const schema = CONTRACT[route][answer.status];
    if (schema === null) {
      assert.equal(answer.body, undefined, label);
    } else {
      assert.deepEqual(schema.parse(answer.body), answer.body, label);
    }
    answered.add(route);
    return answer;
  }

  const deliveriesOf = async (rule: string) =>
    (await call('GET /deliveries', {}, {})).body.items.filter((item: { rule: string }) => item.rule === rule);

  test('the OpenAPI document declares, for every admin route, the core schema of each answer', async () => {
    const operations = await openApiOperations(h);
    assert.deepEqual([...operations.keys()].sort(), Object.keys(CONTRACT).sort());
    const errorFields = fieldsOf(errorBodySchema);
    for (const [route, operation] of operations) {
      for (const [code, schema] of Object.entries(CONTRACT[route])) {
        const documented = operation.responses[code]?.content?.['application/json']?.schema;
        assert.ok(documented, `${route} documents its ${code} answer`);
        if (schema !== null) {
          assert.deepEqual(Object.keys(documented.properties ?? {}).sort(), fieldsOf(schema), `${route} ${code}`);
        }
      }
      const errors = Object.entries(operation.responses).filter(([code]) => Number(code) >= 400);
      assert.ok(
        errors.some(([code]) => code === '401'),
        `${route} documents the 401 of a wrong admin token`
      );
      for (const [code, response] of errors) {
        const documented = response.content?.['application/json']?.schema;
        assert.deepEqual(Object.keys(documented?.properties ?? {}).sort(), errorFields, `${route} ${code}`);
        assert.deepEqual(documented?.required?.sort(), ['error', 'message', 'statusCode'], `${route} ${code}`);
      }
    }
  });

  test('a service is created, shown, edited and tested in the shapes of the contract', async () => {
    const created = await call(
      'POST /services',
      {},
      {
        body: {
          uid: 'contract-svc',
          name: '契约服务',
          robots: [{ groups: '契约群', webhookUrl: h.wecom.robotUrl(NEW_KEY) }],
          app: { corpId: APP.corpId, agentId: 1000007, secret: NEW_APP_SECRET, accounts: ['wangwu'] },
        },
      }
    );
    assert.equal(created.status, 201);
    await call('GET /services');
    const shown = await call('GET /services/{uid}', { uid: 'contract-svc' });
    const edited = await call(
      'PUT /services/{uid}',
      { uid: 'contract-svc' },
      { body: { ...shown.body, description: '改过' } }
    );
    assert.equal(edited.status, 200);
    const all = await call('POST /services/{uid}/test', { uid: 'contract-svc' });
    assert.deepEqual(
      all.body.results.map((result: { kind: string; ok: boolean }) => [result.kind, result.ok]),
      [
        ['robot', true],
        ['app', true],
      ]
    );
    const unknown = await call('GET /services/{uid}', { uid: 'no-such-service' });
    assert.equal(unknown.status, 404);
    const bad = await call('POST /services', {}, { body: { uid: 'bad svc', name: '' } });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.problems.length > 0);
  });

  test('a service test of one destination sends to that destination only', async () => {
    const service = (await call('GET /services/{uid}', { uid: 'contract-svc' })).body;
    const robot = service.robots[0].destination;
    const app = service.app.destination;

    h.wecom.reset();
    const robotOnly = await call(
      'POST /services/{uid}/test',
      { uid: 'contract-svc' },
      { body: { destination: robot } }
    );
    assert.deepEqual(
      robotOnly.body.results.map((result: { destination: string }) => result.destination),
      [robot]
    );
    assert.equal(h.wecom.robotMessages(NEW_KEY).length, 1);
    assert.equal(h.wecom.appMessages('wangwu').length, 0, 'the app was not tested');

    h.wecom.reset();
    const appOnly = await call('POST /services/{uid}/test', { uid: 'contract-svc' }, { body: { destination: app } });
    assert.deepEqual(
      appOnly.body.results.map((result: { destination: string }) => result.destination),
      [app]
    );
    assert.equal(h.wecom.appMessages('wangwu').length, 1);
    assert.equal(h.wecom.robotMessages(NEW_KEY).length, 0, 'the robot was not tested');

    const other = await call(
      'POST /services/{uid}/test',
      { uid: 'contract-svc' },
      { body: { destination: 'robot:0000000000000000' } }
    );
    assert.equal(other.status, 400);
    assert.equal(other.body.problems[0].path, 'destination');
    assert.ok(other.body.problems[0].message.includes(robot), 'the answer names the destinations there are');
  });

  test('rules are created, shown, edited and previewed in the shapes of the contract', async () => {
    for (const body of [
      { uid: 'contract-signed', name: '签名规则', services: ['contract-svc'], hmac: { secret: HMAC_SECRET } },
      { uid: 'contract-plain', name: '普通规则', services: ['contract-svc'] },
    ]) {
      assert.equal((await call('POST /rules', {}, { body })).status, 201);
    }
    await call('GET /rules');
    const shown = await call('GET /rules/{uid}', { uid: 'contract-signed' });
    assert.equal((await call('PUT /rules/{uid}', { uid: 'contract-signed' }, { body: shown.body })).status, 200);
    const preview = await call('POST /rules/{uid}/preview', { uid: 'contract-signed' }, { body: { sample: 'many' } });
    assert.equal(preview.body.destinations.length, 2);
  });

  test("a rule's contact point spec carries the ingest token, and the HMAC only when the rule has one", async () => {
    const signed = await call('POST /rules/{uid}/contact-point', { uid: 'contract-signed' });
    assert.deepEqual(signed.body, {
      rule: 'contract-signed',
      path: '/hooks/grafana/contract-signed',
      ingestToken: INGEST_TOKEN,
      hmac: { secret: HMAC_SECRET, header: 'X-Grafana-Alerting-Signature', timestampHeader: '' },
    });
    const plain = await call('POST /rules/{uid}/contact-point', { uid: 'contract-plain' });
    assert.equal(plain.body.hmac, null);
    assert.equal(plain.body.path, (await call('GET /rules/{uid}', { uid: 'contract-plain' })).body.hooks.grafana);

    const unknown = await call(
      'POST /rules/{uid}/contact-point',
      { uid: 'no-such-rule' },
      {
        headers: { 'accept-language': 'zh-CN' },
      }
    );
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /no-such-rule/);
    assert.ok(!JSON.stringify(unknown.body).includes(INGEST_TOKEN));

    const byGet = await h.admin('GET', '/rules/contract-signed/contact-point');
    assert.equal(byGet.status, 404, 'a GET (all a Grafana Viewer may send) never gets the token');
    assert.ok(!JSON.stringify(byGet.body).includes(INGEST_TOKEN));
  });

  test("a delivery's attempt count is its attempts, also after a permanent failure and a retry", async () => {
    h.wecom.inject({ path: 'robot', kind: 'http500', times: 1 });
    assert.equal((await h.post('grafana', 'to-broken', fixture('grafana-firing.json'))).status, 202);
    await h.until(
      async () => (await deliveriesOf('to-broken')).some((item: { status: string }) => item.status === 'failed'),
      20_000
    );
    const [failed] = await deliveriesOf('to-broken');
    const stored = await h.relay.context.storage.listAttempts(failed.id);
    assert.deepEqual(
      stored.map((attempt) => [attempt.ok, attempt.errcode]),
      [
        [false, null],
        [false, 93000],
      ],
      'an HTTP 500, retried, then 93000 which is final'
    );
    assert.equal(failed.attempts, stored.length);
    const detail = await call('GET /deliveries/{id}', { id: failed.id });
    assert.equal(detail.body.attempts.length, stored.length);

    const response = await fetch(`${h.relay.url}/api/v1/deliveries/${failed.id}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '',
    });
    assert.equal(response.status, 202, 'an empty JSON body is no body');
    const retried = await response.json();
    assert.deepEqual(deliverySummarySchema.parse(retried), retried);
    await h.until(async () => {
      const delivery = await h.relay.context.storage.getDelivery(failed.id);
      return delivery?.status === 'failed' && delivery.attempts === stored.length + 1;
    });
    const [failedAgain] = await deliveriesOf('to-broken');
    assert.equal(failedAgain.attempts, (await h.relay.context.storage.listAttempts(failed.id)).length);
    assert.equal((await call('POST /deliveries/{id}/retry', { id: failed.id })).status, 202);
  });

  test('status, reload and deletes answer in the shapes of the contract', async () => {
    await call('GET /status');
    await call('POST /provisioning/reload');
    assert.equal((await call('DELETE /rules/{uid}', { uid: 'contract-plain' })).status, 204);
    const used = await call('DELETE /services/{uid}', { uid: 'contract-svc' });
    assert.equal(used.status, 409, 'still used by contract-signed');
    assert.equal((await call('DELETE /rules/{uid}', { uid: 'contract-signed' })).status, 204);
    assert.equal((await call('DELETE /services/{uid}', { uid: 'contract-svc' })).status, 204);
  });

  test('every route of the contract was answered with success above', () => {
    assert.deepEqual([...answered].sort(), Object.keys(CONTRACT).sort());
  });
});

describe('admin API: no secret in any GET', () => {
  test('every GET route the OpenAPI document lists, for every object there is, answers without a secret', async () => {
    const h = await startHarness();
    try {
      h.wecom.addRobot(NEW_KEY);
      h.wecom.addApp({ corpId: APP.corpId, agentId: 1000007, secret: NEW_APP_SECRET, visibleUsers: ['wangwu'] });
      const secrets = [ROBOT_KEY, APP.secret, NEW_KEY, NEW_APP_SECRET, HMAC_SECRET, ADMIN_TOKEN, INGEST_TOKEN];
      await h.admin('POST', '/services', {
        body: {
          uid: 'secret-svc',
          name: '密钥服务',
          robots: [{ groups: '群', webhookUrl: h.wecom.robotUrl(NEW_KEY) }],
          app: { corpId: APP.corpId, agentId: 1000007, secret: NEW_APP_SECRET, accounts: ['wangwu'] },
        },
      });
      await h.admin('POST', '/rules', {
        body: { uid: 'secret-rule', name: '密钥规则', services: ['secret-svc', 'ops'], hmac: { secret: HMAC_SECRET } },
      });
      await h.admin('POST', '/services/secret-svc/test');
      assert.equal((await h.post('grafana', 'critical', fixture('grafana-firing.json'))).status, 202);
      await h.until(async () => (await h.relay.context.storage.queueStats()).pending === 0);

      const values = {
        uid: [...(await h.admin('GET', '/services')).body.items, ...(await h.admin('GET', '/rules')).body.items].map(
          (item: { uid: string }) => item.uid
        ),
        id: (await h.admin('GET', '/deliveries')).body.items.map((item: { id: number }) => String(item.id)),
      };
      assert.ok(values.uid.includes('secret-rule') && values.id.length >= 2, JSON.stringify(values));
      const gets = [...(await openApiOperations(h)).keys()].filter((route) => route.startsWith('GET '));
      let scanned = 0;
      for (const route of gets) {
        const template = route.slice('GET '.length);
        const parameter = /\{(uid|id)\}/.exec(template)?.[1] as 'uid' | 'id' | undefined;
        for (const value of parameter ? values[parameter] : ['']) {
          const answer = await h.admin('GET', template.replace(`{${parameter}}`, value));
          if (answer.status === 404) {
            continue; // a service uid on a rule route, or the reverse
          }
          assert.equal(answer.status, 200, `${route} ${value}`);
          const text = JSON.stringify(answer.body);
          for (const secret of secrets) {
            assert.ok(!text.includes(secret), `GET ${template} (${value}) carries a secret: ${text.slice(0, 200)}`);
          }
          scanned += 1;
        }
      }
      assert.ok(scanned >= gets.length + values.id.length, `${scanned} answers scanned`);
    } finally {
      await h.close();
    }
  });
});
