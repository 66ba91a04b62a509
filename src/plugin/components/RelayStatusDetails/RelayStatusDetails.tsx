import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Badge, Text, useStyles2 } from '@grafana/ui';
import { type RelayStatus } from '../../../core/api';
import { testIds } from '../testIds';

interface Props {
  status: RelayStatus;
}

/** The relay's version, storage, queue depth and egress IP as a label/value list. */
export function RelayStatusDetails({ status }: Props) {
  const styles = useStyles2(getStyles);
  const unknown = t('relay-status.unknown', 'unknown');

  return (
    <dl className={styles.list}>
      <dt>
        <Text color="secondary">{t('relay-status.version', 'Version')}</Text>
      </dt>
      <dd data-testid={testIds.relayStatus.version}>{status.version}</dd>

      <dt>
        <Text color="secondary">{t('relay-status.storage', 'Storage')}</Text>
      </dt>
      <dd data-testid={testIds.relayStatus.storage}>
        {status.storage.kind}{' '}
        {status.storage.ok ? (
          <Badge color="green" text={t('relay-status.storage-ok', 'reachable')} />
        ) : (
          <Badge color="red" text={t('relay-status.storage-down', 'unavailable')} />
        )}
      </dd>

      <dt>
        <Text color="secondary">{t('relay-status.queue', 'Queued deliveries')}</Text>
      </dt>
      <dd data-testid={testIds.relayStatus.queue}>{status.queue?.pending ?? unknown}</dd>

      <dt>
        <Text color="secondary">{t('relay-status.failed', 'Failed deliveries')}</Text>
      </dt>
      <dd data-testid={testIds.relayStatus.failed}>{status.queue?.failed ?? unknown}</dd>

      <dt>
        <Text color="secondary">{t('relay-status.services', 'Notification services')}</Text>
      </dt>
      <dd data-testid={testIds.relayStatus.services}>{status.services}</dd>

      <dt>
        <Text color="secondary">{t('relay-status.rules', 'Notification rules')}</Text>
      </dt>
      <dd data-testid={testIds.relayStatus.rules}>{status.rules}</dd>

      {status.egressIp !== null && (
        <>
          <dt>
            <Text color="secondary">{t('relay-status.egress-ip', 'Egress IP (add to 企业可信IP)')}</Text>
          </dt>
          <dd data-testid={testIds.relayStatus.egressIp}>{status.egressIp}</dd>
        </>
      )}
    </dl>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    display: 'grid',
    gridTemplateColumns: 'max-content auto',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: 0,
    dd: {
      margin: 0,
    },
  }),
});
