import React from 'react';
import { t } from '@grafana/i18n';
import { Badge } from '@grafana/ui';
import type { ContactPointState } from '../../api/grafanaContactPoints';

/** Whether a rule's Grafana contact point exists and matches the rule. */
export function ContactPointBadge({ state }: { state: ContactPointState }) {
  if (!state.exists) {
    return <Badge color="darkgrey" icon="minus-circle" text={t('contact-point.status.missing', 'Not created')} />;
  }
  if (state.current) {
    return <Badge color="green" icon="check" text={t('contact-point.status.current', 'Connected')} />;
  }
  return <Badge color="orange" icon="exclamation-triangle" text={t('contact-point.status.outdated', 'Out of date')} />;
}
