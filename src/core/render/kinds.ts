/** What differs between message kinds: the byte limit, and how the template's markdown is shown. */
import { LIMITS } from '../limits';
import type { AppBody, RobotBody } from '../messages';
import { toCardDescription, toText } from './markdown';
import type { MessageKind } from './types';

export interface Format {
  /** Between the header and alerts, between alerts, and between parts packed into one message. */
  separator: string;
  /** The limited field's text for a piece of template markdown. */
  body(markdown: string): string;
}

const markdown: Format = { separator: '\n\n', body: (text) => text };

export const FORMATS: Record<MessageKind, Format> = {
  'robot-markdown': markdown,
  'app-markdown': markdown,
  'app-text': { separator: '\n\n', body: toText },
  'app-textcard': { separator: '', body: toCardDescription },
};

/** The byte limit of the kind's limited field (the textcard's description). */
export function limitOf(kind: MessageKind): number {
  switch (kind) {
    case 'robot-markdown':
      return LIMITS.robotMarkdown;
    case 'app-markdown':
      return LIMITS.appMarkdown;
    case 'app-text':
      return LIMITS.appText;
    case 'app-textcard':
      return LIMITS.textcardDescription;
  }
}

/** A textcard's own fields; the other kinds carry the text alone. */
export interface CardFields {
  title: string;
  url: string;
  btntxt?: string;
}

/** The request body WeCom takes for the kind, with `text` in its limited field. */
export function messageBody(kind: MessageKind, text: string, card: CardFields): RobotBody | AppBody {
  switch (kind) {
    case 'robot-markdown':
    case 'app-markdown':
      return { msgtype: 'markdown', markdown: { content: text } };
    case 'app-text':
      return { msgtype: 'text', text: { content: text } };
    case 'app-textcard':
      return { msgtype: 'textcard', textcard: { description: text, ...card } };
  }
}
