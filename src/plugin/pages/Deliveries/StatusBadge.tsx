import React from 'react';
import { t } from '@grafana/i18n';
import { Badge, type BadgeColor, type IconName, Stack } from '@grafana/ui';
import { type DeliverySummary } from '../../../core/api';
import { type DeliveryStatus } from '../../../core/delivery-states';

const LOOK: Record<DeliveryStatus, { color: BadgeColor; icon: IconName }> = {
  pending: { color: 'blue', icon: 'clock-nine' },
  sent: { color: 'green', icon: 'check' },
  failed: { color: 'red', icon: 'exclamation-triangle' },
  skipped: { color: 'darkgrey', icon: 'eye-slash' },
};

/** The status's name in the user's language. Call at render time. */
export function statusText(status: DeliveryStatus): string {
  switch (status) {
    case 'pending':
      return t('deliveries.status.pending', 'Pending');
    case 'sent':
      return t('deliveries.status.sent', 'Sent');
    case 'failed':
      return t('deliveries.status.failed', 'Failed');
    case 'skipped':
      return t('deliveries.status.skipped', 'Skipped');
  }
}

/** A delivery's status at a glance, and whether it was a test notification. */
export function StatusBadge({ delivery }: { delivery: Pick<DeliverySummary, 'status' | 'isTest'> }) {
  const { color, icon } = LOOK[delivery.status];
  return (
    <Stack direction="row" gap={0.5} alignItems="center" wrap="wrap">
      <Badge color={color} icon={icon} text={statusText(delivery.status)} />
      {delivery.isTest && (
        <Badge
          color="purple"
          text={t('deliveries.test-marker', 'Test')}
          tooltip={t(
            'deliveries.test-marker-tooltip',
            "A test notification, e.g. from the Test button of Grafana's contact point"
          )}
        />
      )}
    </Stack>
  );
}
