/**
 * The variables a Liquid template sees. Everything a reader needs is pre-formatted here (times in
 * the rule's zone, durations, values, links) so templates stay short and copyable.
 */
import { severityOf, type Alert, type AlertGroup, type AlertSource, type AlertStatus, type Labels } from '../alert';
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
}

export interface GroupView {
  kind: MessageKind;
  language: Language;
  timezone: string;
  status: AlertStatus;
  source: AlertSource;
  receiver: string;
  ruleName: string;
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
}

const INSTANCE_LABELS = ['instance', 'host', 'hostname', 'pod', 'node'];

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

export function alertView(
  alert: Alert,
  source: AlertSource,
  scope: { language: Language; timezone: string; now: Date }
): AlertView {
  const { language, timezone, now } = scope;
  const startsAt = parseTime(alert.startsAt);
  const endsAt = alert.status === 'resolved' ? parseTime(alert.endsAt) : null;
  const until = alert.status === 'resolved' ? endsAt : now.getTime();
  const durationSeconds =
    startsAt !== null && until !== null && until >= startsAt ? Math.floor((until - startsAt) / 1000) : null;
  const summary = alert.annotations.summary || alert.annotations.description || '';
  const description = alert.annotations.description ?? '';
  return {
    status: alert.status,
    name: alert.labels.alertname ?? '',
    summary,
    description: description === summary ? '' : description,
    severity: severityOf(alert),
    instance: INSTANCE_LABELS.map((label) => alert.labels[label]).find(Boolean) ?? '',
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
    links: linksOf(alert, source, language),
  };
}

/** Firing alerts first, then resolved, each in the order the sender gave. */
export function readingOrder(alerts: Alert[]): Alert[] {
  return [
    ...alerts.filter((alert) => alert.status === 'firing'),
    ...alerts.filter((alert) => alert.status !== 'firing'),
  ];
}

export function groupView(
  group: AlertGroup,
  alerts: AlertView[],
  scope: { kind: MessageKind; language: Language; timezone: string; ruleName: string; now: Date; part: string }
): GroupView {
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
  };
}
