import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizePayload, PayloadError } from './normalize';

describe('normalizePayload', () => {
  test('turns Go zero times into null and keeps real times as ISO', () => {
    const group = normalizePayload('grafana', {
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'A' },
          startsAt: '2026-10-12T09:51:03.157076+02:00',
          endsAt: '0001-01-01T00:00:00Z',
        },
      ],
    });
    assert.equal(group.alerts[0].startsAt, '2026-10-12T07:51:03.157Z');
    assert.equal(group.alerts[0].endsAt, null);
  });

  test('resolves relative URLs against externalURL and drops non-http ones', () => {
    const group = normalizePayload('alertmanager', {
      externalURL: 'http://alertmanager:9093',
      alerts: [{ labels: { alertname: 'A' }, generatorURL: '/graph?g0.expr=up', panelURL: 'javascript:alert(1)' }],
    });
    assert.equal(group.alerts[0].generatorURL, 'http://alertmanager:9093/graph?g0.expr=up');
    assert.equal(group.alerts[0].panelURL, '');
    assert.match(group.alerts[0].silenceURL, /^http:\/\/alertmanager:9093\/#\/silences\/new\?filter=/);
  });

  test('accepts nulls and numbers where Grafana sends them', () => {
    const group = normalizePayload('grafana', {
      alerts: [{ labels: { alertname: 'A', code: 500, gone: null }, annotations: null, values: { B: 1.5, C: 'x' } }],
    });
    assert.deepEqual(group.alerts[0].labels, { alertname: 'A', code: '500' });
    assert.deepEqual(group.alerts[0].values, { B: 1.5 });
    assert.match(group.alerts[0].fingerprint, /^[0-9a-f]{16}$/);
    assert.equal(group.status, 'firing');
  });

  test('refuses garbage naming the field', () => {
    assert.throws(
      () => normalizePayload('grafana', []),
      (error: PayloadError) => error.field === 'body'
    );
    assert.throws(() => normalizePayload('grafana', { alerts: {} }), /^PayloadError|alerts: expected an array/);
    assert.throws(
      () => normalizePayload('grafana', { alerts: [{ labels: 'x' }] }),
      /alerts\[0\]\.labels: expected an object/
    );
    assert.throws(() => normalizePayload('grafana', { alerts: [{ status: 'pending' }] }), /alerts\[0\]\.status/);
  });

  test("recognises Grafana's test alert only by its shape", () => {
    const test = normalizePayload('grafana', {
      groupKey: 'webhook-57c6d9296de2ad39-1763884800',
      alerts: [{ labels: { alertname: 'TestAlert', instance: 'Grafana' } }],
    });
    assert.equal(test.isTest, true);
    const real = normalizePayload('grafana', { alerts: [{ labels: { alertname: 'HighCPU' } }] });
    assert.equal(real.isTest, false);
  });
});
