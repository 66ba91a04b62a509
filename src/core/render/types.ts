import type { Language, Mentions, RuleConfig } from '../config';
import type { AppBody, RobotBody } from '../messages';
import type { LabelChoice } from './view';

export type MessageKind = 'robot-markdown' | 'app-markdown' | 'app-text' | 'app-textcard';

export interface RenderContext {
  ruleName: string;
  language: Language;
  /** IANA, e.g. Asia/Shanghai. */
  timezone: string;
  /** Custom Liquid; the built-in template of the language for what is absent or blank. */
  template?: RuleConfig['template'];
  mentions: Mentions;
  /** For durations of firing alerts; default new Date(). */
  now?: Date;
  /** Compact style (one line per alert, built-in templates) for every group: for backlogs that must fit a rate budget. */
  digest?: boolean;
  /** The rule's choice of labels to show first or hide. */
  labels?: LabelChoice;
}

/** One part of a group: a message on its own, or packed with others. */
export interface RenderedPart {
  /** The limited field's text; a textcard part is its card as JSON (see textcard.ts). */
  text: string;
  firing: number;
  resolved: number;
  /** Of the alerts this part shows. */
  fingerprints: string[];
}

export interface PackItem {
  parts: RenderedPart[];
  mentions: Mentions;
  /** The group has firing alerts: its rule's users are mentioned. */
  firing: boolean;
  /** For the digest heading of a message shared by several items. */
  language: Language;
}

export interface PackedMessage {
  body: RobotBody | AppBody;
  /** Which parts this message carries, in order: item index into the items array, part index into that item's parts. */
  covers: Array<{ item: number; part: number }>;
  /** True when packing stopped because the next part did not fit (the message is as full as it can be); false for the last message. */
  full: boolean;
  /** Measured size of the limited field. */
  bytes: number;
  limit: number;
}
