/**
 * Sends what the outbox holds, one destination queue at a time, oldest first. Each pass over a
 * queue renders its pending deliveries, packs them into as few messages as the byte limit allows
 * (a digest when a backlog has built up), sends as many as the rate budget permits, and records
 * each send before the next one. A retryable failure stops the queue until its backoff ends, so
 * nothing overtakes what came before it.
 */
import {
  companionText,
  packMessages,
  renderGroupParts,
  ruleRenderContext,
  type MessageKind,
  type PackItem,
  type PackedMessage,
  type RenderedPart,
} from '../../core/render';
import type { Mentions, RuleConfig } from '../../core/config';
import type { Catalog } from '../config/catalog';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Delivery, DeliveryProgress, Storage } from '../storage/types';
import type { SendOutcome, WecomClient } from '../wecom/client';
import type { AppBody, RobotBody } from '../../core/messages';
import { backoffMs } from './backoff';
import { budgetOf } from './budget';
import { sendTo } from './send';
import { destinationsOf, type ResolvedDestination } from './destinations';

export interface WorkerOptions {
  storage: Storage;
  catalog: Catalog;
  client: WecomClient;
  logger: Logger;
  metrics: Metrics;
  apiBase: string;
  maxAgeMs: number;
  lingerMs: number;
  workerId: string;
  /** Queues worked on at once. */
  concurrency?: number;
}

const LEASE_MS = 120_000;
const CLAIM_LIMIT = 500;
const IDLE_POLL_MS = 1_000;
const MIN_TICK_MS = 20;

/** Errors about the content of one message; any other permanent error is about the destination itself. */
const CONTENT_ERRCODES = new Set([40058, 45002, 44004, 82004, 93017, 93018, 40008]);

interface Hold {
  /** Persisted: backoff after a failure, or until the rate budget frees up. */
  retryAt: number | null;
  failed: boolean;
  /** In memory: new work for the queue ends it early. */
  lingerUntil?: number;
}

interface Queued {
  delivery: Delivery;
  rule: RuleConfig;
}

interface QueueItem {
  delivery: Delivery;
  parts: RenderedPart[];
  digest: boolean;
  mentions: Mentions;
  language: 'zh-CN' | 'en';
}

export class DeliveryWorker {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Queues holding their last message back until then, in the hope of filling it. */
  private readonly lingering = new Map<string, number>();
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
      const now = Date.now();
      const due = await this.options.storage.dueDestinations(now);
      for (const { destination, dueAt } of due) {
        if (this.inFlight.has(destination)) {
          continue;
        }
        const until = Math.max(dueAt, this.lingering.get(destination) ?? 0);
        if (until > now) {
          nextAt = Math.min(nextAt, until);
          continue;
        }
        this.lingering.delete(destination);
        if (this.stopped || this.inFlight.size >= (this.options.concurrency ?? 8)) {
          break;
        }
        const work = this.process(destination)
          .catch((error) => this.options.logger.error({ err: error, destination }, 'delivery pass failed'))
          .finally(() => {
            this.inFlight.delete(destination);
            this.wake();
          });
        this.inFlight.set(destination, work);
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'cannot read the outbox; will try again');
    }
    if (!this.stopped && !this.tickAgain && (this.timer === undefined || this.timerAt > nextAt)) {
      this.schedule(nextAt);
    }
  }

  private async process(destination: string): Promise<void> {
    const { storage, workerId } = this.options;
    const now = Date.now();
    const claimed = await storage.claimDestination(destination, workerId, LEASE_MS, CLAIM_LIMIT, now);
    if (claimed.length === 0) {
      return;
    }
    let hold: Hold = { retryAt: null, failed: false };
    try {
      hold = await this.sendQueue(destination, claimed, now);
    } finally {
      await storage.releaseDestination(destination, workerId, hold);
    }
    if (hold.lingerUntil !== undefined) {
      this.lingering.set(destination, hold.lingerUntil);
    }
  }

  private async sendQueue(destination: string, claimed: Delivery[], now: number): Promise<Hold> {
    const { storage, metrics } = this.options;
    const live = await this.dropExpired(claimed, now);
    const { target, queue } = await this.resolve(destination, live);
    if (!target || queue.length === 0) {
      return { retryAt: null, failed: false };
    }
    const kind = messageKindOf(target);
    const budget = await budgetOf(storage, target, now);
    if (budget.available === 0) {
      metrics.rateLimitWaits.inc({ kind: target.kind });
      return { retryAt: budget.freeAt, failed: false };
    }
    // A backlog that would not fit the remaining budget goes out as digests, one line per alert.
    let items = this.render(queue, kind, budget.pressure);
    let messages = pack(items, kind);
    if (!budget.pressure && messages.length > budget.available) {
      items = this.render(queue, kind, true);
      messages = pack(items, kind);
    }
    if (messages.length === 0) {
      return { retryAt: null, failed: false };
    }

    let retryAt: number | null = null;
    let lingerUntil: number | undefined;
    let sendable = messages;
    const last = messages[messages.length - 1];
    if (budget.recentlyActive && !last.full) {
      // Nagle: a busy queue keeps its last, not-yet-full message a moment so later groups fill it.
      const oldest = Math.min(...last.covers.map((cover) => items[cover.item].delivery.createdAt));
      if (now - oldest < this.options.lingerMs) {
        sendable = messages.slice(0, -1);
        lingerUntil = oldest + this.options.lingerMs;
      }
    }
    // Keep one message of the budget for the @all/@mobile companion, when one will be needed.
    const companionSlot =
      target.kind === 'robot' &&
      budget.available > 1 &&
      sendable.some((message) => message.covers.some((cover) => needsCompanion(items[cover.item])))
        ? 1
        : 0;
    if (sendable.length > budget.available - companionSlot) {
      metrics.rateLimitWaits.inc({ kind: target.kind });
      sendable = sendable.slice(0, budget.available - companionSlot);
      retryAt = budget.freeAt;
    }

    const sentParts = new Map<number, number>();
    const companion = new Map<string, Mentions>();
    for (const message of sendable) {
      const outcome = await this.send(target, message.body);
      const covered = [...new Set(message.covers.map((cover) => cover.item))];
      const coveredIds = covered.map((index) => items[index].delivery.id);
      if (outcome.ok) {
        for (const cover of message.covers) {
          sentParts.set(cover.item, (sentParts.get(cover.item) ?? 0) + 1);
        }
        await storage.recordAttempt(
          this.attempt(destination, coveredIds, outcome, message),
          this.progress(items, covered, sentParts)
        );
        for (const index of covered) {
          const item = items[index];
          if (needsCompanion(item)) {
            companion.set(item.language, mergeMentions(companion.get(item.language), item.mentions));
          }
          if (sentParts.get(index) === item.parts.length) {
            metrics.deliveries.inc({ kind: target.kind, outcome: 'sent' });
          }
        }
        continue;
      }
      await storage.recordAttempt(
        this.attempt(destination, coveredIds, outcome, message),
        this.progress(items, covered, sentParts)
      );
      if (outcome.action === 'retry') {
        const failures = await storage.destinationFailures(destination);
        return { retryAt: Date.now() + backoffMs(failures, outcome.errcode), failed: true };
      }
      const destinationWide = outcome.errcode === null || !CONTENT_ERRCODES.has(outcome.errcode);
      const failedIds = destinationWide ? items.map((item) => item.delivery.id) : coveredIds;
      await this.fail(target.kind, failedIds, outcome.errcode, describe(outcome));
      if (destinationWide) {
        return { retryAt: null, failed: false };
      }
    }
    await this.sendCompanions(
      target,
      companion,
      sendable.length < budget.available ? budget.available - sendable.length : 0
    );
    return { retryAt, failed: false, lingerUntil };
  }

  /**
   * Deliveries not sent within the max age end as failed instead of being sent late forever. Age
   * counts from when a delivery could first be sent: after its quiet hours, or its retry by hand.
   */
  private async dropExpired(claimed: Delivery[], now: number): Promise<Delivery[]> {
    const expired = claimed.filter(
      (delivery) => now - Math.max(delivery.createdAt, delivery.notBefore) > this.options.maxAgeMs
    );
    const minutes = Math.round(this.options.maxAgeMs / 60_000);
    for (const delivery of expired) {
      await this.options.storage.failDeliveries(
        [delivery.id],
        delivery.lastErrcode,
        `expired: not delivered within ${minutes} min (last error: ${delivery.lastError ?? 'none'})`
      );
      this.options.metrics.deliveries.inc({ kind: delivery.kind, outcome: 'expired' });
    }
    return claimed.filter((delivery) => !expired.includes(delivery));
  }

  /** Resolves each delivery against the current config; those whose rule or service is gone fail. */
  private async resolve(
    destination: string,
    deliveries: Delivery[]
  ): Promise<{ target?: ResolvedDestination; queue: Queued[] }> {
    const { catalog, apiBase } = this.options;
    const queue: Queued[] = [];
    let target: ResolvedDestination | undefined;
    for (const delivery of deliveries) {
      const rule = catalog.rules.get(delivery.ruleUid)?.config;
      const service = catalog.services.get(delivery.serviceUid)?.config;
      const resolved = service && destinationsOf(service, apiBase).get(destination);
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
      queue.push({ delivery, rule });
    }
    return { target, queue };
  }

  /** The unsent parts of each delivery, in the given style unless the delivery started in another. */
  private render(queue: Queued[], kind: MessageKind, digest: boolean): QueueItem[] {
    return queue
      .map(({ delivery, rule }) => {
        const parts = renderGroupParts(
          delivery.group,
          ruleRenderContext(rule, { now: new Date(delivery.createdAt), digest: styleOf(delivery, digest) }),
          kind
        );
        return {
          delivery,
          parts: parts.slice(delivery.partsSent),
          digest: styleOf(delivery, digest),
          mentions: rule.mentions,
          language: rule.language,
        };
      })
      .filter((item) => item.parts.length > 0);
  }

  private async send(target: ResolvedDestination, body: RobotBody | AppBody): Promise<SendOutcome> {
    const { client, storage, metrics } = this.options;
    const outcome = await sendTo(client, storage, target, body);
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
          { destination: robotLabel(target) },
          'robot budget used up: @all/@mobile reminder not sent'
        );
        return;
      }
      available--;
      await this.send(target, body);
    }
  }

  private progress(items: QueueItem[], covered: number[], sentParts: Map<number, number>): DeliveryProgress[] {
    return covered.map((index) => {
      const item = items[index];
      const sent = sentParts.get(index) ?? 0;
      return {
        id: item.delivery.id,
        partsSent: item.delivery.partsSent + sent,
        done: sent === item.parts.length,
        digest: item.digest,
      };
    });
  }

  private attempt(destination: string, deliveryIds: number[], outcome: SendOutcome, message: PackedMessage) {
    return {
      deliveryIds,
      destination,
      at: Date.now(),
      ok: outcome.ok,
      errcode: outcome.errcode,
      errmsg: outcome.ok ? outcome.errmsg : describe(outcome),
      httpStatus: outcome.httpStatus,
      durationMs: outcome.durationMs,
      message: message.body,
      invalidRecipients: outcome.invalidRecipients,
    };
  }

  private async fail(kind: 'robot' | 'app', ids: number[], errcode: number | null, error: string): Promise<void> {
    await this.options.storage.failDeliveries(ids, errcode, error);
    this.options.metrics.deliveries.inc({ kind, outcome: 'failed' }, ids.length);
    this.options.logger.warn({ deliveries: ids, errcode, error }, 'deliveries failed');
  }
}

export function messageKindOf(target: ResolvedDestination): MessageKind {
  return target.kind === 'robot' ? 'robot-markdown' : (`app-${target.app.msgType}` as MessageKind);
}

/** Robots can @all or @mobile only in a text message sent after the markdown. */
function needsCompanion(item: QueueItem): boolean {
  return item.delivery.group.status === 'firing' && (item.mentions.all || item.mentions.mobiles.length > 0);
}

/** A delivery partly sent keeps the style it started in, so its remaining parts follow on. */
function styleOf(delivery: Delivery, digest: boolean): boolean {
  return delivery.partsSent === 0 ? digest : delivery.digest;
}

function pack(items: QueueItem[], kind: MessageKind): PackedMessage[] {
  return packMessages(
    items.map((item): PackItem => ({
      parts: item.parts,
      mentions: item.mentions,
      firing: item.delivery.group.status === 'firing',
      language: item.language,
    })),
    kind
  );
}

function mergeMentions(a: Mentions | undefined, b: Mentions): Mentions {
  return {
    users: [...new Set([...(a?.users ?? []), ...b.users])],
    mobiles: [...new Set([...(a?.mobiles ?? []), ...b.mobiles])],
    all: (a?.all ?? false) || b.all,
  };
}

function describe(outcome: SendOutcome): string {
  const hint = outcome.hint ? ` — ${outcome.hint['zh-CN']} / ${outcome.hint.en}` : '';
  return `${outcome.errmsg}${hint}`;
}

function robotLabel(target: ResolvedDestination): string {
  return target.kind === 'robot' ? target.groups : '';
}
