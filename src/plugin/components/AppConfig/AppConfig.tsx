import React, { type ChangeEvent, type FormEvent, useState } from 'react';
import { type AppPluginMeta, type PluginConfigPageProps } from '@grafana/data';
import { t, Trans } from '@grafana/i18n';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, Text } from '@grafana/ui';
import type { RelayStatus } from '../../../core/api';
import { relayApi, type RelayError, toRelayError } from '../../api/relay';
import { checkRelayUrl, normalizeRelayUrl, type RelayUrlProblem, updatePluginSettings } from '../../api/settings';
import { RELAY_URL_EXAMPLE } from '../../constants';
import { type AppJsonData } from '../../types';
import { reloadPage } from '../../utils/browser';
import { relayErrorText } from '../RelayStatusDetails/relayErrorText';
import { RelayStatusDetails } from '../RelayStatusDetails/RelayStatusDetails';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppJsonData>> {}

type TestState =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'ok'; status: RelayStatus }
  | { state: 'error'; error: RelayError };

const AppConfig = ({ plugin }: AppConfigProps) => {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const savedRelayUrl = jsonData?.relayUrl ?? '';
  const savedTokenSet = Boolean(secureJsonFields?.adminToken);

  const [relayUrl, setRelayUrl] = useState(savedRelayUrl);
  const [adminToken, setAdminToken] = useState('');
  const [isAdminTokenSet, setIsAdminTokenSet] = useState(savedTokenSet);
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<RelayError | null>(null);
  const [test, setTest] = useState<TestState>({ state: 'idle' });

  const urlProblem = checkRelayUrl(relayUrl);
  const tokenMissing = !isAdminTokenSet && adminToken.trim() === '';
  const dirty = normalizeRelayUrl(relayUrl) !== savedRelayUrl || adminToken !== '' || isAdminTokenSet !== savedTokenSet;
  const canSave = !saving && urlProblem === null && !tokenMissing;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!canSave) {
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      await updatePluginSettings(plugin.meta.id, {
        // Saving a relay connection means the app should work: enable it (the proxy route refuses
        // disabled apps) and keep it pinned unless an admin unpinned an enabled app.
        enabled: true,
        pinned: enabled ? Boolean(pinned) : true,
        // Grafana replaces jsonData as a whole: keep keys this page does not edit.
        jsonData: { ...jsonData, relayUrl: normalizeRelayUrl(relayUrl) },
        // Secrets are merged key by key: send the token only when it was typed anew.
        secureJsonData: isAdminTokenSet ? undefined : { adminToken: adminToken.trim() },
      });
      reloadPage();
    } catch (error) {
      setSaveError(toRelayError(error));
      setSaving(false);
    }
  };

  const onTest = async () => {
    setTest({ state: 'running' });
    try {
      setTest({ state: 'ok', status: await relayApi.status() });
    } catch (error) {
      setTest({ state: 'error', error: toRelayError(error) });
    }
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.appConfig.container}>
      <FieldSet label={t('config.title', 'Relay connection')}>
        <Text element="p" color="secondary">
          <Trans i18nKey="config.intro">
            Grafana forwards the plugin&apos;s requests to the WeCom Relay through its plugin proxy and adds the admin
            token there, so the token never reaches the browser.
          </Trans>
        </Text>

        <Field
          label={t('config.relay-url.label', 'Relay URL')}
          description={t(
            'config.relay-url.description',
            "Base URL of the relay as Grafana's server reaches it, for example http://wecom-relay:8686 in Docker Compose. Without /api/v1."
          )}
          invalid={touched && urlProblem !== null}
          error={touched && urlProblem !== null ? relayUrlProblemText(urlProblem) : undefined}
        >
          <Input
            width={60}
            id="config-relay-url"
            name="relayUrl"
            data-testid={testIds.appConfig.relayUrl}
            value={relayUrl}
            placeholder={RELAY_URL_EXAMPLE}
            onChange={(event: ChangeEvent<HTMLInputElement>) => setRelayUrl(event.target.value)}
            onBlur={() => setTouched(true)}
          />
        </Field>

        <Field
          label={t('config.admin-token.label', 'Admin token')}
          description={t(
            'config.admin-token.description',
            "The relay's WECOM_RELAY_ADMIN_TOKEN. Grafana stores it encrypted and sends it to the relay as a Bearer token."
          )}
          invalid={touched && tokenMissing}
          error={touched && tokenMissing ? t('config.admin-token.required', 'The admin token is required.') : undefined}
        >
          <SecretInput
            width={60}
            id="config-admin-token"
            name="adminToken"
            data-testid={testIds.appConfig.adminToken}
            value={adminToken}
            isConfigured={isAdminTokenSet}
            placeholder={t('config.admin-token.placeholder', 'Admin token')}
            onChange={(event: ChangeEvent<HTMLInputElement>) => setAdminToken(event.target.value)}
            onReset={() => {
              setAdminToken('');
              setIsAdminTokenSet(false);
            }}
          />
        </Field>

        {saveError && (
          <Alert severity="error" title={t('config.save-failed', 'Saving the settings failed')}>
            {saveError.detail ?? relayErrorText(saveError)}
          </Alert>
        )}

        <Stack direction="row" gap={2} alignItems="center">
          <Button type="submit" data-testid={testIds.appConfig.submit} disabled={!canSave}>
            {saving ? t('config.saving', 'Saving…') : t('config.save', 'Save settings')}
          </Button>
          <Button
            type="button"
            variant="secondary"
            icon={test.state === 'running' ? 'spinner' : 'heart-rate'}
            data-testid={testIds.appConfig.testConnection}
            disabled={test.state === 'running'}
            onClick={onTest}
          >
            {t('config.test', 'Test connection')}
          </Button>
          {dirty && (
            <Text color="secondary" italic>
              {t('config.test-uses-saved', 'The test uses the saved settings. Save your changes first.')}
            </Text>
          )}
        </Stack>

        <div data-testid={testIds.appConfig.testResult}>
          {test.state === 'ok' && (
            <Alert severity="success" title={t('config.test-ok', 'Connected to WeCom Relay')}>
              <RelayStatusDetails status={test.status} />
            </Alert>
          )}
          {test.state === 'error' && (
            <Alert severity="error" title={t('config.test-failed', 'The relay could not be reached')}>
              <Stack direction="column" gap={1}>
                <span>{relayErrorText(test.error)}</span>
                {test.error.detail && (
                  <Text color="secondary" variant="bodySmall">
                    {test.error.status ? `HTTP ${test.error.status}: ` : ''}
                    {test.error.detail}
                  </Text>
                )}
              </Stack>
            </Alert>
          )}
        </div>
      </FieldSet>
    </form>
  );
};

function relayUrlProblemText(problem: RelayUrlProblem): string {
  switch (problem) {
    case 'empty':
      return t('config.relay-url.required', 'The relay URL is required.');
    case 'scheme':
      return t('config.relay-url.scheme', 'Use an http:// or https:// URL.');
    case 'has-api-path':
      return t('config.relay-url.api-path', 'Enter the base URL without /api/v1; the plugin adds it.');
    case 'has-query':
      return t('config.relay-url.query', 'The URL must not contain a query string or fragment.');
    default:
      return t('config.relay-url.invalid', 'This is not a valid URL.');
  }
}

export default AppConfig;
