import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { verbatim } from '../../utils/i18n';
import { Badge, Text, useStyles2 } from '@grafana/ui';
import { type RelayStatus } from '../../../core/api';
import { testIds } from '../testIds';

interface Props {
  status: RelayStatus;
}

/** The relay's version, storage, queue depth, route to WeCom and egress IP as a label/value list. */
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

      <dt>
        <Text color="secondary">{t('relay-status.egress-proxy', 'Calls to WeCom')}</Text>
      </dt>
      <dd data-testid={testIds.relayStatus.egressProxy}>{egressText(status.egressProxy)}</dd>

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

/** How the relay reaches WeCom: directly, or through which proxy and why. */
function egressText({ url, source }: RelayStatus['egressProxy']): string {
  switch (source) {
    case 'flag':
      return t(
        'relay-status.egress.flag',
        'through {{url}} (--wecom-proxy)',
        verbatim({
          url,
        })
      );
    case 'env':
      return t(
        'relay-status.egress.env',
        'through {{url}} (HTTPS_PROXY / HTTP_PROXY)',
        verbatim({
          url,
        })
      );
    case 'no_proxy':
      return t('relay-status.egress.no-proxy', 'direct: NO_PROXY exempts the WeCom API from the proxy');
    default:
      return t('relay-status.egress.direct', 'direct, no proxy');
  }
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
