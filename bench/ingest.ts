/**
 * The ingest bench: how fast the relay answers webhooks, beside a bare node:http server that
 * reads the body, parses it and answers 202, measured in the same run. One service with 2 robots
 * and an app, fixture-shaped Grafana groups (a distinct group per request), 32 keep-alive
 * connections. The two servers take turns, the idle one stopped with SIGSTOP, and each figure is
 * the median of its rounds. One load generator on 2 cores caps what the bare server can show, so
 * the server's CPU time per request (from /proc) is printed beside req/s.
 *
 * Then: ingest while a 20k-group backlog drains, against idle ingest; and a crash check, the
 * relay killed with kill -9 under load and restarted, every 202 looked up in its database.
 */
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {
  ADMIN_TOKEN,
  APP,
  INGEST_TOKEN,
  ROBOT_KEY,
  SECRET_KEY,
  fixture,
  tempDir,
  writeProvisioning,
} from '../tests/support/relay-harness';
import { spawnRelay, type RelayProcess } from '../tests/support/relay-process';
import { startWecomSimulator, type WecomSimulator } from '../tests/support/wecom-simulator';

const CONNECTIONS = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const BACKLOG_GROUPS = 20_000;
const CRASH_AFTER_MS = 4_000;
const SECOND_ROBOT_KEY = 'b2c3d4e5-1111-4bc4-97a0-0ec2sifa5bbb';
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

const ENV = {
  WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
  WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
  WECOM_RELAY_SECRET_KEY: SECRET_KEY,
  WECOM_RELAY_LOG_LEVEL: 'info',
};

interface Target {
  url: string;
  pid: number;
  headers: Record<string, string>;
}

interface Round {
  rps: number;
  p99: number;
  /** Server CPU time (user + system, all threads) per answered request, µs. */
  cpuUs: number;
  non2xx: number;
}

/** The fixture group with its group key and fingerprints made unique by `n`, serialised once. */
const PAYLOAD_TEMPLATE = (() => {
  const payload = fixture('grafana-firing.json');
  payload.groupKey = '{}:{alertname="Bench__N__"}';
  payload.alerts = payload.alerts.map((alert: { labels: Record<string, string> }, i: number) => ({
    ...alert,
    labels: { ...alert.labels, alertname: 'Bench__N__' },
    fingerprint: `bench-__N__-${i}`,
  }));
  return JSON.stringify(payload);
})();
let payloadCounter = 0;
const nextPayload = () => PAYLOAD_TEMPLATE.replaceAll('__N__', `${process.pid}x${payloadCounter++}`);

function cpuTicks(pid: number): number {
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianRound(rounds: Round[]): Round {
  return {
    rps: median(rounds.map((round) => round.rps)),
    p99: median(rounds.map((round) => round.p99)),
    cpuUs: median(rounds.map((round) => round.cpuUs)),
    non2xx: rounds.reduce((sum, round) => sum + round.non2xx, 0),
  };
}

function cannon(target: Target, options: { duration?: number; amount?: number }, onAccepted?: (body: string) => void) {
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(load(target, options, onAccepted), (error, result) =>
      error ? reject(error) : resolve(result)
    );
  });
  return { instance, done };
}

function load(
  target: Target,
  options: { duration?: number; amount?: number },
  onAccepted?: (body: string) => void
): autocannon.Options {
  return {
    url: target.url,
    method: 'POST',
    connections: CONNECTIONS,
    ...options,
    headers: { 'content-type': 'application/json', ...target.headers },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: nextPayload() }),
        ...(onAccepted && {
          onResponse: (status: number, body: string) => status === 202 && onAccepted(body),
        }),
      },
    ],
  };
}

async function measure(target: Target, seconds = ROUND_SECONDS): Promise<Round> {
  const before = cpuTicks(target.pid);
  const result = await cannon(target, { duration: seconds }).done;
  const answered = result.requests.total;
  const cpuUs = ((cpuTicks(target.pid) - before) / CLOCK_TICKS / Math.max(answered, 1)) * 1e6;
  return { rps: result.requests.average, p99: result.latency.p99, cpuUs, non2xx: result.non2xx + result.errors };
}

/** Runs `work` with `running` continued and `paused` stopped. */
async function alone<T>(running: number, paused: number, work: () => Promise<T>): Promise<T> {
  process.kill(paused, 'SIGSTOP');
  process.kill(running, 'SIGCONT');
  try {
    return await work();
  } finally {
    process.kill(paused, 'SIGCONT');
  }
}

async function startBare(): Promise<{ child: ChildProcess; target: Target }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'bare-server.cjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const address = await new Promise<string>((resolve) =>
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line).address))
  );
  return { child, target: { url: `${address}/`, pid: child.pid!, headers: {} } };
}

/** A relay on `dataDir` (a new one when not given) with the standard service: 2 robots and an app. */
async function startRelay(wecom: WecomSimulator, dataDir = tempDir('wecom-relay-bench-')) {
  const provisioning = path.join(dataDir, 'provisioning');
  writeProvisioning(provisioning, {
    apiVersion: 1,
    services: [
      {
        uid: 'ops',
        name: '运维通知',
        robots: [
          { groups: '运维群', webhookUrl: wecom.robotUrl(ROBOT_KEY) },
          { groups: 'DBA群', webhookUrl: wecom.robotUrl(SECOND_ROBOT_KEY) },
        ],
        app: { ...APP, accounts: ['zhangsan', 'lisi'] },
      },
    ],
    rules: [{ uid: 'critical', name: '严重告警', services: ['ops'] }],
  });
  const relay = await spawnRelay(
    ['--data-dir', dataDir, '--provisioning', provisioning, '--wecom-api-base', wecom.baseUrl],
    ENV
  );
  const target: Target = {
    url: `${relay.url}/hooks/grafana/critical`,
    pid: relay.child.pid!,
    headers: { authorization: `Bearer ${INGEST_TOKEN}` },
  };
  return { relay, target, dataDir };
}

/** Relay and bare in turns; a new relay each round, so that each starts with an empty queue. */
async function relayAgainstBare(wecom: WecomSimulator) {
  const bare = await startBare();
  const relayRounds: Round[] = [];
  const bareRounds: Round[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { relay, target, dataDir } = await startRelay(wecom);
      try {
        relayRounds.push(
          await alone(target.pid, bare.target.pid, async () => {
            await measure(target, WARMUP_SECONDS);
            return measure(target);
          })
        );
        bareRounds.push(
          await alone(bare.target.pid, target.pid, async () => {
            await measure(bare.target, WARMUP_SECONDS);
            return measure(bare.target);
          })
        );
      } finally {
        await relay.kill('SIGKILL');
        removeDataDir(dataDir);
      }
      wecom.reset();
    }
  } finally {
    bare.child.kill();
  }
  return { relay: medianRound(relayRounds), bare: medianRound(bareRounds) };
}

/** A round's database grows by hundreds of MB. */
function removeDataDir(dataDir: string): void {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

function pendingDeliveries(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'wecom-relay.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending'`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Ingest while the worker drains a backlog of BACKLOG_GROUPS groups to the same service. */
async function duringBacklog(wecom: WecomSimulator) {
  const { relay, target, dataDir } = await startRelay(wecom);
  try {
    const filled = await cannon(target, { amount: BACKLOG_GROUPS }).done;
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push(await measure(target));
    }
    return {
      backlogAccepted: filled['2xx'],
      round: medianRound(rounds),
      pendingAfter: pendingDeliveries(dataDir),
      robotMessages: wecom.robotMessages(ROBOT_KEY).length + wecom.robotMessages(SECOND_ROBOT_KEY).length,
    };
  } finally {
    await relay.kill('SIGKILL');
    removeDataDir(dataDir);
    wecom.reset();
  }
}

/** kill -9 under load, restart, and look every 202's delivery ids up in the database. */
async function crashCheck(wecom: WecomSimulator) {
  const { relay, target, dataDir } = await startRelay(wecom);
  const accepted: number[][] = [];
  const load = cannon(target, { duration: 60 }, (body) => accepted.push(JSON.parse(body).ids));
  await new Promise((resolve) => setTimeout(resolve, CRASH_AFTER_MS));
  await relay.kill('SIGKILL');
  load.instance.stop();
  await load.done;
  let restarted: RelayProcess | undefined;
  try {
    ({ relay: restarted } = await startRelay(wecom, dataDir));
    const db = new Database(path.join(dataDir, 'wecom-relay.db'), { readonly: true });
    try {
      const stored = db.prepare(`SELECT status FROM deliveries WHERE id = ?`);
      const missing = accepted.filter((ids) => ids.some((id) => stored.get(id) === undefined)).length;
      return { accepted: accepted.length, deliveries: accepted.flat().length, missing };
    } finally {
      db.close();
    }
  } finally {
    await restarted?.kill('SIGTERM');
    removeDataDir(dataDir);
    wecom.reset();
  }
}

export async function benchIngest(): Promise<void> {
  const wecom = await startWecomSimulator();
  wecom.addRobot(ROBOT_KEY);
  wecom.addRobot(SECOND_ROBOT_KEY);
  wecom.addApp({ ...APP, visibleUsers: ['zhangsan', 'lisi'] });
  try {
    const { relay, bare } = await relayAgainstBare(wecom);
    const backlog = await duringBacklog(wecom);
    const crash = await crashCheck(wecom);

    const count = (value: number) => Math.round(value).toLocaleString('en-US');
    const row = (name: string, round: Round, ratio = '') =>
      `| ${name} | ${count(round.rps)}${ratio} | ${round.p99} ms | ${count(round.cpuUs)} µs |`;
    console.log(
      `ingest: one service with 2 robots and an app, fixture-shaped Grafana groups, ${CONNECTIONS} keep-alive ` +
        `connections, median of ${ROUNDS} rounds of ${ROUND_SECONDS} s, relay and bare in turns (the other stopped)\n`
    );
    console.log('| | req/s | p99 | server CPU per request |');
    console.log('|---|---|---|---|');
    console.log(row('bare node:http', bare));
    console.log(row('relay', relay, ` (${(relay.rps / bare.rps).toFixed(2)}×)`));
    console.log(
      row(
        `relay, ${count(BACKLOG_GROUPS)}-group backlog draining`,
        backlog.round,
        ` (${(backlog.round.rps / relay.rps).toFixed(2)}× idle)`
      )
    );
    console.log(
      `\nnon-2xx or errors: relay ${relay.non2xx}, bare ${bare.non2xx}, during the backlog ${backlog.round.non2xx}; ` +
        `backlog: ${count(backlog.backlogAccepted)} groups accepted, ${count(backlog.pendingAfter)} deliveries ` +
        `still pending after the rounds, ${backlog.robotMessages} robot messages sent meanwhile`
    );
    console.log(
      `crash check: kill -9 after ${CRASH_AFTER_MS / 1000} s of load, restarted: ${count(crash.accepted)} webhooks ` +
        `answered 202 (${count(crash.deliveries)} deliveries), ${crash.missing} of them missing from storage\n`
    );
  } finally {
    await wecom.close();
  }
}
