import type { Language, Mentions, RuleConfig } from '../config';
import type { AppBody, RobotBody } from '../messages';

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
  /** One line per alert, built-in templates only: for backlogs that must fit a rate budget. */
  digest?: boolean;
}

export interface PackItem {
  parts: string[];
  mentions: Mentions;
  firing: boolean;
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
