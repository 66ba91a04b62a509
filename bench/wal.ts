/**
 * Bytes of WAL that Storage.ingest writes per webhook: the standard service's three deliveries
 * (2 robots and an app) of one fixture-shaped Grafana group, one webhook per commit and 32 per
 * group commit. A reader holds a snapshot from before the first ingest, so no checkpoint can let
 * the WAL start over: its growth is every page the ingests wrote.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { normalizePayload } from '../src/core/normalize';
import { SqliteStorage } from '../src/relay/storage/sqlite';
import type { IngestWrite, NewDelivery } from '../src/relay/storage/types';
import { fixture, tempDir } from '../tests/support/relay-harness';

const WEBHOOKS = 960;

function webhook(n: number): IngestWrite {
  const payload = fixture('grafana-firing.json');
  payload.groupKey = `{}:{alertname="Wal${n}"}`;
  payload.alerts = payload.alerts.map((alert: { labels: Record<string, string> }, i: number) => ({
    ...alert,
    labels: { ...alert.labels, alertname: `Wal${n}` },
    fingerprint: `wal-${n}-${i}`,
  }));
  const group = normalizePayload('grafana', payload);
  const delivery = (destination: string, kind: NewDelivery['kind'], label: string): NewDelivery => ({
    ruleUid: 'critical',
    serviceUid: 'ops',
    destination,
    kind,
    label,
    group,
    isTest: false,
    notBefore: n,
  });
  return {
    action: 'enqueue',
    dedupKey: `wal-${n}`,
    dedupWindowMs: 120_000,
    deliveries: [
      delivery('robot:3f9a1c27d4e5b680', 'robot', '运维群'),
      delivery('robot:8b2e6d01c9f4a357', 'robot', 'DBA群'),
      delivery('app:ww1234567890abcdef:1000002:5c1e9a7b3d2f', 'app', 'zhangsan, lisi'),
    ],
    now: n,
  };
}

async function walBytesPerWebhook(perCommit: number): Promise<number> {
  const dir = tempDir('wecom-relay-wal-');
  const file = path.join(dir, 'wecom-relay.db');
  const storage = new SqliteStorage(file);
  const reader = new Database(file, { readonly: true });
  try {
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM objects').get();
    const walSize = () => fs.statSync(`${file}-wal`).size;
    await storage.ingest([webhook(-1)]);
    const before = walSize();
    for (let n = 0; n < WEBHOOKS; n += perCommit) {
      await storage.ingest(Array.from({ length: perCommit }, (_, i) => webhook(n + i)));
    }
    return (walSize() - before) / WEBHOOKS;
  } finally {
    reader.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchWal(): Promise<void> {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const single = await walBytesPerWebhook(1);
  const grouped = await walBytesPerWebhook(32);
  console.log(
    `WAL per webhook (3 deliveries, group ${kib(Buffer.byteLength(JSON.stringify(webhook(0).deliveries[0].group)))} as JSON): ` +
      `${kib(single)} with one webhook per commit, ${kib(grouped)} with 32 per group commit\n`
  );
}
