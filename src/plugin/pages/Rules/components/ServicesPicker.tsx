import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Checkbox, LoadingPlaceholder, Stack, Tag, Text, useStyles2 } from '@grafana/ui';
import type { ServiceView } from '../../../../core/api';

interface Props {
  services: ServiceView[] | undefined;
  loading: boolean;
  selected: string[];
  onChange: (selected: string[]) => void;
  invalid: boolean;
}

/** The notification services (通知服务) the rule sends through, with what each sends to. */
export function ServicesPicker({ services, loading, selected, onChange, invalid }: Props) {
  const styles = useStyles2(getStyles);
  if (loading) {
    return <LoadingPlaceholder text={t('rules.services.loading', 'Loading services…')} />;
  }
  const known = new Set((services ?? []).map((service) => service.uid));
  const missing = selected.filter((uid) => !known.has(uid));
  const toggle = (uid: string, on: boolean) =>
    onChange(on ? [...selected, uid] : selected.filter((candidate) => candidate !== uid));
  return (
    <div
      className={invalid ? `${styles.box} ${styles.invalid}` : styles.box}
      role="group"
      aria-label={t('rules.services.group', 'Services')}
    >
      {(services ?? []).length === 0 && missing.length === 0 && (
        <Text color="secondary">{t('rules.services.none', 'No services yet: create a service first.')}</Text>
      )}
      {(services ?? []).map((service) => (
        <Stack key={service.uid} direction="row" gap={1} alignItems="center">
          <Checkbox
            label={service.name}
            value={selected.includes(service.uid)}
            onChange={(event) => toggle(service.uid, event.currentTarget.checked)}
          />
          <Text color="secondary" variant="bodySmall">
            {service.uid}
          </Text>
          {service.robots.length > 0 && (
            <Tag
              name={t('rules.services.robots', 'robots: {{number}}', { number: service.robots.length })}
              colorIndex={1}
            />
          )}
          {service.app && (
            <Tag name={t('rules.services.app', 'app · {{type}}', { type: service.app.msgType })} colorIndex={5} />
          )}
        </Stack>
      ))}
      {missing.map((uid) => (
        <Checkbox
          key={uid}
          label={t('rules.services.missing', '{{uid}} (no such service)', { uid })}
          value
          onChange={() => toggle(uid, false)}
        />
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 2),
    border: `1px solid ${theme.components.input.borderColor}`,
    borderRadius: theme.shape.radius.default,
    maxHeight: 280,
    overflowY: 'auto',
  }),
  invalid: css({ borderColor: theme.colors.error.border }),
});
