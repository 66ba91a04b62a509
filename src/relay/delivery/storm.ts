/**
 * Storm views for the planner, from the render's one-message view of pending groups. The first
 * message is the overview of everything waiting (every alertname, instances as they fit) when it
 * carries many alerts, as when a few names each have many instances; when many names leave no
 * room for instances, the oldest groups that one message can carry in full go instead. Each next
 * message covers what the previous ones did not, so every alert is carried within a few messages.
 */
import type { AlertGroup } from '../../core/alert';
import { renderStormView, type MessageKind, type StormView } from '../../core/render';
import type { PlanItem, StormMessage } from './planner';

/** More alerts than one message can show an instance of each (4096 bytes, ~10 bytes per instance). */
const MOST_CARRIED = 400;

export function stormMessages(items: PlanItem[], kind: MessageKind, now: number, max: number): StormMessage[] {
  if (items.length === 0) {
    return [];
  }
  const { language, timezone } = items[0].context(true);
  const shown = items.map(() => new Set<string>());
  const left = (index: number) => items[index].group.alerts.filter((alert) => !shown[index].has(alert.fingerprint));
  const view = (indexes: number[]) =>
    renderStormView(
      indexes.map((index): { id: string; group: AlertGroup } => ({
        id: String(index),
        group: { ...items[index].group, alerts: left(index) },
      })),
      { kind, language, timezone, now: new Date(now) }
    );
  const carriesAll = (indexes: number[], rendered: StormView) =>
    indexes.every((index) => {
      const carried = rendered.carried.find(({ id }) => Number(id) === index);
      return carried !== undefined && carried.fingerprints.length === left(index).length;
    });

  const messages: StormMessage[] = [];
  let waiting = items.map((_, index) => index);
  while (waiting.length > 0 && messages.length < max) {
    const overview = view(waiting);
    let chosen = overview;
    if (!carriesAll(waiting, overview)) {
      const prefix = longestCarriedPrefix(waiting.slice(0, MOST_CARRIED + 1), (indexes) => {
        const rendered = view(indexes);
        return carriesAll(indexes, rendered) ? rendered : undefined;
      });
      if (prefix && prefix.carried.length > 2 * overview.carried.length) {
        chosen = prefix;
      }
    }
    if (chosen.carried.length === 0) {
      break;
    }
    for (const { id, fingerprints } of chosen.carried) {
      fingerprints.forEach((fingerprint) => shown[Number(id)].add(fingerprint));
    }
    const before = waiting;
    waiting = waiting.filter((index) => left(index).length > 0);
    messages.push({
      body: chosen.body,
      shows: chosen.carried.map(({ id }) => Number(id)),
      carries: before.filter((index) => !waiting.includes(index)),
      full: waiting.length > 0,
    });
  }
  return messages;
}

/** The view of the longest run of the first items it carries in full (binary search). */
function longestCarriedPrefix(
  indexes: number[],
  tryView: (indexes: number[]) => StormView | undefined
): StormView | undefined {
  let best: StormView | undefined;
  let low = 1;
  let high = indexes.length - 1;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const rendered = tryView(indexes.slice(0, middle));
    if (rendered) {
      best = rendered;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}
