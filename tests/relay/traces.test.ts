/** Every accepted webhook leaves a trace; strict config; one relay per data dir; quiet logs. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { resolveSettings } from '../../src/relay/settings';
import { startRelay } from '../../src/relay/relay';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  SECRET_KEY,
  SQLITE_ONLY,
  defaultProvisioning,
  fixture,
  startHarness,
  type Harness,
} from '../support/relay-harness';

describe('traces, strictness, logs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      provisioning: (wecom) => defaultProvisioning(wecom, { match: { severities: ['critical'] } }),
    });
  });
  after(() => h.close());

  test('an alert the filters ignore is in /deliveries as skipped, with its reason, a metric and a log line', async () => {
    const payload = fixture('grafana-firing.json');
    for (const alert of payload.alerts) {
      delete alert.labels.severity;
    }
    const answer = await h.post('grafana', 'critical', payload);
    assert.equal(answer.status, 202);
    const body = await answer.json();
    assert.equal(body.status, 'ignored');
    assert.match(body.reason, /no severity label/);
    const page = await h.admin('GET', '/deliveries?status=skipped');
    assert.equal(page.status, 200);
    assert.ok(page.body.items.length > 0);
    assert.ok(page.body.items.every((item: { reason: string }) => item.reason === 'no_match'));
    const metrics = await (await fetch(`${h.relay.url}/metrics`)).text();
    assert.match(metrics, /wecom_relay_ingest_skipped_total\{source="grafana",reason="no_match"\} 1/);
    await h.until(() => fs.readFileSync(h.logFile, 'utf8').includes('webhook accepted, nothing to send'));
  });

  test('unknown fields are refused with a suggestion, in the API', async () => {
    const answer = await h.admin('POST', '/rules', {
      body: { uid: 'r2', name: 'x', services: ['ops'], sendResolve: false },
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body.problems, [
      { path: 'sendResolve', message: 'unknown field "sendResolve"; did you mean "sendResolved"?' },
    ]);
  });

  test('a token in a query string is not logged, and probes log at debug', async () => {
    await fetch(`${h.relay.url}/hooks/grafana/critical?token=leaked-secret-value`, { method: 'POST' });
    await fetch(`${h.relay.url}/healthz`);
    await h.until(() => fs.readFileSync(h.logFile, 'utf8').includes('token=[REDACTED]'));
    const log = fs.readFileSync(h.logFile, 'utf8');
    assert.ok(!log.includes('leaked-secret-value'));
    assert.ok(!log.includes('/healthz'));
  });

  test('a second relay on the same data dir is refused, pointing to PostgreSQL', { skip: SQLITE_ONLY }, async () => {
    const env = {
      WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
      WECOM_RELAY_SECRET_KEY: SECRET_KEY,
    };
    const settings = resolveSettings({ port: '0', host: '127.0.0.1', 'data-dir': h.dataDir }, env);
    await assert.rejects(startRelay(settings, { env }), /already running on the data dir.*PostgreSQL/);
  });
});
