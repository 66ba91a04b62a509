/**
 * Digests: the parts of queued items, in order, packed into as few messages as fit. Each message
 * is filled greedily and closed when the next part would not fit, so the order is never changed.
 * A message that carries parts of several items opens with a digest heading (how many groups,
 * firing and resolved alerts); each part keeps its own group heading below it.
 */
import { utf8Bytes } from '../limits';
import type { AppBody, RobotBody } from '../messages';
import { STRINGS } from './i18n';
import { FORMATS, limitOf } from './kinds';
import { mentionFooter } from './mentions';
import { decodeCard, type CardPart } from './textcard';
import { fitToBudget } from './truncate';
import type { MessageKind, PackedMessage, PackItem } from './types';

/** Marks a part cut by packMessages itself: only a part not made by renderParts for this kind is. */
const CUT_MARKER = '…';

interface Piece {
  item: number;
  part: number;
  /** The part's text in the limited field; for a textcard, its description. */
  body: string;
  card?: CardPart;
  firing: number;
  resolved: number;
}

interface Content {
  /** textcard only. */
  title: string;
  text: string;
  footer: string;
}

function contentOf(pieces: Piece[], items: PackItem[], kind: MessageKind): Content {
  const separator = FORMATS[kind].separator;
  const firingUsers = [...new Set(pieces.map((piece) => piece.item))]
    .filter((item) => items[item].firing)
    .flatMap((item) => items[item].mentions.users);
  const footer = kind === 'robot-markdown' ? mentionFooter(firingUsers) : '';
  const groups = new Set(pieces.map((piece) => piece.item)).size;
  if (groups === 1) {
    return { title: pieces[0].card?.title ?? '', text: pieces.map((piece) => piece.body).join(separator), footer };
  }
  const heading = STRINGS[items[pieces[0].item].language].digest(
    groups,
    pieces.reduce((sum, piece) => sum + piece.firing, 0),
    pieces.reduce((sum, piece) => sum + piece.resolved, 0)
  );
  if (kind === 'app-textcard') {
    // The card's title is the digest's; each card's own title heads its description.
    const bodies = pieces.map((piece) => `<div class="highlight">${piece.card?.title ?? ''}</div>${piece.body}`);
    return { title: heading, text: bodies.join(separator), footer };
  }
  return {
    title: '',
    text: [FORMATS[kind].body(`# ${heading}`), ...pieces.map((piece) => piece.body)].join(separator),
    footer,
  };
}

function sizeOf(pieces: Piece[], items: PackItem[], kind: MessageKind): number {
  const { text, footer } = contentOf(pieces, items, kind);
  return utf8Bytes(text + footer);
}

function bodyOf(kind: MessageKind, text: string, title: string, card: CardPart | undefined): RobotBody | AppBody {
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
          title,
          description: text,
          url: card?.url ?? '',
          btntxt: card?.btntxt || undefined,
        },
      };
  }
}

function finish(pieces: Piece[], items: PackItem[], kind: MessageKind, full: boolean): PackedMessage {
  const limit = limitOf(kind);
  const { title, text, footer } = contentOf(pieces, items, kind);
  // renderParts makes every part fit with its own footer; this only guards against foreign parts.
  const fitted = fitToBudget(text, limit - utf8Bytes(footer), utf8Bytes, CUT_MARKER);
  return {
    body: bodyOf(kind, fitted + footer, title, pieces[0].card),
    covers: pieces.map(({ item, part }) => ({ item, part })),
    full,
    bytes: utf8Bytes(fitted + footer),
    limit,
  };
}

export function packMessages(items: PackItem[], kind: MessageKind): PackedMessage[] {
  const limit = limitOf(kind);
  const messages: PackedMessage[] = [];
  let draft: Piece[] = [];
  items.forEach((item, itemIndex) => {
    item.parts.forEach((part, partIndex) => {
      const card = kind === 'app-textcard' ? decodeCard(part.text) : undefined;
      const piece: Piece = {
        item: itemIndex,
        part: partIndex,
        body: card ? card.description : part.text,
        card,
        firing: part.firing,
        resolved: part.resolved,
      };
      if (draft.length > 0) {
        const grown = [...draft, piece];
        if (sizeOf(grown, items, kind) <= limit) {
          draft = grown;
          return;
        }
        messages.push(finish(draft, items, kind, true));
      }
      draft = [piece];
    });
  });
  if (draft.length > 0) {
    messages.push(finish(draft, items, kind, false));
  }
  return messages;
}
