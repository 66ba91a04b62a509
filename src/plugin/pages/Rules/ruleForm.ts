/** The rule form's values, and how they become the body the relay validates with ruleSchema. */
import type { RuleView } from '../../../core/api';
import { DEFAULT_TIMEZONE, ruleSchema, type Language, type RuleConfig } from '../../../core/config';
import { DEFAULT_TEMPLATES } from '../../../core/render';
import { validate, type Problem } from '../../../core/validation';

export type MatcherOp = '=' | '!=' | '=~' | '!~';
export type AlertStatus = 'firing' | 'resolved';

export interface RuleFormValues {
  uid: string;
  name: string;
  description: string;
  enabled: boolean;
  services: string[];
  matchers: Array<{ label: string; op: MatcherOp; value: string }>;
  severities: string[];
  statuses: AlertStatus[];
  sendResolved: boolean;
  language: Language;
  timezone: string;
  customTemplate: boolean;
  template: { title: string; alert: string };
  mentions: { users: string[]; mobiles: string[]; all: boolean };
  /** Kept as the rule has it: labels shown first or hidden (set through provisioning or the API). */
  labels: { hide: string[]; first: string[] };
  quietHoursEnabled: boolean;
  quietHours: { start: string; end: string; allowSeverities: string[] };
  hmacEnabled: boolean;
  /** A new secret; empty keeps the one the relay has (when `hmacSecretSet`). */
  hmac: { secret: string; header: string; timestampHeader: string };
  hmacSecretSet: boolean;
}

export function newRuleValues(): RuleFormValues {
  return {
    uid: '',
    name: '',
    description: '',
    enabled: true,
    services: [],
    matchers: [],
    severities: [],
    statuses: [],
    sendResolved: true,
    language: 'zh-CN',
    timezone: DEFAULT_TIMEZONE,
    customTemplate: false,
    template: { ...DEFAULT_TEMPLATES['zh-CN'] },
    mentions: { users: [], mobiles: [], all: false },
    labels: { hide: [], first: [] },
    quietHoursEnabled: false,
    quietHours: { start: '22:00', end: '08:00', allowSeverities: ['critical'] },
    hmacEnabled: false,
    hmac: { secret: '', header: 'X-Grafana-Alerting-Signature', timestampHeader: 'X-Grafana-Alerting-Timestamp' },
    hmacSecretSet: false,
  };
}

export function valuesFromView(rule: RuleView): RuleFormValues {
  const defaults = newRuleValues();
  const custom = Boolean(rule.template?.title || rule.template?.alert);
  return {
    uid: rule.uid,
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    services: rule.services,
    matchers: rule.match.matchers,
    severities: rule.match.severities,
    statuses: rule.match.statuses,
    sendResolved: rule.sendResolved,
    language: rule.language,
    timezone: rule.timezone,
    customTemplate: custom,
    template: {
      title: rule.template?.title || DEFAULT_TEMPLATES[rule.language].title,
      alert: rule.template?.alert || DEFAULT_TEMPLATES[rule.language].alert,
    },
    mentions: rule.mentions,
    labels: rule.labels,
    quietHoursEnabled: rule.quietHours !== undefined,
    quietHours: rule.quietHours ?? defaults.quietHours,
    hmacEnabled: rule.hmac !== undefined,
    hmac: rule.hmac
      ? { secret: '', header: rule.hmac.header, timestampHeader: rule.hmac.timestampHeader }
      : defaults.hmac,
    hmacSecretSet: rule.hmac?.secretSet ?? false,
  };
}

/** The request body: only what the rule sets, and no HMAC secret when the stored one is kept. */
export function bodyFromValues(values: RuleFormValues) {
  const keepSecret = values.hmacSecretSet && values.hmac.secret === '';
  return {
    uid: values.uid.trim(),
    name: values.name,
    description: values.description,
    enabled: values.enabled,
    services: values.services,
    match: { matchers: values.matchers, severities: values.severities, statuses: values.statuses },
    sendResolved: values.sendResolved,
    language: values.language,
    timezone: values.timezone.trim(),
    ...(values.customTemplate ? { template: values.template } : {}),
    mentions: values.mentions,
    labels: values.labels,
    ...(values.quietHoursEnabled ? { quietHours: values.quietHours } : {}),
    ...(values.hmacEnabled
      ? {
          hmac: {
            header: values.hmac.header,
            timestampHeader: values.hmac.timestampHeader,
            ...(keepSecret ? {} : { secret: values.hmac.secret }),
          },
        }
      : {}),
  };
}

/** Problems as the relay would report them (same schema, same paths); a kept HMAC secret is not missing. */
export function formProblems(values: RuleFormValues, language: Language): Problem[] {
  const result = validate(ruleSchema, bodyFromValues(values), language);
  if (result.ok) {
    return [];
  }
  const keepSecret = values.hmacEnabled && values.hmacSecretSet && values.hmac.secret === '';
  return result.problems.filter((problem) => !(keepSecret && problem.path === 'hmac.secret'));
}

/**
 * The rule as the relay would hold it after saving, for rendering the preview in the browser while
 * it is edited: a blank uid or name does not hold the preview back, HMAC plays no part in rendering.
 * Null while another field is not valid.
 */
export function configFromValues(values: RuleFormValues): RuleConfig | null {
  const { hmac: _hmac, ...body } = bodyFromValues(values);
  const uid = body.uid || 'preview';
  const result = validate(ruleSchema, { ...body, uid, name: body.name.trim() || uid });
  return result.ok ? result.value : null;
}

/** The first problem at a path or under it (e.g. "match.matchers[0]" for "match.matchers[0].value"). */
export function problemAt(problems: Problem[], path: string): string | undefined {
  return problems.find(
    (problem) => problem.path === path || problem.path.startsWith(`${path}.`) || problem.path.startsWith(`${path}[`)
  )?.message;
}
