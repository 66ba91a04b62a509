import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertGroup } from './alert';
import { ruleSchema } from './config';
import { selectAlerts, sendNotBefore } from './match';
import { normalizePayload } from './normalize';

function group(
  alerts: Array<{ alertname: string; severity?: string; team?: string; status?: 'firing' | 'resolved' }>
): AlertGroup {
  return normalizePayload('alertmanager', {
    alerts: alerts.map((alert) => ({
      status: alert.status ?? 'firing',
      labels: {
        alertname: alert.alertname,
        ...(alert.severity ? { severity: alert.severity } : {}),
        ...(alert.team ? { team: alert.team } : {}),
      },
      startsAt: '2026-11-23T00:00:00Z',
    })),
  });
}

const rule = (extra: object) => ruleSchema.parse({ uid: 'r', name: 'r', services: ['s'], ...extra });

describe('selectAlerts', () => {
  test('keeps only the alerts matching severities and matchers (regexes anchored)', () => {
    const selected = selectAlerts(
      group([
        { alertname: 'A', severity: 'critical', team: 'dba' },
        { alertname: 'B', severity: 'warning', team: 'dba' },
        { alertname: 'C', severity: 'Critical', team: 'dba-ops' },
        { alertname: 'D', severity: 'critical', team: 'web' },
      ]),
      rule({ match: { severities: ['critical'], matchers: [{ label: 'team', op: '=~', value: 'dba' }] } })
    );
    assert.deepEqual(
      selected?.alerts.map((alert) => alert.labels.alertname),
      ['A']
    );
  });

  test('drops resolved alerts when sendResolved is off, and the group when nothing is left', () => {
    const mixed = group([{ alertname: 'A' }, { alertname: 'B', status: 'resolved' }]);
    assert.deepEqual(
      selectAlerts(mixed, rule({ sendResolved: false }))?.alerts.map((alert) => alert.labels.alertname),
      ['A']
    );
    assert.equal(selectAlerts(group([{ alertname: 'B', status: 'resolved' }]), rule({ sendResolved: false })), null);
    assert.equal(
      selectAlerts(mixed, rule({ match: { matchers: [{ label: 'team', op: '=', value: 'nobody' }] } })),
      null
    );
  });

  test('a status filter keeps only firing (or only resolved) alerts', () => {
    const mixed = group([{ alertname: 'A' }, { alertname: 'B', status: 'resolved' }]);
    assert.deepEqual(
      selectAlerts(mixed, rule({ match: { statuses: ['firing'] } }))?.alerts.map((alert) => alert.labels.alertname),
      ['A']
    );
    assert.deepEqual(
      selectAlerts(mixed, rule({ match: { statuses: ['resolved'] } }))?.alerts.map((alert) => alert.labels.alertname),
      ['B']
    );
  });

  test('the status follows what is left: resolved when only resolved alerts remain', () => {
    const selected = selectAlerts(
      group([
        { alertname: 'A', severity: 'info' },
        { alertname: 'B', status: 'resolved', severity: 'critical' },
      ]),
      rule({ match: { severities: ['critical'] } })
    );
    assert.equal(selected?.status, 'resolved');
  });

  test('a test alert passes every filter', () => {
    const test = normalizePayload('grafana', { alerts: [{ labels: { alertname: 'TestAlert', instance: 'Grafana' } }] });
    assert.equal(test.isTest, true);
    assert.equal(selectAlerts(test, rule({ match: { severities: ['critical'] } }))?.alerts.length, 1);
  });
});

describe('sendNotBefore (quiet hours)', () => {
  const quiet = rule({
    timezone: 'Asia/Shanghai',
    quietHours: { start: '23:00', end: '08:00', allowSeverities: ['critical'] },
  });

  test('holds a warning raised at 02:30 Beijing time until 08:00', () => {
    const now = new Date('2026-11-22T18:30:00Z'); // 02:30 in Asia/Shanghai
    assert.equal(
      new Date(sendNotBefore(group([{ alertname: 'A', severity: 'warning' }]), quiet, now)).toISOString(),
      '2026-11-23T00:00:00.000Z'
    );
  });

  test('never holds an allowed severity, and sends at once outside the quiet hours', () => {
    const night = new Date('2026-11-22T18:30:00Z');
    assert.equal(sendNotBefore(group([{ alertname: 'A', severity: 'critical' }]), quiet, night), night.getTime());
    const day = new Date('2026-11-23T04:00:00Z'); // 12:00 in Asia/Shanghai
    assert.equal(sendNotBefore(group([{ alertname: 'A', severity: 'warning' }]), quiet, day), day.getTime());
  });

  test('handles a window within one day (12:00–13:00)', () => {
    const lunch = rule({ timezone: 'UTC', quietHours: { start: '12:00', end: '13:00', allowSeverities: [] } });
    const now = new Date('2026-11-23T12:15:30Z');
    assert.equal(
      new Date(sendNotBefore(group([{ alertname: 'A' }]), lunch, now)).toISOString(),
      '2026-11-23T13:00:00.000Z'
    );
  });
});
