/**
 * The rule's messages rendered in the browser by core, exactly as the relay renders them for each
 * kind of destination. The only place the plugin calls core's renderer.
 */
import type { PreviewResult, RenderedMessage, ServiceView } from '../../../../core/api';
import type { RuleConfig } from '../../../../core/config';
import { selectAlerts } from '../../../../core/match';
import {
  limitOf,
  type MessageKind,
  renderDeliveryMessages,
  ruleRenderContext,
  SAMPLE_GROUPS,
} from '../../../../core/render';

export type PreviewSample = keyof typeof SAMPLE_GROUPS;
export const PREVIEW_SAMPLES = Object.keys(SAMPLE_GROUPS) as PreviewSample[];

export interface KindPreview {
  kind: MessageKind;
  limit: number;
  messages: RenderedMessage[];
  /** The text message that carries @all / @mobile mentions after a robot's markdown. */
  companion: unknown;
}

export interface BrowserPreview {
  alerts: number;
  matched: number;
  kinds: KindPreview[];
}

/** Robots send robot markdown; an app sends its message type. The order is the one the page shows. */
export function messageKindsOf(services: ServiceView[]): MessageKind[] {
  const kinds = new Set<MessageKind>();
  for (const service of services) {
    if (service.robots.length > 0) {
      kinds.add('robot-markdown');
    }
    if (service.app) {
      kinds.add(`app-${service.app.msgType}`);
    }
  }
  const order: MessageKind[] = ['robot-markdown', 'app-markdown', 'app-text', 'app-textcard'];
  return order.filter((kind) => kinds.has(kind));
}

/** Throws core's TemplateFailure when a custom template does not render. */
export function renderPreview(
  rule: RuleConfig,
  kinds: MessageKind[],
  sample: PreviewSample,
  now: Date = new Date()
): BrowserPreview {
  const group = SAMPLE_GROUPS[sample];
  const selected = selectAlerts(group, rule);
  if (!selected) {
    return { alerts: group.alerts.length, matched: 0, kinds: [] };
  }
  return {
    alerts: group.alerts.length,
    matched: selected.alerts.length,
    kinds: kinds.map((kind) => {
      const rendered = renderDeliveryMessages([{ group: selected, ctx: ruleRenderContext(rule, { now }) }], kind);
      const messages = rendered.messages.map(({ body, bytes, limit }) => ({ body, bytes, limit }));
      return { kind, limit: limitOf(kind), messages, companion: rendered.companion };
    }),
  };
}

export interface PreviewComparison {
  identical: boolean;
  /** Destinations of the relay's answer whose messages differ from the browser's. */
  differing: string[];
}

/** Whether every destination the relay rendered got the same messages, byte for byte, as the browser rendered for its kind. */
export function compareWithRelay(browser: BrowserPreview, relay: PreviewResult): PreviewComparison {
  const byKind = new Map(browser.kinds.map((preview) => [preview.kind as string, preview]));
  const differing = relay.destinations
    .filter((destination) => {
      const local = byKind.get(destination.messageKind);
      return (
        !local ||
        JSON.stringify(local.messages) !== JSON.stringify(destination.messages) ||
        JSON.stringify(local.companion) !== JSON.stringify(destination.companion)
      );
    })
    .map((destination) => destination.label || destination.destination);
  const identical = differing.length === 0 && relay.matched === browser.matched;
  return { identical, differing };
}
