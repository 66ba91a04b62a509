/** Which alerts of a posted group a rule sends, and when (quiet hours). */
import { type Alert, type AlertGroup, severityOf } from './alert';
import type { Matcher, RuleConfig } from './config';
import { wallClock } from './render/time';

/** Prometheus semantics: regular expressions are anchored at both ends. */
export function matcherRegex(value: string): RegExp {
  return new RegExp(`^(?:${value})$`);
}

function matches(matcher: Matcher, alert: Alert): boolean {
  const value = alert.labels[matcher.label] ?? '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcherRegex(matcher.value).test(value);
    case '!~':
      return !matcherRegex(matcher.value).test(value);
  }
}

export type RuleFilter = Pick<RuleConfig, 'match' | 'sendResolved'>;

/** The first of the rule's filters an alert fails, or null when the rule sends it. */
export type Rejection =
  | { filter: 'sendResolved' }
  | { filter: 'statuses'; status: Alert['status'] }
  | { filter: 'severities'; severity: string }
  | { filter: 'matchers'; matcher: Matcher };

export function rejectionOf(alert: Alert, rule: RuleFilter): Rejection | null {
  if (alert.status === 'resolved' && !rule.sendResolved) {
    return { filter: 'sendResolved' };
  }
  if (rule.match.statuses.length > 0 && !rule.match.statuses.includes(alert.status)) {
    return { filter: 'statuses', status: alert.status };
  }
  const severities = rule.match.severities.map((severity) => severity.toLowerCase());
  if (severities.length > 0 && !severities.includes(severityOf(alert))) {
    return { filter: 'severities', severity: severityOf(alert) };
  }
  const failed = rule.match.matchers.find((matcher) => !matches(matcher, alert));
  return failed ? { filter: 'matchers', matcher: failed } : null;
}

/**
 * The part of the group this rule sends, or null when nothing is left. A test alert passes every
 * matcher: pressing "Test" must reach WeCom whatever the rule filters.
 */
export function selectAlerts(group: AlertGroup, rule: RuleFilter): AlertGroup | null {
  const alerts = group.isTest ? group.alerts : group.alerts.filter((alert) => rejectionOf(alert, rule) === null);
  if (alerts.length === 0) {
    return null;
  }
  return { ...group, alerts, status: alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved' };
}

const MINUTES_PER_DAY = 24 * 60;

function minutesOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

function localMinutes(now: Date, timezone: string): number {
  const clock = wallClock(now.getTime(), timezone);
  return Number(clock.hour) * 60 + Number(clock.minute);
}

/**
 * When a group may be sent under the rule's quiet hours: now, or the end of the quiet period.
 * A group with an alert of an allowed severity is never held, nor is a test.
 */
export function sendNotBefore(group: AlertGroup, rule: Pick<RuleConfig, 'quietHours' | 'timezone'>, now: Date): number {
  const quiet = rule.quietHours;
  if (!quiet || group.isTest) {
    return now.getTime();
  }
  const allowed = quiet.allowSeverities.map((severity) => severity.toLowerCase());
  if (group.alerts.some((alert) => allowed.includes(severityOf(alert)))) {
    return now.getTime();
  }
  const start = minutesOfDay(quiet.start);
  const end = minutesOfDay(quiet.end);
  const current = localMinutes(now, rule.timezone);
  const inQuiet = start <= end ? current >= start && current < end : current >= start || current < end;
  if (!inQuiet) {
    return now.getTime();
  }
  const minutesLeft = (end - current + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  const startOfMinute = now.getTime() - (now.getTime() % 60_000);
  return startOfMinute + minutesLeft * 60_000;
}
