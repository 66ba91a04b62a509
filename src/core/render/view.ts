/**
 * The variables a Liquid template sees. Everything a reader needs is pre-formatted here (times in
 * the rule's zone, durations, values, links) so templates stay short and copyable.
 */
import {
  SEVERITY_LABELS,
  severityOf,
  type Alert,
  type AlertGroup,
  type AlertSource,
  type AlertStatus,
  type Labels,
} from '../alert';
import type { Language } from '../config';
import { STRINGS, type LinkKind } from './i18n';
import { safeUrl } from './neutralise';
import { formatDuration, formatTime, parseTime } from './time';
import type { MessageKind } from './types';

export interface LinkView {
  kind: LinkKind;
  name: string;
  url: string;
}

export interface LabelView {
  name: string;
  value: string;
}

/** Which labels a rule shows first and which it hides (name, severity and instance are shown anyway). */
export interface LabelChoice {
  hide: string[];
  first: string[];
}

export interface AlertView {
  status: AlertStatus;
  /** The alertname label. */
  name: string;
  /** The summary annotation, or the description when there is no summary. */
  summary: string;
  /** The description annotation when it says more than `summary`, else ''. */
  description: string;
  severity: string;
  /** The instance label, or host/pod/node when there is none. */
  instance: string;
  /** Grafana's values ("B=97.2, C=1"), else its valueString. */
  value: string;
  /** "2026-01-02 15:04:05" in the rule's time zone, or ''. */
  startsAt: string;
  endsAt: string;
  /** How long it lasted (resolved) or has been firing (firing): "1小时5分" / "1h5m". */
  duration: string;
  durationSeconds: number | null;
  /** The raw ISO times, for the `date` filter. */
  startsAtISO: string;
  endsAtISO: string;
  labels: Labels;
  annotations: Labels;
  fingerprint: string;
  generatorURL: string;
  silenceURL: string;
  dashboardURL: string;
  panelURL: string;
  imageURL: string;
  runbookURL: string;
  values: Record<string, number>;
  valueString: string;
  /** The links worth showing, in reading order, with names in the rule's language. */
  links: LinkView[];
  /** Labels not shown by name, severity or instance, minus Grafana's `__…__` and the rule's hidden ones. */
  shownLabels: LabelView[];
  /** shownLabels minus the group's sharedLabels. */
  ownLabels: LabelView[];
  /** Rule, dashboard and panel links not in the group's groupLinks (the compact form's per-alert links). */
  ownLinks: LinkView[];
}

export interface GroupView {
  kind: MessageKind;
  language: Language;
  timezone: string;
  status: AlertStatus;
  source: AlertSource;
  receiver: string;
  ruleName: string;
  /** The service under test, in a service's test message; '' otherwise. */
  serviceName: string;
  /** The alertname when all alerts share one, else the rule name. */
  title: string;
  groupKey: string;
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL: string;
  truncatedAlerts: number;
  isTest: boolean;
  firing: number;
  resolved: number;
  total: number;
  /** Title template: where the "(i/N)" marker goes when the group needs several messages ('' in alert templates). */
  part: string;
  /** The render time, ISO. */
  now: string;
  alerts: AlertView[];
  /** Labels every alert shows with the same value: shown once for the group. */
  sharedLabels: LabelView[];
  /**
   * Rule, dashboard and panel links every alert has in common, and one silence link from the
   * matchers common to the firing alerts; in a digest only the first of panel, dashboard, rule.
   */
  groupLinks: LinkView[];
}

const INSTANCE_LABELS = ['instance', 'host', 'hostname', 'pod', 'node'];

/** The links a group shows once for all its alerts (runbook and image stay with each alert's full form). */
const GROUP_LINK_KINDS: LinkKind[] = ['rule', 'source', 'dashboard', 'panel'];

/**
 * A digest, which must fit a storm into the robot's 20 messages a minute, keeps one link per group:
 * the one closest to the data. Silencing is a click away from there.
 */
const DIGEST_LINK_PREFERENCE: LinkKind[] = ['panel', 'dashboard', 'rule', 'source'];

function linkKindsFor(alerts: AlertView[], digest: boolean): LinkKind[] {
  if (!digest) {
    return GROUP_LINK_KINDS;
  }
  const primary = DIGEST_LINK_PREFERENCE.find((kind) =>
    alerts.some((alert) => alert.links.some((link) => link.kind === kind))
  );
  return primary ? [primary] : [];
}

function instanceLabelOf(alert: Pick<Alert, 'labels'>): string | undefined {
  return INSTANCE_LABELS.find((name) => alert.labels[name]);
}

/** The instance label, or host/pod/node when there is none; '' when the alert has none of them. */
export function instanceOf(alert: Pick<Alert, 'labels'>): string {
  const label = instanceLabelOf(alert);
  return label ? alert.labels[label] : '';
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) {
    return String(value);
  }
  return Math.abs(value) >= 1 ? String(Math.round(value * 100) / 100) : String(Number(value.toPrecision(3)));
}

function formatValue(alert: Alert): string {
  const values = Object.entries(alert.values ?? {});
  if (values.length > 0) {
    return values.map(([ref, value]) => `${ref}=${formatNumber(value)}`).join(', ');
  }
  return alert.valueString ?? '';
}

function linksOf(alert: Alert, source: AlertSource, language: Language): LinkView[] {
  const candidates: Array<[LinkKind, string]> = [
    [source === 'grafana' ? 'rule' : 'source', alert.generatorURL],
    ['dashboard', alert.dashboardURL],
    ['panel', alert.panelURL],
    // Silencing something that already resolved helps nobody.
    ['silence', alert.status === 'firing' ? alert.silenceURL : ''],
    ['runbook', alert.annotations.runbook_url ?? ''],
    ['image', alert.imageURL],
  ];
  return candidates
    .map(([kind, url]) => ({ kind, name: STRINGS[language].links[kind], url: safeUrl(url ?? '') }))
    .filter((link) => link.url !== '');
}

/** Grafana's internal labels (`__alert_rule_uid__`, `__grafana_autogenerated__`, …). */
const INTERNAL_LABEL = /^__.*__$/;

function labelsToShow(labels: Labels, hidden: Set<string>, choice: LabelChoice): LabelView[] {
  const names = Object.keys(labels).filter(
    (name) => labels[name] !== '' && !hidden.has(name) && !INTERNAL_LABEL.test(name)
  );
  const first = choice.first.filter((name) => names.includes(name));
  return [...first, ...names.filter((name) => !first.includes(name))].map((name) => ({ name, value: labels[name] }));
}

export function alertView(
  alert: Alert,
  source: AlertSource,
  scope: { language: Language; timezone: string; now: Date; labels: LabelChoice }
): AlertView {
  const { language, timezone, now } = scope;
  const startsAt = parseTime(alert.startsAt);
  const endsAt = alert.status === 'resolved' ? parseTime(alert.endsAt) : null;
  const until = alert.status === 'resolved' ? endsAt : now.getTime();
  const durationSeconds =
    startsAt !== null && until !== null && until >= startsAt ? Math.floor((until - startsAt) / 1000) : null;
  const summary = alert.annotations.summary || alert.annotations.description || '';
  const description = alert.annotations.description ?? '';
  const instanceLabel = instanceLabelOf(alert);
  const severityLabel = SEVERITY_LABELS.find((label) => alert.labels[label]);
  const shownElsewhere = [instanceLabel, severityLabel].filter((label): label is string => label !== undefined);
  const hidden = new Set(['alertname', ...shownElsewhere, ...scope.labels.hide]);
  const links = linksOf(alert, source, language);
  const shownLabels = labelsToShow(alert.labels, hidden, scope.labels);
  return {
    status: alert.status,
    name: alert.labels.alertname ?? '',
    summary,
    description: description === summary ? '' : description,
    severity: severityOf(alert),
    instance: instanceLabel ? alert.labels[instanceLabel] : '',
    value: formatValue(alert),
    startsAt: formatTime(startsAt, timezone),
    endsAt: formatTime(endsAt, timezone),
    duration: durationSeconds === null ? '' : formatDuration(durationSeconds, language),
    durationSeconds,
    startsAtISO: startsAt === null ? '' : new Date(startsAt).toISOString(),
    endsAtISO: endsAt === null ? '' : new Date(endsAt).toISOString(),
    labels: alert.labels,
    annotations: alert.annotations,
    fingerprint: alert.fingerprint,
    generatorURL: safeUrl(alert.generatorURL ?? ''),
    silenceURL: safeUrl(alert.silenceURL ?? ''),
    dashboardURL: safeUrl(alert.dashboardURL ?? ''),
    panelURL: safeUrl(alert.panelURL ?? ''),
    imageURL: safeUrl(alert.imageURL ?? ''),
    runbookURL: safeUrl(alert.annotations.runbook_url ?? ''),
    values: alert.values ?? {},
    valueString: alert.valueString ?? '',
    links,
    shownLabels,
    ownLabels: shownLabels,
    ownLinks: links.filter((link) => GROUP_LINK_KINDS.includes(link.kind)),
  };
}

/** Firing alerts first, then resolved, each in the order the sender gave. */
export function readingOrder(alerts: Alert[]): Alert[] {
  return [
    ...alerts.filter((alert) => alert.status === 'firing'),
    ...alerts.filter((alert) => alert.status !== 'firing'),
  ];
}

function sharedLabelsOf(alerts: AlertView[]): LabelView[] {
  const [first, ...rest] = alerts;
  if (!first) {
    return [];
  }
  return first.shownLabels.filter(({ name, value }) =>
    rest.every((alert) => alert.shownLabels.some((label) => label.name === name && label.value === value))
  );
}

function parseURL(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * A silence for the firing alerts together: their senders' silence URL with only the matchers they
 * all share (Grafana gives each alert one with all its labels), or '' when they share none.
 */
function commonSilenceURL(alerts: AlertView[]): string {
  const urls = alerts.filter((alert) => alert.status === 'firing').map((alert) => alert.silenceURL);
  if (urls.length === 0 || urls.some((url) => url === '')) {
    return '';
  }
  const parsed = urls.map(parseURL).filter((url): url is URL => url !== null);
  if (parsed.length < urls.length) {
    return '';
  }
  const common = parsed[0].searchParams
    .getAll('matcher')
    .filter((matcher) => parsed.every((url) => url.searchParams.getAll('matcher').includes(matcher)));
  if (common.length === 0) {
    return '';
  }
  const silence = new URL(parsed[0].href);
  silence.searchParams.delete('matcher');
  for (const matcher of common) {
    silence.searchParams.append('matcher', matcher);
  }
  return safeUrl(silence.href);
}

function groupLinksOf(alerts: AlertView[], kinds: LinkKind[], digest: boolean, language: Language): LinkView[] {
  const [first, ...rest] = alerts;
  if (!first) {
    return [];
  }
  const shared = first.links.filter(
    (link) =>
      kinds.includes(link.kind) &&
      rest.every((alert) => alert.links.some((other) => other.kind === link.kind && other.url === link.url))
  );
  const silenceURL = digest ? '' : commonSilenceURL(alerts);
  const silence: LinkView[] = silenceURL
    ? [{ kind: 'silence', name: STRINGS[language].links.silence, url: silenceURL }]
    : [];
  return [...shared, ...silence];
}

/** What a group is rendered for: the message kind, the rule's language, zone and label choice, the style. */
export interface RenderScope {
  kind: MessageKind;
  language: Language;
  timezone: string;
  ruleName: string;
  serviceName: string;
  now: Date;
  labels: LabelChoice;
  digest: boolean;
}

export function groupView(group: AlertGroup, shown: AlertView[], scope: RenderScope & { part: string }): GroupView {
  const sharedLabels = sharedLabelsOf(shown);
  const linkKinds = linkKindsFor(shown, scope.digest);
  const groupLinks = groupLinksOf(shown, linkKinds, scope.digest, scope.language);
  const alerts = shown.map((alert) => ({
    ...alert,
    ownLabels: alert.shownLabels.filter(
      (label) => !sharedLabels.some((shared) => shared.name === label.name && shared.value === label.value)
    ),
    ownLinks: alert.links.filter(
      (link) => linkKinds.includes(link.kind) && !groupLinks.some((shared) => shared.kind === link.kind)
    ),
  }));
  const names = new Set(alerts.map((alert) => alert.name));
  const firing = alerts.filter((alert) => alert.status === 'firing').length;
  const shared = names.size === 1 ? [...names][0] : alerts.length === 0 ? group.commonLabels.alertname : '';
  return {
    kind: scope.kind,
    language: scope.language,
    timezone: scope.timezone,
    status: firing > 0 ? 'firing' : alerts.length > 0 ? 'resolved' : group.status,
    source: group.source,
    receiver: group.receiver,
    ruleName: scope.ruleName,
    serviceName: scope.serviceName,
    title: shared || scope.ruleName,
    groupKey: group.groupKey,
    groupLabels: group.groupLabels,
    commonLabels: group.commonLabels,
    commonAnnotations: group.commonAnnotations,
    externalURL: safeUrl(group.externalURL ?? ''),
    truncatedAlerts: group.truncatedAlerts ?? 0,
    isTest: group.isTest,
    firing,
    resolved: alerts.length - firing,
    total: alerts.length,
    part: scope.part,
    now: scope.now.toISOString(),
    alerts,
    sharedLabels,
    groupLinks,
  };
}
