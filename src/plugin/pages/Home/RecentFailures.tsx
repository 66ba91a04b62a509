import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { verbatim } from '../../utils/i18n';
import { Alert, Icon, LinkButton, LoadingPlaceholder, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { errorMessage } from '../../data/queryClient';
import { useRecentDeliveries } from '../../data/useDeliveries';
import { useRules } from '../../data/useRules';
import { deliveriesUrl } from '../Deliveries/deliveryFilters';
import { sectionStyle } from './sectionStyle';

const SHOWN = 5;

/** The last failed deliveries, each opening in the delivery log filtered to failures. */
export function RecentFailures({ failedTotal }: { failedTotal: number | undefined }) {
  const styles = useStyles2(getStyles);
  const failures = useRecentDeliveries({ status: 'failed', limit: SHOWN });
  const rules = useRules();
  const ruleName = (uid: string) => rules.data?.find((rule) => rule.uid === uid)?.name ?? uid;

  return (
    <section className={styles.box} data-testid={testIds.overview.failures}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" justifyContent="space-between" alignItems="center" wrap="wrap">
          <Text element="h2" variant="h4">
            {t('overview.failures.title', 'Recent failures')}
          </Text>
          <LinkButton variant="secondary" size="sm" icon="history" href={deliveriesUrl({ status: 'failed' })}>
            {!failedTotal
              ? t('overview.failures.all', 'All failed deliveries')
              : t('overview.failures.all-number', 'All {{number}} failed deliveries', { number: failedTotal })}
          </LinkButton>
        </Stack>
        {failures.isLoading && (
          <LoadingPlaceholder text={t('overview.failures.loading', 'Loading failed deliveries…')} />
        )}
        {failures.error && (
          <Alert severity="warning" title={t('overview.failures.error', 'The failed deliveries could not be loaded')}>
            {errorMessage(failures.error)}
          </Alert>
        )}
        {failures.data?.length === 0 && (
          <Stack direction="row" gap={1} alignItems="center">
            <Icon name="check-circle" className={styles.ok} />
            <Text color="secondary">{t('overview.failures.none', 'No failed deliveries.')}</Text>
          </Stack>
        )}
        {failures.data && failures.data.length > 0 && (
          <ul className={styles.list}>
            {failures.data.map((delivery) => (
              <li key={delivery.id} className={styles.item}>
                <Stack direction="column" gap={0}>
                  <TextLink href={deliveriesUrl({ status: 'failed' }, delivery.id)} inline={false}>
                    {t(
                      'overview.failures.item',
                      '#{{id}} {{rule}} → {{destination}}',
                      verbatim({
                        id: delivery.id,
                        rule: ruleName(delivery.rule),
                        destination: delivery.label,
                      })
                    )}
                  </TextLink>
                  <Text color="secondary" variant="bodySmall">
                    {dateTimeFormat(delivery.createdAt)}
                    {delivery.lastError &&
                      ` · ${delivery.lastErrcode === null ? '' : `${delivery.lastErrcode}: `}${delivery.lastError}`}
                  </Text>
                </Stack>
              </li>
            ))}
          </ul>
        )}
      </Stack>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: sectionStyle(theme),
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  item: css({
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    '&:last-child': { borderBottom: 'none' },
  }),
  ok: css({ color: theme.colors.success.text }),
});
