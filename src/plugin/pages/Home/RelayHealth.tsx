import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { verbatim } from '../../utils/i18n';
import { Alert, Badge, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { type RelayStatus } from '../../../core/api';
import { type RelayError } from '../../api/relay';
import { relayErrorText } from '../../components/RelayStatusDetails/relayErrorText';
import { RelayStatusDetails } from '../../components/RelayStatusDetails/RelayStatusDetails';
import { testIds } from '../../components/testIds';
import { CONFIG_PAGE_URL } from '../../constants';
import { userRole } from '../../data/permissions';
import { useRelayStatus } from '../../data/useRelayStatus';
import { sectionStyle } from './sectionStyle';

/** Is the relay reachable, and is anything about it the user must act on. */
export function RelayHealth({ relayUrl, refresh }: { relayUrl: string; refresh: ReactNode }) {
  const styles = useStyles2(getStyles);
  const { isLoading, data: status, error } = useRelayStatus();
  const { isAdmin } = userRole();

  return (
    <section className={styles.box} data-testid={testIds.overview.health}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
          <Text element="h2" variant="h4">
            {t('overview.status.title', 'Relay status')}
          </Text>
          {error ? <UnreachableBadge error={error} /> : status && <ReachableBadge />}
        </Stack>
        <Text color="secondary">
          {t('overview.status.relay-url', 'Relay URL')}: <Text color="primary">{relayUrl}</Text>
        </Text>

        {isLoading && <LoadingPlaceholder text={t('overview.loading', 'Loading relay status…')} />}

        {error && (
          <Alert
            severity="error"
            title={t('overview.error.title', 'The relay could not be reached')}
            data-testid={testIds.overview.error}
          >
            <Stack direction="column" gap={2} alignItems="flex-start">
              <span>{relayErrorText(error)}</span>
              {error.detail && (
                <Text color="secondary" variant="bodySmall">
                  {error.status ? `HTTP ${error.status}: ` : ''}
                  {error.detail}
                </Text>
              )}
              <Stack direction="row" gap={1}>
                {refresh}
                {isAdmin && (
                  <LinkButton href={CONFIG_PAGE_URL} icon="cog" variant="secondary">
                    {t('overview.error.open-config', 'Check configuration')}
                  </LinkButton>
                )}
              </Stack>
              {!isAdmin && (
                <Text color="secondary" variant="bodySmall">
                  {t(
                    'overview.error.ask-admin',
                    'An organization admin can check the relay URL and admin token on the configuration page.'
                  )}
                </Text>
              )}
            </Stack>
          </Alert>
        )}

        {status && !error && (
          <div data-testid={testIds.overview.status}>
            <Stack direction="column" gap={2}>
              <StatusWarnings status={status} />
              <RelayStatusDetails status={status} />
            </Stack>
          </div>
        )}
      </Stack>
    </section>
  );
}

function ReachableBadge() {
  return <Badge color="green" icon="check" text={t('overview.health.reachable', 'Reachable')} />;
}

function UnreachableBadge({ error }: { error: RelayError }) {
  const unreachable = error.kind === 'unreachable' || error.kind === 'network';
  return (
    <Badge
      color="red"
      icon="exclamation-triangle"
      text={
        unreachable ? t('overview.health.unreachable', 'Unreachable') : t('overview.health.refused', 'Not answering')
      }
    />
  );
}

/** What keeps the relay from doing its job: its storage, or provisioning files it refused. */
function StatusWarnings({ status }: { status: RelayStatus }) {
  const styles = useStyles2(getStyles);
  return (
    <>
      {!status.storage.ok && (
        <Alert severity="error" title={t('overview.health.storage-down.title', 'The relay cannot use its storage')}>
          {t(
            'overview.health.storage-down.body',
            'Alerts are not recorded or sent until its {{kind}} storage is back. See the relay’s log.',
            { kind: status.storage.kind }
          )}
        </Alert>
      )}
      {status.provisioningRefused && (
        <Alert
          severity="warning"
          title={t('overview.health.refused-reload.title', 'The relay refused its provisioning files')}
        >
          <Stack direction="column" gap={1}>
            <span>
              {t(
                'overview.health.refused-reload.body',
                'At {{time}} the files in {{folder}} did not pass the checks; the relay goes on with what it had before. Fix these and reload:',
                verbatim({
                  time: dateTimeFormat(status.provisioningRefused.at),
                  folder: status.provisioning ?? '',
                })
              )}
            </span>
            <ul className={styles.problems}>
              {status.provisioningRefused.problems.map((problem) => (
                <li key={`${problem.path}: ${problem.message}`}>
                  <code>{problem.path}</code>: {problem.message}
                </li>
              ))}
            </ul>
          </Stack>
        </Alert>
      )}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: sectionStyle(theme),
  problems: css({ margin: 0, paddingLeft: theme.spacing(2) }),
});
