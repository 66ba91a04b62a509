import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Mentions } from '../../src/core/config';
import { makeAlert, makeContext, makeGroup } from '../../src/core/render/test-fixtures';
import { renderGroupParts } from '../../src/core/render';
import type { Budget } from '../../src/relay/delivery/budget';
import {
  afterFailure,
  planQueue,
  STORM_GATHER_MS,
  STORM_SETTLE_MS,
  type PlanInput,
  type PlanItem,
  type StormViews,
} from '../../src/relay/delivery/planner';

const NOW = 1_800_000_000_000;
const LINGER_MS = 2_000;
const MAX_AGE_MS = 24 * 3_600_000;
const NO_MENTIONS: Mentions = { users: [], mobiles: [], all: false };

function item(id: number, fields: Partial<PlanItem> & { alerts?: number; mentions?: Mentions } = {}): PlanItem {
  const { alerts = 1, mentions = NO_MENTIONS, ...rest } = fields;
  const group = makeGroup(
    Array.from({ length: alerts }, (_, i) =>
      makeAlert({
        labels: { alertname: `Alert${id}`, instance: `host-${id}-${i}:9100`, severity: 'critical' },
        annotations: { summary: `第 ${id} 组的第 ${i} 条告警：CPU 使用率超过 90%，请检查进程。` },
        fingerprint: `${id}-${i}`,
      })
    ),
    { groupKey: `{}:{alertname="Alert${id}"}` }
  );
  return {
    id,
    group,
    createdAt: NOW - 60_000,
    readyAt: NOW - 60_000,
    partsSent: 0,
    digest: false,
    summarized: false,
    context: (digest) => makeContext({ digest, mentions }),
    parts: (digest, kind) => renderGroupParts(group, makeContext({ digest, mentions }), kind),
    ...rest,
  };
}

const idle: Budget = { available: 20, freeAt: NOW, recentlyActive: false, beforePressure: 5 };

function plan(items: PlanItem[], budget: Partial<Budget> = {}, extra: Partial<PlanInput> = {}) {
  return planQueue({
    items,
    kind: 'robot-markdown',
    budget: { ...idle, ...budget },
    now: NOW,
    maxAgeMs: MAX_AGE_MS,
    lingerMs: LINGER_MS,
    companions: true,
    ...extra,
  });
}

/** One message naming every item it was given, as a storm view would. */
const oneLineEach: StormViews = (items) => [
  {
    body: {
      msgtype: 'markdown',
      markdown: { content: items.map((i) => i.group.alerts[0].labels.alertname).join('\n') },
    },
    shows: items.map((_, index) => index),
    carries: items.map((_, index) => index),
    full: false,
  },
];

const many = (count: number, fields: Partial<PlanItem> = {}) =>
  Array.from({ length: count }, (_, i) => item(i + 1, fields));

describe('the delivery planner', () => {
  it('sends one group to an idle destination at once, and nothing waits', () => {
    const result = plan([item(1)]);
    assert.equal(result.sends.length, 1);
    assert.deepEqual(result.sends[0].progress, [{ id: 1, partsSent: 1, done: true, digest: false }]);
    assert.deepEqual([result.retryAt, result.lingerUntil, result.rateLimited], [null, undefined, false]);
  });

  it('ends deliveries older than the max age (counted from when they could be sent) instead of sending them', () => {
    const old = item(1, { createdAt: NOW - MAX_AGE_MS - 1, readyAt: NOW - MAX_AGE_MS - 1 });
    const releasedLate = item(2, { createdAt: NOW - MAX_AGE_MS - 1, readyAt: NOW - 1_000 });
    const result = plan([old, releasedLate]);
    assert.deepEqual(
      result.expired.map((i) => i.id),
      [1]
    );
    assert.deepEqual(
      result.sends.flatMap((send) => send.progress.map((step) => step.id)),
      [2]
    );
  });

  it('waits for the rate budget when none is left', () => {
    const result = plan([item(1)], { available: 0, freeAt: NOW + 12_345 });
    assert.deepEqual([result.sends.length, result.retryAt, result.rateLimited], [0, NOW + 12_345, true]);
  });

  const table: Array<{
    what: string;
    items: PlanItem[];
    budget: Partial<Budget>;
    /** Deliveries finished by the sends. */
    done: number;
    digest: boolean;
    retryAt: number | null;
  }> = [
    {
      what: 'a backlog that fits in full goes in full',
      items: many(3),
      budget: {},
      done: 3,
      digest: false,
      retryAt: null,
    },
    {
      what: 'a backlog too big for the budget in full goes one line per alert',
      items: many(30),
      budget: { available: 3 },
      done: 30,
      digest: true,
      retryAt: null,
    },
    {
      what: 'under pressure, even a small backlog goes one line per alert',
      items: many(2),
      budget: { available: 12, beforePressure: 0 },
      done: 2,
      digest: true,
      retryAt: null,
    },
    {
      what: 'the budget caps the sends; the rest waits until it frees',
      items: [item(1, { alerts: 60 })],
      budget: { available: 2, freeAt: NOW + 30_000 },
      done: 0,
      digest: true,
      retryAt: NOW + 30_000,
    },
  ];
  for (const row of table) {
    it(row.what, () => {
      const result = plan(row.items, row.budget);
      assert.ok(result.sends.length > 0 && result.sends.length <= (row.budget.available ?? 20));
      assert.equal(
        result.sends.reduce((sum, send) => sum + send.completes.length, 0),
        row.done
      );
      assert.ok(result.sends.every((send) => send.progress.every((step) => step.digest === row.digest)));
      assert.equal(result.retryAt, row.retryAt);
    });
  }

  it('a delivery partly sent keeps the style it started in', () => {
    const started = item(1, { alerts: 60, partsSent: 1, digest: true });
    const result = plan([started], { available: 20 });
    assert.ok(result.sends.length > 0);
    assert.ok(result.sends.every((send) => send.progress.every((step) => step.digest)));
    assert.equal(result.sends[0].progress[0].partsSent, 2, 'counts on from the parts already sent');
  });

  it('a busy destination holds its last unfilled message a moment, and sends it once the moment has passed', () => {
    const young = item(1, { createdAt: NOW - 500, readyAt: NOW - 500 });
    const held = plan([young], { available: 15, recentlyActive: true });
    assert.deepEqual([held.sends.length, held.lingerUntil], [0, NOW - 500 + LINGER_MS]);
    const due = plan([item(1, { createdAt: NOW - LINGER_MS })], { available: 15, recentlyActive: true });
    assert.equal(due.sends.length, 1);
  });

  it('keeps one message of the budget for the @all reminder', () => {
    const loud = { users: [], mobiles: [], all: true };
    const result = plan([item(1, { alerts: 60, mentions: loud })], { available: 3 });
    assert.equal(result.sends.length, 2);
    assert.equal(result.spare, 1);
    assert.deepEqual(
      result.sends.map((send) => send.announces.map((i) => i.id)),
      [[1], []],
      'announced once, in the first message that shows it'
    );
  });
});

describe('storm view', () => {
  const arriving = (count: number) => many(count, { createdAt: NOW - 100, readyAt: NOW - 100 });

  it('shows a backlog that cannot be shown in full within the budget as a storm view first, and detail waits while the storm arrives', () => {
    const result = plan(arriving(200), { available: 3 }, { storm: oneLineEach });
    assert.deepEqual(
      result.sends.map((send) => send.view),
      ['storm']
    );
    const [view] = result.sends;
    assert.equal(view.progress.length, 200);
    assert.ok(view.progress.every((step) => step.summarized && !step.done && step.partsSent === 0));
    assert.equal(result.lingerUntil, NOW - 100 + STORM_SETTLE_MS, 'looks again once the storm settled');
    assert.equal(result.retryAt, null, 'new groups still get their storm view at once');
  });

  it('when the storm has settled, detail follows as the budget allows and no storm view repeats', () => {
    const shown = many(200, { summarized: true, createdAt: NOW - STORM_SETTLE_MS, readyAt: NOW - STORM_SETTLE_MS });
    const result = plan(shown, { available: 3, freeAt: NOW + 40_000 }, { storm: oneLineEach });
    assert.deepEqual(
      result.sends.map((send) => send.view),
      ['detail', 'detail', 'detail']
    );
    assert.equal(result.retryAt, NOW + 40_000);
    assert.ok(
      result.sends.every((send) => send.announces.length === 0),
      'no second @mention for what was shown'
    );
  });

  it('only what no storm view has shown yet goes into the next one', () => {
    const items = [...many(150, { summarized: true }), ...arriving(60).map((i) => ({ ...i, id: i.id + 1000 }))];
    const result = plan(items, { available: 3 }, { storm: oneLineEach });
    const [view] = result.sends;
    assert.equal(view.view, 'storm');
    assert.deepEqual(
      view.progress.map((step) => step.id),
      items.slice(150).map((i) => i.id)
    );
  });

  it('a pass spends no more than the first quarter of the minute on detail: more, and the storm view goes first', () => {
    const detailMessages = (count: number) => plan(arriving(count)).sends.length;
    let count = 1;
    while (detailMessages(count) <= idle.beforePressure) {
      count++;
    }
    assert.ok(detailMessages(count) <= idle.available / 2, 'within half the budget, which alone allowed it');
    assert.deepEqual(
      plan(arriving(count - 1), {}, { storm: oneLineEach }).sends.map((send) => send.view),
      Array(detailMessages(count - 1)).fill('detail'),
      'what the quarter holds goes in detail'
    );
    assert.deepEqual(
      plan(arriving(count), {}, { storm: oneLineEach }).sends.map((send) => send.view),
      ['storm']
    );
    assert.deepEqual(
      plan(arriving(count - 1), { beforePressure: 1 }, { storm: oneLineEach }).sends.map((send) => send.view),
      ['storm'],
      'nor past what is left of the quarter'
    );
  });

  it('is not used when the detail fits the budget', () => {
    const result = plan(arriving(3), { available: 20 }, { storm: oneLineEach });
    assert.ok(result.sends.every((send) => send.view === 'detail'));
  });

  const spread = (oldest: number, newest: number) =>
    many(200).map((i, index) => {
      const createdAt = NOW - oldest + Math.round(((oldest - newest) * index) / 199);
      return { ...i, createdAt, readyAt: createdAt };
    });
  const gathering: Array<[string, PlanItem[], number | undefined]> = [
    ['while groups keep coming, waits for them', spread(1_000, 100), NOW - 100 + LINGER_MS],
    ['but not longer than a few seconds after the first', spread(4_000, 100), NOW - 4_000 + STORM_GATHER_MS],
    ['and not at all once they stopped coming', spread(4_000, LINGER_MS), undefined],
  ];
  for (const [what, items, holdUntil] of gathering) {
    it(`a storm view not yet full, on a busy destination, ${what}`, () => {
      const result = plan(items, { available: 3, recentlyActive: true }, { storm: oneLineEach });
      assert.equal(result.holdUntil, holdUntil);
      assert.equal(result.sends.length, holdUntil === undefined ? 1 : 0);
    });
  }

  it('once a quarter of the minute is spent, new groups are gathered for a moment and judged as one batch', () => {
    const result = plan(arriving(3), { available: 14, beforePressure: 0 }, { storm: oneLineEach });
    assert.deepEqual([result.sends.length, result.holdUntil], [0, NOW - 100 + LINGER_MS]);
    const later = planQueue({
      items: arriving(3),
      kind: 'robot-markdown',
      budget: { ...idle, available: 14, beforePressure: 0 },
      now: NOW - 100 + LINGER_MS,
      maxAgeMs: MAX_AGE_MS,
      lingerMs: LINGER_MS,
      companions: true,
      storm: oneLineEach,
    });
    assert.equal(later.sends.length, 1, 'then sent, in detail since it fits');
  });
});

describe('after a failed send', () => {
  const failure = (errcode: number | null, httpStatus: number | null, action: 'retry' | 'permanent') =>
    afterFailure({ errcode, httpStatus, action }, 1, NOW, () => 0.5);

  it('retries busy WeCom, HTTP 502 and no answer after the backoff', () => {
    assert.deepEqual(failure(-1, 200, 'retry'), { retryAt: NOW + 500 });
    assert.deepEqual(failure(null, 502, 'retry'), { retryAt: NOW + 500 });
    assert.deepEqual(failure(null, null, 'retry'), { retryAt: NOW + 500 });
  });

  it("waits out the robot's minute after 45009", () => {
    assert.deepEqual(failure(45009, 200, 'retry'), { retryAt: NOW + 60_000 });
  });

  it('fails only the message on a content error, the whole destination on a broken one', () => {
    assert.deepEqual(failure(40058, 200, 'permanent'), { fail: 'message' });
    assert.deepEqual(failure(93000, 200, 'permanent'), { fail: 'destination' });
    assert.deepEqual(failure(null, 404, 'permanent'), { fail: 'destination' });
  });
});
