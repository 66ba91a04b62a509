/** The recipients WeCom says it did not deliver an app message to, and what to do about them. */
import type { Language } from '../../core/config';

export type InvalidRecipientKind = 'user' | 'party' | 'tag' | 'unlicensed';

/**
 * Userids as WeCom returns them (lower-cased); departments as `party:ID`, tags as `tag:ID`, users
 * without a licence as `unlicensed:USERID`.
 */
export function invalidRecipientsOf(json: Record<string, unknown> | undefined): string[] {
  if (!json) {
    return [];
  }
  return [
    ...splitIds(json.invaliduser),
    ...splitIds(json.invalidparty).map((id) => `party:${id}`),
    ...splitIds(json.invalidtag).map((id) => `tag:${id}`),
    ...splitIds(json.unlicenseduser).map((id) => `unlicensed:${id}`),
  ];
}

/** WeCom lists ids as "a|b|c". */
function splitIds(value: unknown): string[] {
  return typeof value === 'string' ? value.split('|').filter((id) => id !== '') : [];
}

export function invalidRecipientKind(recipient: string): InvalidRecipientKind {
  const prefix = /^(party|tag|unlicensed):/.exec(recipient)?.[1];
  return (prefix as InvalidRecipientKind | undefined) ?? 'user';
}

/** What an admin checks when WeCom skipped some recipients of a message the others received. */
export function invalidRecipientsHint(recipients: string[]): Record<Language, string> {
  const kinds = new Set(recipients.map(invalidRecipientKind));
  const zh: string[] = [];
  const en: string[] = [];
  if (kinds.has('user')) {
    zh.push('账号 (userid) 是否与通讯录中的「账号」一致（不是姓名或手机号），且在应用的「可见范围」内');
    en.push("the account (userid) is spelt as 通讯录 shows it under 账号 (not the name or mobile), and is in the app's 可见范围 (visible range)");
  }
  if (kinds.has('party') || kinds.has('tag')) {
    zh.push('部门 / 标签 ID 是否存在，且在应用的「可见范围」内');
    en.push("the department / tag ids exist and are in the app's 可见范围");
  }
  if (kinds.has('unlicensed')) {
    zh.push('未获得接口许可的成员需在管理后台分配许可');
    en.push('members without a licence need one assigned in the admin console');
  }
  const list = recipients.join(', ');
  return {
    'zh-CN': `企业微信未送达：${list}（其他接收人已收到）。请检查：${zh.join('；')}。`,
    en: `WeCom did not deliver to: ${list} (the other recipients got it). Check that ${en.join('; ')}.`,
  };
}
