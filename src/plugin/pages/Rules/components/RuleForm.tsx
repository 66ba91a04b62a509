import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import {
  Alert,
  Button,
  Checkbox,
  Field,
  FieldSet,
  Input,
  LinkButton,
  RadioButtonGroup,
  Stack,
  Switch,
  TagsInput,
  TextArea,
  useStyles2,
} from '@grafana/ui';
import type { ServiceView } from '../../../../core/api';
import type { Problem } from '../../../../core/validation';
import { DEFAULT_TEMPLATES } from '../../../../core/render';
import { relayLanguage } from '../../../api/relay';
import { ROUTES } from '../../../constants';
import { prefixRoute } from '../../../utils/utils.routing';
import { PreviewPanel } from '../preview/PreviewPanel';
import {
  type AlertStatus,
  bodyFromValues,
  configFromValues,
  formProblems,
  problemAt,
  type RuleFormValues,
} from '../ruleForm';
import { HmacField } from './HmacField';
import { MatchersEditor } from './MatchersEditor';
import { MentionsField } from './MentionsField';
import { QuietHoursField } from './QuietHoursField';
import { ServicesPicker } from './ServicesPicker';
import { TemplateEditor } from './TemplateEditor';

interface Props {
  initial: RuleFormValues;
  isNew: boolean;
  /** Why the rule cannot be changed here, when it cannot; the form is then read-only. */
  readOnlyReason?: string;
  services: ServiceView[] | undefined;
  servicesLoading: boolean;
  saving: boolean;
  /** The relay's 400 problems of the last save, on the fields they name. */
  serverProblems: Problem[];
  onSave: (body: ReturnType<typeof bodyFromValues>) => void;
}

/** Create or edit a notification rule (通知规则), with its messages previewed as the relay will send them. */
export function RuleForm({
  initial,
  isNew,
  readOnlyReason,
  services,
  servicesLoading,
  saving,
  serverProblems,
  onSave,
}: Props) {
  const styles = useStyles2(getStyles);
  const [values, setValues] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const [edited, setEdited] = useState(false);
  const update = (patch: Partial<RuleFormValues>) => {
    setValues((current) => ({ ...current, ...patch }));
    setEdited(true);
  };

  const clientProblems = useMemo(() => formProblems(values, relayLanguage()), [values]);
  const problems = submitted ? [...clientProblems, ...(edited ? [] : serverProblems)] : serverProblems;
  const problemOf = (path: string) => problemAt(problems, path);
  const invalid = (path: string) => problemOf(path) !== undefined;

  const previewRule = useMemo(() => configFromValues(values), [values]);
  const selectedServices = useMemo(
    () => (services ?? []).filter((service) => values.services.includes(service.uid)),
    [services, values.services]
  );
  const dirty = JSON.stringify(bodyFromValues(values)) !== JSON.stringify(bodyFromValues(initial));
  const readOnly = readOnlyReason !== undefined;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setEdited(false);
    if (clientProblems.length === 0) {
      onSave(bodyFromValues(values));
    }
  };

  const changeLanguage = (language: RuleFormValues['language']) => {
    // A custom template still equal to the old language's default follows the new language.
    const unchanged = JSON.stringify(values.template) === JSON.stringify(DEFAULT_TEMPLATES[values.language]);
    update({ language, ...(unchanged ? { template: { ...DEFAULT_TEMPLATES[language] } } : {}) });
  };

  const toggleStatus = (status: AlertStatus, on: boolean) =>
    update({ statuses: on ? [...values.statuses, status] : values.statuses.filter((s) => s !== status) });

  return (
    <form onSubmit={submit} className={styles.form} noValidate>
      {readOnlyReason && <Alert severity="info" title={readOnlyReason} />}
      {submitted && clientProblems.length > 0 && (
        <Alert severity="error" title={t('rules.form.invalid', 'Check the highlighted fields')} />
      )}
      <fieldset disabled={readOnly} className={styles.fieldset}>
        <FieldSet label={t('rules.form.general', 'Rule')}>
          <Field label={t('rules.form.name', 'Name')} required invalid={invalid('name')} error={problemOf('name')}>
            <Input id="rule-name" value={values.name} onChange={(e) => update({ name: e.currentTarget.value })} />
          </Field>
          <Field
            label={t('rules.form.uid', 'UID')}
            description={t(
              'rules.form.uid-description',
              "Ends the rule's hook URL (/hooks/grafana/<uid>); it cannot change once saved."
            )}
            required
            invalid={invalid('uid')}
            error={problemOf('uid')}
          >
            <Input
              id="rule-uid"
              value={values.uid}
              disabled={!isNew}
              placeholder={t('rules.form.uid-placeholder', 'e.g. critical')}
              onChange={(e) => update({ uid: e.currentTarget.value })}
            />
          </Field>
          <Field
            label={t('rules.form.description', 'Description')}
            invalid={invalid('description')}
            error={problemOf('description')}
          >
            <TextArea
              id="rule-description"
              rows={2}
              value={values.description}
              onChange={(e) => update({ description: e.currentTarget.value })}
            />
          </Field>
          <Field label={t('rules.form.enabled', 'Enabled')}>
            <Switch
              id="rule-enabled"
              value={values.enabled}
              onChange={(e) => update({ enabled: e.currentTarget.checked })}
            />
          </Field>
        </FieldSet>

        <FieldSet label={t('rules.form.send-to', 'Send to')}>
          <Field
            label={t('rules.form.services', 'Services')}
            description={t(
              'rules.form.services-description',
              'The notification services (通知服务) this rule sends through.'
            )}
            required
            invalid={invalid('services')}
            error={problemOf('services')}
          >
            <ServicesPicker
              services={services}
              loading={servicesLoading}
              selected={values.services}
              onChange={(selected) => update({ services: selected })}
              invalid={invalid('services')}
            />
          </Field>
        </FieldSet>

        <FieldSet label={t('rules.form.which-alerts', 'Which alerts')}>
          <Field
            label={t('rules.form.matchers', 'Label matchers')}
            description={t(
              'rules.form.matchers-description',
              'All must match. Every alert of the group is sent when there are none.'
            )}
          >
            <MatchersEditor
              matchers={values.matchers}
              onChange={(matchers) => update({ matchers })}
              problemOf={(index) => problemOf(`match.matchers[${index}]`)}
            />
          </Field>
          <Field
            label={t('rules.form.severities', 'Severities')}
            description={t(
              'rules.form.severities-description',
              'The severity label, e.g. critical, warning. Any severity when empty.'
            )}
            invalid={invalid('match.severities')}
            error={problemOf('match.severities')}
          >
            <TagsInput
              id="rule-severities"
              tags={values.severities}
              addOnBlur
              onChange={(severities) => update({ severities })}
            />
          </Field>
          <Field
            label={t('rules.form.statuses', 'Status')}
            description={t('rules.form.statuses-description', 'Both when none is ticked.')}
          >
            <Stack direction="row" gap={2}>
              <Checkbox
                label={t('rules.form.status-firing', 'Firing')}
                value={values.statuses.includes('firing')}
                onChange={(e) => toggleStatus('firing', e.currentTarget.checked)}
              />
              <Checkbox
                label={t('rules.form.status-resolved', 'Resolved')}
                value={values.statuses.includes('resolved')}
                onChange={(e) => toggleStatus('resolved', e.currentTarget.checked)}
              />
            </Stack>
          </Field>
          <Field
            label={t('rules.form.send-resolved', 'Send resolved')}
            description={t('rules.form.send-resolved-description', 'Also tell WeCom when an alert is resolved.')}
          >
            <Switch
              id="rule-send-resolved"
              value={values.sendResolved}
              onChange={(e) => update({ sendResolved: e.currentTarget.checked })}
            />
          </Field>
        </FieldSet>

        <FieldSet label={t('rules.form.message', 'Message')}>
          <Stack direction="row" gap={2} wrap="wrap">
            <Field label={t('rules.form.language', 'Language')}>
              <RadioButtonGroup
                id="rule-language"
                options={[
                  { label: t('rules.form.language-zh', '中文'), value: 'zh-CN' as const },
                  { label: t('rules.form.language-en', 'English'), value: 'en' as const },
                ]}
                value={values.language}
                onChange={changeLanguage}
              />
            </Field>
            <Field
              label={t('rules.form.timezone', 'Time zone')}
              description={t('rules.form.timezone-description', 'IANA name, e.g. Asia/Shanghai')}
              invalid={invalid('timezone')}
              error={problemOf('timezone')}
            >
              <Input
                id="rule-timezone"
                width={30}
                value={values.timezone}
                onChange={(e) => update({ timezone: e.currentTarget.value })}
              />
            </Field>
          </Stack>
          <Field
            label={t('rules.form.labels-first', 'Labels shown first')}
            description={t(
              'rules.form.labels-first-description',
              'Messages show every label besides name, severity and instance (not Grafana’s __…__ ones); these come first, in this order.'
            )}
            invalid={invalid('labels.first')}
            error={problemOf('labels.first')}
          >
            <TagsInput
              id="rule-labels-first"
              tags={values.labels.first}
              addOnBlur
              onChange={(first) => update({ labels: { ...values.labels, first } })}
            />
          </Field>
          <Field
            label={t('rules.form.labels-hide', 'Hidden labels')}
            description={t('rules.form.labels-hide-description', 'Labels messages never show, e.g. grafana_folder.')}
            invalid={invalid('labels.hide')}
            error={problemOf('labels.hide')}
          >
            <TagsInput
              id="rule-labels-hide"
              tags={values.labels.hide}
              addOnBlur
              onChange={(hide) => update({ labels: { ...values.labels, hide } })}
            />
          </Field>
          <MentionsField
            mentions={values.mentions}
            onChange={(mentions) => update({ mentions })}
            problemOf={problemOf}
          />
          <QuietHoursField
            enabled={values.quietHoursEnabled}
            quietHours={values.quietHours}
            onChange={(quietHoursEnabled, quietHours) => update({ quietHoursEnabled, quietHours })}
            problemOf={problemOf}
          />
          <TemplateEditor
            custom={values.customTemplate}
            template={values.template}
            language={values.language}
            onChange={(customTemplate, template) => update({ customTemplate, template })}
            problem={problemOf('template')}
          />
        </FieldSet>

        <FieldSet label={t('rules.form.security', 'Security')}>
          <HmacField
            enabled={values.hmacEnabled}
            hmac={values.hmac}
            secretSet={values.hmacSecretSet}
            onChange={update}
            problemOf={problemOf}
          />
        </FieldSet>
      </fieldset>

      <FieldSet label={t('rules.form.preview', 'Preview')}>
        <PreviewPanel
          rule={previewRule}
          services={selectedServices}
          comparableUid={!isNew && !dirty ? initial.uid : undefined}
          compareDisabledReason={
            isNew
              ? t('rules.preview.compare-new', 'Save the rule first: the relay previews saved rules.')
              : t('rules.preview.compare-dirty', 'Save your changes first: the relay previews the saved rule.')
          }
        />
      </FieldSet>

      <Stack direction="row" gap={1}>
        {!readOnly && (
          <Button type="submit" disabled={saving} icon={saving ? 'spinner' : undefined}>
            {isNew ? t('rules.form.create', 'Create rule') : t('rules.form.save', 'Save rule')}
          </Button>
        )}
        <LinkButton variant="secondary" fill="outline" href={prefixRoute(ROUTES.Rules)}>
          {readOnly ? t('rules.form.back', 'Back to rules') : t('rules.form.cancel', 'Cancel')}
        </LinkButton>
      </Stack>
    </form>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), maxWidth: 1400 }),
  fieldset: css({ border: 0, margin: 0, padding: 0, minWidth: 0, maxWidth: 900 }),
});
