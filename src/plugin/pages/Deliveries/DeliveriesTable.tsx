import React from 'react';
import { Link } from 'react-router-dom';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Text, Tooltip, useStyles2 } from '@grafana/ui';
import { type DeliverySummary } from '../../../core/api';
import { relayLanguage } from '../../api/relay';
import { StatusBadge } from './StatusBadge';
import { testIds } from './testIds';

interface Props {
  deliveries: DeliverySummary[];
  /** Display names by uid, for rules and services the relay still has. */
  ruleNames: Map<string, string>;
  serviceNames: Map<string, string>;
  /** The search part of the link that opens a delivery in the drawer. */
  searchToOpen: (id: number) => string;
}

/** One row per delivery: when, through which rule and service, to where, and how it went. */
export function DeliveriesTable({ deliveries, ruleNames, serviceNames, searchToOpen }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <table className={styles.table} data-testid={testIds.table}>
      <thead>
        <tr>
          <th>{t('deliveries.table.id', 'ID')}</th>
          <th>{t('deliveries.table.time', 'Time')}</th>
          <th>{t('deliveries.table.status', 'Status')}</th>
          <th>{t('deliveries.table.rule', 'Rule')}</th>
          <th>{t('deliveries.table.service', 'Service')}</th>
          <th>{t('deliveries.table.destination', 'Destination')}</th>
          <th>{t('deliveries.table.alerts', 'Alerts')}</th>
          <th>{t('deliveries.table.attempts', 'Attempts')}</th>
          <th>{t('deliveries.table.errcode', 'errcode')}</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.id} data-testid={testIds.row}>
            <td>
              <Link
                to={{ search: searchToOpen(delivery.id) }}
                aria-label={t('deliveries.table.open', 'Open delivery {{id}}', { id: delivery.id })}
              >
                #{delivery.id}
              </Link>
            </td>
            <td className={styles.nowrap}>{dateTimeFormat(delivery.createdAt)}</td>
            <td>
              <StatusBadge delivery={delivery} />
            </td>
            <td>{ruleNames.get(delivery.rule) ?? delivery.rule}</td>
            <td>{serviceNames.get(delivery.service) ?? delivery.service}</td>
            <td>{delivery.label}</td>
            <td>
              <AlertsCell delivery={delivery} />
            </td>
            <td>{delivery.attempts}</td>
            <td>
              {delivery.lastErrcode !== null && (
                <Tooltip content={<LastError delivery={delivery} />} placement="left">
                  <span className={styles.errcode}>{delivery.lastErrcode}</span>
                </Tooltip>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** WeCom's answer as it came, and what to do about it in the user's language. */
function LastError({ delivery }: { delivery: DeliverySummary }) {
  return (
    <>
      <div>{delivery.lastError}</div>
      {delivery.hint && <div>{delivery.hint[relayLanguage()]}</div>}
    </>
  );
}

function AlertsCell({ delivery }: { delivery: DeliverySummary }) {
  const { firing, resolved } = delivery.alerts;
  return (
    <>
      <div>{delivery.alertnames.join(', ')}</div>
      <Text color="secondary" variant="bodySmall">
        {t('deliveries.table.alert-counts', '{{firing}} firing, {{resolved}} resolved', { firing, resolved })}
      </Text>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: {
      color: theme.colors.text.secondary,
      fontWeight: theme.typography.fontWeightMedium,
      whiteSpace: 'nowrap',
    },
    'tbody tr:hover': {
      background: theme.colors.action.hover,
    },
    a: {
      color: theme.colors.text.link,
    },
  }),
  nowrap: css({ whiteSpace: 'nowrap' }),
  errcode: css({ fontFamily: theme.typography.fontFamilyMonospace, color: theme.colors.error.text }),
});
