import React from 'react';
import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { t, Trans } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, Grid, LinkButton, Stack, Text } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { CONFIG_PAGE_URL } from '../../constants';
import { userRole } from '../../data/permissions';
import { usePluginMeta } from '../../data/pluginMeta';
import { useRelayStatus } from '../../data/useRelayStatus';
import { RecentFailures } from './RecentFailures';
import { RelayHealth } from './RelayHealth';
import { StartGuide } from './StartGuide';

/** 概览: the start guide, the relay's health and its recent failures; or, unconfigured, the way to the configuration. */
export function HomePage() {
  const meta = usePluginMeta();
  const relayUrl = meta.jsonData?.relayUrl ?? '';
  const configured = relayUrl !== '';

  return (
    <PluginPage
      renderTitle={() => <h1>{t('overview.title', 'Overview')}</h1>}
      subTitle={t(
        'overview.subtitle',
        'Grafana alerts to WeCom group robots and app accounts, through the WeCom Relay.'
      )}
      actions={configured ? <RefreshButton /> : undefined}
    >
      <div data-testid={testIds.overview.container}>
        {configured ? <Overview relayUrl={relayUrl} /> : <NotConfigured />}
      </div>
    </PluginPage>
  );
}

function Overview({ relayUrl }: { relayUrl: string }) {
  const status = useRelayStatus();
  return (
    <Stack direction="column" gap={3}>
      <StartGuide relayUrl={relayUrl} />
      <Grid gap={2} columns={{ xs: 1, lg: 2 }}>
        <RelayHealth relayUrl={relayUrl} refresh={<RefreshButton />} />
        <RecentFailures failedTotal={status.data?.queue?.failed} />
      </Grid>
    </Stack>
  );
}

/** Asks again for everything the overview shows. */
function RefreshButton() {
  const client = useQueryClient();
  const fetching = useIsFetching() > 0;
  return (
    <Button
      variant="secondary"
      icon="sync"
      onClick={() => void client.invalidateQueries()}
      disabled={fetching}
      data-testid={testIds.overview.refresh}
    >
      {t('overview.refresh', 'Refresh')}
    </Button>
  );
}

function NotConfigured() {
  const { isAdmin } = userRole();
  return (
    <Alert
      severity="info"
      title={t('overview.not-configured.title', 'Connect Grafana to the WeCom Relay')}
      data-testid={testIds.overview.notConfigured}
    >
      <Stack direction="column" gap={2} alignItems="flex-start">
        <span>
          <Trans i18nKey="overview.not-configured.body">
            The relay URL and admin token are not set yet. An organization admin sets them on the configuration page.
          </Trans>
        </span>
        {isAdmin ? (
          <LinkButton href={CONFIG_PAGE_URL} icon="cog" variant="primary">
            {t('overview.not-configured.open-config', 'Open configuration')}
          </LinkButton>
        ) : (
          <Text color="secondary">
            {t(
              'overview.not-configured.ask-admin',
              'Your role cannot open the configuration page: ask an organization admin of this Grafana.'
            )}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

export default HomePage;
