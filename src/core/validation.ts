/**
 * Validation results a person can act on: the path of each bad field and what is wrong, in the
 * user's terms and language (zh-CN or en). The same checks serve provisioning files, reloads, the
 * admin API and the plugin's forms.
 */
import { z } from 'zod';
import { robotKeyOf, type Language, type RobotUrlProblem, type RuleConfig, type ServiceConfig } from './config';
import { templateError } from './render';

export interface Problem {
  /** e.g. services[0].app.corpId */
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

type Text = Record<Language, string>;

/** Our own messages (config.ts, the admin API's queries), in Chinese. */
const ZH_MESSAGES: Record<string, string> = {
  'uid: letters, digits, "-", "_" and "." only': 'uid 只能包含字母、数字、"-"、"_" 和 "."',
  'not a WeCom userid (账号)': '不是有效的企业微信账号 (userid)：只能包含字母、数字、"-"、"_"、"." 和 "@"',
  'not a mobile number': '不是有效的手机号',
  'not a WeCom corpId (企业ID): ww or wx and 16 hex digits, as 我的企业 shows it':
    '不是有效的企业ID (corpId)：应为 ww 或 wx 加 16 位十六进制字符，见管理后台「我的企业」',
  'AgentId must be a number (应用管理 → 自建应用)': 'AgentId 必须是数字（应用管理 → 自建应用）',
  'not a department id': '不是有效的部门 ID（应为数字）',
  'not a tag id': '不是有效的标签 ID（应为数字）',
  'an app needs at least one account, department or tag to send to': '应用至少需要一个接收账号、部门或标签',
  'a service needs at least one robot (企业微信群) or an app (企业微信账号)':
    '通知服务至少需要一个企业微信群机器人或一个企业微信应用',
  'not a valid regular expression': '不是有效的正则表达式',
  'not a matcher: write label="value", label!="value", label=~"regex" or label!~"regex"':
    '不是有效的匹配条件：应写作 label="value"、label!="value"、label=~"正则" 或 label!~"正则"',
  'time of day as HH:MM': '时间格式应为 HH:MM',
  'unknown IANA time zone': '未知的时区 (IANA 名称，例如 Asia/Shanghai)',
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

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known field closest to a misspelt one, when one is close enough to be what was meant. */
export function closestField(field: string, known: readonly string[]): string | undefined {
  const lower = field.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const score = distance(lower, name.toLowerCase());
    if (score <= Math.max(1, Math.floor(name.length / 3)) && (!best || score < best.score)) {
      best = { name, score };
    }
  }
  return best?.name;
}

function unknownField(field: string, known: readonly string[]): Text {
  const meant = closestField(field, known);
  return {
    en: `unknown field "${field}"${meant ? `; did you mean "${meant}"?` : ''}`,
    'zh-CN': `未知字段 "${field}"${meant ? `，是否应为 "${meant}"？` : ''}`,
  };
}

const TYPE_NAMES: Record<string, Text> = {
  string: { en: 'text', 'zh-CN': '文本' },
  number: { en: 'a number', 'zh-CN': '数字' },
  int: { en: 'a whole number', 'zh-CN': '整数' },
  boolean: { en: 'true or false', 'zh-CN': '布尔值（true 或 false）' },
  array: { en: 'a list', 'zh-CN': '列表' },
  object: { en: 'an object (fields)', 'zh-CN': '对象（字段）' },
};

function listOf(values: readonly unknown[], language: Language): string {
  return values.map((value) => JSON.stringify(value)).join(language === 'zh-CN' ? '、' : ', ');
}

/** What is wrong, in the user's terms: zod's own wording ("expected number, received NaN") is for programmers. */
function describeIssue(issue: z.core.$ZodRawIssue): Text | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) {
        return { en: 'is required', 'zh-CN': '必填' };
      }
      const name = TYPE_NAMES[issue.expected];
      return name && { en: `must be ${name.en}`, 'zh-CN': `应为${name['zh-CN']}` };
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return min <= 1
          ? { en: 'must not be empty', 'zh-CN': '不能为空' }
          : { en: `too short: at least ${min} characters`, 'zh-CN': `太短：至少 ${min} 个字符` };
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return { en: `needs at least ${min} item(s)`, 'zh-CN': `至少需要 ${min} 项` };
      }
      return issue.inclusive
        ? { en: `must be at least ${min}`, 'zh-CN': `不能小于 ${min}` }
        : { en: `must be greater than ${min}`, 'zh-CN': `必须大于 ${min}` };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') {
        return { en: `too long: at most ${max} characters`, 'zh-CN': `太长：最多 ${max} 个字符` };
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return { en: `too many: at most ${max} item(s)`, 'zh-CN': `太多：最多 ${max} 项` };
      }
      return { en: `must be at most ${max}`, 'zh-CN': `不能大于 ${max}` };
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? { en: `must be ${listOf(issue.values, 'en')}`, 'zh-CN': `应为 ${listOf(issue.values, 'zh-CN')}` }
        : {
            en: `must be one of ${listOf(issue.values, 'en')}`,
            'zh-CN': `应为以下之一：${listOf(issue.values, 'zh-CN')}`,
          };
    case 'invalid_format':
      return { en: 'has the wrong format', 'zh-CN': '格式不正确' };
    case 'invalid_union':
      return { en: 'is not in any of the accepted forms', 'zh-CN': '不符合任何一种可接受的格式' };
    default:
      return undefined;
  }
}

export function validate<T>(schema: z.ZodType<T>, data: unknown, language: Language = 'en', prefix = ''): Validated<T> {
  /** Known fields of each object that had unknown ones, by its path. */
  const knownFields = new Map<string, string[]>();
  const result = schema.safeParse(data, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const shape = (issue.inst as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
        knownFields.set(formatPath(issue.path ?? []), Object.keys(shape));
        return 'unknown field';
      }
      return describeIssue(issue)?.[language] ?? issue.message ?? (language === 'zh-CN' ? '无效' : 'invalid');
    },
  });
  if (result.success) {
    return { ok: true, value: result.data };
  }
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: formatPath([...issue.path, key], prefix),
            message: unknownField(key, knownFields.get(formatPath(issue.path)) ?? [])[language],
          }))
        : [{ path: formatPath(issue.path, prefix), message: translate(issue.message, language) }]
    ),
  };
}

function robotUrlMessage(problem: RobotUrlProblem, apiBase: string): Text {
  const base = new URL(apiBase);
  const expected = `${base.origin}${base.pathname.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=…`;
  switch (problem) {
    case 'not-a-url':
      return {
        en: 'neither a webhook URL nor a robot key',
        'zh-CN': '既不是 Webhook 地址，也不是机器人 key',
      };
    case 'elsewhere':
      return {
        en: `must be ${expected} (the relay's WeCom API base)`,
        'zh-CN': `应为 ${expected}（中继所用的企业微信 API 地址）`,
      };
    case 'no-key':
      return { en: 'the URL has no key= (copy the whole Webhook 地址)', 'zh-CN': '地址中没有 key=（请复制完整的 Webhook 地址）' };
    case 'short-key':
      return {
        en: 'the robot key (key=…) is too short: copy the whole Webhook 地址',
        'zh-CN': '机器人 key（key=…）太短：请复制完整的 Webhook 地址',
      };
    case 'bad-key':
      return {
        en: 'the robot key (key=…) may only hold letters, digits, "-" and "_"',
        'zh-CN': '机器人 key（key=…）只能包含字母、数字、"-" 和 "_"',
      };
  }
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
      problems.push({
        path: formatPath(['robots', index, 'webhookUrl'], prefix),
        message: robotUrlMessage(result.error, apiBase)[language],
      });
    }
  });
  return problems;
}

/** Checks that need the other objects: the services a rule names exist; its templates compile. */
export function ruleProblems(
  rule: RuleConfig,
  serviceExists: (uid: string) => boolean,
  language: Language = 'en',
  prefix = ''
): Problem[] {
  const problems: Problem[] = [];
  rule.services.forEach((uid, index) => {
    if (!serviceExists(uid)) {
      problems.push({
        path: formatPath(['services', index], prefix),
        message: language === 'zh-CN' ? `通知服务 "${uid}" 不存在` : `no service "${uid}"`,
      });
    }
  });
  const template = rule.template && templateError(rule.template);
  if (template) {
    problems.push({ path: formatPath(['template'], prefix), message: template });
  }
  return problems;
}
