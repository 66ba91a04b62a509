/**
 * Delivery under pressure, as the on-call engineer sees it in WeCom:
 *  - a partition: 40 alertnames × 50 instances, one group each, arriving name by name, to one
 *    robot: when every name and every instance first appears, messages used, 45009 answers;
 *  - a flaky WeCom (30 % errcode -1, 10 % HTTP 502): how many of 30 groups reach the robot and
 *    every app account within 50 s.
 */
import { APP_USERS, contents, groupPayload, loggedErrors, post, startRelayFor, waitFor } from './support';
import { startWecomSimulator, type WecomSimulator } from '../tests/support/wecom-simulator';

const NAMES = 40;
const INSTANCES = 50;
const SENDERS = 4;

export async function benchNameStorm() {
  const wecom = await startWecomSimulator();
  const key = 'bench-partition-robot-key';
  const relay = await startRelayFor(wecom, [{ uid: 'partition', key }]);
  const names = Array.from({ length: NAMES }, (_, n) => `Partition${n}`);
  // Instances differ per name, so that an instance on screen is known to be that name's.
  const groups = names.flatMap((name, n) =>
    Array.from({ length: INSTANCES }, (_, i) => ({ name, index: i, instance: `10.${n}.0.${i}:9100` }))
  );
  const namePatterns = names.map((name) => new RegExp(`${name}(?!\\d)`));
  const nameSeen = new Map<number, number>();
  const instanceSeen = new Map<number, number>();
  const watch = () => {
    const text = contents(wecom, key).join('\n');
    const at = Date.now();
    namePatterns.forEach((pattern, n) => !nameSeen.has(n) && pattern.test(text) && nameSeen.set(n, at));
    groups.forEach((group, g) => !instanceSeen.has(g) && text.includes(group.instance) && instanceSeen.set(g, at));
    return instanceSeen.size === groups.length && nameSeen.size === names.length;
  };
  try {
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < groups.length) {
          const { name, index, instance } = groups[next++];
          await post(relay, 'partition', groupPayload(name, index, instance));
        }
      })
    );
    const arrivalSeconds = (Date.now() - started) / 1000;
    const complete = await waitFor(watch, 180_000, 100);
    const last = (seen: Map<number, number>) => (Math.max(...seen.values()) - started) / 1000;
    return {
      groups: groups.length,
      arrivalSeconds,
      complete,
      namesSeconds: nameSeen.size === names.length ? last(nameSeen) : null,
      names: nameSeen.size,
      instancesSeconds: complete ? last(instanceSeen) : null,
      instances: instanceSeen.size,
      messages: wecom.robotMessages(key).length,
      count45009: wecom.count45009(),
      errors: loggedErrors([relay]),
    };
  } finally {
    await relay.kill('SIGTERM');
    await wecom.close();
  }
}

const FLAKY_GROUPS = 30;
const FLAKY_WINDOW_MS = 50_000;

function flaky(wecom: WecomSimulator) {
  for (const path of ['robot', 'app'] as const) {
    wecom.flaky(path, [
      { share: 0.3, fault: { path, kind: 'busy' } },
      { share: 0.1, fault: { path, kind: 'http', status: 502 } },
    ]);
  }
}

export async function benchFaults() {
  const wecom = await startWecomSimulator();
  const key = 'bench-flaky-robot-key';
  const relay = await startRelayFor(wecom, [{ uid: 'flaky', key }], { withApp: true });
  flaky(wecom);
  const names = Array.from({ length: FLAKY_GROUPS }, (_, i) => `Flaky${i}`);
  const patterns = names.map((name) => new RegExp(`${name}(?!\\d)`));
  const destinations = {
    robot: () => contents(wecom, key).join('\n'),
    ...Object.fromEntries(
      APP_USERS.map((user) => [`app:${user}`, () => JSON.stringify(wecom.appMessages(user).map((m) => m.body))])
    ),
  };
  const reached = (text: () => string) => patterns.filter((pattern) => pattern.test(text())).length;
  try {
    const started = Date.now();
    for (const [i, name] of names.entries()) {
      await post(relay, 'flaky', groupPayload(name, i));
    }
    const all = () => Object.values(destinations).every((text) => reached(text) === names.length);
    await waitFor(all, FLAKY_WINDOW_MS - (Date.now() - started), 100);
    const seconds = (Date.now() - started) / 1000;
    return {
      groups: names.length,
      windowSeconds: FLAKY_WINDOW_MS / 1000,
      seconds: all() ? seconds : null,
      perDestination: Object.entries(destinations).map(([name, text]) => ({ name, reached: reached(text) })),
      refused: wecom.rejected().length,
      errors: loggedErrors([relay]),
    };
  } finally {
    await relay.kill('SIGTERM');
    await wecom.close();
  }
}
