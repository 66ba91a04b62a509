import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Alert, Badge, ControlledCollapse, Stack, Text, useStyles2 } from '@grafana/ui';
import { type AttemptView } from '../../../core/api';
import { relayLanguage } from '../../api/relay';
import { MessageBody } from './MessageBody';
import { testIds } from './testIds';

/** Every send of a delivery, oldest first: WeCom's answer, what to do about it, and the message as sent. */
export function AttemptList({ attempts }: { attempts: AttemptView[] }) {
  const styles = useStyles2(getStyles);
  if (attempts.length === 0) {
    return <Text color="secondary">{t('deliveries.attempts.none', 'Not sent yet: no attempts.')}</Text>;
  }
  return (
    <ol className={styles.list}>
      {attempts.map((attempt, index) => (
        <li key={attempt.id} className={styles.item} data-testid={testIds.attempt}>
          <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
            <Text weight="medium">{t('deliveries.attempts.number', 'Attempt {{number}}', { number: index + 1 })}</Text>
            {attempt.ok ? (
              <Badge color="green" icon="check" text={t('deliveries.attempts.ok', 'Accepted by WeCom')} />
            ) : (
              <Badge color="red" icon="exclamation-triangle" text={t('deliveries.attempts.failed', 'Refused or failed')} />
            )}
            <Text color="secondary" variant="bodySmall">
              {dateTimeFormat(attempt.at)}
              {attempt.httpStatus !== null && ` · HTTP ${attempt.httpStatus}`}
              {` · ${Math.round(attempt.durationMs)} ms`}
            </Text>
          </Stack>
          {(attempt.errcode !== null || attempt.errmsg) && (
            <div className={styles.answer}>
              {t('deliveries.attempts.errcode', 'errcode')} {attempt.errcode ?? '–'}: {attempt.errmsg}
            </div>
          )}
          {attempt.hint && (
            <Alert severity={attempt.ok ? 'info' : 'warning'} title={t('deliveries.attempts.hint', 'What to do')}>
              {attempt.hint[relayLanguage()]}
            </Alert>
          )}
          <ControlledCollapse label={t('deliveries.attempts.message', 'Message as sent')}>
            <MessageBody body={attempt.message} />
          </ControlledCollapse>
        </li>
      ))}
    </ol>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  item: css({
    padding: theme.spacing(1.5, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  answer: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    margin: theme.spacing(1, 0),
  }),
});
