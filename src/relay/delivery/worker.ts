/**
 * Sends what the outbox holds, one destination queue at a time, oldest first. Each pass over a
 * queue claims its pending deliveries, asks the planner (planner.ts) what to send now, sends that,
 * and records each send before the next one. A retryable failure — or an error of its own, such
 * as storage that cannot be read — stops the queue until its backoff ends, so nothing overtakes
 * what came before it.
 */
import { companionText, ruleRenderContext, type MessageKind } from '../../core/render';
import type { Mentions, RuleConfig } from '../../core/config';
import type { Catalog } from '../config/catalog';
import type { Logger } from '../logger';
import type { Counts } from '../metrics';
import type { AttemptRecord, Delivery, DeliveryProgress, QueueStore, SendLedger } from '../storage/types';
import type { SendOutcome, WecomClient } from '../wecom/client';
import type { AppBody, RobotBody } from '../../core/messages';
import { backoffMs } from './backoff';
import { budgetOf } from './budget';
import { OVER_BUDGET, sendTo } from './send';
import type { ResolvedDestination } from './destinations';
import { PartsMemo } from './parts-memo';
import { afterFailure, needsCompanion, planQueue, type PlanItem } from './planner';
import { stormMessages } from './storm';

/** What a worker counts: the relay's Prometheus metrics, or their forwarders on the delivery thread. */
export interface DeliveryMetrics {
  deliveries: Counts<'kind' | 'outcome'>;
  messages: Counts<'kind'>;
  errcodes: Counts<'kind' | 'errcode'>;
  rateLimitWaits: Counts<'kind'>;
  sendLatency: { observe(labels: Partial<Record<'kind', string>>, value: number): void };
}

export interface WorkerOptions {
  storage: QueueStore & SendLedger;
  catalog: Catalog;
  client: WecomClient;
  logger: Pick<Logger, 'warn' | 'error'>;
  metrics: DeliveryMetrics;
  maxAgeMs: number;
  lingerMs: number;
  workerId: string;
  /** Queues worked on at once. */
  concurrency?: number;
  clock?: () => number;
  /** For the backoff's jitter. */
  random?: () => number;
}

/**
 * A claim lasts this long unless renewed: a relay that dies (kill -9, a lost machine) holds its
 * queues no longer than that. Renewed every third of it while the queue is worked on.
 */
const LEASE_MS = 30_000;
const CLAIM_LIMIT = 500;
const IDLE_POLL_MS = 1_000;
const MIN_TICK_MS = 20;

interface Lease {
  lost: boolean;
  stop(): void;
}

interface Hold {
  /** Persisted: backoff after a failure, or until the rate budget frees up. */
  retryAt: number | null;
  /** Persisted: consecutive failed tries once this pass is over (0 when it ended well). */
  failures: number;
  /** In memory: new work for the queue ends it early. */
  lingerUntil?: number;
  /** In memory: the queue gathers a batch until then, new work or not. */
  holdUntil?: number;
}

export class DeliveryWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Queues holding their last message back until then, in the hope of filling it. */
  private readonly lingering = new Map<string, number>();
  /** Queues gathering what arrives into one batch (a storm view) until then. */
  private readonly gathering = new Map<string, number>();
  /**
   * Queues whose last pass failed with an error of the relay's own (storage that cannot be read
   * or written): held back like a failed send, their consecutive errors counted.
   */
  private readonly erring = new Map<string, { errors: number; until: number }>();
  private readonly partsMemo = new PartsMemo();
  private outboxErrors = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private lastTickAt = 0;
  /** The pass under way, if any. */
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private stopped = true;

  constructor(private readonly options: WorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops taking new work and waits for sends in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled(this.inFlight.values());
  }

  /**
   * Called when new work was stored, naming its destinations: a queue holding a message back to
   * fill it (linger) looks again now that there is more to put in it. Under a burst of ingests,
   * passes are spaced by MIN_TICK_MS so that each one sees a batch rather than one group.
   */
  wake(destinations: string[] = []): void {
    if (this.stopped) {
      return;
    }
    for (const destination of destinations) {
      this.lingering.delete(destination);
    }
    const at = Math.max(Date.now(), this.lastTickAt + MIN_TICK_MS);
    if (this.timer !== undefined && this.timerAt <= at) {
      return;
    }
    this.schedule(at);
  }

  private schedule(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.tick();
      },
      Math.max(0, at - Date.now())
    );
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.pass().finally(() => (this.ticking = undefined));
    await this.ticking;
    if (this.stopped) {
      return;
    }
    if (this.tickAgain) {
      this.tickAgain = false;
      this.wake();
    }
  }

  /** Starts work on every due queue (up to the concurrency), and schedules the next pass. */
  private async pass(): Promise<void> {
    this.lastTickAt = Date.now();
    let nextAt = Date.now() + IDLE_POLL_MS;
    try {
      const now = this.now;
      const due = await this.options.storage.dueDestinations(now);
      this.outboxErrors = 0;
      for (const { destination, dueAt } of due) {
        if (this.inFlight.has(destination)) {
          continue;
        }
        const until = Math.max(
          dueAt,
          this.lingering.get(destination) ?? 0,
          this.gathering.get(destination) ?? 0,
          this.erring.get(destination)?.until ?? 0
        );
        if (until > now) {
          nextAt = Math.min(nextAt, until);
          continue;
        }
        this.lingering.delete(destination);
        this.gathering.delete(destination);
        if (this.stopped || this.inFlight.size >= (this.options.concurrency ?? 8)) {
          break;
        }
        const work = this.process(destination)
          .then(
            () => void this.erring.delete(destination),
            (error) => {
              const errors = (this.erring.get(destination)?.errors ?? 0) + 1;
              const waitMs = backoffMs(errors, this.random);
              this.erring.set(destination, { errors, until: Date.now() + waitMs });
              this.options.logger.error(
                { err: error, destination, retryInMs: Math.round(waitMs) },
                'delivery pass failed'
              );
            }
          )
          .finally(() => {
            this.inFlight.delete(destination);
            this.wake();
          });
        this.inFlight.set(destination, work);
      }
    } catch (error) {
      this.outboxErrors++;
      nextAt = Date.now() + Math.max(IDLE_POLL_MS, backoffMs(this.outboxErrors, this.random));
      this.options.logger.error({ err: error }, 'cannot read the outbox; will try again');
    }
    if (!this.stopped && !this.tickAgain && (this.timer === undefined || this.timerAt > nextAt)) {
      this.schedule(nextAt);
    }
  }

  private get now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private async process(destination: string): Promise<void> {
    const { storage, workerId } = this.options;
    const claimed = await storage.claimDestination(destination, workerId, LEASE_MS, CLAIM_LIMIT, this.now);
    if (claimed.length === 0) {
      return;
    }
    let hold: Hold;
    const lease = this.keepClaim(destination);
    try {
      hold = await this.sendQueue(destination, claimed, lease);
    } catch (error) {
      const failures = (await storage.destinationFailures(destination).catch(() => 0)) + 1;
      hold = { retryAt: this.now + backoffMs(failures, this.random), failures };
      await storage.releaseDestination(destination, workerId, hold, this.now);
      throw error;
    } finally {
      lease.stop();
    }
    await storage.releaseDestination(destination, workerId, hold, this.now);
    if (hold.lingerUntil !== undefined) {
      this.lingering.set(destination, hold.lingerUntil);
    }
    if (hold.holdUntil !== undefined) {
      this.gathering.set(destination, hold.holdUntil);
    }
  }

  /** Renews the claim on `destination` until stopped; `lost` once another worker may have it. */
  private keepClaim(destination: string): Lease {
    const { storage, workerId, logger } = this.options;
    const lease: Lease = { lost: false, stop: () => clearInterval(timer) };
    const timer = setInterval(() => {
      storage.renewClaim(destination, workerId, LEASE_MS, this.now).then(
        (held) => {
          if (!held && !lease.lost) {
            lease.lost = true;
            logger.warn({ destination }, 'claim on the queue lost: stopping its pass');
          }
        },
        (error) => logger.warn({ err: error, destination }, 'cannot renew the claim on the queue')
      );
    }, LEASE_MS / 3);
    return lease;
  }

  private get random(): () => number {
    return this.options.random ?? Math.random;
  }

  private async sendQueue(destination: string, claimed: Delivery[], lease: Lease): Promise<Hold> {
    const { storage, metrics } = this.options;
    const { target, items } = await this.resolve(destination, claimed);
    if (!target) {
      return { retryAt: null, failures: 0 };
    }
    const now = this.now;
    const plan = planQueue({
      items,
      kind: messageKindOf(target),
      budget: await budgetOf(storage, target, now),
      now,
      maxAgeMs: this.options.maxAgeMs,
      lingerMs: this.options.lingerMs,
      companions: target.kind === 'robot',
      storm: stormMessages,
    });
    await this.expire(plan.expired, claimed);
    if (plan.rateLimited) {
      metrics.rateLimitWaits.inc({ kind: target.kind });
    }
    const companion = new Map<string, Mentions>();
    // Each delivery as recorded so far: a failed send leaves it so; a failed delivery is not advanced.
    const recorded = new Map(
      claimed.map((d) => [d.id, { id: d.id, partsSent: d.partsSent, done: false, digest: d.digest }])
    );
    const failed = new Set<number>();
    let delivered = false;
    for (const planned of plan.sends) {
      const steps = planned.progress.filter((step) => !failed.has(step.id));
      if (steps.length === 0) {
        continue;
      }
      if (lease.lost) {
        return { retryAt: null, failures: 0 };
      }
      const outcome = await this.send(target, planned.body);
      if (outcome === OVER_BUDGET) {
        metrics.rateLimitWaits.inc({ kind: target.kind });
        return { retryAt: (await budgetOf(storage, target, this.now)).freeAt, failures: 0 };
      }
      const progress = outcome.ok ? steps : steps.map((step) => recorded.get(step.id)!);
      await storage.recordAttempt(this.attempt(destination, steps, planned.body, outcome), progress);
      if (outcome.ok) {
        delivered = true;
        steps.forEach((step) => recorded.set(step.id, step));
        for (const item of planned.announces.filter(needsCompanion)) {
          const { language, mentions } = item.context(false);
          companion.set(language, mergeMentions(companion.get(language), mentions));
        }
        metrics.deliveries.inc({ kind: target.kind, outcome: 'sent' }, planned.completes.length);
        continue;
      }
      // A message WeCom took earlier in this pass ends the run of failures: the wait starts over.
      const failures = delivered ? 1 : (await storage.destinationFailures(destination)) + 1;
      const next = afterFailure(
        { ...outcome, action: outcome.action === 'retry' ? 'retry' : 'permanent' },
        failures,
        this.now,
        this.random
      );
      if ('retryAt' in next) {
        return { retryAt: next.retryAt, failures };
      }
      if (next.fail === 'destination') {
        // What is due on the queue would be refused the same way, claimed in this pass or not (a
        // queue longer than one claim): it fails now, without being rendered or sent.
        const ids = await storage.failDueDeliveries(destination, outcome.errcode, outcome.errmsg, this.now);
        this.countFailed(target.kind, ids, outcome.errcode, outcome.errmsg);
        return { retryAt: null, failures: 0 };
      }
      const failedIds = steps.map((step) => step.id);
      failedIds.forEach((id) => failed.add(id));
      await this.fail(target.kind, failedIds, outcome.errcode, outcome.errmsg);
    }
    await this.sendCompanions(target, companion, plan.spare);
    return { retryAt: plan.retryAt, failures: 0, lingerUntil: plan.lingerUntil, holdUntil: plan.holdUntil };
  }

  /**
   * Deliveries not sent within the max age end as failed instead of being sent late forever. Age
   * counts from when a delivery could first be sent: after its quiet hours, or its retry by hand.
   */
  private async expire(expired: PlanItem[], claimed: Delivery[]): Promise<void> {
    const minutes = Math.round(this.options.maxAgeMs / 60_000);
    for (const item of expired) {
      const delivery = claimed.find((candidate) => candidate.id === item.id)!;
      await this.options.storage.failDeliveries(
        [delivery.id],
        delivery.lastErrcode,
        `expired: not delivered within ${minutes} min (last error: ${delivery.lastError ?? 'none'})`
      );
      this.options.metrics.deliveries.inc({ kind: delivery.kind, outcome: 'expired' });
    }
  }

  /** Resolves each delivery against the current config; those whose rule, service or destination is gone fail. */
  private async resolve(
    destination: string,
    deliveries: Delivery[]
  ): Promise<{ target?: ResolvedDestination; items: PlanItem[] }> {
    const { catalog } = this.options;
    const items: PlanItem[] = [];
    let target: ResolvedDestination | undefined;
    for (const delivery of deliveries) {
      const rule = catalog.rules.get(delivery.ruleUid)?.config;
      const service = catalog.services.get(delivery.serviceUid);
      const resolved = service?.destinations.get(destination);
      if (!rule || !resolved) {
        const missing = !rule
          ? `rule ${delivery.ruleUid}`
          : !service
            ? `service ${delivery.serviceUid}`
            : 'this destination';
        await this.fail(delivery.kind, [delivery.id], null, `${missing} no longer exists`);
        continue;
      }
      target ??= resolved;
      items.push(planItem(delivery, rule, this.partsMemo));
    }
    return { target, items };
  }

  private async send(
    target: ResolvedDestination,
    body: RobotBody | AppBody
  ): Promise<SendOutcome | typeof OVER_BUDGET> {
    const { client, storage, metrics } = this.options;
    const outcome = await sendTo(client, storage, target, body);
    if (outcome === OVER_BUDGET) {
      return outcome;
    }
    metrics.sendLatency.observe({ kind: target.kind }, outcome.durationMs / 1000);
    if (outcome.ok) {
      metrics.messages.inc({ kind: target.kind });
    } else {
      metrics.errcodes.inc({
        kind: target.kind,
        errcode: outcome.errcode ?? (outcome.httpStatus ? `http_${outcome.httpStatus}` : 'network'),
      });
    }
    return outcome;
  }

  private async sendCompanions(
    target: ResolvedDestination,
    companion: Map<string, Mentions>,
    available: number
  ): Promise<void> {
    if (target.kind !== 'robot') {
      return;
    }
    for (const [language, mentions] of companion) {
      const body = companionText(mentions, language as 'zh-CN' | 'en');
      if (!body) {
        continue;
      }
      if (available <= 0) {
        this.options.logger.warn(
          { destination: target.groups },
          'robot budget used up: @all/@mobile reminder not sent'
        );
        return;
      }
      available--;
      if ((await this.send(target, body)) === OVER_BUDGET) {
        return;
      }
    }
  }

  /** WeCom's answer as it came (redacted); hints are added when it is shown. */
  private attempt(
    destination: string,
    steps: DeliveryProgress[],
    message: RobotBody | AppBody,
    outcome: SendOutcome
  ): AttemptRecord {
    return {
      deliveryIds: steps.map((step) => step.id),
      destination,
      at: this.now,
      ok: outcome.ok,
      errcode: outcome.errcode,
      errmsg: outcome.errmsg,
      httpStatus: outcome.httpStatus,
      durationMs: outcome.durationMs,
      message,
      invalidRecipients: outcome.invalidRecipients,
    };
  }

  private async fail(kind: 'robot' | 'app', ids: number[], errcode: number | null, error: string): Promise<void> {
    await this.options.storage.failDeliveries(ids, errcode, error);
    this.countFailed(kind, ids, errcode, error);
  }

  private countFailed(kind: 'robot' | 'app', ids: number[], errcode: number | null, error: string): void {
    this.options.metrics.deliveries.inc({ kind, outcome: 'failed' }, ids.length);
    this.options.logger.warn({ deliveries: ids, errcode, error }, 'deliveries failed');
  }
}

export function messageKindOf(target: ResolvedDestination): MessageKind {
  return target.kind === 'robot' ? 'robot-markdown' : (`app-${target.app.msgType}` as MessageKind);
}

/** A delivery as the planner sees it: its parts render from its rule, as of when it was created. */
function planItem(delivery: Delivery, rule: RuleConfig, memo: PartsMemo): PlanItem {
  return {
    id: delivery.id,
    group: delivery.group,
    createdAt: delivery.createdAt,
    readyAt: Math.max(delivery.createdAt, delivery.notBefore),
    partsSent: delivery.partsSent,
    digest: delivery.digest,
    summarized: delivery.summarized,
    context: (digest) => ruleRenderContext(rule, { now: new Date(delivery.createdAt), digest }),
    parts: (digest, kind) => memo.parts(rule, delivery.group, delivery.createdAt, digest, kind),
  };
}

function mergeMentions(a: Mentions | undefined, b: Mentions): Mentions {
  return {
    users: [...new Set([...(a?.users ?? []), ...b.users])],
    mobiles: [...new Set([...(a?.mobiles ?? []), ...b.mobiles])],
    all: (a?.all ?? false) || b.all,
  };
}
