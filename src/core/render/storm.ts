/**
 * The storm view: everything waiting for one destination in ONE message, so that in a storm the
 * on-call engineer first sees every alertname before the detail follows.
 *
 *   renderStormView(groups: StormGroup[], options: StormOptions) → StormView
 *
 * - groups: the pending groups of the destination, oldest first, each with the caller's id
 *   (a delivery id) and its alerts.
 * - options: { kind, language, timezone, now, limit? } — `limit` defaults to the kind's byte limit;
 *   pass less to keep room (a mention footer).
 * - StormView: { body, text, bytes, carried }. `text` is the limited field (the textcard's
 *   description) and `bytes` its UTF-8 size, never above the limit. `carried` lists, per group id,
 *   the fingerprints of the alerts a reader can act on from this message: its name, status,
 *   severity and instance are shown (an alert without an instance label counts once its name is
 *   shown), and the heading links to the alert list.
 *
 * Layout: a heading (how many alerts and names, as of when, a link to them all), then a firing
 * and a resolved section, each under its own status heading with its counts, one entry per
 * alertname (count and severities) with its instances below it. Names come first: all of them
 * are shown while they fit, then instances are added round-robin across names, and a name whose
 * instances do not all fit ends with "+N". When not even the names fit, the last ones are summed
 * up as "M more names".
 */
import type { Alert, AlertGroup, AlertStatus } from '../alert';
import { severityOf } from '../alert';
import type { Language } from '../config';
import { LIMITS, utf8Bytes } from '../limits';
import type { AppBody, RobotBody } from '../messages';
import { FORMATS, limitOf, messageBody } from './kinds';
import { plainLine } from './markdown';
import { neutralise, safeUrl } from './neutralise';
import { formatTime, usableTimezone } from './time';
import { cutToBytes } from './utf8';
import type { MessageKind } from './types';
import { instanceOf } from './view';

export interface StormGroup {
  id: string;
  group: AlertGroup;
}

export interface StormOptions {
  kind: MessageKind;
  language: Language;
  timezone: string;
  now: Date;
  limit?: number;
}

export interface StormView {
  body: RobotBody | AppBody;
  text: string;
  bytes: number;
  carried: Array<{ id: string; fingerprints: string[] }>;
}

interface Strings {
  heading(alerts: number, names: number, at: string): string;
  firing: string;
  resolved: string;
  count(alerts: number): string;
  names(names: number): string;
  moreNames(names: number, alerts: number): string;
  link: string;
  button: string;
}

const STRINGS: Record<Language, Strings> = {
  'zh-CN': {
    heading: (alerts, names, at) => `【告警风暴】待发送 ${alerts} 条 · ${names} 种 · 截至 ${at}`,
    firing: '【告警】',
    resolved: '【恢复】',
    count: (alerts) => `${alerts} 条`,
    names: (names) => `${names} 种`,
    moreNames: (names, alerts) => `另有 ${names} 种（${alerts} 条）未列出，详情随后发送`,
    link: '查看全部告警',
    button: '查看',
  },
  en: {
    heading: (alerts, names, at) => `[ALERT STORM] ${alerts} pending · ${names} alertnames · as of ${at}`,
    firing: '[FIRING] ',
    resolved: '[RESOLVED] ',
    count: (alerts) => `${alerts}`,
    names: (names) => `${names} ${names === 1 ? 'name' : 'names'}`,
    moreNames: (names, alerts) => `${names} more alertnames (${alerts} alerts) not listed; details follow`,
    link: 'All alerts',
    button: 'View',
  },
};

/** One alert waiting, with the id of the group it waits in. */
interface Pending {
  id: string;
  alert: Alert;
}

/** The alerts of one alertname and status; instances in order of first appearance. */
interface Entry {
  status: AlertStatus;
  name: string;
  severities: string[];
  alerts: Pending[];
  /** Distinct alerts (an alert may wait in two groups). */
  count: number;
  instances: string[];
  /** How many of `instances` are shown. */
  shown: number;
}

function entriesOf(groups: StormGroup[]): Entry[] {
  const entries = new Map<string, Entry>();
  for (const { id, group } of groups) {
    for (const alert of group.alerts) {
      const name = alert.labels.alertname ?? '';
      const key = `${alert.status}\u0000${name}`;
      let entry = entries.get(key);
      if (!entry) {
        entry = { status: alert.status, name, severities: [], alerts: [], count: 0, instances: [], shown: 0 };
        entries.set(key, entry);
      }
      entry.alerts.push({ id, alert });
      const severity = severityOf(alert);
      if (severity && !entry.severities.includes(severity)) {
        entry.severities.push(severity);
      }
      const instance = instanceOf(alert);
      if (instance && !entry.instances.includes(instance)) {
        entry.instances.push(instance);
      }
    }
  }
  const all = [...entries.values()];
  for (const entry of all) {
    entry.count = distinct(entry.alerts);
  }
  return [...all.filter((entry) => entry.status === 'firing'), ...all.filter((entry) => entry.status !== 'firing')];
}

/** Alerts counted once each, even when the same alert waits in two groups. */
function distinct(alerts: Pending[]): number {
  return new Set(alerts.map(({ alert }) => alert.fingerprint)).size;
}

/** The link the heading gives: Grafana's alert list, or the Alertmanager's page. */
function listURL(groups: StormGroup[]): string {
  for (const { group } of groups) {
    const base = safeUrl(group.externalURL ?? '');
    if (base) {
      return group.source === 'grafana' ? `${base.replace(/\/+$/, '')}/alerting/list` : base;
    }
  }
  return '';
}

/** An entry's name line and instances as listed, neutralised once however often it is laid out. */
const entryParts = new WeakMap<Entry, { head: string; instances: string[] }>();

function partsOf(entry: Entry, strings: Strings): { head: string; instances: string[] } {
  let parts = entryParts.get(entry);
  if (!parts) {
    const severity = entry.severities.length > 0 ? ` · ${neutralise(entry.severities.join('/'))}` : '';
    parts = {
      head: `**${neutralise(entry.name)}** ×${strings.count(entry.count)}${severity}`,
      instances: entry.instances.map((instance) => `\`${neutralise(instance)}\``),
    };
    entryParts.set(entry, parts);
  }
  return parts;
}

function entryMarkdown(entry: Entry, strings: Strings): string {
  const { head, instances } = partsOf(entry, strings);
  if (entry.instances.length === 0) {
    return head;
  }
  const hidden = entry.instances.length - entry.shown;
  const listed = instances.slice(0, entry.shown);
  const more = hidden > 0 ? `+${hidden}` : '';
  return `${head}\n> ${[...listed, more].filter(Boolean).join(' ')}`;
}

function sectionHeading(status: AlertStatus, entries: Entry[], strings: Strings): string {
  const alerts = distinct(entries.flatMap((entry) => entry.alerts));
  return status === 'firing'
    ? `### <font color="warning">${strings.firing}</font>${strings.names(entries.length)} · ${strings.count(alerts)}`
    : `### <font color="info">${strings.resolved}</font>${strings.names(entries.length)} · ${strings.count(alerts)}`;
}

interface Layout {
  heading: string;
  link: string;
  entries: Entry[];
  /** Entries listed; the rest are summed up in one line. */
  listed: number;
}

/** The message; `framing` leaves the entries' own lines out (to size the rest of it). */
function markdownOf(layout: Layout, strings: Strings, framing = false): string {
  const listed = layout.entries.slice(0, layout.listed);
  const lines = [`## ${layout.heading}`];
  if (layout.link) {
    lines.push(`[${strings.link}](${layout.link})`);
  }
  for (const status of ['firing', 'resolved'] as const) {
    const section = listed.filter((entry) => entry.status === status);
    if (section.length > 0) {
      lines.push(sectionHeading(status, section, strings));
      if (!framing) {
        lines.push(...section.map((entry) => entryMarkdown(entry, strings)));
      }
    }
  }
  const rest = layout.entries.slice(layout.listed);
  if (rest.length > 0) {
    lines.push(
      `> <font color="comment">${strings.moreNames(rest.length, distinct(rest.flatMap((entry) => entry.alerts)))}</font>`
    );
  }
  return lines.join('\n');
}

function carriedBy(layout: Layout): StormView['carried'] {
  const carried = new Map<string, Set<string>>();
  for (const entry of layout.entries.slice(0, layout.listed)) {
    const shown = new Set(entry.instances.slice(0, entry.shown));
    for (const { id, alert } of entry.alerts) {
      const instance = instanceOf(alert);
      if (instance === '' || shown.has(instance)) {
        carried.set(id, (carried.get(id) ?? new Set()).add(alert.fingerprint));
      }
    }
  }
  return [...carried].map(([id, fingerprints]) => ({ id, fingerprints: [...fingerprints] }));
}

export function renderStormView(groups: StormGroup[], options: StormOptions): StormView {
  const { kind, language } = options;
  const strings = STRINGS[language];
  const limit = options.limit ?? limitOf(kind);
  const entries = entriesOf(groups);
  const at = formatTime(options.now.getTime(), usableTimezone(options.timezone)).slice(5, 16);
  const total = distinct(entries.flatMap((entry) => entry.alerts));
  const layout: Layout = {
    heading: neutralise(strings.heading(total, new Set(entries.map((entry) => entry.name)).size, at)),
    link: listURL(groups),
    entries,
    listed: entries.length,
  };
  // A textcard's heading is its title; its description holds the rest.
  const fieldOf = (markdown: string) =>
    kind === 'app-textcard'
      ? FORMATS[kind].body(markdown.split('\n').slice(1).join('\n'))
      : FORMATS[kind].body(markdown);
  const measure = () => utf8Bytes(fieldOf(markdownOf(layout, strings)));

  // The most entries that fit. Every kind's text is made line by line, so the size with the first
  // k entries is that of the rest of the message plus the sizes of their lines; below all
  // entries (where a line sums up the others) it only grows with k, so halving finds it. The
  // exact size then has the last word.
  const entryBytes = (entry: Entry) => utf8Bytes(FORMATS[kind].body(entryMarkdown(entry, strings)));
  const upTo = [0];
  entries.forEach((entry, i) => upTo.push(upTo[i] + entryBytes(entry) + 1));
  const estimate = (listed: number) => {
    layout.listed = listed;
    return utf8Bytes(fieldOf(markdownOf(layout, strings, true))) + upTo[listed];
  };
  const fitsWith = (listed: number) => {
    layout.listed = listed;
    return measure() <= limit;
  };
  if (!fitsWith(entries.length)) {
    let [fits, fitsNot] = [0, entries.length];
    while (fitsNot - fits > 1) {
      const middle = Math.floor((fits + fitsNot) / 2);
      [fits, fitsNot] = estimate(middle) > limit ? [fits, middle] : [middle, fitsNot];
    }
    while (fits > 0 && !fitsWith(fits)) {
      fits--;
    }
    while (fits + 1 < entries.length && fitsWith(fits + 1)) {
      fits++;
    }
    layout.listed = fits;
  }
  // Instances, one per name in turn, while they fit; a name whose next instance does not fit is
  // done: a step changes the size by the change of its entry's lines alone.
  let bytes = measure();
  const open = new Set(entries.slice(0, layout.listed).filter((entry) => entry.instances.length > 0));
  while (open.size > 0) {
    for (const entry of [...open]) {
      const before = entryBytes(entry);
      entry.shown++;
      const grown = bytes + entryBytes(entry) - before;
      if (grown > limit) {
        entry.shown--;
        open.delete(entry);
        continue;
      }
      bytes = grown;
      if (entry.shown === entry.instances.length) {
        open.delete(entry);
      }
    }
  }
  const markdown = markdownOf(layout, strings);
  const text = fieldOf(markdown);
  const card = {
    title: cutToBytes(plainLine(layout.heading), LIMITS.textcardTitle),
    // WeCom refuses a textcard without a link.
    url: layout.link || 'https://work.weixin.qq.com/',
    btntxt: strings.button,
  };
  return { body: messageBody(kind, text, card), text, bytes: utf8Bytes(text), carried: carriedBy(layout) };
}
