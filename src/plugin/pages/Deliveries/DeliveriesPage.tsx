import React, { useMemo } from 'react';
import { rangeUtil } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, EmptyState, LoadingPlaceholder, RefreshPicker, Stack } from '@grafana/ui';
import { errorMessage } from '../../data/queryClient';
import { useDeliveries } from '../../data/useDeliveries';
import { useRules } from '../../data/useRules';
import { useServices } from '../../data/useServices';
import { DeliveriesTable } from './DeliveriesTable';
import { DeliveryDrawer } from './DeliveryDrawer';
import { DeliveryFilters } from './DeliveryFilters';
import { useDeliverySearch } from './deliveryFilters';

const REFRESH_INTERVALS = ['5s', '10s', '30s', '1m', '5m'];

/** 发送记录: what was sent where, filtered from the URL, a page at a time, one delivery in a drawer. */
export function DeliveriesPage() {
  const search = useDeliverySearch();
  const refetchInterval = REFRESH_INTERVALS.includes(search.refresh) ? rangeUtil.intervalToMs(search.refresh) : false;
  const deliveries = useDeliveries(search.filters, { refetchInterval });
  const rules = useRules();
  const services = useServices();
  const ruleNames = useMemo(() => namesByUid(rules.data), [rules.data]);
  const serviceNames = useMemo(() => namesByUid(services.data), [services.data]);
  const items = deliveries.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.values(search.filters).some((value) => value !== undefined);

  return (
    <PluginPage
      renderTitle={() => <h1>{t('deliveries.title', 'Deliveries')}</h1>}
      subTitle={t(
        'deliveries.subtitle',
        "Every alert group the relay accepted, per destination, with WeCom's answer to each attempt."
      )}
      actions={
        <RefreshPicker
          value={search.refresh}
          intervals={REFRESH_INTERVALS}
          onIntervalChanged={search.setRefresh}
          onRefresh={() => void deliveries.refetch()}
          isLoading={deliveries.isFetching}
          tooltip={t('deliveries.refresh', 'Refresh the deliveries')}
        />
      }
    >
      <DeliveryFilters
        filters={search.filters}
        onChange={search.setFilters}
        onClear={search.clearFilters}
        rules={rules.data ?? []}
        services={services.data ?? []}
      />

      {deliveries.error && (
        <Alert severity="error" title={t('deliveries.error', 'The deliveries could not be loaded')}>
          {errorMessage(deliveries.error)}
        </Alert>
      )}
      {deliveries.isLoading && <LoadingPlaceholder text={t('deliveries.loading', 'Loading deliveries…')} />}
      {deliveries.isSuccess && items.length === 0 && (
        <EmptyState
          variant={filtered ? 'not-found' : 'call-to-action'}
          message={
            filtered
              ? t('deliveries.empty-filtered', 'No deliveries match these filters')
              : t('deliveries.empty', 'No deliveries yet')
          }
          button={
            filtered ? (
              <Button variant="secondary" onClick={search.clearFilters}>
                {t('deliveries.filters.clear', 'Clear filters')}
              </Button>
            ) : undefined
          }
        >
          {!filtered &&
            t(
              'deliveries.empty-hint',
              'Deliveries appear here when Grafana or Alertmanager posts alerts to a rule, e.g. with the Test button of its contact point.'
            )}
        </EmptyState>
      )}
      {items.length > 0 && (
        <Stack direction="column" gap={2} alignItems="flex-start">
          <DeliveriesTable
            deliveries={items}
            ruleNames={ruleNames}
            serviceNames={serviceNames}
            searchToOpen={search.searchToOpen}
          />
          {deliveries.hasNextPage && (
            <Button
              variant="secondary"
              icon={deliveries.isFetchingNextPage ? 'spinner' : 'angle-down'}
              disabled={deliveries.isFetchingNextPage}
              onClick={() => void deliveries.fetchNextPage()}
            >
              {t('deliveries.load-more', 'Load older deliveries')}
            </Button>
          )}
        </Stack>
      )}

      {search.openId !== undefined && (
        <DeliveryDrawer
          id={search.openId}
          ruleNames={ruleNames}
          serviceNames={serviceNames}
          refetchInterval={refetchInterval}
          onClose={search.close}
        />
      )}
    </PluginPage>
  );
}

function namesByUid(objects: Array<{ uid: string; name: string }> | undefined): Map<string, string> {
  return new Map((objects ?? []).map(({ uid, name }) => [uid, name]));
}

export default DeliveriesPage;
