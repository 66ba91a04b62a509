import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { utf8Bytes } from '../../src/core/limits';
import { robotDestination } from '../../src/relay/delivery/destinations';
import { DeliveryWorker } from '../../src/relay/delivery/worker';
import type { Storage } from '../../src/relay/storage/types';
import {
  APP,
  ROBOT_KEY,
  defaultProvisioning,
  fixture,
  robotTexts,
  startHarness,
  type Harness,
} from '../support/relay-harness';
import type { WecomSimulator } from '../support/wecom-simulator';
import { prng } from '../support/prng';

function group(
  name: string,
  options: { status?: 'firing' | 'resolved'; alerts?: number; summary?: string; severity?: string } = {}
) {
  const base = fixture('grafana-firing.json');
  const status = options.status ?? 'firing';
  base.groupKey = `{}:{alertname="${name}"}`;
  base.alerts = Array.from({ length: options.alerts ?? 1 }, (_, i) => ({
    ...base.alerts[0],
    status,
    labels: {
      ...base.alerts[0].labels,
      alertname: name,
      instance: `host-${i}:9100`,
      severity: options.severity ?? 'critical',
    },
    annotations: { ...base.alerts[0].annotations, summary: options.summary ?? `${name} 摘要 ${i}` },
    fingerprint: `${name}-${i}`,
    endsAt: status === 'resolved' ? '2026-10-12T10:51:03Z' : '0001-01-01T00:00:00Z',
  }));
  base.status = status;
  return base;
}

/** The relay's storage with methods a test may replace, leaving the relay's own object alone. */
function patchable(storage: Storage): Storage {
  return Object.create(storage) as Storage;
}

/**
 * A DeliveryWorker in the test's process, on `storage`, in place of the relay's delivery thread:
 * so that a test can make the worker's storage fail.
 */
async function workerOn(h: Harness, storage: Storage): Promise<DeliveryWorker> {
  const { catalog, client, logger, metrics, settings } = h.relay.context;
  await h.relay.context.worker.stop();
  const worker = new DeliveryWorker({
    storage,
    catalog,
    client,
    logger,
    metrics,
    maxAgeMs: settings.maxAgeMs,
    lingerMs: settings.lingerMs,
    workerId: 'test-worker',
  });
  worker.start();
  return worker;
}

/** Ends the relay's delivery thread as an uncaught error on it would (exit code 1), and waits for it to be gone. */
async function endDeliveryThread(h: Harness): Promise<void> {
  const relaySide = h.relay.context.worker as unknown as { thread: Worker | undefined };
  const thread = relaySide.thread!;
  const exited = new Promise((resolve) => thread.once('exit', resolve));
  await thread.terminate();
  await exited;
  assert.equal(relaySide.thread, undefined, 'no delivery thread until it is started again');
}

/** The standard rule with one robot WeCom no longer knows (93000) and no app. */
function removedRobotOnly(wecom: WecomSimulator) {
  return defaultProvisioning(
    wecom,
    {},
    { robots: [{ groups: '旧群', webhookUrl: wecom.robotUrl('removed-robot-key') }], app: undefined }
  );
}

describe('delivery to WeCom', () => {
  test('a Grafana group arrives at the robot and at every app account as readable markdown', async () => {
    const h = await startHarness();
    try {
      assert.equal((await h.post('grafana', 'critical', fixture('grafana-firing.json'))).status, 202);
      await h.until(
        () =>
          robotTexts(h.wecom).length > 0 &&
          h.wecom.appMessages('zhangsan').length > 0 &&
          h.wecom.appMessages('lisi').length > 0
      );
      const [text] = robotTexts(h.wecom);
      for (const expected of [
        '内存使用率超过 90%',
        'High memory usage',
        'High CPU usage',
        'color="warning"',
        'db-1:9100',
        'https://myrunbook.com/runbook/1234',
      ]) {
        assert.ok(text.includes(expected), `robot message shows ${expected}:\n${text}`);
      }
      assert.match(text, /2026-10-12 15:51:03/, 'start time in Asia/Shanghai (09:51:03+02:00 = 15:51:03+08:00)');
      const app = h.wecom.appMessages('zhangsan')[0];
      assert.equal(app.msgtype, 'markdown');
      assert.ok(utf8Bytes((app.body.markdown as { content: string }).content) <= 2048);
      await h.until(
        async () => (await h.relay.context.storage.listDeliveries({ status: 'sent', limit: 10 })).length === 2
      );
    } finally {
      await h.close();
    }
  });

  test('apps can send text or textcard for readers in personal WeChat, within their limits', async () => {
    for (const msgType of ['text', 'textcard'] as const) {
      const h = await startHarness({
        provisioning: (wecom) =>
          defaultProvisioning(wecom, {}, { robots: [], app: { ...APP, accounts: ['zhangsan'], msgType } }),
      });
      try {
        await h.post('grafana', 'critical', fixture('grafana-firing.json'));
        await h.until(() => h.wecom.appMessages('zhangsan').length > 0);
        const [message] = h.wecom.appMessages('zhangsan');
        assert.equal(message.msgtype, msgType);
        if (msgType === 'text') {
          const { content } = message.body.text as { content: string };
          assert.ok(content.includes('内存使用率超过 90%') && !content.includes('<font'), 'plain text, no markdown');
          assert.ok(utf8Bytes(content) <= 2048);
        } else {
          const card = message.body.textcard as { title: string; description: string; url: string };
          assert.ok(utf8Bytes(card.title) <= 128 && utf8Bytes(card.description) <= 512);
          assert.match(card.url, /^https:\/\/grafana\.example\.com\//);
        }
      } finally {
        await h.close();
      }
    }
  });

  test("Grafana's test alert is delivered and marked as a test", async () => {
    const h = await startHarness();
    try {
      assert.equal((await h.post('grafana', 'critical', fixture('grafana-test-alert.json'))).status, 202);
      await h.until(() => robotTexts(h.wecom).length > 0);
      assert.match(robotTexts(h.wecom)[0], /测试/);
      const [delivery] = await h.relay.context.storage.listDeliveries({ limit: 5 });
      assert.equal(delivery.isTest, true);
    } finally {
      await h.close();
    }
  });

  test('a resolved message never overtakes its firing message', async () => {
    const h = await startHarness();
    try {
      h.wecom.inject({ path: 'robot', kind: 'delay', delayMs: 300 });
      for (let round = 0; round < 3; round++) {
        await h.post('grafana', 'critical', group(`Order${round}`));
        await h.post('grafana', 'critical', group(`Order${round}`, { status: 'resolved' }));
      }
      await h.until(async () => (await h.relay.context.storage.queueStats()).pending === 0);
      const all = robotTexts(h.wecom).join('\n');
      for (let round = 0; round < 3; round++) {
        const firing = all.search(new RegExp(`【告警】[^\\n]*Order${round}`));
        const resolved = all.search(new RegExp(`【恢复】[^\\n]*Order${round}`));
        assert.ok(firing >= 0 && resolved > firing, `Order${round}: firing (${firing}) then resolved (${resolved})`);
      }
    } finally {
      await h.close();
    }
  });

  test('resolved messages are not sent when the rule turns them off', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, { sendResolved: false }) });
    try {
      const response = await (await h.post('grafana', 'critical', group('Quiet', { status: 'resolved' }))).json();
      assert.equal(response.status, 'ignored');
      assert.equal((await h.relay.context.storage.queueStats()).pending, 0);
    } finally {
      await h.close();
    }
  });

  test('robots @mention users in markdown and @mobiles / @all through a companion text message', async () => {
    const h = await startHarness({
      provisioning: (wecom) =>
        defaultProvisioning(wecom, { mentions: { users: ['zhangsan'], mobiles: ['13800001111'], all: false } }),
    });
    try {
      await h.post('grafana', 'critical', group('Mention'));
      await h.until(() => h.wecom.robotMessages(ROBOT_KEY).length >= 2);
      const [markdown, companion] = h.wecom.robotMessages(ROBOT_KEY).map((message) => message.body as any);
      assert.equal(markdown.msgtype, 'markdown');
      assert.match(markdown.markdown.content, /<@zhangsan>/);
      assert.equal(companion.msgtype, 'text');
      assert.deepEqual(companion.text.mentioned_mobile_list, ['13800001111']);
    } finally {
      await h.close();
    }
  });

  test('when the robot budget is nearly spent, the @all reminder still gets its message', async () => {
    const h = await startHarness({
      provisioning: (wecom) =>
        defaultProvisioning(wecom, { mentions: { users: [], mobiles: [], all: true } }, { app: undefined }),
    });
    try {
      await h.spendBudget(robotDestination(ROBOT_KEY), 18);
      await h.post('grafana', 'critical', group('Reminder', { alerts: 200 }));
      await h.until(() => h.wecom.robotMessages(ROBOT_KEY).length === 2);
      const [first, second] = h.wecom.robotMessages(ROBOT_KEY).map((message) => message.body as any);
      assert.equal(first.msgtype, 'markdown');
      assert.equal(second.msgtype, 'text');
      assert.deepEqual(second.text.mentioned_list, ['@all']);
      assert.equal(h.wecom.count45009(), 0);
    } finally {
      await h.close();
    }
  });

  test('a long group is split at alert boundaries with (i/N) markers, each message within 4096 bytes', async () => {
    const h = await startHarness();
    try {
      await h.post(
        'grafana',
        'critical',
        group('BigGroup', { alerts: 60, summary: '数据库连接数接近上限，请检查连接池配置与慢查询。'.repeat(3) })
      );
      await h.until(async () => (await h.relay.context.storage.queueStats()).pending === 0, 15_000);
      const texts = robotTexts(h.wecom);
      assert.ok(texts.length > 1, 'more than one message');
      texts.forEach((text, index) => {
        assert.ok(utf8Bytes(text) <= 4096, `message ${index} is ${utf8Bytes(text)} bytes`);
        assert.ok(
          text.includes(`(${index + 1}/${texts.length})`),
          `message ${index} carries (${index + 1}/${texts.length})`
        );
      });
      const all = texts.join('\n');
      for (let i = 0; i < 60; i++) {
        assert.ok(all.includes(`host-${i}:9100`), `alert ${i} is in some message`);
      }
      assert.equal(h.wecom.rejected().length, 0, 'WeCom refused nothing');
    } finally {
      await h.close();
    }
  });

  test('a permanent errcode fails the delivery at once with a hint', async () => {
    const h = await startHarness({ provisioning: removedRobotOnly });
    try {
      await h.post('grafana', 'critical', group('Gone'));
      await h.until(
        async () => (await h.relay.context.storage.listDeliveries({ status: 'failed', limit: 5 })).length === 1
      );
      const [failed] = await h.relay.context.storage.listDeliveries({ status: 'failed', limit: 5 });
      assert.equal(failed.lastErrcode, 93000);
      assert.match(failed.lastError ?? '', /^invalid webhook url/, "WeCom's errmsg as it came");
      const [attempt] = (await h.admin('GET', `/deliveries/${failed.id}`)).body.attempts;
      assert.match(attempt.hint['zh-CN'], /重新添加机器人/);
      assert.match(attempt.hint.en, /removed from the group/);
      assert.ok(!attempt.errmsg.includes('机器人'), 'the hint is shown once, beside the errmsg, not in it');
      assert.equal(h.wecom.rejected().length, 1, 'tried once, not retried');
    } finally {
      await h.close();
    }
  });

  test('a robot refused for good with a long queue is tried once: the rest of its queue fails unsent', async () => {
    const h = await startHarness({ provisioning: removedRobotOnly });
    // The relay's delivery thread stopped: the whole storm is queued before any pass looks at it.
    await h.relay.context.worker.stop();
    let worker: DeliveryWorker | undefined;
    try {
      // More than one claim holds (a pass claims up to 500).
      const groups = 1_200;
      for (let first = 0; first < groups; first += 50) {
        const statuses = await Promise.all(
          Array.from(
            { length: 50 },
            async (_, i) => (await h.post('grafana', 'critical', group(`Gone${first + i}`))).status
          )
        );
        assert.ok(statuses.every((status) => status === 202));
      }
      worker = await workerOn(h, h.relay.context.storage);
      await h.until(async () => (await h.relay.context.storage.queueStats()).pending === 0, 20_000);
      const failed = await h.relay.context.storage.listDeliveries({ status: 'failed', limit: groups + 1 });
      assert.equal(failed.length, groups, 'every delivery of the queue failed');
      assert.ok(failed.every((delivery) => delivery.lastErrcode === 93000));
      assert.equal(h.wecom.rejected().length, 1, 'WeCom got one request for the removed robot, not one per claim');
    } finally {
      await worker?.stop();
      await h.close();
    }
  });

  test('network errors, HTTP 5xx and errcode -1 are retried until delivered', async () => {
    const h = await startHarness();
    try {
      h.wecom.inject({ path: 'robot', kind: 'reset', times: 1 });
      h.wecom.inject({ path: 'robot', kind: 'http500', times: 1 });
      h.wecom.inject({ path: 'robot', kind: 'busy', times: 1 });
      await h.post('grafana', 'critical', group('Flaky'));
      await h.until(() => robotTexts(h.wecom).some((text) => text.includes('Flaky')), 20_000);
      const [robotDelivery] = (await h.relay.context.storage.listDeliveries({ limit: 5 })).filter(
        (d) => d.kind === 'robot'
      );
      await h.until(async () => (await h.relay.context.storage.getDelivery(robotDelivery.id))!.status === 'sent');
      const attempts = await h.relay.context.storage.listAttempts(robotDelivery.id);
      assert.equal(attempts.length, 4, 'three failures, then success');
      assert.deepEqual(
        attempts.map((attempt) => attempt.ok),
        [false, false, false, true]
      );
    } finally {
      await h.close();
    }
  });

  test('a message WeCom takes ends the run of failures: the next failure waits as after a first one', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, {}, { app: undefined }) });
    const storage = patchable(h.relay.context.storage);
    const release = storage.releaseDestination.bind(storage);
    const counted: number[] = [];
    storage.releaseDestination = (destination, worker, hold, now) => {
      counted.push(hold.failures);
      return release(destination, worker, hold, now);
    };
    const worker = await workerOn(h, storage);
    try {
      // Requests 1, 2 and 4 get errcode -1; the others go through.
      const script = [0, 0, 0.99, 0];
      h.wecom.flaky('robot', [{ share: 0.5, fault: { path: 'robot', kind: 'busy' } }], () => script.shift() ?? 0.99);
      // Several messages: the third pass sends the first, and its second fails.
      await h.post(
        'grafana',
        'critical',
        group('Split', { alerts: 60, summary: '数据库连接数接近上限，请检查连接池配置与慢查询。'.repeat(3) })
      );
      await h.until(async () => (await storage.queueStats()).pending === 0, 20_000);
      const [delivery] = await storage.listDeliveries({ limit: 1 });
      const attempts = (await storage.listAttempts(delivery.id)).map((attempt) => attempt.ok);
      assert.deepEqual(attempts.slice(0, 4), [false, false, true, false]);
      assert.deepEqual(counted.slice(0, 3), [1, 2, 1], 'counted from one again after a sent message, not three');
      assert.equal(counted.at(-1), 0, 'and none once it is sent');
    } finally {
      await worker.stop();
      await h.close();
    }
  });

  test('under 30 % errcode -1 and 10 % HTTP 502, every group still reaches the robot and every app account', async () => {
    const h = await startHarness();
    try {
      const faults = [
        { share: 0.3, fault: { path: 'robot' as const, kind: 'busy' as const } },
        { share: 0.1, fault: { path: 'robot' as const, kind: 'http' as const, status: 502 } },
      ];
      // Seeded: each path meets the same run of faults every time, whatever the timing.
      h.wecom.flaky('robot', faults, prng(7));
      h.wecom.flaky(
        'app',
        faults.map(({ share, fault }) => ({ share, fault: { ...fault, path: 'app' as const } })),
        prng(8)
      );
      const names = Array.from({ length: 30 }, (_, i) => `Flaky${i}`);
      for (const name of names) {
        await h.post('grafana', 'critical', group(name));
      }
      const shown = names.map((name) => new RegExp(`${name}(?!\\d)`));
      const destinations = () => [
        robotTexts(h.wecom).join('\n'),
        ...['zhangsan', 'lisi'].map((user) => JSON.stringify(h.wecom.appMessages(user))),
      ];
      await h.until(() => destinations().every((text) => shown.every((name) => name.test(text))), 120_000);
      assert.equal((await h.relay.context.storage.queueStats()).failed, 0, 'none given up');
      assert.ok(h.wecom.rejected().length > 0, 'WeCom did refuse some tries');
    } finally {
      await h.close();
    }
  });

  test('a storage that throws holds the queue back with growing waits instead of spinning, then delivers', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, {}, { app: undefined }) });
    const storage = patchable(h.relay.context.storage);
    const worker = await workerOn(h, storage);
    const claim = storage.claimDestination.bind(storage);
    const claims: number[] = [];
    let failing = 3;
    storage.claimDestination = async (...args) => {
      claims.push(Date.now());
      if (failing > 0) {
        failing--;
        throw new Error('database is locked');
      }
      return claim(...args);
    };
    try {
      await h.post('grafana', 'critical', group('Locked'));
      await h.until(() => robotTexts(h.wecom).some((text) => text.includes('Locked')), 20_000);
      assert.equal(claims.length, 4, 'three failed claims, then one that worked');
      const gaps = claims.slice(1).map((at, i) => at - claims[i]);
      // Backoff from 0.5 s, ×1.5, at least half of each step with jitter.
      [250, 375, 562].forEach((least, i) => assert.ok(gaps[i] >= least, `wait ${i + 1}: ${gaps[i]} ms`));
    } finally {
      await worker.stop();
      await h.close();
    }
  });

  test('an error in the middle of a pass counts as a failure of the queue, not as a success', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, {}, { app: undefined }) });
    const storage = patchable(h.relay.context.storage);
    const worker = await workerOn(h, storage);
    const countSends = storage.countSends.bind(storage);
    let failing = 2;
    storage.countSends = async (...args) => {
      if (failing > 0) {
        failing--;
        throw new Error('disk I/O error');
      }
      return countSends(...args);
    };
    const destination = robotDestination(ROBOT_KEY);
    const seen: number[] = [];
    const failures = storage.destinationFailures.bind(storage);
    storage.destinationFailures = async (name) => {
      const count = await failures(name);
      seen.push(count);
      return count;
    };
    try {
      await h.post('grafana', 'critical', group('Broken'));
      await h.until(() => robotTexts(h.wecom).some((text) => text.includes('Broken')), 20_000);
      assert.deepEqual(seen.slice(0, 2), [0, 1], 'the second error counts on from the first');
      await h.until(async () => (await failures(destination)) === 0, 5_000);
    } finally {
      await worker.stop();
      await h.close();
    }
  });

  test('a delivery thread that dies mid-send is started again and takes its queue back at once', async () => {
    const h = await startHarness();
    try {
      // WeCom sits on the first robot send: the thread dies holding the robot's queue.
      h.wecom.inject({ path: 'robot', kind: 'delay', delayMs: 5_000, times: 1 });
      assert.equal((await h.post('grafana', 'critical', group('BeforeTheThreadDies'))).status, 202);
      const robot = robotDestination(ROBOT_KEY);
      await h.until(
        async () =>
          robotTexts(h.wecom).length === 0 &&
          !(await h.relay.context.storage.dueDestinations(Date.now())).some((due) => due.destination === robot)
      );
      await endDeliveryThread(h);
      assert.equal((await h.post('grafana', 'critical', group('WhileTheThreadIsDown'))).status, 202);
      // Well within the 30 s lease the dead thread's claim would otherwise hold the queue for.
      await h.until(() => robotTexts(h.wecom).some((text) => text.includes('WhileTheThreadIsDown')), 10_000);
      assert.ok(robotTexts(h.wecom).some((text) => text.includes('BeforeTheThreadDies')));
      assert.match(fs.readFileSync(h.logFile, 'utf8'), /the delivery thread stopped; starting it again/);
    } finally {
      await h.close();
    }
  });

  test('a delivery thread that cannot start again keeps trying, and delivers once it can', async () => {
    const h = await startHarness();
    try {
      // Its next start fails once its storage is open, as when the database goes away just then.
      await h.sql('ALTER TABLE destinations RENAME TO destinations_away');
      await endDeliveryThread(h);
      await h.until(() => fs.readFileSync(h.logFile, 'utf8').includes('the delivery thread could not start'));
      await h.sql('ALTER TABLE destinations_away RENAME TO destinations');
      assert.equal((await h.post('grafana', 'critical', group('AfterTheFailedStart'))).status, 202);
      await h.until(() => robotTexts(h.wecom).some((text) => text.includes('AfterTheFailedStart')), 20_000);
    } finally {
      await h.close();
    }
  });

  test('a delivery that keeps failing ends as failed after the max age', async () => {
    const h = await startHarness({ env: { WECOM_RELAY_MAX_AGE: '1500ms' } });
    try {
      h.wecom.inject({ path: 'robot', kind: 'http500', times: 1000 });
      await h.post('grafana', 'critical', group('Stuck'));
      await h.until(
        async () =>
          (await h.relay.context.storage.listDeliveries({ status: 'failed', limit: 5 })).some(
            (d) => d.kind === 'robot'
          ),
        15_000
      );
      const [failed] = (await h.relay.context.storage.listDeliveries({ status: 'failed', limit: 5 })).filter(
        (d) => d.kind === 'robot'
      );
      assert.match(failed.lastError ?? '', /expired/);

      // Once WeCom is back, a retry by hand delivers it: its max age starts again.
      h.wecom.reset();
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      assert.equal((await h.admin('POST', `/deliveries/${failed.id}/retry`)).status, 202);
      await h.until(async () => (await h.relay.context.storage.getDelivery(failed.id))!.status === 'sent', 10_000);
      assert.ok(robotTexts(h.wecom).some((text) => text.includes('Stuck')));
    } finally {
      await h.close();
    }
  });

  test('60020 fails the app delivery and names the egress IP to add to 企业可信IP', async () => {
    const h = await startHarness();
    try {
      h.wecom.setTrustedIp({ egressIp: '203.0.113.7' });
      await h.post('grafana', 'critical', group('Untrusted'));
      await h.until(
        async () => (await h.relay.context.storage.listDeliveries({ status: 'failed', limit: 5 })).length === 1
      );
      const [failed] = await h.relay.context.storage.listDeliveries({ status: 'failed', limit: 5 });
      assert.equal(failed.lastErrcode, 60020);
      const [attempt] = (await h.admin('GET', `/deliveries/${failed.id}`)).body.attempts;
      assert.match(attempt.hint['zh-CN'], /203\.0\.113\.7.*企业可信IP/);
      assert.match(attempt.hint.en, /Add 203\.0\.113\.7 to the app's trusted IPs/);
    } finally {
      await h.close();
    }
  });

  test('a storm of groups to one robot never hits 45009 and arrives merged into few messages', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, {}, { app: undefined }) });
    try {
      const names = Array.from({ length: 120 }, (_, i) => `Storm${i}`);
      for (const name of names) {
        await h.post('grafana', 'critical', group(name));
      }
      await h.until(() => {
        const all = robotTexts(h.wecom).join('\n');
        return names.every((name) => new RegExp(`${name}(?!\\d)`).test(all));
      }, 20_000);
      assert.equal(h.wecom.count45009(), 0);
      const used = h.wecom.robotMessages(ROBOT_KEY).length;
      assert.ok(used <= 20, `${used} messages for 120 groups: within one minute's budget`);
      // The simulator sees the last message before the relay records its answer: wait for the record.
      // What is still pending has been shown in a storm view; its detail follows as the budget frees.
      await h.until(async () =>
        (await h.relay.context.storage.listDeliveries({ status: 'pending', limit: 200 })).every((d) => d.summarized)
      );
    } finally {
      await h.close();
    }
  });

  test('a storm of 600 groups to one robot reaches the reader in storm views within the budget, never hitting 45009', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, {}, { app: undefined }) });
    try {
      const names = Array.from({ length: 40 }, (_, n) => `Partition${n}`);
      // Instances differ per name, so that an instance on screen is known to be that name's.
      const instancesOf = (n: number) => Array.from({ length: 15 }, (_, i) => `10.${n}.0.${i}:9100`);
      for (const [n, name] of names.entries()) {
        for (const instance of instancesOf(n)) {
          const payload = group(name);
          payload.groupKey = `{}:{alertname="${name}", instance="${instance}"}`;
          payload.alerts[0].labels.instance = instance;
          payload.alerts[0].fingerprint = `${name}/${instance}`;
          await h.post('grafana', 'critical', payload);
        }
      }
      const all = () => robotTexts(h.wecom).join('\n');
      await h.until(
        () =>
          names.every(
            (name, n) => new RegExp(`${name}(?!\\d)`).test(all()) && instancesOf(n).every((x) => all().includes(x))
          ),
        60_000
      );
      // What is still pending was shown in a storm view (recorded after WeCom answered); its detail follows.
      await h.until(async () =>
        (await h.relay.context.storage.listDeliveries({ status: 'pending', limit: 200 })).every((d) => d.summarized)
      );
      const views = robotTexts(h.wecom).filter((text) => text.includes('告警风暴'));
      assert.ok(views.length > 0, 'storm views were sent');
      assert.ok(
        (await h.relay.context.storage.queueStats()).pending > 0,
        'everything was on screen before all its detail could be sent'
      );
      const sent = h.wecom.robotMessages(ROBOT_KEY).map((message) => message.at);
      const busiest = Math.max(...sent.map((at) => sent.filter((other) => other >= at && other < at + 60_000).length));
      assert.ok(busiest <= 20, `${busiest} messages within a minute`);
      assert.equal(h.wecom.count45009(), 0);
    } finally {
      await h.close();
    }
  });

  test('a group too big for the budget is shown in a storm view first, then goes out one line per alert, keeping that style across passes', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, {}, { app: undefined }) });
    const isView = (text: string) => text.includes('告警风暴');
    try {
      // 16 of the robot's 20 messages this minute are already spent.
      await h.spendBudget(robotDestination(ROBOT_KEY), 16);
      await h.post('grafana', 'critical', group('Huge', { alerts: 400 }));
      const [delivery] = await h.relay.context.storage.listDeliveries({ limit: 1 });
      const views = () => robotTexts(h.wecom).filter(isView).join('\n');
      await h.until(() => Array.from({ length: 400 }, (_, i) => `host-${i}:9100`).every((x) => views().includes(x)));
      assert.match(views(), /Huge/);

      await h.until(() => h.wecom.robotMessages(ROBOT_KEY).length === 4, 20_000);
      const detail = robotTexts(h.wecom).filter((text) => !isView(text));
      assert.ok(detail.length > 0, 'detail follows the storm view within the budget');
      await h.until(async () => (await h.relay.context.storage.getDelivery(delivery.id))!.partsSent === detail.length);
      assert.equal((await h.relay.context.storage.getDelivery(delivery.id))!.digest, true);

      // The minute passes (in the send log), and the rest follows.
      await h.sql('DELETE FROM sends; UPDATE destinations SET retry_at = 0');
      h.relay.context.worker.wake();
      await h.until(async () => (await h.relay.context.storage.getDelivery(delivery.id))!.status === 'sent', 15_000);
      const texts = robotTexts(h.wecom).filter((text) => !isView(text));
      const markers = texts.map((text) => /\((\d+)\/(\d+)\)/.exec(text)!.slice(1).map(Number));
      const total = markers[0][1];
      assert.deepEqual(
        markers,
        Array.from({ length: total }, (_, i) => [i + 1, total]),
        'one run of (i/N), none repeated or skipped'
      );
      assert.ok(total < 40, `${total} messages for 400 alerts`);
      const all = texts.join('\n');
      for (let i = 0; i < 400; i++) {
        assert.ok(all.includes(`host-${i}:9100`), `alert ${i} arrived in detail`);
      }
    } finally {
      await h.close();
    }
  });

  test('app recipients get at most 30 messages a minute: the rest wait instead of being dropped by WeCom', async () => {
    const h = await startHarness({ provisioning: (wecom) => defaultProvisioning(wecom, {}, { robots: [] }) });
    try {
      for (let i = 0; i < 90; i++) {
        await h.post('grafana', 'critical', group(`AppStorm${i}`, { summary: `应用消息风暴 ${i} `.repeat(40) }));
      }
      await h.until(() => h.wecom.appMessages('zhangsan').length >= 10, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const received = h.wecom.appMessages('zhangsan').length;
      assert.ok(received <= 30, `${received} messages within the first minute`);
      assert.deepEqual(h.wecom.dropped(), [], 'WeCom silently dropped nothing');
      const all = h.wecom
        .appMessages('zhangsan')
        .map((message) => JSON.stringify(message.body))
        .join('\n');
      const delivered = Array.from({ length: 90 }, (_, i) => `AppStorm${i}`).filter((name) =>
        new RegExp(`${name}(?!\\d)`).test(all)
      );
      const stats = await h.relay.context.storage.queueStats();
      assert.ok(delivered.length === 90 || stats.pending > 0, 'what is not delivered yet is still queued');
    } finally {
      await h.close();
    }
  });
});
