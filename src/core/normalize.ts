/**
 * Turns what Grafana and Alertmanager really post into an AlertGroup. Real payloads vary: nulls
 * where objects are expected, numbers where strings are, relative or empty URLs, the zero time
 * for "not ended". Anything usable is accepted; garbage is refused with the path of the bad field.
 */
import type { Alert, AlertGroup, AlertSource, AlertStatus, Labels } from './alert';

export class PayloadError extends Error {
  constructor(
    readonly field: string,
    problem: string
  ) {
    super(`${field}: ${problem}`);
  }
}

type Json = Record<string, unknown>;

const ZERO_TIME_YEAR = 1;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalObject(value: unknown, field: string): Json {
  if (value === undefined || value === null) {
    return {};
  }
  if (!isObject(value)) {
    throw new PayloadError(field, 'expected an object');
  }
  return value;
}

function labelsOf(value: unknown, field: string): Labels {
  const labels: Labels = {};
  for (const [name, raw] of Object.entries(optionalObject(value, field))) {
    if (raw === null || raw === undefined) {
      continue;
    }
    if (typeof raw === 'object') {
      throw new PayloadError(`${field}.${name}`, 'expected a string');
    }
    labels[name] = String(raw);
  }
  return labels;
}

function stringOf(value: unknown, field: string): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new PayloadError(field, 'expected a string');
}

/** ISO time, or null for absent values and Go's zero time (0001-01-01T00:00:00Z). */
function timeOf(value: unknown, field: string): string | null {
  const text = stringOf(value, field);
  if (text === '') {
    return null;
  }
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) {
    throw new PayloadError(field, `not a time: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return parsed.getUTCFullYear() <= ZERO_TIME_YEAR ? null : parsed.toISOString();
}

/** An absolute http(s) URL: relative ones are resolved against the external URL, others dropped. */
function urlOf(value: unknown, base: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') {
    return '';
  }
  try {
    const url = base ? new URL(text, base) : new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : '';
  } catch {
    return '';
  }
}

function valuesOf(value: unknown, field: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, raw] of Object.entries(optionalObject(value, field))) {
    const number = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof number === 'number' && Number.isFinite(number)) {
      values[name] = number;
    }
  }
  return values;
}

function statusOf(value: unknown, field: string, endsAt: string | null, now: number): AlertStatus {
  if (value === 'firing' || value === 'resolved') {
    return value;
  }
  if (value === undefined || value === null || value === '') {
    return endsAt !== null && Date.parse(endsAt) <= now ? 'resolved' : 'firing';
  }
  throw new PayloadError(field, 'expected "firing" or "resolved"');
}

function fnv1a32(text: string, seed: number): string {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** A stable 16-hex-digit hash of the sorted labels, for alerts that come without a fingerprint. */
export function labelsFingerprint(labels: Labels): string {
  const text = Object.keys(labels)
    .sort()
    .map((name) => `${name}\u0000${labels[name]}\u0000`)
    .join('');
  return fnv1a32(text, 0x811c9dc5) + fnv1a32(text, 0x050c5d1f);
}

function alertmanagerSilenceURL(externalURL: string, labels: Labels): string {
  if (!externalURL) {
    return '';
  }
  const filter = `{${Object.entries(labels)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '\\$&')}"`)
    .join(',')}}`;
  return `${externalURL.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(filter)}`;
}

function alertOf(raw: unknown, index: number, source: AlertSource, externalURL: string, now: number): Alert {
  const field = `alerts[${index}]`;
  if (!isObject(raw)) {
    throw new PayloadError(field, 'expected an object');
  }
  const labels = labelsOf(raw.labels, `${field}.labels`);
  const endsAt = timeOf(raw.endsAt, `${field}.endsAt`);
  const silenceURL = urlOf(raw.silenceURL, externalURL);
  return {
    status: statusOf(raw.status, `${field}.status`, endsAt, now),
    labels,
    annotations: labelsOf(raw.annotations, `${field}.annotations`),
    startsAt: timeOf(raw.startsAt, `${field}.startsAt`),
    endsAt,
    fingerprint: stringOf(raw.fingerprint, `${field}.fingerprint`) || labelsFingerprint(labels),
    generatorURL: urlOf(raw.generatorURL, externalURL),
    silenceURL: silenceURL || (source === 'alertmanager' ? alertmanagerSilenceURL(externalURL, labels) : ''),
    dashboardURL: urlOf(raw.dashboardURL, externalURL),
    panelURL: urlOf(raw.panelURL, externalURL),
    imageURL: urlOf(raw.imageURL, externalURL),
    values: valuesOf(raw.values, `${field}.values`),
    valueString: stringOf(raw.valueString, `${field}.valueString`),
  };
}

const TEST_GROUP_KEY = /^[^{]+-[0-9a-f]{16}-\d+$/;

/**
 * Grafana's contact point "Test" posts one alert named TestAlert; no header marks
 * it, so it is recognised by its shape.
 */
function isGrafanaTest(alerts: Alert[], groupKey: string): boolean {
  return (
    alerts.length > 0 &&
    alerts.every((alert) => alert.labels.alertname === 'TestAlert') &&
    (alerts.length === 1 || TEST_GROUP_KEY.test(groupKey))
  );
}

export function normalizePayload(source: AlertSource, body: unknown, now: number = Date.now()): AlertGroup {
  if (!isObject(body)) {
    throw new PayloadError('body', 'expected a JSON object');
  }
  if (!Array.isArray(body.alerts)) {
    throw new PayloadError('alerts', body.alerts === undefined ? 'missing' : 'expected an array');
  }
  const externalURL = urlOf(body.externalURL, '');
  const alerts = body.alerts.map((raw, index) => alertOf(raw, index, source, externalURL, now));
  const groupKey = stringOf(body.groupKey, 'groupKey');
  const truncated = Number(body.truncatedAlerts ?? 0);
  return {
    source,
    receiver: stringOf(body.receiver, 'receiver'),
    status: alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved',
    groupKey,
    groupLabels: labelsOf(body.groupLabels, 'groupLabels'),
    commonLabels: labelsOf(body.commonLabels, 'commonLabels'),
    commonAnnotations: labelsOf(body.commonAnnotations, 'commonAnnotations'),
    externalURL,
    truncatedAlerts: Number.isInteger(truncated) && truncated > 0 ? truncated : 0,
    alerts,
    isTest: source === 'grafana' && isGrafanaTest(alerts, groupKey),
  };
}
