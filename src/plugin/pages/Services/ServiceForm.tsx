import React, { type FormEvent, type ReactNode, useReducer, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Button, Checkbox, Field, FieldSet, Input, LinkButton, Stack, TextArea, useStyles2 } from '@grafana/ui';
import type { Problem } from '../../../core/validation';
import { relayLanguage } from '../../api/relay';
import { AppAccountFields } from './AppAccountFields';
import { RobotRows } from './RobotRows';
import { bodyOf, formProblems, problemsAt, serviceReducer, type ServiceValues } from './serviceForm';

export interface ServiceFormProps {
  initial: ServiceValues;
  /** A new service: its uid may still be chosen. */
  isNew: boolean;
  readOnly: boolean;
  apiBase: string;
  egressIp: string | null;
  saving: boolean;
  /** What the relay refused in the last save (400 problems), by field path. */
  serverProblems: Problem[];
  cancelUrl: string;
  onSubmit: (body: Record<string, unknown>) => void;
  /** Rendered above the buttons, told whether the form has unsaved changes (e.g. Send test). */
  renderExtra?: (dirty: boolean) => ReactNode;
}

/** Every field of a 通知服务: 名称, 描述, 发送至, the group robots and the app's accounts. */
export function ServiceForm(props: ServiceFormProps) {
  const { initial, isNew, readOnly, apiBase, egressIp, saving, serverProblems, cancelUrl, onSubmit, renderExtra } =
    props;
  const styles = useStyles2(getStyles);
  const [values, dispatch] = useReducer(serviceReducer, initial);
  const [submitted, setSubmitted] = useState(false);
  const problems = submitted ? formProblems(values, apiBase, relayLanguage()) : [];
  const shown = problems.length > 0 ? problems : serverProblems;
  const fieldError = (path: string) => problemsAt(shown, path);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (formProblems(values, apiBase, relayLanguage()).length === 0) {
      onSubmit(bodyOf(values));
    }
  };

  return (
    <form onSubmit={submit} className={styles.form} noValidate>
      <FieldSet label={t('services.form.general', 'General')}>
        <Field
          label={t('services.form.name.label', 'Name (名称)')}
          description={t('services.form.name.description', 'What rules show when they pick this notification service.')}
          invalid={Boolean(fieldError('name'))}
          error={fieldError('name')}
          required
          htmlFor="service-name"
        >
          <Input
            id="service-name"
            value={values.name}
            disabled={readOnly}
            placeholder={t('services.form.name.placeholder', 'e.g. 运维值班')}
            onChange={(event) => dispatch({ type: 'set', field: 'name', value: event.currentTarget.value })}
          />
        </Field>
        <Field
          label={t('services.form.uid.label', 'UID')}
          description={
            isNew
              ? t(
                  'services.form.uid.description',
                  'Names the service in rules, provisioning files and the API: letters, digits, "-", "_" and ".". It follows the name until you change it, and cannot be changed after saving.'
                )
              : t('services.form.uid.fixed', 'Fixed when the service was created.')
          }
          invalid={Boolean(fieldError('uid'))}
          error={fieldError('uid')}
          required
          htmlFor="service-uid"
        >
          <Input
            id="service-uid"
            width={40}
            value={values.uid}
            disabled={readOnly || !isNew}
            onChange={(event) => dispatch({ type: 'set', field: 'uid', value: event.currentTarget.value })}
          />
        </Field>
        <Field
          label={t('services.form.description.label', 'Description (描述)')}
          description={t(
            'services.form.description.description',
            'Who this service reaches and why, for the people who look after it.'
          )}
          invalid={Boolean(fieldError('description'))}
          error={fieldError('description')}
          htmlFor="service-description"
        >
          <TextArea
            id="service-description"
            rows={2}
            value={values.description}
            disabled={readOnly}
            onChange={(event) => dispatch({ type: 'set', field: 'description', value: event.currentTarget.value })}
          />
        </Field>
      </FieldSet>

      <FieldSet label={t('services.form.send-to.label', 'Send to (发送至)')}>
        <Field
          description={t(
            'services.form.send-to.description',
            'To WeCom group chats through their group robots, to people’s WeCom accounts through a self-built app, or both at once. Fill in the sections that appear below.'
          )}
          invalid={fieldError('robots') && !values.toRobots ? true : undefined}
          error={!values.toRobots ? fieldError('robots') : undefined}
        >
          <Stack gap={3}>
            <Checkbox
              label={t('services.form.send-to.robots', 'WeCom groups (企业微信群)')}
              value={values.toRobots}
              disabled={readOnly}
              onChange={(event) =>
                dispatch({ type: 'destinations', toRobots: event.currentTarget.checked, toApp: values.toApp })
              }
            />
            <Checkbox
              label={t('services.form.send-to.app', 'WeCom accounts (企业微信账号)')}
              value={values.toApp}
              disabled={readOnly}
              onChange={(event) =>
                dispatch({ type: 'destinations', toRobots: values.toRobots, toApp: event.currentTarget.checked })
              }
            />
          </Stack>
        </Field>
      </FieldSet>

      {values.toRobots && (
        <FieldSet label={t('services.form.robots', 'Group robots (企业微信机器人)')}>
          <RobotRows
            robots={values.robots}
            dispatch={dispatch}
            problems={shown}
            readOnly={readOnly}
            apiBase={apiBase}
          />
        </FieldSet>
      )}

      {values.toApp && (
        <FieldSet label={t('services.form.app', 'App accounts (企业微信账号)')}>
          <AppAccountFields
            app={values.app}
            dispatch={dispatch}
            problems={shown}
            readOnly={readOnly}
            egressIp={egressIp}
          />
        </FieldSet>
      )}

      {renderExtra?.(values !== initial)}

      <Stack gap={1}>
        {!readOnly && (
          <Button type="submit" disabled={saving} icon={saving ? 'spinner' : undefined}>
            {saving ? t('services.form.saving', 'Saving…') : t('services.form.save', 'Save service')}
          </Button>
        )}
        <LinkButton variant="secondary" href={cancelUrl}>
          {readOnly ? t('services.form.back', 'Back to services') : t('services.form.cancel', 'Cancel')}
        </LinkButton>
      </Stack>
    </form>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  form: css({ maxWidth: theme.breakpoints.values.lg }),
});
