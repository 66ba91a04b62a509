/**
 * Schemas for notification services (通知服务) and notification rules (通知规则).
 * The relay validates provisioning files and admin API bodies with them; the plugin validates
 * its forms with the same schemas, so a form never accepts what the relay would refuse.
 */
import { z } from 'zod';

export const DEFAULT_API_BASE = 'https://qyapi.weixin.qq.com';
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const uid = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: 'uid: letters, digits, "-", "_" and "." only' });

/** WeCom userids (账号): letters, digits, "-", "_", "." and "@", 1–64 bytes. */
const userid = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, { message: 'not a WeCom userid (账号)' });
const MOBILE = /^\+?[0-9-]{5,20}$/;
const mobile = z.string().regex(MOBILE, { message: 'not a mobile number' });

export const robotSchema = z.strictObject({
  /** 群组名称: one or more group names separated by "&", shown to people only. */
  groups: z.string().trim().max(512).default(''),
  /** The robot's webhook URL, or its bare key. Secret: never returned by the API. */
  webhookUrl: z.string().trim().min(1).max(2048),
});

export const appMessageTypes = ['markdown', 'text', 'textcard'] as const;

export const appSchema = z
  .strictObject({
    /** 企业ID */
    corpId: z
      .string()
      .trim()
      .regex(/^w[wx][0-9a-f]{16}$/i, {
        message: 'not a WeCom corpId (企业ID): ww or wx and 16 hex digits, as 我的企业 shows it',
      }),
    /** AgentId */
    agentId: z.coerce.number({ message: 'AgentId must be a number (应用管理 → 自建应用)' }).int().positive(),
    /** Secret: never returned by the API. */
    secret: z.string().trim().min(1).max(512),
    /** 账号 (userids). */
    accounts: z.array(userid).max(10000).default([]),
    departments: z
      .array(z.coerce.string().regex(/^[0-9]{1,12}$/, { message: 'not a department id' }))
      .max(100)
      .default([]),
    tags: z
      .array(z.coerce.string().regex(/^[0-9]{1,12}$/, { message: 'not a tag id' }))
      .max(100)
      .default([]),
    /** markdown for the WeCom app; text or textcard for readers in personal WeChat (微信插件). */
    msgType: z.enum(appMessageTypes).default('markdown'),
  })
  .refine((app) => app.accounts.length + app.departments.length + app.tags.length > 0, {
    message: 'an app needs at least one account, department or tag to send to',
    path: ['accounts'],
  });

export const serviceSchema = z
  .strictObject({
    uid,
    /** 名称 */
    name: z.string().trim().min(1).max(128),
    /** 描述 */
    description: z.string().max(1024).default(''),
    /** 发送至 · 企业微信群 */
    robots: z.array(robotSchema).max(50).default([]),
    /** 发送至 · 企业微信账号 */
    app: appSchema.optional(),
  })
  .refine((service) => service.robots.length > 0 || service.app !== undefined, {
    message: 'a service needs at least one robot (企业微信群) or an app (企业微信账号)',
    path: ['robots'],
  });

const MATCHER_TEXT = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|(\S*))\s*$/;

/** Alertmanager's matcher syntax, e.g. `team=~"dba|sre"`, as a matcher object. */
function matcherFromText(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  const match = MATCHER_TEXT.exec(value);
  if (!match) {
    ctx.addIssue({
      code: 'custom',
      message: 'not a matcher: write label="value", label!="value", label=~"regex" or label!~"regex"',
    });
    return z.NEVER;
  }
  const [, label, op, quoted, bare] = match;
  return { label, op, value: quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare };
}

export const matcherSchema = z.preprocess(
  matcherFromText,
  z
    .strictObject({
      label: z.string().min(1).max(256),
      op: z.enum(['=', '!=', '=~', '!~']).default('='),
      value: z.string().max(1024),
    })
    .refine((matcher) => !matcher.op.includes('~') || isValidRegex(matcher.value), {
      message: 'not a valid regular expression',
      path: ['value'],
    })
);

const mentionsObject = z.strictObject({
  users: z.array(userid).max(100).default([]),
  mobiles: z.array(mobile).max(100).default([]),
  all: z.boolean().default(false),
});

/** A plain list works too: "@all", mobile numbers and userids, e.g. [zhangsan, "13800001111", "@all"]. */
function mentionsFromList(value: unknown): unknown {
  if (!Array.isArray(value)) {
    return value;
  }
  const entries = value.map((entry) => String(entry).trim());
  return {
    users: entries.filter((entry) => entry !== '@all' && !MOBILE.test(entry)),
    mobiles: entries.filter((entry) => MOBILE.test(entry)),
    all: entries.includes('@all'),
  };
}

const timeOfDay = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'time of day as HH:MM' });

const timezone = z.string().default(DEFAULT_TIMEZONE).refine(isValidTimezone, { message: 'unknown IANA time zone' });

export const ruleSchema = z.strictObject({
  uid,
  name: z.string().trim().min(1).max(128),
  description: z.string().max(1024).default(''),
  enabled: z.boolean().default(true),
  /** Notification services (通知服务) this rule sends through. */
  services: z.array(uid).min(1).max(50),
  /** Which alerts of a posted group this rule sends; all of them when empty. */
  match: z
    .strictObject({
      matchers: z.array(matcherSchema).max(50).default([]),
      severities: z.array(z.string().min(1).max(64)).max(20).default([]),
      /** Only firing, or only resolved alerts; both when empty. */
      statuses: z
        .array(z.enum(['firing', 'resolved']))
        .max(2)
        .default([]),
    })
    .default({ matchers: [], severities: [], statuses: [] }),
  sendResolved: z.boolean().default(true),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  timezone,
  /** Custom Liquid templates; the built-in ones for the rule's language when absent. */
  template: z
    .strictObject({
      title: z.string().max(4096).optional(),
      alert: z.string().max(16384).optional(),
    })
    .optional(),
  /**
   * Labels messages show besides name, severity and instance: all others except Grafana's internal
   * `__…__` ones, `first` in the given order before the rest, `hide` never.
   */
  labels: z
    .strictObject({
      hide: z.array(z.string().min(1).max(128)).max(100).default([]),
      first: z.array(z.string().min(1).max(128)).max(100).default([]),
    })
    .default({ hide: [], first: [] }),
  /** Who robots @mention when a message carries firing alerts. */
  mentions: z.preprocess(mentionsFromList, mentionsObject).default({ users: [], mobiles: [], all: false }),
  /** Alerts below these severities wait until the quiet hours end, then arrive as one digest. */
  quietHours: z
    .strictObject({
      start: timeOfDay,
      end: timeOfDay,
      allowSeverities: z.array(z.string().min(1).max(64)).max(20).default(['critical']),
    })
    .optional(),
  /** HMAC signing as Grafana's webhook contact point does it. */
  hmac: z
    .strictObject({
      secret: z.string().min(1).max(1024),
      header: z.string().min(1).max(128).default('X-Grafana-Alerting-Signature'),
      timestampHeader: z.string().max(128).default(''),
    })
    .optional(),
});

export type RobotConfig = z.infer<typeof robotSchema>;
export type AppConfig = z.infer<typeof appSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type RuleConfig = z.infer<typeof ruleSchema>;
export type Matcher = z.infer<typeof matcherSchema>;
export type Mentions = RuleConfig['mentions'];
export type Language = RuleConfig['language'];
export type AppMessageType = (typeof appMessageTypes)[number];

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export function isValidTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why a robot webhook URL was refused; serviceProblems says it in the user's language. */
export type RobotUrlProblem = 'not-a-url' | 'elsewhere' | 'no-key' | 'short-key' | 'bad-key';

const ROBOT_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * The robot key of a webhook URL or bare key, or what is wrong with it. Only URLs under the
 * configured API base are accepted, so the relay can never be pointed at another host.
 */
export function robotKeyOf(
  webhookUrl: string,
  apiBase: string = DEFAULT_API_BASE
): { key: string } | { error: RobotUrlProblem } {
  const value = webhookUrl.trim();
  if (ROBOT_KEY.test(value)) {
    return { key: value };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: 'not-a-url' };
  }
  const base = new URL(apiBase);
  const basePath = base.pathname.replace(/\/+$/, '');
  if (url.origin !== base.origin || url.pathname !== `${basePath}/cgi-bin/webhook/send`) {
    return { error: 'elsewhere' };
  }
  const key = url.searchParams.get('key') ?? '';
  if (key === '') {
    return { error: 'no-key' };
  }
  if (key.length < 8) {
    return { error: 'short-key' };
  }
  return ROBOT_KEY.test(key) ? { key } : { error: 'bad-key' };
}
