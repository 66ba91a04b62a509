import React, { useState } from 'react';
import { t } from '@grafana/i18n';
import { Alert, Button, Stack, Text } from '@grafana/ui';
import type { ServiceTestResult } from '../../../core/api';
import { useTestService } from '../../data/useServices';
import { userRole } from '../../data/permissions';
import { TestResult } from './TestResult';

/** Send test: a real message to the saved service's destinations, and what each answered. */
export function ServiceTest({ uid, unsaved = false }: { uid: string; unsaved?: boolean }) {
  const { canEdit } = userRole();
  const test = useTestService();
  const [result, setResult] = useState<ServiceTestResult>();
  const send = (destination?: string) =>
    test.mutate(
      { uid, destination },
      { onSuccess: (answer) => setResult((previous) => (destination && previous ? merged(previous, answer) : answer)) }
    );
  const button = (
    <Button
      variant="secondary"
      icon={test.isPending ? 'spinner' : 'message'}
      disabled={!canEdit || test.isPending}
      tooltip={canEdit ? undefined : t('services.test.viewer', 'Sending a test needs the Editor role')}
      onClick={() => send()}
    >
      {t('services.test.button', 'Send test')}
    </Button>
  );
  return (
    <Stack direction="column" gap={1}>
      <Stack gap={2} alignItems="center" wrap="wrap">
        {button}
        <Text color="secondary">
          {unsaved
            ? t('services.test.unsaved', 'Tests the saved service: save your changes first to test them.')
            : t(
                'services.test.description',
                'Sends a test message, marked 【测试】, to every destination of the service.'
              )}
        </Text>
      </Stack>
      {result && (
        <>
          {result.ok ? (
            <Alert
              severity="success"
              title={t('services.test.all-sent', 'Every destination received the test message')}
            />
          ) : (
            <Alert
              severity="error"
              title={t('services.test.some-failed', 'Not every destination received the test message')}
            />
          )}
          <TestResult result={result} onRetest={canEdit ? send : undefined} retesting={test.isPending} />
        </>
      )}
    </Stack>
  );
}

/** A test of one destination replaces that destination's line and keeps the others. */
function merged(previous: ServiceTestResult, answer: ServiceTestResult): ServiceTestResult {
  const results = previous.results.map(
    (line) => answer.results.find((retested) => retested.destination === line.destination) ?? line
  );
  return { ok: results.every((line) => line.ok), results };
}
