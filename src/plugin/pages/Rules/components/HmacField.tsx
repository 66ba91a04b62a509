import React from 'react';
import { t } from '@grafana/i18n';
import { Field, Input, SecretInput, Stack, Switch } from '@grafana/ui';
import type { RuleFormValues } from '../ruleForm';

interface Props {
  enabled: boolean;
  hmac: RuleFormValues['hmac'];
  secretSet: boolean;
  onChange: (patch: Pick<RuleFormValues, 'hmacEnabled' | 'hmac' | 'hmacSecretSet'>) => void;
  problemOf: (path: string) => string | undefined;
}

/** HMAC signing as Grafana's webhook contact point does it; the secret is write-only. */
export function HmacField({ enabled, hmac, secretSet, onChange, problemOf }: Props) {
  const change = (patch: Partial<RuleFormValues['hmac']>) =>
    onChange({ hmacEnabled: enabled, hmac: { ...hmac, ...patch }, hmacSecretSet: secretSet });
  return (
    <Stack direction="column" gap={1}>
      <Field
        label={t('rules.hmac.enabled', 'Require an HMAC signature')}
        description={t(
          'rules.hmac.description',
          "The relay accepts Grafana's posts for this rule only when signed with this secret (HMAC-SHA256). Connect to Grafana sets the same secret on the contact point."
        )}
      >
        <Switch
          id="rule-hmac"
          value={enabled}
          onChange={(event) => onChange({ hmacEnabled: event.currentTarget.checked, hmac, hmacSecretSet: secretSet })}
        />
      </Field>
      {enabled && (
        <Stack direction="row" gap={2} wrap="wrap">
          <Field
            label={t('rules.hmac.secret', 'Secret')}
            invalid={problemOf('hmac.secret') !== undefined}
            error={problemOf('hmac.secret')}
          >
            <SecretInput
              id="rule-hmac-secret"
              width={30}
              isConfigured={secretSet}
              value={hmac.secret}
              onChange={(event) => change({ secret: event.currentTarget.value })}
              onReset={() => onChange({ hmacEnabled: enabled, hmac: { ...hmac, secret: '' }, hmacSecretSet: false })}
            />
          </Field>
          <Field
            label={t('rules.hmac.header', 'Signature header')}
            invalid={problemOf('hmac.header') !== undefined}
            error={problemOf('hmac.header')}
          >
            <Input
              id="rule-hmac-header"
              width={34}
              value={hmac.header}
              onChange={(event) => change({ header: event.currentTarget.value })}
            />
          </Field>
          <Field
            label={t('rules.hmac.timestamp-header', 'Timestamp header')}
            description={t('rules.hmac.timestamp-description', 'Empty: the signature covers the body only.')}
            invalid={problemOf('hmac.timestampHeader') !== undefined}
            error={problemOf('hmac.timestampHeader')}
          >
            <Input
              id="rule-hmac-timestamp"
              width={34}
              value={hmac.timestampHeader}
              onChange={(event) => change({ timestampHeader: event.currentTarget.value })}
            />
          </Field>
        </Stack>
      )}
    </Stack>
  );
}
