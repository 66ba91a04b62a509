/**
 * Textcard parts. A textcard has a title and a link besides its description, and parts are stored
 * and packed later (digests), so each textcard part carries its whole card as JSON; packMessages
 * joins the descriptions of cards that fit together and keeps the first card's title and link.
 */
import { LIMITS, utf8Bytes } from '../limits';
import { plainLine } from './markdown';
import { cutToBytes } from './utf8';
import type { AlertView } from './view';

export interface CardPart {
  title: string;
  description: string;
  url: string;
  btntxt: string;
}

/** WeCom refuses a textcard without an http(s) link; this one opens nothing alert-related but is safe. */
const NO_LINK_URL = 'https://work.weixin.qq.com/';

export function encodeCard(card: CardPart): string {
  return JSON.stringify(card);
}

export function decodeCard(part: string): CardPart {
  let card: Partial<CardPart> | null = null;
  try {
    card = JSON.parse(part) as Partial<CardPart>;
  } catch {
    // reported below
  }
  if (!card || typeof card.title !== 'string' || typeof card.description !== 'string' || typeof card.url !== 'string') {
    throw new Error('not a textcard part: textcard parts come from renderParts(…, "app-textcard")');
  }
  return { title: card.title, description: card.description, url: card.url, btntxt: card.btntxt ?? '' };
}

/** The title from the header's first line, within WeCom's 128 bytes, the "(i/N)" marker kept whole. */
export function cardTitle(headerLine: string, marker: string): string {
  const suffix = marker === '' ? '' : ` ${marker}`;
  const text = plainLine(headerLine);
  const room = LIMITS.textcardTitle - utf8Bytes(suffix);
  return (utf8Bytes(text) <= room ? text : cutToBytes(text, room - utf8Bytes('…')) + '…') + suffix;
}

/** The link a reader most likely wants: the first alert's panel, dashboard or rule, else Grafana. */
export function cardUrl(alerts: AlertView[], externalURL: string): string {
  const candidates = [
    ...alerts.flatMap((alert) => [alert.panelURL, alert.dashboardURL, alert.generatorURL]),
    externalURL,
  ];
  return candidates.find((url) => url !== '' && utf8Bytes(url) <= LIMITS.textcardUrl) ?? NO_LINK_URL;
}
