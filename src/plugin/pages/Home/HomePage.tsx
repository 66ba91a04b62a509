import React from 'react';
import { t, Trans } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, LinkButton, LoadingPlaceholder, Stack, Text } from '@grafana/ui';
import { CONFIG_PAGE_URL } from '../../constants';
import { relayErrorText } from '../../components/RelayStatusDetails/relayErrorText';
import { RelayStatusDetails } from '../../components/RelayStatusDetails/RelayStatusDetails';
import { testIds } from '../../components/testIds';
import { useRelayStatus } from '../../data/useRelayStatus';
import { usePluginMeta } from '../../data/pluginMeta';

/** 概览: is the relay configured and reachable, and how is it doing. */
export function HomePage() {
  const meta = usePluginMeta();
  const relayUrl = meta.jsonData?.relayUrl ?? '';
  const configured = relayUrl !== '';
  const { isFetching: loading, data: status, error, refetch } = useRelayStatus(configured);
  const reload = () => void refetch();

  const refresh = (
    <Button variant="secondary" icon="sync" onClick={reload} disabled={loading} data-testid={testIds.overview.refresh}>
      {t('overview.refresh', 'Refresh')}
    </Button>
  );

  return (
    <PluginPage
      renderTitle={() => <h1>{t('overview.title', 'Overview')}</h1>}
      subTitle={t(
        'overview.subtitle',
        'Grafana alerts to WeCom group robots and app accounts, through the WeCom Relay.'
      )}
      actions={configured ? refresh : undefined}
    >
      <div data-testid={testIds.overview.container}>
        {!configured && (
          <Alert
            severity="info"
            title={t('overview.not-configured.title', 'Connect Grafana to the WeCom Relay')}
            data-testid={testIds.overview.notConfigured}
          >
            <Stack direction="column" gap={2} alignItems="flex-start">
              <span>
                <Trans i18nKey="overview.not-configured.body">
                  The relay URL and admin token are not set yet. An organization admin sets them on the configuration
                  page.
                </Trans>
              </span>
              <LinkButton href={CONFIG_PAGE_URL} icon="cog" variant="primary">
                {t('overview.not-configured.open-config', 'Open configuration')}
              </LinkButton>
            </Stack>
          </Alert>
        )}

        {configured && loading && !status && !error && (
          <LoadingPlaceholder text={t('overview.loading', 'Loading relay status…')} />
        )}

        {configured && error && (
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
                <LinkButton href={CONFIG_PAGE_URL} icon="cog" variant="secondary">
                  {t('overview.error.open-config', 'Check configuration')}
                </LinkButton>
              </Stack>
            </Stack>
          </Alert>
        )}

        {configured && status && !error && (
          <section data-testid={testIds.overview.status}>
            <Stack direction="column" gap={2}>
              <Text element="h2" variant="h4">
                {t('overview.status.title', 'Relay status')}
              </Text>
              <Text color="secondary">
                {t('overview.status.relay-url', 'Relay URL')}: <Text color="primary">{relayUrl}</Text>
              </Text>
              <RelayStatusDetails status={status} />
            </Stack>
          </section>
        )}
      </div>
    </PluginPage>
  );
}

export default HomePage;
