/** kill -9 with deliveries pending and a send in flight, then restart: every accepted alert arrives. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  ADMIN_TOKEN,
  INGEST_TOKEN,
  ROBOT_KEY,
  SECRET_KEY,
  defaultProvisioning,
  fixture,
  robotTexts,
  tempDir,
  writeProvisioning,
} from '../support/relay-harness';
import { spawnRelay, type RelayProcess } from '../support/relay-process';
import { startWecomSimulator } from '../support/wecom-simulator';

const GROUPS = 40;
const running: RelayProcess[] = [];
after(async () => {
  for (const relay of running) {
    if (relay.child.exitCode === null) {
      await relay.kill('SIGKILL');
    }
  }
});

test('a relay killed with -9 resumes every pending delivery after restart', async () => {
  const wecom = await startWecomSimulator();
  wecom.addRobot(ROBOT_KEY);
  const dataDir = tempDir();
  const provisioning = path.join(dataDir, 'provisioning');
  writeProvisioning(provisioning, {
    ...defaultProvisioning(wecom),
    services: [{ uid: 'ops', name: '运维通知', robots: [{ groups: '运维群', webhookUrl: wecom.robotUrl(ROBOT_KEY) }] }],
  });
  const env = {
    WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
    WECOM_RELAY_SECRET_KEY: SECRET_KEY,
    WECOM_RELAY_LOG_LEVEL: 'info',
  };
  const args = ['--data-dir', dataDir, '--provisioning', provisioning, '--wecom-api-base', wecom.baseUrl];

  // WeCom hangs on the first send, so one send is in flight and the rest wait behind it.
  wecom.inject({ path: 'robot', kind: 'delay', delayMs: 3_000, times: 5 });
  const first = await spawnRelay(args, env);
  running.push(first);
  for (let i = 0; i < GROUPS; i++) {
    const payload = fixture('grafana-firing.json');
    payload.groupKey = `crash-${i}`;
    payload.alerts = [
      { ...payload.alerts[0], labels: { ...payload.alerts[0].labels, alertname: `Crash${i}` }, fingerprint: `f${i}` },
    ];
    const response = await fetch(`${first.url}/hooks/grafana/critical`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify(payload),
    });
    assert.equal(response.status, 202);
  }
  await first.kill('SIGKILL');
  wecom.reset();

  const second = await spawnRelay(args, env);
  running.push(second);
  const deadline = Date.now() + 30_000;
  const missing = () => {
    const texts = robotTexts(wecom).join('\n');
    return Array.from({ length: GROUPS }, (_, i) => `Crash${i}`).filter(
      (name) => !new RegExp(`${name}(?!\\d)`).test(texts)
    );
  };
  while (missing().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(missing(), [], 'every accepted group reached WeCom after the restart');
  assert.equal(wecom.count45009(), 0);
  assert.equal(await second.kill('SIGTERM'), 0, 'SIGTERM ends the relay cleanly');
  await wecom.close();
});
