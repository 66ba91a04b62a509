/**
 * How pending groups become the messages one destination gets: their parts (compact when big or
 * in a digest), packed into as few messages as the kind's byte limit allows. Previews render
 * through this too, so that what is previewed is byte for byte what is sent.
 */
import type { AlertGroup } from '../alert';
import type { RobotTextBody } from '../messages';
import { companionText } from './mentions';
import { packMessages } from './pack';
import { renderGroupParts } from './parts';
import type { MessageKind, PackedMessage, RenderContext, RenderedPart } from './types';

export interface DeliveryToRender {
  group: AlertGroup;
  /** The rule's rendering (ruleRenderContext), with `now` the time the group arrived. */
  ctx: RenderContext;
  /** Parts already sent; rendering resumes after them. */
  partsSent?: number;
}

export interface DeliveryMessages {
  /** In order; `covers` index into `deliveries` and into `parts[item]`. */
  messages: PackedMessage[];
  /** Per delivery, its parts not yet sent: a delivery is done when all of them were carried. */
  parts: RenderedPart[][];
  /** Robots only: the text message after the markdown that @mentions everyone or mobiles, or null. */
  companion: RobotTextBody | null;
}

export function renderDeliveryMessages(deliveries: DeliveryToRender[], kind: MessageKind): DeliveryMessages {
  return packDeliveryMessages(
    deliveries.map(({ group, ctx, partsSent = 0 }) => ({
      group,
      ctx,
      parts: renderGroupParts(group, ctx, kind).slice(partsSent),
    })),
    kind
  );
}

/** As renderDeliveryMessages, for deliveries whose unsent parts were rendered already (renderGroupParts). */
export function packDeliveryMessages(
  deliveries: Array<{ group: AlertGroup; ctx: RenderContext; parts: RenderedPart[] }>,
  kind: MessageKind
): DeliveryMessages {
  const parts = deliveries.map((delivery) => delivery.parts);
  const messages = packMessages(
    deliveries.map(({ group, ctx }, index) => ({
      parts: parts[index],
      mentions: ctx.mentions,
      firing: group.status === 'firing',
      language: ctx.language,
    })),
    kind
  );
  const firing = deliveries.filter(({ group }, index) => group.status === 'firing' && parts[index].length > 0);
  const companion =
    kind === 'robot-markdown' && firing.length > 0
      ? companionText(
          {
            users: [],
            mobiles: [...new Set(firing.flatMap(({ ctx }) => ctx.mentions.mobiles))],
            all: firing.some(({ ctx }) => ctx.mentions.all),
          },
          firing[0].ctx.language
        )
      : null;
  return { messages, parts, companion };
}
