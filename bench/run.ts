/**
 * `npm run bench`: figures, not assertions. Everything runs on this machine: the WeCom simulator
 * in this process, the relay as its own process, autocannon as the load generator.
 *
 *  1. ingest: requests/s, p99 and CPU per request against a bare Node HTTP server (bench/ingest.ts),
 *     and WAL bytes per webhook (bench/wal.ts);
 *  2. end-to-end latency from POST to the simulated WeCom, for alerts to idle robots;
 *  3. a storm of 150 distinct groups in 5 s to one robot: messages used against the lower bound,
 *     time until every alert is visible, 45009 count, and RSS at idle and under the storm; with
 *     WECOM_RELAY_TEST_DATABASE_URL set, also on PostgreSQL with one relay and with two;
 *  4. a partition storm and a flaky WeCom (delivery.ts).
 */
import { renderDeliveryMessages } from '../src/core/render';
import { normalizePayload } from '../src/core/normalize';
import {
  DEPLOYMENTS,
  POSTGRES_SKIPPED,
  contents,
  groupPayload,
  errorSummary,
  loggedErrors,
  post,
  rssMiB,
  startDeployment,
  startRelayFor,
  waitFor,
  type Deployment,
} from './support';
import { startWecomSimulator } from '../tests/support/wecom-simulator';
import { benchFaults, benchNameStorm } from './delivery';
import { benchIngest } from './ingest';
import { benchWal } from './wal';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function benchEndToEnd() {
  const wecom = await startWecomSimulator();
  const count = 40;
  const rules = Array.from({ length: count }, (_, i) => ({ uid: `e2e-${i}`, key: `bench-e2e-robot-${i}` }));
  const relay = await startRelayFor(wecom, rules);
  const latencies: number[] = [];
  try {
    for (const { uid, key } of rules) {
      const started = Date.now();
      await post(relay, uid, groupPayload(`E2E-${uid}`));
      if (await waitFor(() => wecom.robotMessages(key).length > 0, 10_000)) {
        latencies.push(wecom.robotMessages(key)[0].at - started);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The first webhook also starts the relay's ingest thread (its connection, its statements).
    const [first, ...rest] = latencies;
    return {
      count: latencies.length,
      first,
      p50: percentile(rest, 50),
      p99: percentile(rest, 99),
      max: Math.max(...rest),
    };
  } finally {
    await relay.kill('SIGTERM');
    await wecom.close();
  }
}

/** The storm posted to the relays in turn, as a load balancer spreads it. */
async function benchStorm(deployment: Deployment) {
  const wecom = await startWecomSimulator();
  const key = 'bench-storm-robot-key';
  const { relays, stop } = await startDeployment(deployment, (databaseUrl) =>
    startRelayFor(wecom, [{ uid: 'storm', key }], { databaseUrl })
  );
  const pids = relays.map((relay) => relay.child.pid!);
  const rss = () => pids.reduce((sum, pid) => sum + rssMiB(pid), 0);
  const groups = 150;
  const names = Array.from({ length: groups }, (_, i) => `Storm${i}`);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleRss = rss();
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss())), 100);
    const started = Date.now();
    for (let i = 0; i < groups; i++) {
      const due = started + (i * 5000) / groups;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      void post(relays[i % relays.length], 'storm', groupPayload(names[i], i));
    }
    const patterns = names.map((name) => new RegExp(`${name}(?!\\d)`));
    const allVisible = await waitFor(() => {
      const text = contents(wecom, key).join('\n');
      return patterns.every((pattern) => pattern.test(text));
    }, 150_000);
    const drainSeconds = (Date.now() - started) / 1000;
    clearInterval(sampler);

    const messages = contents(wecom, key);
    const sentBytes = messages.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    const mentions = { users: [], mobiles: [], all: false };
    const ctx = { ruleName: '规则 storm', language: 'zh-CN' as const, timezone: 'Asia/Shanghai', mentions };
    const fullBytes = names.reduce((sum, name, i) => {
      const group = normalizePayload('grafana', groupPayload(name, i));
      const [message] = renderDeliveryMessages([{ group, ctx }], 'robot-markdown').messages;
      return sum + message.bytes;
    }, 0);
    return {
      errors: loggedErrors(relays),
      groups,
      allVisible,
      drainSeconds,
      messages: wecom.robotMessages(key).length,
      lowerBoundSent: Math.ceil(sentBytes / 4096),
      lowerBoundFull: Math.ceil(fullBytes / 4096),
      count45009: wecom.count45009(),
      idleRss,
      peakRss,
    };
  } finally {
    await stop('SIGTERM');
    await wecom.close();
  }
}

async function main() {
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  console.log(
    `machine: ${process.platform} ${process.arch}, Node ${process.version}, ${require('node:os').cpus().length} cores\n`
  );

  const only = process.env.BENCH_ONLY;
  if (!only || only === 'ingest' || only === 'wal') {
    await benchWal();
  }
  if (!only || only === 'ingest') {
    await benchIngest();
  }
  if (!only || only === 'e2e') {
    const e2e = await benchEndToEnd();
    console.log(`end to end (POST → simulated WeCom, ${e2e.count} alerts to idle robots):`);
    console.log(
      `  the first after the relay started ${e2e.first} ms; the others p50 ${e2e.p50} ms  p99 ${e2e.p99} ms  max ${e2e.max} ms\n`
    );
  }
  if (!only || only === 'storm') {
    console.log('storm (150 distinct groups in 5 s to one robot):\n');
    console.log(
      '| | every alert visible | messages used | lower bound | one group per message | 45009 | RSS idle → peak (all relays) | errors logged |'
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const deployment of DEPLOYMENTS) {
      const storm = await benchStorm(deployment);
      const visible = storm.allVisible ? `${fixed(storm.drainSeconds)} s after the first POST` : 'NO';
      console.log(
        `| ${deployment.name} | ${visible} | ${storm.messages} | ${storm.lowerBoundSent} | ${storm.lowerBoundFull} | ` +
          `${storm.count45009} | ${fixed(storm.idleRss, 0)} → ${fixed(storm.peakRss, 0)} MiB | ` +
          `${errorSummary(storm.errors)} |`
      );
    }
    if (POSTGRES_SKIPPED) {
      console.log(POSTGRES_SKIPPED);
    }
    console.log(
      '\nlower bound: ceil(bytes sent / 4096); one group per message: what full renderings of each group would need'
    );
  }
  await delivery(only);
}

async function delivery(only: string | undefined) {
  const fixed = (value: number) => value.toFixed(1);
  if (!only || only === 'partition') {
    const storm = await benchNameStorm();
    console.log(
      `\npartition (${storm.groups} groups: 40 alertnames × 50 instances, name by name, to one robot; posted in ${fixed(storm.arrivalSeconds)} s):`
    );
    console.log(
      `  all 40 alertnames visible: ${storm.namesSeconds === null ? `NO (${storm.names})` : `${fixed(storm.namesSeconds)} s after the first POST`}`
    );
    console.log(
      `  all ${storm.groups} instances visible: ${storm.instancesSeconds === null ? `NO (${storm.instances})` : `${fixed(storm.instancesSeconds)} s after the first POST`}`
    );
    console.log(`  messages used by then ${storm.messages}; 45009 answers ${storm.count45009}`);
    console.log(`  errors logged by the relay: ${errorSummary(storm.errors)}`);
  }
  if (!only || only === 'faults') {
    const faults = await benchFaults();
    console.log(`\nflaky WeCom (30 % errcode -1, 10 % HTTP 502 on robot and app calls), ${faults.groups} groups:`);
    for (const { name, reached } of faults.perDestination) {
      console.log(`  ${name}: ${reached} of ${faults.groups} within ${faults.windowSeconds} s`);
    }
    console.log(
      `  every group at every destination: ${faults.seconds === null ? 'NO' : `${fixed(faults.seconds)} s`}; WeCom refused ${faults.refused} calls`
    );
    console.log(`  errors logged by the relay: ${errorSummary(faults.errors)}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
