/**
 * A WeCom (企业微信) API simulator: a real HTTP server on 127.0.0.1 that plays the group-robot
 * webhook, gettoken and app message/send strictly as WeCom documents them, for integration
 * tests and benchmarks. Errors come back as HTTP 200 with an errcode, like WeCom. Limits WeCom
 * enforces silently (per-recipient app limits) drop the message and record the drop, so a test can
 * assert there were none.
 *
 *   const wecom = await startWecomSimulator();
 *   wecom.addRobot('robot-key-1');
 *   await fetch(wecom.robotUrl('robot-key-1'), …);
 *   wecom.robotMessages('robot-key-1'); // [{ at, body }]
 *   await wecom.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

// ───────────────────────────── Public types ─────────────────────────────

export interface SimulatorOptions {
  /** `expires_in` of issued access tokens, in seconds; they really expire then. Default 7200. */
  tokenExpiresInSec?: number;
  /** The clock (ms) for rate windows, token expiry and record times. Default Date.now. */
  now?: () => number;
  /** Start in trusted-IP (企业可信IP) mode; see WecomSimulator.setTrustedIp. */
  trustedIp?: TrustedIpMode;
}

/**
 * API calls from an untrusted IP get 60020. gettoken is assumed to still work and
 * message/send fails ('send', the default); 'all' refuses gettoken too. Robots are never affected.
 */
export interface TrustedIpMode {
  scope?: 'send' | 'all';
  /** The caller's IP as WeCom reports it in errmsg; default 203.0.113.7. */
  egressIp?: string;
}

export type SimPath = 'robot' | 'app' | 'token';

/** A canned reply served instead of the real behaviour, `times` times (default 1), per path. */
export type Fault =
  | { path: SimPath; times?: number; kind: 'http500' | 'busy' | 'rate' | 'concurrency' | 'reset' }
  /** Waits, then answers normally (so a client that timed out may still have delivered). */
  | { path: SimPath; times?: number; kind: 'delay'; delayMs: number }
  | { path: SimPath; times?: number; kind: 'errcode'; errcode: number; errmsg?: string }
  /** An HTTP error page (e.g. 502 from a gateway), no errcode. */
  | { path: SimPath; times?: number; kind: 'http'; status: number };

/** A fault served at random: each request gets it with probability `share`. */
export interface FlakyFault {
  share: number;
  fault: Exclude<Fault, { kind: 'delay' }>;
}

export interface SimApp {
  corpId: string;
  agentId: number;
  secret: string;
  /** Users in the app's visible range (可见范围); compared case-insensitively, like WeCom. */
  visibleUsers: string[];
  /** Visible departments and their members (members are visible too). */
  departments?: Record<string, string[]>;
  /** Visible tags and their members (members are visible too). */
  tags?: Record<string, string[]>;
  /** Visible users without an API licence: returned in unlicenseduser, not delivered to. */
  unlicensedUsers?: string[];
}

export interface RobotMessage {
  at: number;
  body: unknown;
}

export interface AppMessage {
  at: number;
  corpId: string;
  agentId: number;
  msgtype: string;
  body: Record<string, unknown>;
}

/** One message/send request that carried a valid token. */
export interface AppCall {
  at: number;
  corpId: string;
  agentId: number;
  touser: string[];
  toparty: string[];
  totag: string[];
  errcode: number;
}

export interface Drop {
  at: number;
  userid: string;
  corpId: string;
  agentId: number;
  /** Which per-recipient limit was exceeded: 30/min or 1000/h. */
  limit: 'minute' | 'hour';
}

export interface Rejection {
  at: number;
  path: SimPath;
  /** null for an HTTP 500 or a reset connection. */
  errcode: number | null;
  errmsg: string;
  /** Served from an injected fault rather than by the simulated behaviour. */
  injected: boolean;
}

export interface WecomSimulator {
  /** e.g. http://127.0.0.1:41234 — the relay's API base. */
  readonly baseUrl: string;
  robotUrl(key: string): string;
  addRobot(key: string): void;
  /** Registers an app, replacing one with the same corpId and agentId. */
  addApp(app: SimApp): void;
  inject(fault: Fault): void;
  /**
   * From now on (until reset), each request on `path` without an injected fault gets one of
   * these at random, with its share of probability (shares add up to at most 1).
   */
  flaky(path: SimPath, faults: FlakyFault[], random?: () => number): void;
  /** WeCom may revoke tokens early: every issued token now gets 40014. */
  invalidateAllTokens(): void;
  /** Every issued token now gets 42001, as if its lifetime had passed. */
  expireAllTokens(): void;
  setTrustedIp(mode: TrustedIpMode | undefined): void;
  robotMessages(key: string): RobotMessage[];
  appMessages(userid: string): AppMessage[];
  appCalls(): AppCall[];
  /** Messages silently dropped by the per-recipient limits, for one user or all. */
  dropped(userid?: string): Drop[];
  rejected(): Rejection[];
  /** gettoken requests, successful or not, for one corp or all. */
  tokenCalls(corpId?: string): number;
  /** 45009s from the simulated robot rate limit (injected ones excluded). */
  count45009(): number;
  /** Forgets messages, calls, faults, tokens, rate windows and counters; keeps robots and apps. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWecomSimulator(options: SimulatorOptions = {}): Promise<WecomSimulator> {
  const simulator = new Simulator(options);
  await simulator.listen();
  return simulator;
}

// ───────────────────────────── WeCom's rules ─────────────────────────────

const ROBOT_PER_MINUTE = 20;
const RECIPIENT_PER_MINUTE = 30;
const RECIPIENT_PER_HOUR = 1000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const ROBOT_MSGTYPES = new Set(['text', 'markdown', 'markdown_v2']);
const ROBOT_CONTENT_BYTES: Record<string, number> = { text: 2048, markdown: 4096, markdown_v2: 4096 };
const APP_CONTENT_BYTES = 2048;
const MAX_TOUSER = 1000;
const MAX_TOPARTY = 100;
const MAX_TOTAG = 100;
const DEFAULT_UNTRUSTED_IP = '203.0.113.7';

const FAULT_ERRCODES = {
  busy: [-1, 'system busy'],
  rate: [45009, 'api freq out of limit'],
  concurrency: [45033, 'api concurrent out of limit'],
} as const;

type Reply = { json: Record<string, unknown> } | { status: number; text: string } | 'reset';

interface Request {
  method: string;
  url: URL;
  contentType: string;
  body: string;
  ip: string;
}

interface IssuedToken {
  corpId: string;
  agentId: number;
  expiresAt: number;
  revoked: boolean;
}

/** An errcode reply whose errmsg has WeCom's shape: "<text>, hint: [...], from ip: ..., more info at ...". */
class WecomError {
  constructor(
    readonly errcode: number,
    readonly text: string,
    /** The IP to report instead of the caller's, and fields WeCom adds to the reply. */
    readonly details: { ip?: string; fields?: Record<string, string> } = {}
  ) {}
}

// ───────────────────────────── Server and inspection ─────────────────────────────

class Simulator implements WecomSimulator {
  baseUrl = '';
  private readonly server: Server;
  private readonly now: () => number;
  private readonly tokenExpiresInSec: number;
  private readonly robots = new Set<string>();
  private readonly apps: SimApp[] = [];
  private trustedIp: TrustedIpMode | undefined;
  private faults: Array<{ fault: Fault; remaining: number }> = [];
  private flakiness = new Map<SimPath, { faults: FlakyFault[]; random: () => number }>();
  private tokens = new Map<string, IssuedToken>();
  private robotLog = new Map<string, RobotMessage[]>();
  private robotWindows = new Map<string, number[]>();
  private appLog = new Map<string, AppMessage[]>();
  private recipientWindows = new Map<string, number[]>();
  private calls: AppCall[] = [];
  private drops: Drop[] = [];
  private rejections: Rejection[] = [];
  private tokenRequests: string[] = [];

  constructor(private readonly options: SimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.tokenExpiresInSec = options.tokenExpiresInSec ?? 7200;
    this.trustedIp = options.trustedIp;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('wecom simulator bug:', error);
        res.writeHead(500).end(String(error));
      });
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        this.baseUrl = `http://127.0.0.1:${port}`;
        resolve();
      });
    });
  }

  robotUrl(key: string): string {
    return `${this.baseUrl}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  }

  addRobot(key: string): void {
    this.robots.add(key);
  }

  addApp(app: SimApp): void {
    const same = this.apps.findIndex((known) => known.corpId === app.corpId && known.agentId === app.agentId);
    this.apps.splice(same === -1 ? this.apps.length : same, 1, app);
  }

  inject(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? 1 });
  }

  flaky(path: SimPath, faults: FlakyFault[], random: () => number = Math.random): void {
    this.flakiness.set(path, { faults, random });
  }

  invalidateAllTokens(): void {
    this.tokens.forEach((token) => (token.revoked = true));
  }

  expireAllTokens(): void {
    this.tokens.forEach((token) => (token.expiresAt = Math.min(token.expiresAt, this.now())));
  }

  setTrustedIp(mode: TrustedIpMode | undefined): void {
    this.trustedIp = mode;
  }

  robotMessages(key: string): RobotMessage[] {
    return [...(this.robotLog.get(key) ?? [])];
  }

  appMessages(userid: string): AppMessage[] {
    return [...(this.appLog.get(userid.toLowerCase()) ?? [])];
  }

  appCalls(): AppCall[] {
    return [...this.calls];
  }

  dropped(userid?: string): Drop[] {
    return this.drops.filter((drop) => userid === undefined || drop.userid === userid.toLowerCase());
  }

  rejected(): Rejection[] {
    return [...this.rejections];
  }

  tokenCalls(corpId?: string): number {
    return this.tokenRequests.filter((corp) => corpId === undefined || corp === corpId).length;
  }

  count45009(): number {
    return this.rejections.filter((r) => r.errcode === 45009 && !r.injected).length;
  }

  reset(): void {
    this.trustedIp = this.options.trustedIp;
    this.faults = [];
    this.flakiness = new Map();
    this.tokens = new Map();
    this.robotLog = new Map();
    this.robotWindows = new Map();
    this.appLog = new Map();
    this.recipientWindows = new Map();
    this.calls = [];
    this.drops = [];
    this.rejections = [];
    this.tokenRequests = [];
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request: Request = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      contentType: req.headers['content-type'] ?? '',
      body: await readBody(req),
      ip: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    };
    const path = pathKind(request.url.pathname);
    const reply = path ? await this.answer(path, request) : { status: 404, text: 'Not Found' };
    if (res.destroyed) {
      return;
    }
    if (reply === 'reset') {
      req.socket.destroy();
    } else if ('json' in reply) {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' }).end(JSON.stringify(reply.json));
    } else {
      res.writeHead(reply.status, { 'Content-Type': 'text/html' }).end(reply.text);
    }
  }

  private async answer(path: SimPath, request: Request): Promise<Reply> {
    const fault = this.takeFault(path);
    if (fault?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    } else if (fault) {
      return this.faultReply(path, fault, request.ip);
    }
    try {
      return { json: { errcode: 0, errmsg: 'ok', ...this.serve(path, request) } };
    } catch (error) {
      if (!(error instanceof WecomError)) {
        throw error;
      }
      const errmsg = wecomErrmsg(error, request.ip);
      this.rejections.push({ at: this.now(), path, errcode: error.errcode, errmsg, injected: false });
      return { json: { errcode: error.errcode, errmsg, ...error.details.fields } };
    }
  }

  private serve(path: SimPath, request: Request): Record<string, unknown> {
    switch (path) {
      case 'robot':
        return this.robot(request);
      case 'token':
        return this.token(request);
      case 'app':
        return this.appMessage(request);
    }
  }

  private takeFault(path: SimPath): Fault | undefined {
    const entry = this.faults.find((f) => f.fault.path === path);
    if (!entry) {
      return this.flakyFault(path);
    }
    entry.remaining -= 1;
    if (entry.remaining <= 0) {
      this.faults.splice(this.faults.indexOf(entry), 1);
    }
    return entry.fault;
  }

  private flakyFault(path: SimPath): Fault | undefined {
    const flaky = this.flakiness.get(path);
    if (!flaky) {
      return undefined;
    }
    let roll = flaky.random();
    for (const { share, fault } of flaky.faults) {
      if (roll < share) {
        return fault;
      }
      roll -= share;
    }
    return undefined;
  }

  private faultReply(path: SimPath, fault: Exclude<Fault, { kind: 'delay' }>, ip: string): Reply {
    const at = this.now();
    if (fault.kind === 'reset') {
      this.rejections.push({ at, path, errcode: null, errmsg: 'connection reset', injected: true });
      return 'reset';
    }
    if (fault.kind === 'http500' || fault.kind === 'http') {
      const status = fault.kind === 'http' ? fault.status : 500;
      this.rejections.push({ at, path, errcode: null, errmsg: `HTTP ${status}`, injected: true });
      return { status, text: `<html><body>${status} error</body></html>` };
    }
    const [errcode, text] =
      fault.kind === 'errcode' ? [fault.errcode, fault.errmsg ?? 'injected error'] : FAULT_ERRCODES[fault.kind];
    const errmsg = wecomErrmsg(new WecomError(errcode, text), ip);
    this.rejections.push({ at, path, errcode, errmsg, injected: true });
    return { json: { errcode, errmsg } };
  }

  // ───────────────────────────── Robot webhook ─────────────────────────────

  private robot(request: Request): Record<string, unknown> {
    requirePost(request);
    const key = request.url.searchParams.get('key') ?? '';
    if (!this.robots.has(key)) {
      throw new WecomError(93000, 'invalid webhook url');
    }
    const body = parseJsonBody(request);
    const msgtype = body.msgtype;
    if (typeof msgtype !== 'string' || !ROBOT_MSGTYPES.has(msgtype)) {
      throw new WecomError(40008, 'invalid message type');
    }
    const content = (body[msgtype] as { content?: unknown } | undefined)?.content;
    if (typeof content !== 'string' || content === '') {
      throw new WecomError(93017, 'empty content');
    }
    const max = ROBOT_CONTENT_BYTES[msgtype];
    if (utf8Bytes(content) > max) {
      throw new WecomError(40058, `${msgtype}.content exceed max length ${max}. invalid Request Parameter`);
    }
    const at = this.now();
    const window = recent(this.robotWindows, key, at - MINUTE_MS);
    if (window.length >= ROBOT_PER_MINUTE) {
      throw new WecomError(45009, 'api freq out of limit');
    }
    window.push(at);
    append(this.robotLog, key, { at, body });
    return {};
  }

  // ───────────────────────────── gettoken ─────────────────────────────

  private token(request: Request): Record<string, unknown> {
    const corpId = request.url.searchParams.get('corpid') ?? '';
    this.tokenRequests.push(corpId);
    if (request.method !== 'GET') {
      throw new WecomError(40058, 'invalid Request Parameter');
    }
    if (this.trustedIp?.scope === 'all') {
      throw this.untrustedIp();
    }
    const corpApps = this.apps.filter((app) => app.corpId === corpId);
    if (corpApps.length === 0) {
      throw new WecomError(40013, 'invalid corpid');
    }
    const app = corpApps.find((candidate) => candidate.secret === request.url.searchParams.get('corpsecret'));
    if (!app) {
      throw new WecomError(40001, 'invalid credential');
    }
    const accessToken = randomBytes(32).toString('hex');
    this.tokens.set(accessToken, {
      corpId,
      agentId: app.agentId,
      expiresAt: this.now() + this.tokenExpiresInSec * 1000,
      revoked: false,
    });
    return { access_token: accessToken, expires_in: this.tokenExpiresInSec };
  }

  // ───────────────────────────── App message/send ─────────────────────────────

  private appMessage(request: Request): Record<string, unknown> {
    requirePost(request);
    const token = this.validToken(request.url.searchParams.get('access_token'));
    if (this.trustedIp) {
      throw this.untrustedIp();
    }
    const body = parseJsonBody(request);
    const call: AppCall = {
      at: this.now(),
      corpId: token.corpId,
      agentId: token.agentId,
      touser: idList(body.touser),
      toparty: idList(body.toparty),
      totag: idList(body.totag),
      errcode: 0,
    };
    this.calls.push(call);
    try {
      return this.deliverAppMessage(token, body, call);
    } catch (error) {
      if (error instanceof WecomError) {
        call.errcode = error.errcode;
      }
      throw error;
    }
  }

  private validToken(accessToken: string | null): IssuedToken {
    if (!accessToken) {
      throw new WecomError(41001, 'access_token missing');
    }
    const token = this.tokens.get(accessToken);
    if (!token || token.revoked) {
      throw new WecomError(40014, 'invalid access_token');
    }
    if (token.expiresAt <= this.now()) {
      throw new WecomError(42001, 'access_token expired');
    }
    return token;
  }

  private deliverAppMessage(token: IssuedToken, body: Record<string, unknown>, call: AppCall): Record<string, unknown> {
    const app = this.appForAgent(token, body.agentid);
    if (call.touser.length > MAX_TOUSER) {
      throw new WecomError(40032, 'invalid userid size');
    }
    if (call.toparty.length > MAX_TOPARTY) {
      throw new WecomError(82002, 'invalid partyid list size');
    }
    if (call.totag.length > MAX_TOTAG) {
      throw new WecomError(82003, 'invalid tagid list size');
    }
    if (call.touser.length + call.toparty.length + call.totag.length === 0) {
      throw new WecomError(82001, 'user & party & tag all empty');
    }
    const msgtype = appContentCheck(body);
    const audience = resolveAudience(app, call);
    const invalid = {
      invaliduser: audience.invalidUsers.join('|'),
      invalidparty: audience.invalidParties.join('|'),
      invalidtag: audience.invalidTags.join('|'),
      unlicenseduser: audience.unlicensed.join('|'),
    };
    if (audience.users.length === 0 && audience.validGroups === 0) {
      throw new WecomError(81013, 'user & party & tag all invalid', { fields: nonEmpty(invalid) });
    }
    for (const userid of audience.users) {
      this.deliverToRecipient(app, userid, msgtype, body);
    }
    return { ...nonEmpty(invalid), msgid: randomBytes(16).toString('base64url') };
  }

  /** The app the token belongs to, if `agentid` names it (40056 unknown, 301002 another app). */
  private appForAgent(token: IssuedToken, agentid: unknown): SimApp {
    if (agentid === undefined || agentid === null || agentid === '') {
      throw new WecomError(41011, 'agentid missing');
    }
    const agentApp = this.apps.find((app) => app.corpId === token.corpId && app.agentId === agentid);
    if (typeof agentid !== 'number' || !Number.isInteger(agentid) || !agentApp) {
      throw new WecomError(40056, 'invalid agentid');
    }
    if (agentid !== token.agentId) {
      throw new WecomError(301002, 'api forbidden for this agent');
    }
    return agentApp;
  }

  private deliverToRecipient(app: SimApp, userid: string, msgtype: string, body: Record<string, unknown>): void {
    const at = this.now();
    const hour = recent(this.recipientWindows, `${app.corpId}|${app.agentId}|${userid}`, at - HOUR_MS);
    const lastMinute = hour.filter((t) => t > at - MINUTE_MS).length;
    if (lastMinute >= RECIPIENT_PER_MINUTE || hour.length >= RECIPIENT_PER_HOUR) {
      const limit = lastMinute >= RECIPIENT_PER_MINUTE ? 'minute' : 'hour';
      this.drops.push({ at, userid, corpId: app.corpId, agentId: app.agentId, limit });
      return;
    }
    hour.push(at);
    append(this.appLog, userid, { at, corpId: app.corpId, agentId: app.agentId, msgtype, body });
  }

  private untrustedIp(): WecomError {
    return new WecomError(60020, 'not allow to access from your ip', {
      ip: this.trustedIp?.egressIp ?? DEFAULT_UNTRUSTED_IP,
    });
  }
}

// ───────────────────────────── Request checks ─────────────────────────────

function pathKind(pathname: string): SimPath | undefined {
  const kinds: Record<string, SimPath> = {
    '/cgi-bin/webhook/send': 'robot',
    '/cgi-bin/gettoken': 'token',
    '/cgi-bin/message/send': 'app',
  };
  return kinds[pathname];
}

function requirePost(request: Request): void {
  if (request.method !== 'POST') {
    throw new WecomError(40058, 'invalid Request Parameter');
  }
}

function parseJsonBody(request: Request): Record<string, unknown> {
  if (!/^application\/json\b/i.test(request.contentType)) {
    throw new WecomError(40058, 'Content-Type must be application/json. invalid Request Parameter');
  }
  try {
    const body: unknown = JSON.parse(request.body);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      return body as Record<string, unknown>;
    }
  } catch {
    // reported below, like any other malformed body
  }
  throw new WecomError(40058, 'invalid json. invalid Request Parameter');
}

/** Checks an app message's type and content; returns its msgtype. */
function appContentCheck(body: Record<string, unknown>): string {
  const msgtype = body.msgtype;
  if (msgtype !== 'text' && msgtype !== 'markdown' && msgtype !== 'textcard') {
    throw new WecomError(40008, 'invalid message type');
  }
  const section = body[msgtype] as Record<string, unknown> | undefined;
  if (msgtype === 'textcard') {
    const url = section?.url;
    if (typeof section?.title !== 'string' || section.title === '' || typeof section.description !== 'string') {
      throw new WecomError(44004, 'empty content');
    }
    if (typeof url !== 'string' || !/^https?:\/\//.test(url) || utf8Bytes(url) > 2048) {
      throw new WecomError(40058, 'textcard.url invalid. invalid Request Parameter');
    }
    return msgtype;
  }
  const content = section?.content;
  if (typeof content !== 'string' || content === '') {
    throw new WecomError(44004, 'empty content');
  }
  // Sources disagree on what happens above 2048 bytes; failing loudly shows the bug.
  if (utf8Bytes(content) > APP_CONTENT_BYTES) {
    throw msgtype === 'text'
      ? new WecomError(45002, 'content size out of limit')
      : new WecomError(40058, `markdown.content exceed max length ${APP_CONTENT_BYTES}. invalid Request Parameter`);
  }
  return msgtype;
}

interface Audience {
  /** Lower-cased userids that get the message. */
  users: string[];
  invalidUsers: string[];
  invalidParties: string[];
  invalidTags: string[];
  unlicensed: string[];
  /** Valid departments and tags, even if empty: they keep a call from being 81013. */
  validGroups: number;
}

function resolveAudience(app: SimApp, call: AppCall): Audience {
  const departments = app.departments ?? {};
  const tags = app.tags ?? {};
  const visible = new Set(
    [...app.visibleUsers, ...Object.values(departments).flat(), ...Object.values(tags).flat()].map(lower)
  );
  const unlicensed = new Set((app.unlicensedUsers ?? []).map(lower));
  const audience: Audience = {
    users: [],
    invalidUsers: [],
    invalidParties: [],
    invalidTags: [],
    unlicensed: [],
    validGroups: 0,
  };
  const users = new Set<string>();
  const requested = call.touser.includes('@all') ? [...visible] : call.touser.map(lower);
  for (const userid of requested) {
    if (!visible.has(userid)) {
      audience.invalidUsers.push(userid);
    } else if (unlicensed.has(userid)) {
      audience.unlicensed.push(userid);
    } else {
      users.add(userid);
    }
  }
  const groups: Array<[string[], Record<string, string[]>, string[]]> = call.touser.includes('@all')
    ? []
    : [
        [call.toparty, departments, audience.invalidParties],
        [call.totag, tags, audience.invalidTags],
      ];
  for (const [ids, known, invalid] of groups) {
    for (const id of ids) {
      if (!known[id]) {
        invalid.push(id);
        continue;
      }
      audience.validGroups += 1;
      known[id]
        .map(lower)
        .filter((userid) => !unlicensed.has(userid))
        .forEach((userid) => users.add(userid));
    }
  }
  audience.users = [...users];
  return audience;
}

// ───────────────────────────── Helpers ─────────────────────────────

function wecomErrmsg(error: WecomError, callerIp: string): string {
  const ip = error.details.ip ?? callerIp;
  const hint = `${Math.floor(Date.now() / 1000)}_${randomBytes(8).toString('hex')}`;
  return `${error.text}, hint: [${hint}], from ip: ${ip}, more info at https://open.work.weixin.qq.com/devtool/query?e=${error.errcode}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

/** The times in `windows[key]` after `since`, pruned in place so callers can push to it. */
function recent(windows: Map<string, number[]>, key: string, since: number): number[] {
  const kept = (windows.get(key) ?? []).filter((t) => t > since);
  windows.set(key, kept);
  return kept;
}

function append<T>(log: Map<string, T[]>, key: string, entry: T): void {
  const entries = log.get(key) ?? [];
  entries.push(entry);
  log.set(key, entries);
}

function idList(value: unknown): string[] {
  return typeof value === 'string' ? value.split('|').filter((id) => id !== '') : [];
}

function nonEmpty(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
}

function lower(userid: string): string {
  return userid.toLowerCase();
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
