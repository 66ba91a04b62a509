/** A real Alertmanager (Debian's prometheus-alertmanager) posts to the relay, which delivers to WeCom. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { INGEST_TOKEN, robotTexts, startHarness, tempDir, type Harness } from '../support/relay-harness';

const BINARY = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
const available = fs.existsSync(BINARY);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let h: Harness;
let alertmanager: ChildProcess | undefined;
let amUrl = '';

before(async () => {
  if (!available) {
    return;
  }
  h = await startHarness();
  const dir = tempDir('alertmanager-');
  const config = `
route:
  receiver: wecom
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: wecom
    webhook_configs:
      - url: ${h.relay.url}/hooks/alertmanager/critical
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${INGEST_TOKEN}
`;
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawn(
    BINARY,
    [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' }
  );
  await h.until(async () => {
    try {
      return (await fetch(`${amUrl}/-/ready`)).ok;
    } catch {
      return false;
    }
  }, 15_000);
});

after(async () => {
  alertmanager?.kill('SIGTERM');
  await h?.close();
});

test(
  'Alertmanager firing and resolved notifications arrive in WeCom',
  { skip: !available && `${BINARY} is not installed` },
  async () => {
    const alert = {
      labels: { alertname: 'DiskFull', instance: 'node-7:9100', severity: 'critical' },
      annotations: { summary: '磁盘使用率 96%', description: '/data 分区即将写满' },
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=disk',
    };
    const post = (body: object[]) =>
      fetch(`${amUrl}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await post([{ ...alert, startsAt: new Date().toISOString() }])).status, 200);

    await h.until(() => robotTexts(h.wecom).some((text) => text.includes('磁盘使用率 96%')), 20_000);
    await h.until(() => h.wecom.appMessages('zhangsan').length > 0, 10_000);

    assert.equal(
      (
        await post([
          { ...alert, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date().toISOString() },
        ])
      ).status,
      200
    );
    await h.until(() => robotTexts(h.wecom).filter((text) => text.includes('DiskFull')).length >= 2, 20_000);
    const texts = robotTexts(h.wecom).filter((text) => text.includes('DiskFull'));
    assert.ok(texts[texts.length - 1].includes('info'), 'the last message is the resolved one (green)');
    const sent = await h.relay.context.storage.listDeliveries({ status: 'sent', limit: 10 });
    assert.ok(sent.every((delivery) => delivery.group.source === 'alertmanager'));
  }
);
