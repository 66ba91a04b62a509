/** Thousands of mutated webhook bodies: the relay must answer each with a 2xx or a 4xx, never a 5xx. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { prng } from '../support/prng';
import { fixture, startHarness, type Harness } from '../support/relay-harness';

const ITERATIONS = 3000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function mutate(value: Json, random: () => number, depth = 0): Json {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const odd: Json[] = [
    null,
    0,
    -1,
    1e308,
    '',
    'x'.repeat(5000),
    '0001-01-01T00:00:00Z',
    'firing',
    'resolved',
    '\u0000',
    '💥测试',
    [],
    {},
    true,
    { '': null },
    [[[]]],
    '<@all>',
    'javascript:alert(1)',
  ];
  if (random() < 0.08) {
    return pick(odd);
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => mutate(item, random, depth + 1));
    if (random() < 0.1) {
      items.push(pick(odd));
    }
    if (random() < 0.05 && depth < 3) {
      return Array.from({ length: 200 }, () => items[0] ?? null);
    }
    return items;
  }
  if (value && typeof value === 'object') {
    const result: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      if (random() < 0.07) {
        continue;
      }
      result[random() < 0.02 ? `${key}\u0000` : key] = mutate(item, random, depth + 1);
    }
    return result;
  }
  return value;
}

function mangleText(text: string, random: () => number): string {
  const cut = Math.floor(random() * text.length);
  switch (Math.floor(random() * 4)) {
    case 0:
      return text.slice(0, cut);
    case 1:
      return text.slice(0, cut) + String.fromCharCode(Math.floor(random() * 65536)) + text.slice(cut);
    case 2:
      return '['.repeat(5000);
    default:
      return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString('latin1');
  }
}

let h: Harness;
before(async () => {
  h = await startHarness({ env: { WECOM_RELAY_DEDUP_WINDOW: '0' } });
});
after(() => h.close());

test(`${ITERATIONS} mutated Grafana and Alertmanager bodies get no 5xx`, async () => {
  const random = prng(20261123);
  const seeds = [
    { source: 'grafana' as const, body: fixture('grafana-firing.json') },
    { source: 'grafana' as const, body: fixture('grafana-test-alert.json') },
    { source: 'alertmanager' as const, body: fixture('alertmanager-firing.json') },
  ];
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ITERATIONS) {
      const index = next++;
      const seed = seeds[index % seeds.length];
      const mutated = mutate(seed.body, random);
      const text = random() < 0.1 ? mangleText(JSON.stringify(mutated), random) : JSON.stringify(mutated);
      const response = await h.post(seed.source, 'critical', text);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) {
        failures.push(
          `#${index} ${response.status}: ${(await response.text()).slice(0, 200)} for ${text.slice(0, 300)}`
        );
      } else {
        await response.arrayBuffer();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.deepEqual(failures, [], `5xx answers: ${failures.slice(0, 5).join('\n')}`);
  assert.ok(
    (statuses.get(202) ?? 0) > ITERATIONS / 10,
    `a good share is still accepted: ${JSON.stringify([...statuses])}`
  );
  assert.ok((statuses.get(400) ?? 0) > ITERATIONS / 20, `and a good share refused: ${JSON.stringify([...statuses])}`);
});
