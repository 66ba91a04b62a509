import React, { type ReactNode } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { verbatim } from '../../utils/i18n';
import { Alert, Badge, Card, Icon, LinkButton, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { contactPointTitle } from '../../api/grafanaContactPoints';
import { notificationPoliciesUrl } from '../../api/grafanaPolicies';
import { type RelayError } from '../../api/relay';
import { ContactPointBadge } from '../../components/ContactPointBadge/ContactPointBadge';
import { DisabledReason } from '../../components/DisabledReason/DisabledReason';
import { testIds } from '../../components/testIds';
import { ROUTES } from '../../constants';
import { userRole } from '../../data/permissions';
import { errorMessage } from '../../data/queryClient';
import { prefixRoute } from '../../utils/utils.routing';
import { deliveriesUrl } from '../Deliveries/deliveryFilters';
import { type StartGuide as StartGuideModel, type StepState } from './startGuide';
import { useStartGuide } from './useStartGuide';

const ruleUrl = (uid: string) => prefixRoute(`${ROUTES.Rules}/${encodeURIComponent(uid)}/edit`);

/** 开始使用: the four steps from an empty install to alerts in WeCom, each with whether it is done and how to do it. */
export function StartGuide({ relayUrl }: { relayUrl: string }) {
  const styles = useStyles2(getStyles);
  const { guide, errors, loading } = useStartGuide(relayUrl);
  const { canEdit } = userRole();
  const states = [guide.service.state, guide.rule.state, guide.connect.state, guide.route.state];
  const editorOnly = canEdit ? undefined : t('home.guide.editor-only', 'Needs the Editor or Admin role in Grafana.');
  const variant = (state: StepState) => (state === 'done' ? 'secondary' : 'primary');
  const { next, connections } = guide.connect;

  return (
    <section data-testid={testIds.overview.guide}>
      <Stack direction="column" gap={1.5}>
        <Stack direction="row" gap={1} alignItems="center">
          <Text element="h2" variant="h4">
            {t('home.guide.title', 'Start guide')}
          </Text>
          <Text color="secondary">
            {t('home.guide.progress', '{{done}} of {{total}} steps done', {
              done: states.filter((state) => state === 'done').length,
              total: states.length,
            })}
          </Text>
        </Stack>
        {!canEdit && (
          <Alert severity="info" title={t('home.guide.viewer.title', 'You can follow the progress here')}>
            {t(
              'home.guide.viewer.body',
              'Creating services and rules and connecting them to Grafana needs the Editor or Admin role: ask an editor of this organization to do the steps not done yet.'
            )}
          </Alert>
        )}

        <Step
          number={1}
          state={guide.service.state}
          loading={loading.service}
          error={errors.service}
          title={t('home.guide.service.title', 'Create a notification service (通知服务)')}
          description={t(
            'home.guide.service.description',
            'A service says where alerts go: WeCom group robots (企业微信群), people’s WeCom accounts through a self-built app (企业微信账号), or both.'
          )}
          detail={
            guide.service.services.length > 0 &&
            t(
              'home.guide.service.done',
              'Services: {{names}}',
              verbatim({
                names: guide.service.services.map((service) => service.name).join(', '),
              })
            )
          }
          actions={
            <>
              <DisabledReason reason={editorOnly}>
                <LinkButton
                  icon="plus"
                  variant={variant(guide.service.state)}
                  href={prefixRoute(`${ROUTES.Services}/new`)}
                  disabled={!canEdit}
                >
                  {t('home.guide.service.new', 'New service')}
                </LinkButton>
              </DisabledReason>
              {guide.service.services.length > 0 && (
                <LinkButton icon="list-ul" variant="secondary" href={prefixRoute(ROUTES.Services)}>
                  {t('home.guide.service.list', 'View services')}
                </LinkButton>
              )}
            </>
          }
        />

        <Step
          number={2}
          state={guide.rule.state}
          loading={loading.rule}
          error={errors.rule}
          title={t('home.guide.rule.title', 'Create a notification rule (通知规则)')}
          description={t(
            'home.guide.rule.description',
            'A rule picks which alerts go to which services, and how the message reads: language, template, mentions, quiet hours.'
          )}
          detail={
            guide.rule.rules.length > 0 &&
            t(
              'home.guide.rule.done',
              'Rules: {{names}}',
              verbatim({
                names: guide.rule.rules.map((rule) => rule.name).join(', '),
              })
            )
          }
          actions={
            <>
              <DisabledReason
                reason={
                  editorOnly ??
                  (guide.service.state === 'todo'
                    ? t(
                        'home.guide.rule.needs-service',
                        'Create a notification service first: a rule sends through one.'
                      )
                    : undefined)
                }
              >
                <LinkButton
                  icon="plus"
                  variant={variant(guide.rule.state)}
                  href={prefixRoute(`${ROUTES.Rules}/new`)}
                  disabled={!canEdit || guide.service.state === 'todo'}
                >
                  {t('home.guide.rule.new', 'New rule')}
                </LinkButton>
              </DisabledReason>
              {guide.rule.rules.length > 0 && (
                <LinkButton icon="list-ul" variant="secondary" href={prefixRoute(ROUTES.Rules)}>
                  {t('home.guide.rule.list', 'View rules')}
                </LinkButton>
              )}
            </>
          }
        />

        <Step
          number={3}
          state={guide.connect.state}
          loading={loading.connect}
          error={errors.connect}
          title={t('home.guide.connect.title', 'Connect the rule to Grafana')}
          description={t(
            'home.guide.connect.description',
            'Each rule has its own Grafana contact point, "{{title}}": a webhook to the relay with the rule’s ingest token. The rule’s page creates or updates it with one click.',
            verbatim({ title: contactPointTitle(t('home.guide.connect.rule-name', '<rule name>')) })
          )}
          detail={
            connections.length > 0 && (
              <ul className={styles.list}>
                {connections.map(({ rule, contactPoint }) => (
                  <li key={rule.uid}>
                    <Stack direction="row" gap={1} alignItems="center">
                      <TextLink href={ruleUrl(rule.uid)} inline={false}>
                        {contactPointTitle(rule.name)}
                      </TextLink>
                      <ContactPointBadge state={contactPoint} />
                    </Stack>
                  </li>
                ))}
              </ul>
            )
          }
          actions={
            guide.rule.state === 'todo' ? (
              <DisabledReason reason={t('home.guide.connect.needs-rule', 'Create a notification rule first.')}>
                <LinkButton icon="link" variant="primary" href={prefixRoute(ROUTES.Rules)} disabled>
                  {t('home.guide.connect.button', 'Connect to Grafana')}
                </LinkButton>
              </DisabledReason>
            ) : next ? (
              <DisabledReason reason={editorOnly}>
                <LinkButton
                  icon="link"
                  variant={variant(guide.connect.state)}
                  href={ruleUrl(next.uid)}
                  disabled={!canEdit}
                >
                  {t('home.guide.connect.next', 'Connect "{{name}}"', verbatim({ name: next.name }))}
                </LinkButton>
              </DisabledReason>
            ) : undefined
          }
        />

        <Step
          number={4}
          state={guide.route.state}
          loading={loading.route}
          error={errors.route}
          title={t('home.guide.route.title', 'Route alerts to it in a notification policy')}
          description={t(
            'home.guide.route.description',
            'Grafana sends an alert to a contact point only when a notification policy routes it there. Under Alerting → Notification policies, choose "{{title}}" as the contact point of the default policy, or of a child policy whose matchers pick the alerts.',
            verbatim({ title: contactPointTitle(t('home.guide.connect.rule-name', '<rule name>')) })
          )}
          detail={routeDetail(guide.route)}
          actions={
            <>
              <LinkButton icon="sitemap" variant={variant(guide.route.state)} href={notificationPoliciesUrl()}>
                {t('contact-point.open-policies', 'Open notification policies')}
              </LinkButton>
              {guide.route.deliveredThrough && (
                <LinkButton
                  icon="history"
                  variant="secondary"
                  href={deliveriesUrl({ rule: guide.route.deliveredThrough.uid })}
                >
                  {t('home.guide.route.deliveries', 'View its deliveries')}
                </LinkButton>
              )}
            </>
          }
        />
      </Stack>
    </section>
  );
}

/** How step 4 was found done, or why it cannot be told. */
function routeDetail(route: StartGuideModel['route']): string | undefined {
  if (route.routed.length > 0) {
    return t(
      'home.guide.route.by-policy',
      'The notification policies send to {{titles}}.',
      verbatim({
        titles: route.routed.join(', '),
      })
    );
  }
  if (route.deliveredThrough) {
    return t(
      'home.guide.route.by-delivery',
      'Alerts (not tests) have arrived through the rule "{{name}}".',
      verbatim({
        name: route.deliveredThrough.name,
      })
    );
  }
  if (!route.policiesReadable) {
    return t(
      'home.guide.route.unreadable',
      'Grafana does not let the plugin read its notification policies with your role, so check them there. This step shows done once an alert (not a test) has arrived through a rule.'
    );
  }
  return undefined;
}

function Step({
  number,
  state,
  loading,
  error,
  title,
  description,
  detail,
  actions,
}: {
  number: number;
  state: StepState;
  loading: boolean;
  error: RelayError | null;
  title: string;
  description: string;
  detail: ReactNode;
  actions: ReactNode;
}) {
  const styles = useStyles2(getStyles);
  return (
    <div data-testid={testIds.overview.step(number)}>
      <Card noMargin>
        <Card.Figure>
          {state === 'done' ? (
            <Icon name="check-circle" size="xxl" className={styles.done} aria-hidden />
          ) : (
            <span className={styles.number} aria-hidden>
              {number}
            </span>
          )}
        </Card.Figure>
        <Card.Heading>{title}</Card.Heading>
        <Card.Description>
          <Stack direction="column" gap={1}>
            <span>{description}</span>
            {error && state !== 'done' ? (
              <Text color="warning">
                {t('home.guide.cannot-tell', 'Cannot tell: {{reason}}', verbatim({ reason: errorMessage(error) }))}
              </Text>
            ) : (
              detail && <Text color="primary">{detail}</Text>
            )}
          </Stack>
        </Card.Description>
        <Card.Tags>
          <StepBadge state={state} loading={loading} />
        </Card.Tags>
        {actions && <Card.Actions>{actions}</Card.Actions>}
      </Card>
    </div>
  );
}

function StepBadge({ state, loading }: { state: StepState; loading: boolean }) {
  if (state === 'done') {
    return <Badge color="green" icon="check" text={t('home.guide.state.done', 'Done')} />;
  }
  if (state === 'todo') {
    return <Badge color="orange" icon="circle" text={t('home.guide.state.todo', 'To do')} />;
  }
  return loading ? (
    <Badge color="blue" icon="spinner" text={t('home.guide.state.checking', 'Checking…')} />
  ) : (
    <Badge color="darkgrey" icon="question-circle" text={t('home.guide.state.unknown', 'Cannot tell')} />
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  done: css({ color: theme.colors.success.text }),
  number: css({
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    width: theme.spacing(4),
    height: theme.spacing(4),
    borderRadius: '50%',
    border: `1px solid ${theme.colors.border.strong}`,
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightMedium,
  }),
  list: css({ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: theme.spacing(0.5) }),
});
