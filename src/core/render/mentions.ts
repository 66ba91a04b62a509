/** Robot mentions: `<@userid>` in markdown; @all and mobiles only through a text message. */
import type { Language, Mentions } from '../config';
import { utf8Bytes } from '../limits';
import type { RobotTextBody } from '../messages';
import { STRINGS } from './i18n';

/** The config schema's userid rule, checked again here: a footer must never carry other markup. */
const USERID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** At most a quarter of a robot markdown message goes to mentions; further users are left out. */
const FOOTER_MAX_BYTES = 1024;

/** The mention footer appended to a robot markdown message, '' when nobody is mentioned. */
export function mentionFooter(users: string[]): string {
  let footer = '';
  for (const user of new Set(users)) {
    if (!USERID.test(user)) {
      continue;
    }
    const next = footer === '' ? `\n\n<@${user}>` : `${footer} <@${user}>`;
    if (utf8Bytes(next) > FOOTER_MAX_BYTES) {
      break;
    }
    footer = next;
  }
  return footer;
}

export function companionText(mentions: Mentions, language: Language): RobotTextBody | null {
  const mobiles = [...new Set(mentions.mobiles)];
  if (!mentions.all && mobiles.length === 0) {
    return null;
  }
  const text: RobotTextBody['text'] = { content: STRINGS[language].companion };
  if (mentions.all) {
    text.mentioned_list = ['@all'];
  } else {
    text.mentioned_mobile_list = mobiles;
  }
  return { msgtype: 'text', text };
}
