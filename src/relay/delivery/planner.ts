/**
 * What a destination's queue sends now, and what waits until when: a pure decision over its
 * pending deliveries, its rate budget and the clock. The worker claims, renders, sends what this
 * says and records it; every policy about order, style and timing lives here.
 */
import type { AlertGroup } from '../../core/alert';
import { decide, type FailureScope } from '../../core/errcodes';
import type { AppBody, RobotBody } from '../../core/messages';
import {
  packDeliveryMessages,
  type MessageKind,
  type PackedMessage,
  type RenderContext,
  type RenderedPart,
} from '../../core/render';
import type { DeliveryProgress } from '../storage/types';
import { backoffMs } from './backoff';
import type { Budget } from './budget';

export interface PlanItem {
  id: number;
  group: AlertGroup;
  createdAt: number;
  /** When it could first be sent: created, or let out of quiet hours, or retried by hand. */
  readyAt: number;
  partsSent: number;
  /** The style its first parts went out in (one line per alert), once any did. */
  digest: boolean;
  summarized: boolean;
  /** How its rule renders it, in full or one line per alert (digest). */
  context(digest: boolean): RenderContext;
  /** All its parts (the sent ones too) as `context(digest)` renders them for `kind`. */
  parts(digest: boolean, kind: MessageKind): RenderedPart[];
}

/** One message of a storm view; indexes into the items it was made from. */
export interface StormMessage {
  body: RobotBody | AppBody;
  /** Items with an alert shown here. */
  shows: number[];
  /** Items every alert of which is shown once this message and those before it are sent. */
  carries: number[];
  /** Packing stopped because the next line did not fit. */
  full: boolean;
}

/** A compact view of everything in `items`, in as few messages as the byte limit allows, `max` at most. */
export type StormViews = (items: PlanItem[], kind: MessageKind, now: number, max: number) => StormMessage[];

export interface PlanInput {
  items: PlanItem[];
  kind: MessageKind;
  budget: Budget;
  now: number;
  maxAgeMs: number;
  lingerMs: number;
  /** Robots can @all or @mobile only in a text message after the markdown: keep one for it. */
  companions: boolean;
  /** When given, a backlog that does not fit the budget is first shown as a storm view. */
  storm?: StormViews;
}

export interface PlannedSend {
  body: RobotBody | AppBody;
  view: 'detail' | 'storm';
  /** What to record for the deliveries it carries, once it is sent. */
  progress: DeliveryProgress[];
  /** Deliveries a reader sees here for the first time (their @mentions are due). */
  announces: PlanItem[];
  /** Deliveries this message finishes. */
  completes: PlanItem[];
}

export interface Plan {
  /** Not sent within the max age: they end as failed. */
  expired: PlanItem[];
  sends: PlannedSend[];
  /** The queue waits until then (the rate budget frees); null when nothing waits for the budget. */
  retryAt: number | null;
  /** The queue looks again then, or sooner when new work arrives (to fill a message, or show it in a storm view). */
  lingerUntil?: number;
  /** The queue does not look again before then, new work or not: it is gathering a batch. */
  holdUntil?: number;
  /** Something was held back for the rate budget. */
  rateLimited: boolean;
  /** Messages left in the budget once `sends` are sent (for @all/@mobile companions). */
  spare: number;
}

/**
 * While groups keep arriving in a storm, only storm views go out: detail waits until no new
 * group came for this long, so that the budget is there for the overview of what comes next.
 */
export const STORM_SETTLE_MS = 10_000;
/**
 * A storm view not yet full waits this long after the oldest group it would show, so that a
 * storm arriving over many seconds takes a few views of the minute's budget, not one per pass.
 */
export const STORM_GATHER_MS = 5_000;

interface Candidate {
  items: PlanItem[];
  digest: boolean[];
  parts: RenderedPart[][];
  messages: PackedMessage[];
}

export function planQueue(input: PlanInput): Plan {
  const { now, budget } = input;
  const expired = input.items.filter((item) => now - item.readyAt > input.maxAgeMs);
  const live = input.items.filter((item) => !expired.includes(item));
  const plan: Plan = { expired, sends: [], retryAt: null, rateLimited: false, spare: budget.available };
  if (live.length === 0) {
    return plan;
  }
  if (budget.available === 0) {
    return { ...plan, retryAt: budget.freeAt, rateLimited: true };
  }
  const unseen = live.filter((item) => item.partsSent === 0 && !item.summarized);
  const firstUnseen = Math.min(...unseen.map((item) => item.createdAt));
  const pressure = budget.beforePressure === 0;
  if (pressure && unseen.length > 0 && now - firstUnseen < input.lingerMs) {
    // A quarter of the minute is spent: what arrives now is gathered for a moment and judged as
    // one batch, rather than spending the rest of the budget a few groups at a time.
    return { ...plan, holdUntil: firstUnseen + input.lingerMs };
  }
  // A backlog that would not fit the remaining budget goes out as digests, one line per alert.
  // More messages than the budget takes are never needed: the oldest deliveries that make them do.
  const enough = budget.available + 1;
  let detail = candidate(live, input.kind, pressure, enough);
  if (!pressure && detail.messages.length > budget.available) {
    detail = candidate(live, input.kind, true, enough);
  }
  if (detail.messages.length === 0) {
    return plan;
  }
  const announced = new Set<number>();
  const fresh = live.filter((item) => !item.summarized);
  const companionSlot = input.companions && budget.available > 1 && fresh.some((item) => needsCompanion(item)) ? 1 : 0;
  const capacity = budget.available - companionSlot;

  // Detail that would take more than half of what is left leaves nothing for what comes next. Nor
  // may one pass spend the detail of several groups past the quarter of the minute after which
  // arrivals are gathered: in the first second of a storm, its first few dozen groups would take
  // half the minute. (One long group goes in its parts.)
  const quarterLeft = pressure || fresh.length < 2 ? Infinity : budget.beforePressure;
  const detailAllowance = Math.max(1, Math.min(Math.floor(capacity / 2), quarterLeft));
  const storming = input.storm !== undefined && fresh.length > 0 && detail.messages.length > detailAllowance;
  let lingerUntil: number | undefined;
  let holdUntil: number | undefined;
  let detailCapacity = capacity;
  if (storming) {
    // One more than the budget takes tells whether the last one sent is the view's last.
    const view = input.storm!(fresh, input.kind, now, capacity + 1);
    let sendable = view;
    const last = view[view.length - 1];
    if (budget.recentlyActive && last && !last.full) {
      // While groups keep coming, the last view waits for them, up to a few seconds.
      const shownBefore = new Set(view.slice(0, -1).flatMap((message) => message.carries));
      const waiting = fresh.filter((_, i) => !shownBefore.has(i)).map((item) => item.createdAt);
      const until = Math.min(
        Math.min(...waiting) + Math.max(input.lingerMs, STORM_GATHER_MS),
        Math.max(...waiting) + input.lingerMs
      );
      if (now < until) {
        sendable = view.slice(0, -1);
        holdUntil = until;
      }
    }
    if (sendable.length > capacity) {
      sendable = sendable.slice(0, capacity);
      plan.rateLimited = true;
      plan.retryAt = budget.freeAt;
    }
    for (const message of sendable) {
      const carried = message.carries.map((index) => fresh[index]);
      const shown = message.shows.map((index) => fresh[index]);
      plan.sends.push({
        body: message.body,
        view: 'storm',
        progress: shown.map((item) => ({
          id: item.id,
          partsSent: item.partsSent,
          done: false,
          digest: item.digest,
          summarized: carried.includes(item),
        })),
        announces: announce(shown, announced),
        completes: [],
      });
    }
    detailCapacity = capacity - sendable.length;
    const newest = Math.max(...live.map((item) => item.createdAt));
    if (now - newest < STORM_SETTLE_MS) {
      detailCapacity = 0;
      lingerUntil = Math.min(lingerUntil ?? Infinity, newest + STORM_SETTLE_MS);
    }
  }

  let messages = detail.messages;
  const last = messages[messages.length - 1];
  if (!storming && budget.recentlyActive && !last.full) {
    // Nagle: a busy queue keeps its last, not-yet-full message a moment so later groups fill it.
    const oldest = Math.min(...last.covers.map((cover) => detail.items[cover.item].createdAt));
    if (now - oldest < input.lingerMs) {
      messages = messages.slice(0, -1);
      lingerUntil = oldest + input.lingerMs;
    }
  }
  if (messages.length > detailCapacity) {
    messages = messages.slice(0, detailCapacity);
    if (!storming || detailCapacity > 0) {
      plan.rateLimited = true;
      plan.retryAt = budget.freeAt;
    }
  }
  plan.sends.push(...detailSends(detail, messages, announced));
  return {
    ...plan,
    // A storm view gathering is due then, whatever else waits for new work.
    lingerUntil: holdUntil === undefined ? lingerUntil : undefined,
    holdUntil,
    spare: budget.available - plan.sends.length,
  };
}

/**
 * Each delivery's unsent parts, in the style it started in, or else in the one asked for, packed:
 * for the oldest deliveries only, as many as make more than `enough` messages (packing is greedy
 * and in order, so those messages are the same as for all of them), or all.
 */
function candidate(items: PlanItem[], kind: MessageKind, digest: boolean, enough: number): Candidate {
  for (let count = Math.min(items.length, 32); ; count = Math.min(items.length, count * 2)) {
    const prefix = items.slice(0, count);
    const styles = prefix.map((item) => (item.partsSent > 0 ? item.digest : digest));
    const { messages, parts } = packDeliveryMessages(
      prefix.map((item, i) => ({
        group: item.group,
        ctx: item.context(styles[i]),
        parts: item.parts(styles[i], kind).slice(item.partsSent),
      })),
      kind
    );
    if (count === items.length || messages.length > enough) {
      return { items: prefix, digest: styles, parts, messages };
    }
  }
}

function detailSends(detail: Candidate, messages: PackedMessage[], announced: Set<number>): PlannedSend[] {
  const sent = new Map<number, number>();
  return messages.map((message) => {
    const covered = [...new Set(message.covers.map((cover) => cover.item))];
    for (const cover of message.covers) {
      sent.set(cover.item, (sent.get(cover.item) ?? 0) + 1);
    }
    const items = covered.map((index) => detail.items[index]);
    const firstSeen = items.filter((item) => item.partsSent === 0 && !item.summarized);
    return {
      body: message.body,
      view: 'detail' as const,
      progress: covered.map((index) => {
        const item = detail.items[index];
        return {
          id: item.id,
          partsSent: item.partsSent + sent.get(index)!,
          done: sent.get(index) === detail.parts[index].length,
          digest: detail.digest[index],
        };
      }),
      announces: announce(firstSeen, announced),
      completes: covered.filter((index) => sent.get(index) === detail.parts[index].length).map((i) => detail.items[i]),
    };
  });
}

function announce(items: PlanItem[], announced: Set<number>): PlanItem[] {
  const first = items.filter((item) => !announced.has(item.id));
  first.forEach((item) => announced.add(item.id));
  return first;
}

/** Robots can @all or @mobile only in a text message sent after the markdown. */
export function needsCompanion(item: PlanItem): boolean {
  const { mentions } = item.context(false);
  return item.group.status === 'firing' && (mentions.all || mentions.mobiles.length > 0);
}

export type AfterFailure = { retryAt: number } | { fail: FailureScope };

/**
 * What a failed send leads to: a retryable answer holds the queue for the backoff (and at least
 * the wait the answer asks for); a permanent one fails this message's deliveries or the queue's.
 */
export function afterFailure(
  outcome: { errcode: number | null; httpStatus: number | null; action: 'retry' | 'permanent' },
  failures: number,
  now: number,
  random: () => number
): AfterFailure {
  const decision = decide(outcome);
  if (outcome.action === 'retry') {
    return { retryAt: now + Math.max(decision.minWaitMs, backoffMs(failures, random)) };
  }
  return { fail: decision.scope };
}
