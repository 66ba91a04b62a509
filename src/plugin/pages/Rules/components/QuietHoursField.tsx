import React from 'react';
import { t } from '@grafana/i18n';
import { Field, Input, Stack, Switch, TagsInput } from '@grafana/ui';
import type { RuleFormValues } from '../ruleForm';

interface Props {
  enabled: boolean;
  quietHours: RuleFormValues['quietHours'];
  onChange: (enabled: boolean, quietHours: RuleFormValues['quietHours']) => void;
  problemOf: (path: string) => string | undefined;
}

/** 免打扰: alerts below the allowed severities wait until the quiet hours end, then arrive as one digest. */
export function QuietHoursField({ enabled, quietHours, onChange, problemOf }: Props) {
  return (
    <Stack direction="column" gap={1}>
      <Field
        label={t('rules.quiet-hours.enabled', 'Quiet hours')}
        description={t(
          'rules.quiet-hours.description',
          "Alerts that are not of an allowed severity wait until the quiet hours end (in the rule's time zone), then arrive together."
        )}
      >
        <Switch
          id="rule-quiet-hours"
          value={enabled}
          onChange={(event) => onChange(event.currentTarget.checked, quietHours)}
        />
      </Field>
      {enabled && (
        <Stack direction="row" gap={2} wrap="wrap">
          <Field
            label={t('rules.quiet-hours.start', 'From (HH:MM)')}
            invalid={problemOf('quietHours.start') !== undefined}
            error={problemOf('quietHours.start')}
          >
            <Input
              id="rule-quiet-start"
              width={12}
              placeholder={t('rules.quiet-hours.start-placeholder', '22:00')}
              value={quietHours.start}
              onChange={(event) => onChange(enabled, { ...quietHours, start: event.currentTarget.value })}
            />
          </Field>
          <Field
            label={t('rules.quiet-hours.end', 'Until (HH:MM)')}
            invalid={problemOf('quietHours.end') !== undefined}
            error={problemOf('quietHours.end')}
          >
            <Input
              id="rule-quiet-end"
              width={12}
              placeholder={t('rules.quiet-hours.end-placeholder', '08:00')}
              value={quietHours.end}
              onChange={(event) => onChange(enabled, { ...quietHours, end: event.currentTarget.value })}
            />
          </Field>
          <Field
            label={t('rules.quiet-hours.allow', 'Severities sent at once')}
            invalid={problemOf('quietHours.allowSeverities') !== undefined}
            error={problemOf('quietHours.allowSeverities')}
          >
            <TagsInput
              id="rule-quiet-allow"
              tags={quietHours.allowSeverities}
              addOnBlur
              onChange={(allowSeverities) => onChange(enabled, { ...quietHours, allowSeverities })}
            />
          </Field>
        </Stack>
      )}
    </Stack>
  );
}
