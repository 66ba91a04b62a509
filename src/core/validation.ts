/** Validation results a person can act on: the path of each bad field and what is wrong, in zh-CN or en. */
import { z } from 'zod';
import { robotKeyOf, type Language, type ServiceConfig } from './config';

export interface Problem {
  /** e.g. services[0].app.corpId */
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Our own messages (config.ts, the admin API's queries), in Chinese. Zod's built-in ones come from its zh-CN locale. */
const ZH_MESSAGES: Record<string, string> = {
  'uid: letters, digits, "-", "_" and "." only': 'uid 只能包含字母、数字、"-"、"_" 和 "."',
  'not a WeCom userid (账号)': '不是有效的企业微信账号 (userid)',
  'not a mobile number': '不是有效的手机号',
  'not a WeCom corpId (企业ID)': '不是有效的企业ID (corpId)',
  'not a department id': '不是有效的部门 ID',
  'not a tag id': '不是有效的标签 ID',
  'an app needs at least one account, department or tag to send to': '应用至少需要一个接收账号、部门或标签',
  'a service needs at least one robot (企业微信群) or an app (企业微信账号)':
    '通知服务至少需要一个企业微信群机器人或一个企业微信应用',
  'not a valid regular expression': '不是有效的正则表达式',
  'not a matcher: write label="value", label!="value", label=~"regex" or label!~"regex"':
    '不是有效的匹配条件：应写作 label="value"、label!="value"、label=~"正则" 或 label!~"正则"',
  'time of day as HH:MM': '时间格式应为 HH:MM',
  'unknown IANA time zone': '未知的时区 (IANA 名称)',
  'ms since epoch or an ISO-8601 date-time with zone, e.g. 2026-01-02T15:04:05+08:00':
    '应为毫秒时间戳或带时区的 ISO-8601 时间，例如 2026-01-02T15:04:05+08:00',
};

export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let text = prefix;
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : text ? `.${String(key)}` : String(key);
  }
  return text;
}

export function translate(message: string, language: Language): string {
  return language === 'zh-CN' ? (ZH_MESSAGES[message] ?? message) : message;
}

export function validate<T>(schema: z.ZodType<T>, data: unknown, language: Language = 'en', prefix = ''): Validated<T> {
  const locale = language === 'zh-CN' ? z.locales.zhCN() : z.locales.en();
  const result = schema.safeParse(data, { error: locale.localeError });
  if (result.success) {
    return { ok: true, value: result.data };
  }
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: formatPath(issue.path, prefix),
      message: translate(issue.message, language),
    })),
  };
}

/** Checks that need the relay's WeCom API base: robot URLs may only point there (no SSRF). */
export function serviceProblems(
  service: ServiceConfig,
  apiBase: string,
  language: Language = 'en',
  prefix = ''
): Problem[] {
  const problems: Problem[] = [];
  service.robots.forEach((robot, index) => {
    const result = robotKeyOf(robot.webhookUrl, apiBase);
    if ('error' in result) {
      problems.push({ path: formatPath(['robots', index, 'webhookUrl'], prefix), message: result.error });
    }
  });
  return problems;
}
