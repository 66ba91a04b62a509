/**
 * The one way groups become the messages a destination gets: the relay's sends, its preview, the
 * delivery log's "messages" and the service test, and the plugin's live preview all call this, so
 * what is previewed is byte for byte what is sent.
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
  const parts = deliveries.map(({ group, ctx, partsSent = 0 }) => renderGroupParts(group, ctx, kind).slice(partsSent));
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
