/**
 * Every answer WeCom can give a send — an errcode, an HTTP status without one, or no answer at
 * all — and what follows from it: one table. The relay acts on `decide`; the admin API, the CLI and
 * the plugin show `answerHint`, computed when read from the raw answer that was stored.
 */

export type ErrcodeAction = 'retry' | 'refresh-token' | 'permanent';
/** What a failure stops: only the message that got it (its content), or the whole destination. */
export type FailureScope = 'message' | 'destination';
export type HintLanguage = 'zh-CN' | 'en';
type Hint = Record<HintLanguage, string>;

/** A WeCom answer as stored in an attempt: errcode when WeCom gave one, else the HTTP status, else neither. */
export interface WecomAnswer {
  errcode: number | null;
  httpStatus: number | null;
  errmsg: string;
}

export interface Decision {
  action: ErrcodeAction;
  scope: FailureScope;
  /** The destination's next try waits at least this long (ms), whatever the backoff says. */
  minWaitMs: number;
}

interface Entry extends Decision {
  hint?: Hint;
  /** WeCom's errmsg names something an admin can use, e.g. which field exceeded which length. */
  showsDetail?: boolean;
}

/** WeCom blocks a throttled robot or app for the rest of its minute. */
const RATE_LIMIT_WINDOW_MS = 60_000;

const retry = (hint: Hint, minWaitMs = 0): Entry => ({ action: 'retry', scope: 'destination', minWaitMs, hint });
const refreshToken = (hint: Hint): Entry => ({ action: 'refresh-token', scope: 'destination', minWaitMs: 0, hint });
/** The destination itself is wrong (credentials, robot, recipients): nothing queued for it can succeed. */
const broken = (hint: Hint): Entry => ({ action: 'permanent', scope: 'destination', minWaitMs: 0, hint });
/** This message's content is refused: the rest of the queue still goes. */
const refused = (hint: Hint, showsDetail = false): Entry => ({
  action: 'permanent',
  scope: 'message',
  minWaitMs: 0,
  hint,
  showsDetail,
});

const EMPTY_CONTENT: Hint = {
  'zh-CN': '消息内容为空，请检查消息模板。',
  en: 'The message content is empty; check the message template.',
};

const ERRCODES: Record<number, Entry> = {
  [-1]: retry({ 'zh-CN': '企业微信系统繁忙，将稍后自动重试。', en: 'WeCom is busy; the relay will retry shortly.' }),
  45009: retry(
    {
      'zh-CN':
        '触发了企业微信的频率限制（每个群机器人每分钟最多 20 条），将稍后自动重试。若经常出现，请降低发送频率或合并告警。',
      en: 'WeCom rate limit reached (a group robot accepts at most 20 messages per minute); the relay will retry later. If this recurs, send less often or merge alerts.',
    },
    RATE_LIMIT_WINDOW_MS
  ),
  45033: retry({
    'zh-CN': '企业微信接口并发调用超过限制，将稍后自动重试。',
    en: 'Too many concurrent calls to the WeCom API; the relay will retry later.',
  }),
  40014: refreshToken({
    'zh-CN': 'access_token 无效，已重新获取。若反复出现，请确认 Secret 属于该 AgentId 对应的应用。',
    en: "The access_token was rejected and has been refetched. If this recurs, check that the Secret belongs to this AgentId's app.",
  }),
  42001: refreshToken({
    'zh-CN': 'access_token 已过期，已重新获取。',
    en: 'The access_token had expired and has been refetched.',
  }),

  // content of one message
  40058: refused(
    {
      'zh-CN':
        '消息内容过长或参数不合法（群机器人 markdown 最多 4096 字节、text 最多 2048 字节；应用消息最多 2048 字节）。',
      en: 'The message is too long or a parameter is invalid (robot markdown ≤ 4096 bytes, text ≤ 2048 bytes; app messages ≤ 2048 bytes).',
    },
    true
  ),
  45002: refused(
    {
      'zh-CN': '消息内容超过大小限制（应用消息 2048 字节）。',
      en: 'The message content exceeds the size limit (2048 bytes for app messages).',
    },
    true
  ),
  44004: refused(EMPTY_CONTENT),
  93017: refused(EMPTY_CONTENT),
  82004: refused(
    {
      'zh-CN': '消息内容不合法，请检查消息模板中的特殊字符。',
      en: 'WeCom refused the message content; check the template for unusual characters.',
    },
    true
  ),
  40008: refused({
    'zh-CN': '消息类型不被支持（应用消息不支持 markdown_v2）。',
    en: 'Unsupported message type (app messages do not support markdown_v2).',
  }),
  93018: refused({ 'zh-CN': '图片超过 2M 大小限制。', en: 'The image exceeds the 2 MB limit.' }),

  // robot
  93000: broken({
    'zh-CN':
      '群机器人 webhook 地址无效，或机器人已被移出群聊。请在群里重新添加机器人，并用新的 webhook 地址（key）更新通知服务。',
    en: 'The robot webhook URL is invalid, or the robot was removed from the group. Add the robot to the group again and update the service with the new webhook URL (key).',
  }),
  93001: broken({
    'zh-CN': '该群聊不允许推送消息，请检查群设置。',
    en: 'This group chat does not allow robot messages; check the group settings.',
  }),
  93004: broken({
    'zh-CN': '群机器人已被停用，请在群设置中重新启用。',
    en: 'The group robot is disabled; enable it again in the group settings.',
  }),
  93008: broken({
    'zh-CN': '机器人已不在群里，请重新把机器人添加到群聊。',
    en: 'The robot is no longer in the group; add it to the group again.',
  }),

  // credentials and app configuration; 60020's hint names the IP WeCom saw (trustedIpHint)
  60020: { action: 'permanent', scope: 'destination', minWaitMs: 0 },
  40001: broken({
    'zh-CN':
      'Secret 错误：与企业ID（corpId）不匹配，或 Secret 已重置、应用已停用。请在 应用管理 → 应用 → Secret 查看并更新。为免出口 IP 被封禁 1 小时，中继暂停获取 token。',
    en: 'Wrong Secret: it does not match the corpId, was reset, or the app is disabled. Copy it again from 应用管理 → the app → Secret. The relay pauses fetching tokens so the egress IP is not banned for an hour.',
  }),
  40013: broken({
    'zh-CN': '企业ID（corpId）错误，请在 管理后台 → 我的企业 → 企业信息 中核对。',
    en: 'Wrong corpId (企业ID); check it under 我的企业 → 企业信息 in the admin console.',
  }),
  40091: broken({
    'zh-CN': 'Secret 不属于该企业（corpId），请使用本企业自建应用的 Secret。',
    en: "The Secret belongs to another corp; use the Secret of this corp's self-built app.",
  }),
  45031: broken({
    'zh-CN': 'Secret 不够安全，请在管理后台重置 Secret 并更新通知服务。',
    en: 'WeCom considers the Secret unsafe; reset it in the admin console and update the service.',
  }),
  41001: broken({
    'zh-CN': '请求缺少 access_token（中继的问题，请反馈）。',
    en: 'The request had no access_token (a relay bug; please report it).',
  }),
  40056: broken({
    'zh-CN': 'AgentId 错误：须为本企业已存在的应用的 AgentId（整数）。',
    en: 'Wrong AgentId: it must be the integer AgentId of an existing app in this corp.',
  }),
  41011: broken({
    'zh-CN': '请求缺少 AgentId，请在通知服务中填写应用的 AgentId。',
    en: "The request had no AgentId; set the app's AgentId in the service.",
  }),
  301002: broken({
    'zh-CN': 'Secret 与 AgentId 不属于同一个应用，请使用该 AgentId 对应应用的 Secret。',
    en: "The Secret and the AgentId belong to different apps; use the Secret of the AgentId's app.",
  }),
  48002: broken({
    'zh-CN': '该 Secret 无权发送应用消息（例如使用了通讯录同步的 Secret），请改用自建应用自己的 Secret。',
    en: "This Secret may not send app messages (for example a contacts-sync Secret); use the self-built app's own Secret.",
  }),
  50003: broken({
    'zh-CN': '应用已停用，请在 应用管理 中重新启用。',
    en: 'The app is disabled; enable it again under 应用管理.',
  }),
  60031: broken({
    'zh-CN': '该应用已被禁止调用 API，请联系企业微信管理员。',
    en: 'This app is not allowed to call the API; ask the WeCom admin.',
  }),

  // recipients
  81013: broken({
    'zh-CN':
      '所有接收人（成员、部门、标签）均无效或不在应用的可见范围内。请在 应用管理 → 应用 → 可见范围 中添加，或修正接收人账号。',
    en: "None of the recipients (users, departments, tags) is valid or inside the app's visible range (可见范围). Add them to the visible range or fix the recipients.",
  }),
  60011: broken({
    'zh-CN': '应用无权给指定的成员、部门或标签发消息，请检查应用的可见范围。',
    en: "The app may not message some users, departments or tags; check the app's visible range (可见范围).",
  }),
  82001: broken({
    'zh-CN': '接收人（成员、部门、标签）全部为空，请在通知服务中填写接收人。',
    en: 'No recipients (users, departments, tags) were given; add some to the service.',
  }),
  40032: broken({
    'zh-CN': '一次最多发送给 1000 个成员（中继的问题，请反馈）。',
    en: 'More than 1000 users in one call (a relay bug; please report it).',
  }),
  82002: broken({
    'zh-CN': '一次最多发送给 100 个部门（中继的问题，请反馈）。',
    en: 'More than 100 departments in one call (a relay bug; please report it).',
  }),
  82003: broken({
    'zh-CN': '一次最多发送给 100 个标签（中继的问题，请反馈）。',
    en: 'More than 100 tags in one call (a relay bug; please report it).',
  }),
};

/**
 * Codes not in the table are retried with backoff rather than dropped: WeCom advises backing off
 * on any code not known to be permanent, and a delivery that keeps failing still ends as `failed`
 * after its max age, visible to the admin.
 */
const UNKNOWN_ERRCODE: Entry = { action: 'retry', scope: 'destination', minWaitMs: 0 };

const NO_ANSWER = retry({
  'zh-CN': '无法连接企业微信 API，将自动重试。请检查网络、代理（--wecom-proxy）和 API 地址（--wecom-api-base）。',
  en: 'Could not reach the WeCom API; retrying. Check the network, the proxy (--wecom-proxy) and the API base URL (--wecom-api-base).',
});

function httpEntry(status: number): Entry {
  if (status >= 500 || status === 408 || status === 429) {
    return retry({
      'zh-CN': `企业微信 API 返回 HTTP ${status}（服务端暂时不可用），将自动重试。若持续出现，请检查代理或私有化部署的网关。`,
      en: `The WeCom API answered HTTP ${status} (temporarily unavailable); retrying. If it persists, check the proxy or the private deployment's gateway.`,
    });
  }
  if (status >= 400) {
    return broken({
      'zh-CN': `企业微信 API 地址返回 HTTP ${status}，请检查 API 地址（私有化部署或代理时的 --wecom-api-base）。`,
      en: `The WeCom API answered HTTP ${status}; check the API base URL (--wecom-api-base for a private deployment or proxy).`,
    });
  }
  // A 2xx or 3xx without an errcode is unexplained, so it is retried like an unknown errcode.
  return retry({
    'zh-CN': `企业微信 API 返回 HTTP ${status} 但没有错误码，将自动重试。请确认 API 地址指向企业微信（--wecom-api-base）。`,
    en: `The WeCom API answered HTTP ${status} without an errcode; retrying. Check that the API base URL points at WeCom (--wecom-api-base).`,
  });
}

function entryOf(answer: Omit<WecomAnswer, 'errmsg'>): Entry {
  if (answer.errcode !== null) {
    return ERRCODES[answer.errcode] ?? UNKNOWN_ERRCODE;
  }
  return answer.httpStatus === null ? NO_ANSWER : httpEntry(answer.httpStatus);
}

/** What a failed send leads to. */
export function decide(answer: Omit<WecomAnswer, 'errmsg'>): Decision {
  const { action, scope, minWaitMs } = entryOf(answer);
  return { action, scope, minWaitMs };
}

/** A hint an admin can act on, in the given language, from the answer as stored. */
export function answerHint(answer: WecomAnswer, language: HintLanguage): string {
  const { errcode, errmsg } = answer;
  if (errcode === 60020) {
    return trustedIpHint(egressIpFromErrmsg(errmsg), language);
  }
  const entry = entryOf(answer);
  const detail = errmsgDetail(errmsg);
  if (!entry.hint) {
    const code = errcode ?? 0;
    return language === 'zh-CN'
      ? `企业微信返回错误码 ${code}${detail ? `（${detail}）` : ''}，将自动重试。详见 ${moreInfoUrl(code)}`
      : `WeCom returned errcode ${code}${detail ? ` (${detail})` : ''}; retrying. See ${moreInfoUrl(code)}`;
  }
  if (detail && entry.showsDetail) {
    return language === 'zh-CN'
      ? `${entry.hint[language]}企业微信：${detail}`
      : `${entry.hint[language]} WeCom said: ${detail}`;
  }
  return entry.hint[language];
}

/** The hint in both languages, or null for an answer that was a success. */
export function answerHints(answer: WecomAnswer & { ok: boolean }): Hint | null {
  return answer.ok ? null : { 'zh-CN': answerHint(answer, 'zh-CN'), en: answerHint(answer, 'en') };
}

/** The relay's egress IP as WeCom saw it, from an errmsg like "…, from ip: 203.0.113.7, more info at …". */
export function egressIpFromErrmsg(errmsg: string): string | undefined {
  const match = /from ip:\s*(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*[0-9A-Fa-f])/.exec(errmsg);
  return match?.[1];
}

function trustedIpHint(ip: string | undefined, language: HintLanguage): string {
  if (language === 'zh-CN') {
    const who = ip ?? '中继的出口 IP';
    return (
      `企业微信拒绝了来自 ${who} 的调用。请在 应用管理 → 应用 → 企业可信IP 中添加 ${who}（约 1 分钟后生效）。` +
      '注意：配置企业可信IP 前须先设置可信域名或接收消息服务器 URL。'
    );
  }
  const who = ip ?? "the relay's egress IP";
  return (
    `WeCom refused calls from ${who}. Add ${who} to the app's trusted IPs (应用管理 → the app → 企业可信IP); ` +
    'it takes effect after about a minute. A trusted domain (可信域名) or a message callback URL must be set first.'
  );
}

/** The human part of an errmsg, without WeCom's ", hint: […], from ip: …, more info at …" tail. */
function errmsgDetail(errmsg: string): string {
  return errmsg.split(/,?\s*hint:\s*\[/)[0].trim();
}

function moreInfoUrl(errcode: number): string {
  return `https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
}
