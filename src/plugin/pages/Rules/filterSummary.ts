import { t } from '@grafana/i18n';
import type { RuleView } from '../../../core/api';

/** A rule's filters in one line, in Alertmanager's matcher syntax: `team=~"dba|sre" · critical · firing`. */
export function filterSummary(match: RuleView['match']): string {
  const parts = [
    ...match.matchers.map((matcher) => `${matcher.label}${matcher.op}${JSON.stringify(matcher.value)}`),
    ...(match.severities.length > 0 ? [match.severities.join('|')] : []),
    ...match.statuses,
  ];
  return parts.length > 0 ? parts.join(' · ') : t('rules.list.all-alerts', 'All alerts');
}
