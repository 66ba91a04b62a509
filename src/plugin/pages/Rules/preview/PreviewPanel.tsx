import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Alert, Badge, Button, Field, RadioButtonGroup, Stack, Text, Tooltip, useStyles2 } from '@grafana/ui';
import type { ServiceView } from '../../../../core/api';
import type { RuleConfig } from '../../../../core/config';
import type { MessageKind } from '../../../../core/render';
import { usePreviewRule } from '../../../data/useRules';
import { testIds } from '../testIds';
import { MessageBody } from './MessageBody';
import {
  compareWithRelay,
  messageKindsOf,
  type BrowserPreview,
  type KindPreview,
  type PreviewComparison,
  type PreviewSample,
  renderPreview,
} from './renderPreview';
import { verbatim } from '../../../utils/i18n';

interface Props {
  /** The rule as the form holds it now; null while a field is not valid. */
  rule: RuleConfig | null;
  services: ServiceView[];
  /** The saved rule's uid when the relay can preview exactly what the form shows (saved, unchanged). */
  comparableUid?: string;
  /** Why the relay cannot be asked, when it cannot. */
  compareDisabledReason?: string;
}

function sampleLabel(sample: PreviewSample): string {
  switch (sample) {
    case 'firing':
      return t('rules.preview.sample.firing', 'Firing');
    case 'resolved':
      return t('rules.preview.sample.resolved', 'Resolved');
    case 'many':
      return t('rules.preview.sample.many', 'Many alerts');
    case 'test':
      return t('rules.preview.sample.test', 'Test alert');
  }
}

function kindLabel(kind: MessageKind): string {
  switch (kind) {
    case 'robot-markdown':
      return t('rules.preview.kind.robot', 'Group robot (群机器人) · markdown');
    case 'app-markdown':
      return t('rules.preview.kind.app-markdown', 'App (应用消息) · markdown');
    case 'app-text':
      return t('rules.preview.kind.app-text', 'App (应用消息) · text');
    case 'app-textcard':
      return t('rules.preview.kind.app-textcard', 'App (应用消息) · textcard');
  }
}

/** What the relay will send, rendered in the browser by the same core functions, one column per kind of destination. */
export function PreviewPanel({ rule, services, comparableUid, compareDisabledReason }: Props) {
  const styles = useStyles2(getStyles);
  const [sample, setSample] = useState<PreviewSample>('firing');
  const [comparison, setComparison] = useState<{ sample: PreviewSample; result: PreviewComparison } | null>(null);
  const relayPreview = usePreviewRule();
  const kinds = useMemo(() => messageKindsOf(services), [services]);
  const rendered = useMemo((): { preview?: BrowserPreview; error?: string } => {
    if (!rule) {
      return {};
    }
    try {
      return { preview: renderPreview(rule, kinds, sample) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [rule, kinds, sample]);

  const compare = async () => {
    if (!comparableUid || !rule) {
      return;
    }
    const relay = await relayPreview.mutateAsync({ uid: comparableUid, sample });
    // Rendered again now, so durations count to the same moment as the relay's.
    setComparison({ sample, result: compareWithRelay(renderPreview(rule, kinds, sample), relay) });
  };

  const samples = (['firing', 'resolved', 'many', 'test'] as const).map((value) => ({
    label: sampleLabel(value),
    value,
  }));
  const compareButton = (
    <Button
      variant="secondary"
      icon="exchange-alt"
      onClick={() => void compare().catch(() => undefined)}
      disabled={!comparableUid || !rendered.preview || relayPreview.isPending}
    >
      {t('rules.preview.compare', 'Compare with the relay')}
    </Button>
  );

  return (
    <Stack direction="column" gap={2}>
      <Stack direction="row" gap={2} alignItems="flex-end" wrap="wrap" justifyContent="space-between">
        <Field label={t('rules.preview.sample-label', 'Sample alerts')} noMargin>
          <RadioButtonGroup
            id="rule-preview-sample"
            options={samples}
            value={sample}
            onChange={(value) => {
              setSample(value);
              setComparison(null);
            }}
          />
        </Field>
        {compareDisabledReason && !comparableUid ? (
          <Tooltip content={compareDisabledReason}>
            <span>{compareButton}</span>
          </Tooltip>
        ) : (
          compareButton
        )}
      </Stack>

      {comparison && comparison.sample === sample && (
        <Alert
          severity={comparison.result.identical ? 'success' : 'warning'}
          title={
            comparison.result.identical
              ? t('rules.preview.identical', "Identical to the relay's own preview")
              : t('rules.preview.different', "Differs from the relay's preview")
          }
          onRemove={() => setComparison(null)}
        >
          {comparison.result.identical
            ? t('rules.preview.identical-body', 'The relay renders these messages byte for byte.')
            : t(
                'rules.preview.different-body',
                'The relay renders other messages for: {{destinations}}. Reload the page: the relay may run another version.',
                verbatim({ destinations: comparison.result.differing.join(', ') || '—' })
              )}
        </Alert>
      )}

      {!rule && <Alert severity="info" title={t('rules.preview.incomplete', 'Complete the form to see the preview')} />}
      {rendered.error && (
        <Alert severity="error" title={t('rules.preview.render-failed', 'The template does not render')}>
          {rendered.error}
        </Alert>
      )}
      {rule && kinds.length === 0 && (
        <Text color="secondary">
          {t('rules.preview.no-services', 'Choose a service to see the messages its robots and app receive.')}
        </Text>
      )}
      {rendered.preview && rendered.preview.matched === 0 && (
        <Alert severity="info" title={t('rules.preview.nothing', 'No alert of this sample matches the rule')}>
          {t('rules.preview.nothing-body', 'Nothing would be sent for it.')}
        </Alert>
      )}
      {rendered.preview && rendered.preview.kinds.length > 0 && (
        <>
          <Text color="secondary" variant="bodySmall">
            {t('rules.preview.matched', '{{matched}} of {{alerts}} sample alerts match the rule.', {
              matched: rendered.preview.matched,
              alerts: rendered.preview.alerts,
            })}
          </Text>
          <div className={styles.columns}>
            {rendered.preview.kinds.map((preview) => (
              <KindColumn key={preview.kind} preview={preview} />
            ))}
          </div>
        </>
      )}
    </Stack>
  );
}

function KindColumn({ preview }: { preview: KindPreview }) {
  const styles = useStyles2(getStyles);
  return (
    <section
      className={styles.column}
      aria-label={kindLabel(preview.kind)}
      data-testid={testIds.preview.column(preview.kind)}
    >
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <Text element="h4" weight="medium">
          {kindLabel(preview.kind)}
        </Text>
        <Badge
          color="blue"
          text={t('rules.preview.messages', 'messages: {{number}}', { number: preview.messages.length })}
        />
      </Stack>
      {preview.messages.map((message, index) => (
        <Stack key={index} direction="column" gap={0.5}>
          <Stack direction="row" justifyContent="space-between">
            <Text variant="bodySmall" color="secondary">
              {t('rules.preview.message', 'Message {{number}}', { number: index + 1 })}
            </Text>
            <Text variant="bodySmall" color={message.bytes > message.limit ? 'error' : 'secondary'}>
              {t('rules.preview.bytes', '{{bytes}} / {{limit}} bytes', { bytes: message.bytes, limit: message.limit })}
            </Text>
          </Stack>
          <MessageBody body={message.body} />
        </Stack>
      ))}
      {preview.companion !== null && (
        <Stack direction="column" gap={0.5}>
          <Text variant="bodySmall" color="secondary">
            {t('rules.preview.companion', 'Then a text message with the @mentions')}
          </Text>
          <MessageBody body={preview.companion} />
        </Stack>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  columns: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: theme.spacing(2),
  }),
  column: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(2),
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    minWidth: 0,
  }),
});
