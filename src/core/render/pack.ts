/**
 * Digests: the parts of queued items, in order, packed into as few messages as fit. Each message
 * is filled greedily and closed when the next part would not fit, so the order is never changed.
 */
import { utf8Bytes } from '../limits';
import type { AppBody, RobotBody } from '../messages';
import { FORMATS, limitOf } from './kinds';
import { mentionFooter } from './mentions';
import { decodeCard, type CardPart } from './textcard';
import { fitToBudget } from './truncate';
import type { MessageKind, PackedMessage, PackItem } from './types';

/** Marks a part cut by packMessages itself: only a part not made by renderParts for this kind is. */
const CUT_MARKER = '…';

interface Draft {
  covers: Array<{ item: number; part: number }>;
  pieces: string[];
  /** Users to mention: those of the firing items carried so far. */
  users: string[];
  card?: CardPart;
}

function contentOf(draft: Draft, kind: MessageKind): { text: string; footer: string } {
  return {
    text: draft.pieces.join(FORMATS[kind].separator),
    footer: kind === 'robot-markdown' ? mentionFooter(draft.users) : '',
  };
}

function sizeOf(draft: Draft, kind: MessageKind): number {
  const { text, footer } = contentOf(draft, kind);
  return utf8Bytes(text + footer);
}

function bodyOf(kind: MessageKind, text: string, card: CardPart | undefined): RobotBody | AppBody {
  switch (kind) {
    case 'robot-markdown':
    case 'app-markdown':
      return { msgtype: 'markdown', markdown: { content: text } };
    case 'app-text':
      return { msgtype: 'text', text: { content: text } };
    case 'app-textcard':
      return {
        msgtype: 'textcard',
        textcard: {
          title: card?.title ?? '',
          description: text,
          url: card?.url ?? '',
          btntxt: card?.btntxt || undefined,
        },
      };
  }
}

function finish(draft: Draft, kind: MessageKind, full: boolean): PackedMessage {
  const limit = limitOf(kind);
  const { text, footer } = contentOf(draft, kind);
  // renderParts makes every part fit with its own footer; this only guards against foreign parts.
  const fitted = fitToBudget(text, limit - utf8Bytes(footer), utf8Bytes, CUT_MARKER);
  return {
    body: bodyOf(kind, fitted + footer, draft.card),
    covers: draft.covers,
    full,
    bytes: utf8Bytes(fitted + footer),
    limit,
  };
}

export function packMessages(items: PackItem[], kind: MessageKind): PackedMessage[] {
  const limit = limitOf(kind);
  const messages: PackedMessage[] = [];
  let draft: Draft | undefined;
  items.forEach((item, itemIndex) => {
    const users = item.firing ? item.mentions.users : [];
    item.parts.forEach((part, partIndex) => {
      const card = kind === 'app-textcard' ? decodeCard(part) : undefined;
      const piece = card ? card.description : part;
      const cover = { item: itemIndex, part: partIndex };
      if (draft) {
        const grown: Draft = {
          ...draft,
          covers: [...draft.covers, cover],
          pieces: [...draft.pieces, piece],
          users: [...draft.users, ...users],
        };
        if (sizeOf(grown, kind) <= limit) {
          draft = grown;
          return;
        }
        messages.push(finish(draft, kind, true));
      }
      draft = { covers: [cover], pieces: [piece], users: [...users], card };
    });
  });
  if (draft) {
    messages.push(finish(draft, kind, false));
  }
  return messages;
}
