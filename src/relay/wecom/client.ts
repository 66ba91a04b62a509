/**
 * The WeCom HTTP client the delivery worker uses: robot webhooks and app messages. It turns every
 * reply into a SendOutcome whose `action` (from the decision table in core/errcodes) tells the
 * worker what to do next; errcode drives it, the HTTP status only when there is none. Robot keys,
 * secrets and tokens never appear in an outcome: URLs are shown redacted and WeCom's errmsg is
 * scrubbed, otherwise kept as WeCom wrote it (hints are added when it is shown).
 */
import { decide, egressIpFromErrmsg, type ErrcodeAction } from '../../core/errcodes';
import { LIMITS } from '../../core/limits';
import type { AppBody, RobotBody } from '../../core/messages';
import { Agent, fetch, type Dispatcher } from 'undici';
import { invalidRecipientsOf } from './recipients';
import { TokenStore, type AppCredentials, type SharedTokens, type TokenFetchResult } from './tokens';

export type { AppCredentials } from './tokens';

export interface SendOutcome {
  ok: boolean;
  /** null for network errors, non-JSON replies and HTTP errors without an errcode. */
  errcode: number | null;
  errmsg: string;
  httpStatus: number | null;
  action: 'done' | 'retry' | 'permanent';
  /**
   * App messages only: recipients WeCom did not deliver to. Userids as WeCom returns them
   * (lower-cased); departments as `party:ID`, tags as `tag:ID`, users without a licence as
   * `unlicensed:USERID`.
   */
  invalidRecipients?: string[];
  durationMs: number;
}

export interface AppRecipients {
  users: string[];
  departments: string[];
  tags: string[];
}

export interface WecomClientOptions {
  /** e.g. https://qyapi.weixin.qq.com, or a private deployment's base. */
  apiBase: string;
  timeoutMs?: number;
  /** Called after every gettoken call, for metrics and logs. */
  onTokenRefresh?: (corpId: string, agentId: number, ok: boolean) => void;
  /** Called when WeCom delivered an app message to some recipients but not to these. */
  onInvalidRecipients?: (app: AppCredentials, recipients: string[]) => void;
  /** How the calls leave (a proxy, or direct); see egress.ts. */
  dispatcher?: Dispatcher;
  /** Tokens shared with the other relays on the same database, fetched once for all. */
  sharedTokens?: SharedTokens;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** How long a credential WeCom refused is not tried again, unless the secret changes. */
const FAILED_CREDENTIAL_HOLD_MS = 5 * 60_000;
const REDACTED = '***';
const DELIVERED: Verdict = { errcode: 0, errmsg: 'ok', httpStatus: 200, action: 'done' };

/** A reply judged, before it becomes an outcome; `refresh-token` never leaves this module. */
interface Verdict {
  errcode: number | null;
  errmsg: string;
  httpStatus: number | null;
  action: ErrcodeAction | 'done';
  json?: Record<string, unknown>;
}

interface Reply {
  httpStatus: number | null;
  json?: Record<string, unknown>;
  networkError?: string;
}

export class WecomClient {
  private readonly apiBase: string;
  private readonly timeoutMs: number;
  private readonly onTokenRefresh?: WecomClientOptions['onTokenRefresh'];
  private readonly onInvalidRecipients?: WecomClientOptions['onInvalidRecipients'];
  private readonly dispatcher: Dispatcher;
  private readonly tokens: TokenStore<Verdict>;

  constructor(options: WecomClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onTokenRefresh = options.onTokenRefresh;
    this.onInvalidRecipients = options.onInvalidRecipients;
    this.dispatcher = options.dispatcher ?? new Agent();
    this.tokens = new TokenStore((app) => this.fetchToken(app), FAILED_CREDENTIAL_HOLD_MS, options.sharedTokens);
  }

  /** The relay's address as WeCom reported it in the last 60020 answer (add it to 企业可信IP). */
  get lastEgressIp(): string | undefined {
    return this.egressIp;
  }

  private egressIp: string | undefined;

  private observe(outcome: SendOutcome): SendOutcome {
    if (outcome.errcode === 60020) {
      this.egressIp = egressIpFromErrmsg(outcome.errmsg) ?? this.egressIp;
    }
    return outcome;
  }

  async sendRobot(key: string, body: RobotBody): Promise<SendOutcome> {
    const started = performance.now();
    const path = '/cgi-bin/webhook/send';
    const shown = `${path}?key=${REDACTED}`;
    const reply = await this.exchange(`${path}?key=${encodeURIComponent(key)}`, shown, { method: 'POST', body });
    return this.observe(toOutcome(this.judge(reply, shown, [key]), started));
  }

  /**
   * Sends one message to all recipients, in as few calls as WeCom's per-call caps allow. Stops at
   * the first failed call, except when a call's recipients were all invalid (81013): the others
   * still get the message. ok only if every call succeeded.
   */
  async sendApp(app: AppCredentials, to: AppRecipients, body: AppBody): Promise<SendOutcome> {
    const started = performance.now();
    const batches = recipientBatches(to);
    if (batches.length === 0) {
      return toOutcome(noRecipientsVerdict(), started);
    }
    const invalid = new Set<string>();
    let allInvalidFailure: Verdict | undefined;
    for (const batch of batches) {
      const verdict = await this.sendAppBatch(app, batch, body);
      const listed = invalidRecipientsOf(verdict.json);
      const invalidHere = verdict.errcode === 81013 && listed.length === 0 ? recipientNames(batch) : listed;
      invalidHere.forEach((recipient) => invalid.add(recipient));
      if (verdict.action === 'done') {
        continue;
      }
      if (verdict.errcode !== 81013) {
        return this.observe(toOutcome(verdict, started, [...invalid]));
      }
      allInvalidFailure ??= verdict;
    }
    if (invalid.size > 0) {
      this.onInvalidRecipients?.(app, [...invalid]);
    }
    return toOutcome(allInvalidFailure ?? DELIVERED, started, [...invalid]);
  }

  invalidateToken(corpId: string, agentId: number): void {
    this.tokens.invalidate(corpId, agentId);
  }

  /** One message/send call, refreshing the token once if WeCom says it expired or was revoked. */
  private async sendAppBatch(app: AppCredentials, batch: AppRecipients, body: AppBody): Promise<Verdict> {
    const first = await this.tokens.get(app);
    if ('failure' in first) {
      return first.failure;
    }
    const verdict = await this.postAppMessage(app, first.token, batch, body);
    if (verdict.action !== 'refresh-token') {
      return verdict;
    }
    this.tokens.invalidate(app.corpId, app.agentId, first.token);
    const second = await this.tokens.get(app);
    if ('failure' in second) {
      return second.failure;
    }
    const retried = await this.postAppMessage(app, second.token, batch, body);
    // A fresh token rejected again: let the worker back off rather than loop on gettoken here.
    return retried.action === 'refresh-token' ? { ...retried, action: 'retry' } : retried;
  }

  private async postAppMessage(
    app: AppCredentials,
    token: string,
    batch: AppRecipients,
    body: AppBody
  ): Promise<Verdict> {
    const path = '/cgi-bin/message/send';
    const shown = `${path}?access_token=${REDACTED}`;
    const reply = await this.exchange(`${path}?access_token=${encodeURIComponent(token)}`, shown, {
      method: 'POST',
      body: { ...addressing(batch), agentid: app.agentId, ...body },
    });
    return this.judge(reply, shown, [token, app.secret]);
  }

  private async fetchToken(app: AppCredentials): Promise<TokenFetchResult<Verdict>> {
    const path = '/cgi-bin/gettoken';
    const corp = `corpid=${encodeURIComponent(app.corpId)}`;
    const shown = `${path}?${corp}&corpsecret=${REDACTED}`;
    const reply = await this.exchange(`${path}?${corp}&corpsecret=${encodeURIComponent(app.secret)}`, shown, {
      method: 'GET',
    });
    const token = reply.json?.access_token;
    const verdict = this.judge(reply, shown, typeof token === 'string' ? [app.secret, token] : [app.secret]);
    const ok = verdict.action === 'done' && typeof token === 'string' && token !== '';
    this.onTokenRefresh?.(app.corpId, app.agentId, ok);
    if (ok) {
      return { token, expiresInSec: Number(reply.json?.expires_in) || 0 };
    }
    const failure: Verdict =
      verdict.action === 'done'
        ? { ...verdict, errmsg: 'gettoken replied without an access_token', action: 'retry' }
        : {
            ...verdict,
            errmsg: `gettoken: ${verdict.errmsg}`,
            action: verdict.action === 'permanent' ? 'permanent' : 'retry',
          };
    return { failure, remember: failure.action === 'permanent' };
  }

  private async exchange(
    pathAndQuery: string,
    shown: string,
    request: { method: 'GET' | 'POST'; body?: unknown }
  ): Promise<Reply> {
    try {
      const response = await fetch(this.apiBase + pathAndQuery, {
        method: request.method,
        headers: request.body === undefined ? undefined : { 'Content-Type': 'application/json; charset=utf-8' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        dispatcher: this.dispatcher,
      });
      const text = await response.text();
      return { httpStatus: response.status, json: parseObject(text) };
    } catch (error) {
      return {
        httpStatus: null,
        networkError: `${describeNetworkError(error, this.timeoutMs)} (${this.apiBase}${shown})`,
      };
    }
  }

  private judge(reply: Reply, shown: string, secrets: string[]): Verdict {
    if (reply.networkError !== undefined) {
      const answer = { errcode: null, httpStatus: null };
      return { ...answer, errmsg: redact(reply.networkError, secrets), action: decide(answer).action };
    }
    const errcode = reply.json?.errcode;
    if (typeof errcode === 'number') {
      const errmsg = redact(String(reply.json?.errmsg ?? ''), secrets);
      const action = errcode === 0 ? 'done' : decide({ errcode, httpStatus: reply.httpStatus }).action;
      return { errcode, errmsg, httpStatus: reply.httpStatus, action, json: reply.json };
    }
    const answer = { errcode: null, httpStatus: reply.httpStatus ?? 0 };
    return {
      ...answer,
      errmsg: `HTTP ${answer.httpStatus} without a WeCom errcode from ${this.apiBase}${shown}`,
      action: decide(answer).action,
    };
  }
}

/** Refused here, without a call, with the errcode WeCom gives a message/send without recipients. */
function noRecipientsVerdict(): Verdict {
  return {
    errcode: 82001,
    errmsg: 'no recipients: users, departments and tags are all empty',
    httpStatus: null,
    action: 'permanent',
  };
}

function toOutcome(verdict: Verdict, started: number, invalidRecipients?: string[]): SendOutcome {
  const action = verdict.action === 'refresh-token' ? 'retry' : verdict.action;
  const outcome: SendOutcome = {
    ok: action === 'done',
    errcode: verdict.errcode,
    errmsg: verdict.errmsg,
    httpStatus: verdict.httpStatus,
    action,
    durationMs: Math.round(performance.now() - started),
  };
  if (invalidRecipients && invalidRecipients.length > 0) {
    outcome.invalidRecipients = invalidRecipients;
  }
  return outcome;
}

/**
 * Splits recipients into calls of at most 1000 users, 100 departments and 100 tags each.
 * "@all" reaches the app's whole visible range, and WeCom then ignores departments and tags.
 */
function recipientBatches(to: AppRecipients): AppRecipients[] {
  const users = [...new Set(to.users)];
  if (users.includes('@all')) {
    return [{ users: ['@all'], departments: [], tags: [] }];
  }
  const departments = [...new Set(to.departments)];
  const tags = [...new Set(to.tags)];
  const calls = Math.max(
    Math.ceil(users.length / LIMITS.touserBatch),
    Math.ceil(departments.length / LIMITS.topartyBatch),
    Math.ceil(tags.length / LIMITS.totagBatch)
  );
  return Array.from({ length: calls }, (_, i) => ({
    users: users.slice(i * LIMITS.touserBatch, (i + 1) * LIMITS.touserBatch),
    departments: departments.slice(i * LIMITS.topartyBatch, (i + 1) * LIMITS.topartyBatch),
    tags: tags.slice(i * LIMITS.totagBatch, (i + 1) * LIMITS.totagBatch),
  }));
}

function addressing(batch: AppRecipients): Record<string, string> {
  const fields: Record<string, string> = {};
  if (batch.users.length > 0) {
    fields.touser = batch.users.join('|');
  }
  if (batch.departments.length > 0) {
    fields.toparty = batch.departments.join('|');
  }
  if (batch.tags.length > 0) {
    fields.totag = batch.tags.join('|');
  }
  return fields;
}

function recipientNames(batch: AppRecipients): string[] {
  return [...batch.users, ...batch.departments.map((id) => `party:${id}`), ...batch.tags.map((id) => `tag:${id}`)];
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no reply within ${timeoutMs} ms`;
  }
  if (!(error instanceof Error)) {
    return `network error: ${String(error)}`;
  }
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const causeText = cause ? `: ${cause.message}${typeof code === 'string' ? ` (${code})` : ''}` : '';
  return `network error: ${error.message}${causeText}`;
}

function redact(text: string, secrets: string[]): string {
  return secrets.filter((secret) => secret.length >= 4).reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
