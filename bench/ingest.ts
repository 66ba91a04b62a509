/**
 * The ingest bench: how fast the relay answers webhooks, beside a bare node:http server that
 * reads the body, parses it and answers 202, measured in the same run. One service with 2 robots
 * and an app, fixture-shaped Grafana groups (a distinct group per request), 32 keep-alive
 * connections. The two servers take turns, the idle one stopped with SIGSTOP, and each figure is
 * the median of its rounds. One load generator on 2 cores caps what the bare server can show, so
 * the server's CPU time per request (from /proc) is printed beside req/s. With
 * WECOM_RELAY_TEST_DATABASE_URL set, the relay also runs on PostgreSQL, as one replica and as two
 * (the connections split between them), in the same rounds.
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
import { DEPLOYMENTS, POSTGRES_SKIPPED, errorSummary, loggedErrors, startDeployment } from './support';
import { startWecomSimulator, type WecomSimulator } from '../tests/support/wecom-simulator';

const CONNECTIONS = 32;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// A fresh relay compiles its hot paths in its first seconds, on V8's helper threads, which the
// CPU per request counts: with 2 s of warm-up, compilation was up to a quarter of a round's relay CPU.
const WARMUP_SECONDS = 5;
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
  /** The worst of the servers' p99s, when more than one takes the load. */
  p99: number;
  /** Server CPU time (user + system, all threads, every replica) per answered request, µs. */
  cpuUs: number;
  /** PostgreSQL's CPU time (all its processes) per answered request, µs; 0 on SQLite. */
  databaseCpuUs: number;
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

function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile (a PostgreSQL backend whose connection closed)
    }
  }
  return ticks;
}

/** PostgreSQL's processes on this machine (postmaster, backends, writers), as far as /proc shows them. */
function postgresPids(): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) {
      return [];
    }
    try {
      return fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres' ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
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
    databaseCpuUs: median(rounds.map((round) => round.databaseCpuUs)),
    non2xx: rounds.reduce((sum, round) => sum + round.non2xx, 0),
  };
}

function cannon(
  target: Target,
  options: { duration?: number; amount?: number; connections?: number },
  onAccepted?: (body: string) => void
) {
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
  options: { duration?: number; amount?: number; connections?: number },
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

/** The load on `targets` at once, the connections split between them. */
async function measure(targets: Target[], seconds = ROUND_SECONDS, database = false): Promise<Round> {
  const pids = targets.map((target) => target.pid);
  const databasePids = database ? postgresPids() : [];
  const before = cpuTicks(pids);
  const databaseBefore = cpuTicks(databasePids);
  const connections = Math.ceil(CONNECTIONS / targets.length);
  const results = await Promise.all(targets.map((target) => cannon(target, { duration: seconds, connections }).done));
  const answered = Math.max(
    results.reduce((sum, result) => sum + result.requests.total, 0),
    1
  );
  const perRequestUs = (ticks: number) => (ticks / CLOCK_TICKS / answered) * 1e6;
  return {
    rps: results.reduce((sum, result) => sum + result.requests.average, 0),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    cpuUs: perRequestUs(cpuTicks(pids) - before),
    databaseCpuUs: perRequestUs(cpuTicks(databasePids) - databaseBefore),
    non2xx: results.reduce((sum, result) => sum + result.non2xx + result.errors, 0),
  };
}

/** Runs `work` with `running` continued and `paused` stopped. */
async function alone<T>(running: number[], paused: number[], work: () => Promise<T>): Promise<T> {
  paused.forEach((pid) => process.kill(pid, 'SIGSTOP'));
  running.forEach((pid) => process.kill(pid, 'SIGCONT'));
  try {
    return await work();
  } finally {
    paused.forEach((pid) => process.kill(pid, 'SIGCONT'));
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

/** Relay processes started for a bench, and how to be rid of them and what they stored. */
interface Relays {
  relays: RelayProcess[];
  targets: Target[];
  dataDir: string;
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * The standard service (2 robots and an app) on `dataDir` (a new one when not given): one relay
 * on SQLite, or `replicas` relays on a fresh schema of the test PostgreSQL.
 */
async function startRelays(
  wecom: WecomSimulator,
  options: { dataDir?: string; replicas?: number; postgres?: boolean } = {}
): Promise<Relays> {
  const dataDir = options.dataDir ?? tempDir('wecom-relay-bench-');
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
  const { relays, stop } = await startDeployment(
    { replicas: options.replicas ?? 1, postgres: options.postgres ?? false },
    (databaseUrl, replica) =>
      spawnRelay(
        [
          '--data-dir',
          replica === 0 ? dataDir : tempDir('wecom-relay-bench-'),
          ...(databaseUrl ? ['--database-url', databaseUrl] : []),
          '--provisioning',
          provisioning,
          '--wecom-api-base',
          wecom.baseUrl,
        ],
        ENV
      )
  );
  return {
    relays,
    dataDir,
    targets: relays.map((relay) => ({
      url: `${relay.url}/hooks/grafana/critical`,
      pid: relay.child.pid!,
      headers: { authorization: `Bearer ${INGEST_TOKEN}` },
    })),
    stop,
  };
}

/**
 * Each deployment and bare in turns; new relays each round, so that each starts with an empty
 * queue, and a round of every deployment before the next round of any.
 */
async function deploymentsAgainstBare(wecom: WecomSimulator) {
  const bare = await startBare();
  const rounds = DEPLOYMENTS.map(() => [] as Round[]);
  const errors = DEPLOYMENTS.map(() => [] as string[]);
  const bareRounds: Round[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, deployment] of DEPLOYMENTS.entries()) {
        const relays = await startRelays(wecom, deployment);
        const pids = relays.targets.map((target) => target.pid);
        try {
          rounds[index].push(
            await alone(pids, [bare.target.pid], async () => {
              await measure(relays.targets, WARMUP_SECONDS);
              return measure(relays.targets, ROUND_SECONDS, deployment.postgres);
            })
          );
          if (index === 0) {
            bareRounds.push(
              await alone([bare.target.pid], pids, async () => {
                await measure([bare.target], WARMUP_SECONDS);
                return measure([bare.target]);
              })
            );
          }
        } finally {
          await relays.stop('SIGKILL');
          errors[index].push(...loggedErrors(relays.relays));
          removeDataDir(relays.dataDir);
        }
        wecom.reset();
      }
    }
  } finally {
    bare.child.kill();
  }
  return {
    deployments: DEPLOYMENTS.map((deployment, index) => ({
      ...deployment,
      round: medianRound(rounds[index]),
      errors: errors[index],
    })),
    bare: medianRound(bareRounds),
  };
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
  const relays = await startRelays(wecom);
  const { targets, dataDir } = relays;
  try {
    const filled = await cannon(targets[0], { amount: BACKLOG_GROUPS }).done;
    const rounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push(await measure(targets));
    }
    return {
      backlogAccepted: filled['2xx'],
      round: medianRound(rounds),
      pendingAfter: pendingDeliveries(dataDir),
      robotMessages: wecom.robotMessages(ROBOT_KEY).length + wecom.robotMessages(SECOND_ROBOT_KEY).length,
    };
  } finally {
    await relays.stop('SIGKILL');
    removeDataDir(dataDir);
    wecom.reset();
  }
}

/** kill -9 under load, restart, and look every 202's delivery ids up in the database. */
async function crashCheck(wecom: WecomSimulator) {
  const crashed = await startRelays(wecom);
  const { dataDir } = crashed;
  const accepted: number[][] = [];
  const load = cannon(crashed.targets[0], { duration: 60 }, (body) => accepted.push(JSON.parse(body).ids));
  await new Promise((resolve) => setTimeout(resolve, CRASH_AFTER_MS));
  await crashed.stop('SIGKILL');
  load.instance.stop();
  await load.done;
  let restarted: Relays | undefined;
  try {
    restarted = await startRelays(wecom, { dataDir });
    const db = new Database(path.join(dataDir, 'wecom-relay.db'), { readonly: true });
    try {
      const stored = db.prepare(`SELECT status FROM deliveries WHERE id = ?`);
      const missing = accepted.filter((ids) => ids.some((id) => stored.get(id) === undefined)).length;
      return { accepted: accepted.length, deliveries: accepted.flat().length, missing };
    } finally {
      db.close();
    }
  } finally {
    await restarted?.stop('SIGTERM');
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
    const { deployments, bare } = await deploymentsAgainstBare(wecom);
    const backlog = await duringBacklog(wecom);
    const crash = await crashCheck(wecom);
    const sqlite = deployments[0].round;

    const count = (value: number) => Math.round(value).toLocaleString('en-US');
    const row = (name: string, round: Round, ratio = '') =>
      `| ${name} | ${count(round.rps)}${ratio} | ${round.p99} ms | ${count(round.cpuUs)} µs | ` +
      `${round.databaseCpuUs ? `${count(round.databaseCpuUs)} µs` : ''} |`;
    const times = (value: number, base: number, what: string) => ` (${(value / base).toFixed(2)}× ${what})`;
    console.log(
      `ingest: one service with 2 robots and an app, fixture-shaped Grafana groups, ${CONNECTIONS} keep-alive ` +
        `connections, median of ${ROUNDS} rounds of ${ROUND_SECONDS} s after ${WARMUP_SECONDS} s of warm-up, relays and bare in turns (the others stopped)\n`
    );
    console.log('| | req/s | p99 | relay CPU per request | PostgreSQL CPU per request |');
    console.log('|---|---|---|---|---|');
    console.log(row('bare node:http', bare));
    for (const { name, postgres, round } of deployments) {
      console.log(
        row(name, round, postgres ? times(round.rps, sqlite.rps, 'SQLite') : times(round.rps, bare.rps, 'bare'))
      );
    }
    console.log(
      row(
        `relay on SQLite, ${count(BACKLOG_GROUPS)}-group backlog draining`,
        backlog.round,
        times(backlog.round.rps, sqlite.rps, 'idle')
      )
    );
    if (POSTGRES_SKIPPED) {
      console.log(POSTGRES_SKIPPED);
    }
    console.log(
      `\nnon-2xx or errors: ${deployments.map(({ name, round }) => `${name} ${round.non2xx}`).join(', ')}, ` +
        `bare ${bare.non2xx}, during the backlog ${backlog.round.non2xx}; ` +
        `backlog: ${count(backlog.backlogAccepted)} groups accepted, ${count(backlog.pendingAfter)} deliveries ` +
        `still pending after the rounds, ${backlog.robotMessages} robot messages sent meanwhile`
    );
    console.log(
      `errors logged by the relays in the rounds: ${deployments.map(({ name, errors }) => `${name} ${errorSummary(errors)}`).join(', ')}`
    );
    console.log(
      `crash check: kill -9 after ${CRASH_AFTER_MS / 1000} s of load, restarted: ${count(crash.accepted)} webhooks ` +
        `answered 202 (${count(crash.deliveries)} deliveries), ${crash.missing} of them missing from storage\n`
    );
  } finally {
    await wecom.close();
  }
}
