/**
 * What the relay knows about WeCom errcodes: how a delivery reacts to
 * each one, and what an admin should do about it. Isomorphic: the plugin shows the same hints.
 */

export type ErrcodeAction = 'retry' | 'refresh-token' | 'permanent';
export type HintLanguage = 'zh-CN' | 'en';

const REFRESH_TOKEN = new Set([40014, 42001]);
const PERMANENT = new Set([
  // robot
  40058, 93000, 93001, 93004, 93008, 93017, 93018, 40008,
  // credentials and app configuration
  60020, 40001, 40013, 40091, 45031, 41001, 40056, 41011, 301002, 48002, 50003, 60031,
  // recipients and content
  81013, 60011, 82001, 40032, 82002, 82003, 45002, 44004, 82004,
]);

/**
 * How a delivery reacts to a non-zero errcode: -1, 45009 and 45033 are retried. Unknown codes are retried with backoff rather than
 * dropped: WeCom advises backing off on any code not known to be permanent, and a
 * delivery that keeps failing still ends as `failed` after its max age, visible to the admin.
 */
export function errcodeAction(errcode: number): ErrcodeAction {
  if (PERMANENT.has(errcode)) {
    return 'permanent';
  }
  if (REFRESH_TOKEN.has(errcode)) {
    return 'refresh-token';
  }
  return 'retry';
}

/** The relay's egress IP as WeCom saw it, from an errmsg like "…, from ip: 203.0.113.7, more info at …". */
export function egressIpFromErrmsg(errmsg: string): string | undefined {
  const match = /from ip:\s*(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*[0-9A-Fa-f])/.exec(errmsg);
  return match?.[1];
}

type Hint = Record<HintLanguage, string>;

const HINTS: Record<number, Hint> = {
  [-1]: {
    'zh-CN': '企业微信系统繁忙，将稍后自动重试。',
    en: 'WeCom is busy; the relay will retry shortly.',
  },
  45009: {
    'zh-CN':
      '触发了企业微信的频率限制（每个群机器人每分钟最多 20 条），将稍后自动重试。若经常出现，请降低发送频率或合并告警。',
    en: 'WeCom rate limit reached (a group robot accepts at most 20 messages per minute); the relay will retry later. If this recurs, send less often or merge alerts.',
  },
  45033: {
    'zh-CN': '企业微信接口并发调用超过限制，将稍后自动重试。',
    en: 'Too many concurrent calls to the WeCom API; the relay will retry later.',
  },
  40014: {
    'zh-CN': 'access_token 无效，已重新获取。若反复出现，请确认 Secret 属于该 AgentId 对应的应用。',
    en: "The access_token was rejected and has been refetched. If this recurs, check that the Secret belongs to this AgentId's app.",
  },
  42001: {
    'zh-CN': 'access_token 已过期，已重新获取。',
    en: 'The access_token had expired and has been refetched.',
  },
  40058: {
    'zh-CN':
      '消息内容过长或参数不合法（群机器人 markdown 最多 4096 字节、text 最多 2048 字节；应用消息最多 2048 字节）。',
    en: 'The message is too long or a parameter is invalid (robot markdown ≤ 4096 bytes, text ≤ 2048 bytes; app messages ≤ 2048 bytes).',
  },
  45002: {
    'zh-CN': '消息内容超过大小限制（应用消息 2048 字节）。',
    en: 'The message content exceeds the size limit (2048 bytes for app messages).',
  },
  44004: {
    'zh-CN': '消息内容为空，请检查消息模板。',
    en: 'The message content is empty; check the message template.',
  },
  93017: {
    'zh-CN': '消息内容为空，请检查消息模板。',
    en: 'The message content is empty; check the message template.',
  },
  82004: {
    'zh-CN': '消息内容不合法，请检查消息模板中的特殊字符。',
    en: 'WeCom refused the message content; check the template for unusual characters.',
  },
  40008: {
    'zh-CN': '消息类型不被支持（应用消息不支持 markdown_v2）。',
    en: 'Unsupported message type (app messages do not support markdown_v2).',
  },
  93000: {
    'zh-CN':
      '群机器人 webhook 地址无效，或机器人已被移出群聊。请在群里重新添加机器人，并用新的 webhook 地址（key）更新通知服务。',
    en: 'The robot webhook URL is invalid, or the robot was removed from the group. Add the robot to the group again and update the service with the new webhook URL (key).',
  },
  93001: {
    'zh-CN': '该群聊不允许推送消息，请检查群设置。',
    en: 'This group chat does not allow robot messages; check the group settings.',
  },
  93004: {
    'zh-CN': '群机器人已被停用，请在群设置中重新启用。',
    en: 'The group robot is disabled; enable it again in the group settings.',
  },
  93008: {
    'zh-CN': '机器人已不在群里，请重新把机器人添加到群聊。',
    en: 'The robot is no longer in the group; add it to the group again.',
  },
  93018: {
    'zh-CN': '图片超过 2M 大小限制。',
    en: 'The image exceeds the 2 MB limit.',
  },
  40001: {
    'zh-CN':
      'Secret 错误：与企业ID（corpId）不匹配，或 Secret 已重置、应用已停用。请在 应用管理 → 应用 → Secret 查看并更新。为免出口 IP 被封禁 1 小时，中继暂停获取 token。',
    en: 'Wrong Secret: it does not match the corpId, was reset, or the app is disabled. Copy it again from 应用管理 → the app → Secret. The relay pauses fetching tokens so the egress IP is not banned for an hour.',
  },
  40013: {
    'zh-CN': '企业ID（corpId）错误，请在 管理后台 → 我的企业 → 企业信息 中核对。',
    en: 'Wrong corpId (企业ID); check it under 我的企业 → 企业信息 in the admin console.',
  },
  40091: {
    'zh-CN': 'Secret 不属于该企业（corpId），请使用本企业自建应用的 Secret。',
    en: "The Secret belongs to another corp; use the Secret of this corp's self-built app.",
  },
  45031: {
    'zh-CN': 'Secret 不够安全，请在管理后台重置 Secret 并更新通知服务。',
    en: 'WeCom considers the Secret unsafe; reset it in the admin console and update the service.',
  },
  41001: {
    'zh-CN': '请求缺少 access_token（中继的问题，请反馈）。',
    en: 'The request had no access_token (a relay bug; please report it).',
  },
  40056: {
    'zh-CN': 'AgentId 错误：须为本企业已存在的应用的 AgentId（整数）。',
    en: 'Wrong AgentId: it must be the integer AgentId of an existing app in this corp.',
  },
  41011: {
    'zh-CN': '请求缺少 AgentId，请在通知服务中填写应用的 AgentId。',
    en: "The request had no AgentId; set the app's AgentId in the service.",
  },
  301002: {
    'zh-CN': 'Secret 与 AgentId 不属于同一个应用，请使用该 AgentId 对应应用的 Secret。',
    en: "The Secret and the AgentId belong to different apps; use the Secret of the AgentId's app.",
  },
  48002: {
    'zh-CN': '该 Secret 无权发送应用消息（例如使用了通讯录同步的 Secret），请改用自建应用自己的 Secret。',
    en: "This Secret may not send app messages (for example a contacts-sync Secret); use the self-built app's own Secret.",
  },
  50003: {
    'zh-CN': '应用已停用，请在 应用管理 中重新启用。',
    en: 'The app is disabled; enable it again under 应用管理.',
  },
  60031: {
    'zh-CN': '该应用已被禁止调用 API，请联系企业微信管理员。',
    en: 'This app is not allowed to call the API; ask the WeCom admin.',
  },
  81013: {
    'zh-CN':
      '所有接收人（成员、部门、标签）均无效或不在应用的可见范围内。请在 应用管理 → 应用 → 可见范围 中添加，或修正接收人账号。',
    en: "None of the recipients (users, departments, tags) is valid or inside the app's visible range (可见范围). Add them to the visible range or fix the recipients.",
  },
  60011: {
    'zh-CN': '应用无权给指定的成员、部门或标签发消息，请检查应用的可见范围。',
    en: "The app may not message some users, departments or tags; check the app's visible range (可见范围).",
  },
  82001: {
    'zh-CN': '接收人（成员、部门、标签）全部为空，请在通知服务中填写接收人。',
    en: 'No recipients (users, departments, tags) were given; add some to the service.',
  },
  40032: {
    'zh-CN': '一次最多发送给 1000 个成员（中继的问题，请反馈）。',
    en: 'More than 1000 users in one call (a relay bug; please report it).',
  },
  82002: {
    'zh-CN': '一次最多发送给 100 个部门（中继的问题，请反馈）。',
    en: 'More than 100 departments in one call (a relay bug; please report it).',
  },
  82003: {
    'zh-CN': '一次最多发送给 100 个标签（中继的问题，请反馈）。',
    en: 'More than 100 tags in one call (a relay bug; please report it).',
  },
};

/** Codes whose errmsg says something an admin can use, e.g. which field exceeded which length. */
const SHOWS_DETAIL = new Set([40058, 45002, 82004]);

/** A hint an admin can act on, in the given language. */
export function errcodeHint(errcode: number, errmsg: string, language: HintLanguage): string {
  if (errcode === 60020) {
    return trustedIpHint(egressIpFromErrmsg(errmsg), language);
  }
  const detail = errmsgDetail(errmsg);
  const known = HINTS[errcode];
  if (!known) {
    return language === 'zh-CN'
      ? `企业微信返回错误码 ${errcode}${detail ? `（${detail}）` : ''}，详见 ${moreInfoUrl(errcode)}`
      : `WeCom returned errcode ${errcode}${detail ? ` (${detail})` : ''}; see ${moreInfoUrl(errcode)}`;
  }
  if (detail && SHOWS_DETAIL.has(errcode)) {
    return language === 'zh-CN' ? `${known[language]}企业微信：${detail}` : `${known[language]} WeCom said: ${detail}`;
  }
  return known[language];
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
