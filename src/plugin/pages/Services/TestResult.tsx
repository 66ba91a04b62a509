import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Badge, Button, Stack, Text, useStyles2 } from '@grafana/ui';
import type { DestinationResult, ServiceTestResult } from '../../../core/api';
import { relayLanguage } from '../../api/relay';
import { testIds } from './testIds';
import { verbatim } from '../../utils/i18n';

interface Props {
  result: ServiceTestResult;
  /** Sends the test again to one destination; absent when the user may not send. */
  onRetest?: (destination: string) => void;
  retesting?: boolean;
}

/** What each destination answered to a test send: sent, or WeCom's errcode, its message and what to do. */
export function TestResult({ result, onRetest, retesting }: Props) {
  const styles = useStyles2(getStyles);
  if (result.results.length === 0) {
    return <Text color="secondary">{t('services.test.none', 'The service has no destination to test.')}</Text>;
  }
  return (
    <ul className={styles.list}>
      {result.results.map((destination) => (
        <li
          key={destination.destination}
          className={styles.item}
          data-testid={testIds.test.result(destination.destination)}
        >
          <DestinationLine result={destination} />
          {!destination.ok && onRetest && (
            <Button
              size="sm"
              variant="secondary"
              icon="repeat"
              disabled={retesting}
              onClick={() => onRetest(destination.destination)}
            >
              {t('services.test.again', 'Test again')}
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}

function DestinationLine({ result }: { result: DestinationResult }) {
  const kind =
    result.kind === 'robot' ? t('services.test.kind.robot', 'Group robot') : t('services.test.kind.app', 'App');
  return (
    <Stack direction="column" gap={0.5}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        {result.ok ? (
          <Badge color="green" icon="check" text={t('services.test.sent', 'Sent')} />
        ) : (
          <Badge color="red" icon="exclamation-triangle" text={t('services.test.failed', 'Failed')} />
        )}
        <Text weight="medium">{kind}</Text>
        <Text color="secondary">{result.label}</Text>
      </Stack>
      {!result.ok && (
        <Text color="secondary">
          {result.errcode !== null
            ? t('services.test.errcode', 'errcode {{errcode}}: {{errmsg}}', verbatim({
                errcode: result.errcode,
                errmsg: result.errmsg,
              }))
            : result.errmsg}
        </Text>
      )}
      {result.hint && <Text>{result.hint[relayLanguage()]}</Text>}
      {result.invalidRecipients.length > 0 && (
        <Text color="warning">
          {t('services.test.invalid-recipients', 'WeCom did not deliver to: {{recipients}}', verbatim({
            recipients: result.invalidRecipients.join(', '),
          }))}
        </Text>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  item: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    padding: theme.spacing(1.5, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
});
