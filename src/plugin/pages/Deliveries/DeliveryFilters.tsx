import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Button, Combobox, type ComboboxOption, Field, RadioButtonGroup, TimeRangeInput, useStyles2 } from '@grafana/ui';
import { deliveryStatuses, type DeliveryStatus } from '../../../core/delivery-states';
import { boundsOf, type DeliveryFilterValues, timeRangeOf } from './deliveryFilters';
import { statusText } from './StatusBadge';

interface Props {
  filters: DeliveryFilterValues;
  onChange: (changes: DeliveryFilterValues) => void;
  onClear: () => void;
  /** Rules and services to pick from: uid and display name. */
  rules: Array<{ uid: string; name: string }>;
  services: Array<{ uid: string; name: string }>;
}

type StatusChoice = DeliveryStatus | 'all';

/** Status, rule, service and time range of the delivery log. */
export function DeliveryFilters({ filters, onChange, onClear, rules, services }: Props) {
  const styles = useStyles2(getStyles);
  const statusOptions = [
    { label: t('deliveries.filters.all', 'All'), value: 'all' as const },
    ...deliveryStatuses.map((status) => ({ label: statusText(status), value: status })),
  ];
  const anyFilter = Object.values(filters).some((value) => value !== undefined);

  return (
    <div className={styles.bar}>
      <Field label={t('deliveries.filters.status', 'Status')} noMargin>
        <RadioButtonGroup<StatusChoice>
          aria-label={t('deliveries.filters.status', 'Status')}
          options={statusOptions}
          value={filters.status ?? 'all'}
          onChange={(value) => onChange({ status: value === 'all' ? undefined : value })}
        />
      </Field>
      <Field label={t('deliveries.filters.rule', 'Rule')} htmlFor="deliveries-filter-rule" noMargin>
        <Combobox
          id="deliveries-filter-rule"
          width={28}
          isClearable
          placeholder={t('deliveries.filters.any-rule', 'Any rule')}
          options={choices(rules)}
          value={choice(rules, filters.rule)}
          onChange={(option) => onChange({ rule: option?.value })}
        />
      </Field>
      <Field label={t('deliveries.filters.service', 'Service')} htmlFor="deliveries-filter-service" noMargin>
        <Combobox
          id="deliveries-filter-service"
          width={28}
          isClearable
          placeholder={t('deliveries.filters.any-service', 'Any service')}
          options={choices(services)}
          value={choice(services, filters.service)}
          onChange={(option) => onChange({ service: option?.value })}
        />
      </Field>
      <Field label={t('deliveries.filters.time', 'Time range')} noMargin>
        <TimeRangeInput
          clearable
          showIcon
          placeholder={t('deliveries.filters.any-time', 'Any time')}
          value={timeRangeOf(filters)}
          onChange={(range) => onChange(boundsOf(range))}
        />
      </Field>
      {anyFilter && (
        <Button variant="secondary" fill="text" icon="times" onClick={onClear}>
          {t('deliveries.filters.clear', 'Clear filters')}
        </Button>
      )}
    </div>
  );
}

function choices(objects: Array<{ uid: string; name: string }>): Array<ComboboxOption<string>> {
  return objects.map(({ uid, name }) => ({ value: uid, label: name, description: name === uid ? undefined : uid }));
}

/** The selected option; a uid no longer in the list (a deleted rule) still shows as itself. */
function choice(objects: Array<{ uid: string; name: string }>, uid: string | undefined): ComboboxOption<string> | null {
  if (uid === undefined) {
    return null;
  }
  const found = objects.find((object) => object.uid === uid);
  return { value: uid, label: found?.name ?? uid };
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
});
