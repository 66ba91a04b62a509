/**
 * Storm views for the planner: the render's one-message view of what is pending, repeated over
 * what the previous messages did not show, so that every alert is carried within a few messages.
 */
import type { AlertGroup } from '../../core/alert';
import { renderStormView, type MessageKind } from '../../core/render';
import type { PlanItem, StormMessage } from './planner';

export function stormMessages(items: PlanItem[], kind: MessageKind, now: number, max: number): StormMessage[] {
  if (items.length === 0) {
    return [];
  }
  const { language, timezone } = items[0].context(true);
  const shown = items.map(() => new Set<string>());
  const left = (index: number) => items[index].group.alerts.filter((alert) => !shown[index].has(alert.fingerprint));
  const messages: StormMessage[] = [];
  let waiting = items.map((_, index) => index);
  while (waiting.length > 0 && messages.length < max) {
    const view = renderStormView(
      waiting.map((index): { id: string; group: AlertGroup } => ({
        id: String(index),
        group: { ...items[index].group, alerts: left(index) },
      })),
      { kind, language, timezone, now: new Date(now) }
    );
    for (const { id, fingerprints } of view.carried) {
      fingerprints.forEach((fingerprint) => shown[Number(id)].add(fingerprint));
    }
    const before = waiting;
    waiting = waiting.filter((index) => left(index).length > 0);
    if (waiting.length === before.length && view.carried.length === 0) {
      break;
    }
    messages.push({
      body: view.body,
      shows: view.carried.map(({ id }) => Number(id)),
      carries: before.filter((index) => !waiting.includes(index)),
      full: waiting.length > 0,
    });
  }
  return messages;
}
