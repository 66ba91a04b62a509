import React, { useMemo } from 'react';
import { t } from '@grafana/i18n';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, RadioButtonGroup, Stack, TextArea, useStyles2 } from '@grafana/ui';
import type { Language } from '../../../../core/config';
import { DEFAULT_TEMPLATES, templateError } from '../../../../core/render';

interface Props {
  custom: boolean;
  template: { title: string; alert: string };
  language: Language;
  onChange: (custom: boolean, template: { title: string; alert: string }) => void;
  /** The relay's problem with the template, if it refused it. */
  problem?: string;
}

/** The message template: the built-in one of the rule's language, or custom Liquid (title + one block per alert). */
export function TemplateEditor({ custom, template, language, onChange, problem }: Props) {
  const styles = useStyles2(getStyles);
  const error = useMemo(() => (custom ? templateError(template) : null), [custom, template]);
  const defaults = DEFAULT_TEMPLATES[language];
  return (
    <Stack direction="column" gap={1}>
      <Field label={t('rules.template.mode', 'Message template')}>
        <RadioButtonGroup
          id="rule-template-mode"
          options={[
            { label: t('rules.template.default', 'Default'), value: false },
            { label: t('rules.template.custom', 'Custom'), value: true },
          ]}
          value={custom}
          onChange={(value) => onChange(value, template)}
        />
      </Field>
      {custom && (
        <>
          <Field
            label={t('rules.template.title', 'Title template')}
            description={t(
              'rules.template.title-description',
              'Liquid. The heading of every message, e.g. the status, the rule name and the number of alerts.'
            )}
          >
            <TextArea
              id="rule-template-title"
              rows={4}
              className={styles.code}
              value={template.title}
              onChange={(event) => onChange(true, { ...template, title: event.currentTarget.value })}
            />
          </Field>
          <Field
            label={t('rules.template.alert', 'Alert template')}
            description={t(
              'rules.template.alert-description',
              'Liquid. Rendered once per alert; alerts are never split across messages.'
            )}
          >
            <TextArea
              id="rule-template-alert"
              rows={12}
              className={styles.code}
              value={template.alert}
              onChange={(event) => onChange(true, { ...template, alert: event.currentTarget.value })}
            />
          </Field>
          <div>
            <Button variant="secondary" size="sm" icon="history" onClick={() => onChange(true, { ...defaults })}>
              {t('rules.template.reset', 'Start again from the default')}
            </Button>
          </div>
        </>
      )}
      {(error || problem) && (
        <Alert severity="error" title={t('rules.template.invalid', 'The template does not render')}>
          {error ?? problem}
        </Alert>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  code: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
});
