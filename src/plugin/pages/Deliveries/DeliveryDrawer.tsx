import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Alert, Button, ControlledCollapse, Drawer, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { type DeliveryDetail } from '../../../core/api';
import { errorMessage } from '../../data/queryClient';
import { userRole } from '../../data/permissions';
import { useDelivery, useRetryDelivery } from '../../data/useDeliveries';
import { AttemptList } from './AttemptList';
import { JsonBlock, MessageBody } from './MessageBody';
import { StatusBadge } from './StatusBadge';
import { testIds } from './testIds';

interface Props {
  id: number;
  ruleNames: Map<string, string>;
  serviceNames: Map<string, string>;
  refetchInterval: number | false;
  onClose: () => void;
}

/** One delivery in full: summary, every attempt with WeCom's answer, the messages, retry. */
export function DeliveryDrawer({ id, ruleNames, serviceNames, refetchInterval, onClose }: Props) {
  const styles = useStyles2(getStyles);
  const { data: delivery, error, isLoading } = useDelivery(id, { refetchInterval });

  return (
    <Drawer
      title={t('deliveries.drawer.title', 'Delivery #{{id}}', { id })}
      subtitle={delivery && <StatusBadge delivery={delivery} />}
      size="md"
      onClose={onClose}
    >
      <div data-testid={testIds.drawer}>
        {isLoading && <LoadingPlaceholder text={t('deliveries.drawer.loading', 'Loading delivery…')} />}
        {error && (
          <Alert severity="error" title={t('deliveries.drawer.error', 'The delivery could not be loaded')}>
            {errorMessage(error)}
          </Alert>
        )}
        {delivery && (
          <Stack direction="column" gap={3}>
            <Summary delivery={delivery} ruleNames={ruleNames} serviceNames={serviceNames} />
            <RetryAction delivery={delivery} />
            <section>
              <Text element="h3" variant="h5">
                {t('deliveries.drawer.attempts', 'Attempts')}
              </Text>
              <AttemptList attempts={delivery.attempts} />
            </section>
            <section>
              <Text element="h3" variant="h5">
                {t('deliveries.drawer.messages', 'Messages')}
              </Text>
              <Text color="secondary" variant="bodySmall">
                {t(
                  'deliveries.drawer.messages-note',
                  "The messages this delivery renders to with the rule's current template; what was actually sent is under each attempt."
                )}
              </Text>
              {delivery.messages.length === 0 ? (
                <div>
                  <Text color="secondary">
                    {t('deliveries.drawer.no-messages', 'Cannot be rendered: the rule or the destination no longer exists.')}
                  </Text>
                </div>
              ) : (
                delivery.messages.map((message, index) => (
                  <div key={index} className={styles.message} data-testid={testIds.message}>
                    <Text color="secondary" variant="bodySmall">
                      {t('deliveries.drawer.message-size', 'Message {{number}} of {{total}}: {{bytes}} of {{limit}} bytes', {
                        number: index + 1,
                        total: delivery.messages.length,
                        bytes: message.bytes,
                        limit: message.limit,
                      })}
                    </Text>
                    <MessageBody body={message.body} />
                  </div>
                ))
              )}
            </section>
            <ControlledCollapse label={t('deliveries.drawer.group', 'Alert group as received')}>
              <JsonBlock value={delivery.group} />
            </ControlledCollapse>
          </Stack>
        )}
      </div>
    </Drawer>
  );
}

function Summary({
  delivery,
  ruleNames,
  serviceNames,
}: {
  delivery: DeliveryDetail;
  ruleNames: Map<string, string>;
  serviceNames: Map<string, string>;
}) {
  const styles = useStyles2(getStyles);
  const nameOf = (names: Map<string, string>, uid: string) => {
    const name = names.get(uid);
    return name && name !== uid ? `${name} (${uid})` : uid;
  };
  const rows: Array<[string, React.ReactNode]> = [
    [t('deliveries.summary.rule', 'Rule'), nameOf(ruleNames, delivery.rule)],
    [t('deliveries.summary.service', 'Service'), nameOf(serviceNames, delivery.service)],
    [
      t('deliveries.summary.destination', 'Destination'),
      `${delivery.label} · ${delivery.kind === 'robot' ? t('deliveries.summary.robot', 'group robot') : t('deliveries.summary.app', 'app message')}`,
    ],
    [t('deliveries.summary.alerts', 'Alerts'), delivery.alertnames.join(', ')],
    [
      t('deliveries.summary.counts', 'In the group'),
      t('deliveries.table.alert-counts', '{{firing}} firing, {{resolved}} resolved', delivery.alerts),
    ],
    [t('deliveries.summary.created', 'Received'), dateTimeFormat(delivery.createdAt)],
  ];
  // Held back (quiet hours, backoff): it is not sent before then.
  if (delivery.status === 'pending' && delivery.notBefore && Date.parse(delivery.notBefore) > Date.parse(delivery.createdAt)) {
    rows.push([t('deliveries.summary.not-before', 'Not before'), dateTimeFormat(delivery.notBefore)]);
  }
  if (delivery.sentAt) {
    rows.push([t('deliveries.summary.sent', 'Sent'), dateTimeFormat(delivery.sentAt)]);
  }
  rows.push([t('deliveries.summary.parts', 'Messages sent'), String(delivery.partsSent)]);
  rows.push([t('deliveries.summary.attempts', 'Attempts'), String(delivery.attempts.length)]);
  if (delivery.lastError) {
    rows.push([
      t('deliveries.summary.last-error', 'Last error'),
      delivery.lastErrcode === null ? delivery.lastError : `${delivery.lastErrcode}: ${delivery.lastError}`,
    ]);
  }
  return (
    <dl className={styles.summary}>
      {rows.map(([label, value]) => (
        <React.Fragment key={label}>
          <dt>
            <Text color="secondary">{label}</Text>
          </dt>
          <dd>{value}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

/** Retry by hand: a failed delivery, or a sent one again. Editors and Admins only, as the proxy allows. */
function RetryAction({ delivery }: { delivery: DeliveryDetail }) {
  const retry = useRetryDelivery();
  const { canEdit } = userRole();
  const reason = !canEdit
    ? t('deliveries.retry.viewer', 'Only Editors and Admins can send a delivery again.')
    : delivery.status === 'pending'
      ? t('deliveries.retry.pending', 'Still queued: the relay sends it on its own.')
      : undefined;
  return (
    <Stack direction="row" gap={2} alignItems="center">
      <Button
        icon="repeat"
        variant={delivery.status === 'failed' ? 'primary' : 'secondary'}
        disabled={reason !== undefined || retry.isPending}
        onClick={() => retry.mutate(delivery.id)}
      >
        {delivery.status === 'sent'
          ? t('deliveries.retry.again', 'Send again')
          : t('deliveries.retry.button', 'Retry')}
      </Button>
      {reason && (
        <Text color="secondary" variant="bodySmall">
          {reason}
        </Text>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  summary: css({
    display: 'grid',
    gridTemplateColumns: 'max-content auto',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: 0,
    dd: { margin: 0, wordBreak: 'break-word' },
  }),
  message: css({
    marginTop: theme.spacing(1),
    paddingBottom: theme.spacing(1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
});
