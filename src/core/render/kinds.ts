/** What differs between message kinds: the byte limit, and how the template's markdown is shown. */
import { LIMITS } from '../limits';
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
