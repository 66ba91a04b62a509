/** Builders and checks shared by the render tests. */
import assert from 'node:assert/strict';
import type { Alert, AlertGroup } from '../alert';
import { utf8Bytes } from '../limits';
import type { RenderContext } from './types';

export function makeAlert(fields: Partial<Alert> = {}): Alert {
  return {
    status: 'firing',
    labels: { alertname: 'HighCPU', instance: 'db-1:9100', severity: 'critical' },
    annotations: { summary: 'CPU above 90%' },
    startsAt: '2026-01-02T07:04:05Z',
    endsAt: null,
    fingerprint: 'f000000000000001',
    generatorURL: 'https://grafana.example.com/alerting/grafana/cpu/view',
    silenceURL: 'https://grafana.example.com/alerting/silence/new?matcher=a%3Db',
    dashboardURL: 'https://grafana.example.com/d/node',
    panelURL: 'https://grafana.example.com/d/node?viewPanel=3',
    imageURL: '',
    values: { B: 97.2, C: 1 },
    valueString: '',
    ...fields,
  };
}

export function makeGroup(alerts: Alert[], fields: Partial<AlertGroup> = {}): AlertGroup {
  return {
    source: 'grafana',
    receiver: 'wecom',
    status: alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved',
    groupKey: '{}:{alertname="HighCPU"}',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'https://grafana.example.com/',
    truncatedAlerts: 0,
    alerts,
    isTest: false,
    ...fields,
  };
}

export function makeContext(fields: Partial<RenderContext> = {}): RenderContext {
  return {
    ruleName: '严重告警',
    language: 'zh-CN',
    timezone: 'Asia/Shanghai',
    mentions: { users: [], mobiles: [], all: false },
    now: new Date('2026-01-02T07:09:05Z'),
    ...fields,
  };
}

/** Survives a UTF-8 round trip unchanged (nothing cut inside a character) and fits the limit. */
export function assertFits(text: string, limit: number): void {
  const decoded = new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(text));
  assert.equal(decoded, text, 'not valid UTF-8 after a round trip');
  assert.ok(!text.includes('\uFFFD'), 'contains a replacement character');
  assert.ok(utf8Bytes(text) <= limit, `${utf8Bytes(text)} bytes > ${limit}`);
}

export function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
