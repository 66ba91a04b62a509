import React, { useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { config } from '@grafana/runtime';
import {
  Alert,
  Button,
  ClipboardButton,
  Collapse,
  LinkButton,
  LoadingPlaceholder,
  Stack,
  Text,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import type { RuleView } from '../../../../core/api';
import type { ContactPointDifference } from '../../../api/grafanaContactPoints';
import { notificationPoliciesUrl } from '../../../api/grafanaPolicies';
import { ContactPointBadge } from '../../../components/ContactPointBadge/ContactPointBadge';
import { relayErrorText } from '../../../components/RelayStatusDetails/relayErrorText';
import { userRole } from '../../../data/permissions';
import { usePluginMeta } from '../../../data/pluginMeta';
import { contactPointTarget, useConnectContactPoint, useContactPoint } from '../../../data/useContactPoints';
import { testIds } from '../testIds';
import { HMAC_SECRET_ENV, INGEST_TOKEN_ENV, provisioningYaml } from './provisioningYaml';
import { verbatim } from '../../../utils/i18n';

function differenceText(difference: ContactPointDifference): string {
  switch (difference) {
    case 'type':
      return t('contact-point.difference.type', 'It is not a webhook contact point.');
    case 'url':
      return t('contact-point.difference.url', "Its URL is not this rule's hook URL.");
    case 'auth':
      return t('contact-point.difference.auth', 'It sends no Bearer token.');
    case 'hmac':
      return t('contact-point.difference.hmac', "Its HMAC signing does not match the rule's.");
  }
}

/** "Connect to Grafana": the rule's webhook contact point in Grafana, its state, and the same as a provisioning file. */
export function ConnectContactPoint({ rule }: { rule: RuleView }) {
  const styles = useStyles2(getStyles);
  const relayUrl = usePluginMeta().jsonData?.relayUrl ?? '';
  const target = contactPointTarget(rule, relayUrl);
  const { state, data: found, error, isLoading } = useContactPoint(target);
  const connect = useConnectContactPoint();
  const [showYaml, setShowYaml] = useState(false);
  const { canEdit } = userRole();
  const yaml = provisioningYaml(target, rule.uid, config.bootData.user.orgId ?? 1);

  const disabledReason = !canEdit
    ? t('contact-point.viewer', 'Only Editors and Admins can connect a rule: it hands the ingest token to Grafana.')
    : relayUrl === ''
      ? t('contact-point.no-relay-url', 'Set the relay URL on the configuration page first.')
      : state?.exists && state.readOnly
        ? t('contact-point.provisioned', 'This contact point is provisioned from a file: change the file instead.')
        : undefined;
  const button = (
    <Button
      icon="link"
      variant={state?.exists && state.current ? 'secondary' : 'primary'}
      disabled={disabledReason !== undefined || isLoading || connect.isPending}
      onClick={() => connect.mutate({ rule, relayUrl, found: found ?? null })}
    >
      {state?.exists
        ? t('contact-point.update', 'Update contact point')
        : t('contact-point.connect', 'Connect to Grafana')}
    </Button>
  );

  return (
    <section className={styles.box} aria-label={t('contact-point.title', 'Grafana contact point')}>
      <Stack direction="row" justifyContent="space-between" alignItems="flex-start" wrap="wrap" gap={2}>
        <Stack direction="column" gap={0.5}>
          <Stack direction="row" gap={1} alignItems="center">
            <Text element="h3" variant="h5">
              {t('contact-point.title', 'Grafana contact point')}
            </Text>
            {state && <ContactPointBadge state={state} />}
          </Stack>
          <Text color="secondary" variant="bodySmall">
            {t(
              'contact-point.explain',
              '"{{title}}": a webhook to {{url}} with the ingest token as Bearer token.',
              verbatim({
                title: target.title,
                url: target.url,
              })
            )}
          </Text>
        </Stack>
        {disabledReason ? (
          <Tooltip content={disabledReason}>
            <span>{button}</span>
          </Tooltip>
        ) : (
          button
        )}
      </Stack>

      {isLoading && <LoadingPlaceholder text={t('contact-point.loading', 'Looking for the contact point…')} />}
      {error && (
        <Alert severity="warning" title={t('contact-point.read-failed', 'Grafana did not list its contact points')}>
          {error.kind === 'http' ? error.detail : relayErrorText(error)}
        </Alert>
      )}
      {!canEdit && (
        <Text color="secondary" variant="bodySmall">
          {t(
            'contact-point.viewer',
            'Only Editors and Admins can connect a rule: it hands the ingest token to Grafana.'
          )}
        </Text>
      )}
      {state?.exists && !state.current && (
        <Alert
          severity="warning"
          title={t('contact-point.outdated-title', 'The contact point does not match the rule')}
        >
          <ul className={styles.list}>
            {state.differences.map((difference) => (
              <li key={difference}>{differenceText(difference)}</li>
            ))}
          </ul>
        </Alert>
      )}
      {state?.exists && (
        <Text color="secondary" variant="bodySmall">
          {t(
            'contact-point.secrets-unreadable',
            'Grafana never shows secrets back: the token and the HMAC secret are checked for presence only. Update the contact point to write them again.'
          )}
        </Text>
      )}
      {connect.isSuccess && (
        <Alert severity="success" title={t('contact-point.next-title', 'Next: route alerts to it')}>
          <Stack direction="column" gap={1} alignItems="flex-start">
            <span>
              {t(
                'contact-point.next-body',
                'Add a notification policy that sends the alerts for this rule to "{{title}}".',
                verbatim({ title: target.title })
              )}
            </span>
            <LinkButton href={notificationPoliciesUrl()} icon="sitemap" variant="secondary" size="sm">
              {t('contact-point.open-policies', 'Open notification policies')}
            </LinkButton>
          </Stack>
        </Alert>
      )}

      <Collapse
        label={t('contact-point.yaml-title', 'Provisioning YAML')}
        isOpen={showYaml}
        onToggle={() => setShowYaml(!showYaml)}
      >
        <Stack direction="column" gap={1}>
          <Text color="secondary" variant="bodySmall">
            {t(
              'contact-point.yaml-explain',
              "The same contact point as a file for Grafana's provisioning/alerting folder. It holds no secret: Grafana expands ${{token}} (the relay's ingest token){{hmac}} from its own environment.",
              verbatim({
                token: INGEST_TOKEN_ENV,
                hmac: target.hmac
                  ? t('contact-point.yaml-hmac', " and ${{secret}} (the rule's HMAC secret)", {
                      secret: HMAC_SECRET_ENV,
                    })
                  : '',
              })
            )}
          </Text>
          <pre className={styles.yaml} data-testid={testIds.connect.yaml}>
            {yaml}
          </pre>
          <div>
            <ClipboardButton icon="copy" variant="secondary" size="sm" getText={() => yaml}>
              {t('contact-point.copy-yaml', 'Copy YAML')}
            </ClipboardButton>
          </div>
        </Stack>
      </Collapse>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  list: css({ margin: 0, paddingLeft: theme.spacing(2) }),
  yaml: css({
    margin: 0,
    padding: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    whiteSpace: 'pre',
    overflowX: 'auto',
  }),
});
