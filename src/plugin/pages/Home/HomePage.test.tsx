import React from 'react';
import { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';
import { testIds } from '../../components/testIds';
import { combineHandlers, mockBackendSrvFetch } from '../../test/backendSrv';
import { contactPointsHandler, type ContactPointsHandlerOptions } from '../../test/handlers/contactPoints';
import { deliveriesHandler, makeDelivery } from '../../test/handlers/deliveries';
import { policiesHandler, type PoliciesHandlerOptions } from '../../test/handlers/policies';
import { rulesHandler } from '../../test/handlers/rules';
import { servicesHandler } from '../../test/handlers/services';
import { statusHandler, type StatusHandlerOptions } from '../../test/handlers/status';
import { createMeta, fireEvent, render, screen, waitFor, within } from '../../test/render';
import type { DeliveryDetail } from '../../../core/api';
import { HomePage } from './HomePage';

const SERVICE = {
  config: {
    uid: 'ops',
    name: 'Ops group',
    robots: [{ groups: 'ops', webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh-1234' }],
  },
};
const RULE = { config: { uid: 'critical', name: '严重告警', services: ['ops'] } };
const CURRENT_CONTACT_POINT = {
  title: 'WeCom · 严重告警',
  settings: {
    url: 'http://wecom-relay:8686/hooks/grafana/critical',
    httpMethod: 'POST',
    authorization_scheme: 'Bearer',
    authorization_credentials: 'ingest-token',
  },
};

interface Setup {
  services?: unknown[];
  rules?: unknown[];
  contactPoints?: ContactPointsHandlerOptions['contactPoints'];
  policies?: PoliciesHandlerOptions;
  deliveries?: DeliveryDetail[];
  status?: StatusHandlerOptions;
}

function setup(options: Setup = {}) {
  const status = statusHandler(options.status);
  const services = servicesHandler({ services: (options.services ?? []) as never });
  const rules = rulesHandler({ rules: (options.rules ?? []) as never });
  const grafana = contactPointsHandler({ contactPoints: options.contactPoints });
  const policies = policiesHandler(options.policies);
  const deliveries = deliveriesHandler({ deliveries: options.deliveries });
  const fetch = mockBackendSrvFetch(
    combineHandlers(
      status.handler,
      services.handler,
      rules.handler,
      deliveries.handler,
      grafana.handler,
      policies.handler
    )
  );
  return { status, fetch, deliveries };
}

const step = (number: number) => within(screen.getByTestId(testIds.overview.step(number)));

/** Waits until no step is still being checked. */
async function guideSettled() {
  await waitFor(() => expect(screen.getByTestId(testIds.overview.guide)).not.toHaveTextContent('Checking…'));
}

const role = config.bootData.user.orgRole;
beforeEach(() => {
  config.bootData.user.orgRole = OrgRole.Editor;
});
afterEach(() => {
  config.bootData.user.orgRole = role;
});

describe('HomePage when the plugin is not configured', () => {
  test('an admin gets the link to the configuration page, and nothing is called', () => {
    config.bootData.user.orgRole = OrgRole.Admin;
    const { fetch } = setup();
    render(<HomePage />, { meta: createMeta() });

    expect(screen.getByTestId(testIds.overview.notConfigured)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /open configuration/i })).toHaveAttribute(
      'href',
      '/plugins/wecomrelay-app'
    );
    expect(screen.queryByTestId(testIds.overview.guide)).not.toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });

  test('anyone else is told to ask an admin', () => {
    setup();
    render(<HomePage />, { meta: createMeta() });

    expect(screen.queryByRole('link', { name: /open configuration/i })).not.toBeInTheDocument();
    expect(screen.getByText(/ask an organization admin/i)).toBeInTheDocument();
  });
});

describe('HomePage start guide', () => {
  test('on an empty relay every step is to do, and a rule waits for a service', async () => {
    setup();
    render(<HomePage />);
    await guideSettled();

    for (const number of [1, 2, 3, 4]) {
      expect(step(number).getByText('To do')).toBeInTheDocument();
    }
    expect(screen.getByText('0 of 4 steps done')).toBeInTheDocument();
    expect(step(1).getByRole('link', { name: 'New service' })).toHaveAttribute(
      'href',
      '/a/wecomrelay-app/services/new'
    );
    expect(step(2).getByRole('link', { name: 'New rule' })).toHaveAttribute('aria-disabled', 'true');
    expect(step(4).getByRole('link', { name: 'Open notification policies' })).toHaveAttribute(
      'href',
      '/alerting/routes'
    );
  });

  test('a rule without its contact point: connecting it is next, and no policy can route to it yet', async () => {
    setup({ services: [SERVICE], rules: [RULE] });
    render(<HomePage />);
    await guideSettled();

    expect(step(1).getByText('Done')).toBeInTheDocument();
    expect(step(1).getByText('Services: Ops group')).toBeInTheDocument();
    expect(step(2).getByText('Done')).toBeInTheDocument();
    expect(step(3).getByText('To do')).toBeInTheDocument();
    expect(step(3).getByText('Not created')).toBeInTheDocument();
    expect(step(3).getByRole('link', { name: 'Connect "严重告警"' })).toHaveAttribute(
      'href',
      '/a/wecomrelay-app/rules/critical/edit'
    );
    expect(step(4).getByText('To do')).toBeInTheDocument();
    expect(screen.getByText('2 of 4 steps done')).toBeInTheDocument();
  });

  test('every step is done when the contact point is current and a notification policy routes to it', async () => {
    setup({
      services: [SERVICE],
      rules: [RULE],
      contactPoints: [CURRENT_CONTACT_POINT],
      policies: { tree: { receiver: 'grafana-default-email', routes: [{ receiver: 'WeCom · 严重告警' }] } },
    });
    render(<HomePage />);
    await guideSettled();

    expect(step(3).getByText('Connected')).toBeInTheDocument();
    expect(step(3).getByText('Done')).toBeInTheDocument();
    expect(step(4).getByText('Done')).toBeInTheDocument();
    expect(step(4).getByText('The notification policies send to WeCom · 严重告警.')).toBeInTheDocument();
    expect(screen.getByText('4 of 4 steps done')).toBeInTheDocument();
  });

  test('an out-of-date contact point leaves step 3 to do', async () => {
    setup({
      services: [SERVICE],
      rules: [RULE],
      contactPoints: [
        { ...CURRENT_CONTACT_POINT, settings: { ...CURRENT_CONTACT_POINT.settings, url: 'http://old:8686/x' } },
      ],
    });
    render(<HomePage />);
    await guideSettled();

    expect(step(3).getByText('Out of date')).toBeInTheDocument();
    expect(step(3).getByText('To do')).toBeInTheDocument();
  });

  test('when Grafana refuses to show its policies, an alert that came through the rule tells step 4 is done', async () => {
    const unreadable = { refuse: 403 as const };
    const first = setup({
      services: [SERVICE],
      rules: [RULE],
      contactPoints: [CURRENT_CONTACT_POINT],
      policies: unreadable,
      // A press of the contact point's Test button goes around the policies: it proves nothing.
      deliveries: [makeDelivery({ id: 1, isTest: true })],
    });
    const { unmount } = render(<HomePage />);
    await guideSettled();
    expect(step(4).getByText('Cannot tell')).toBeInTheDocument();
    expect(step(4).getByText(/does not let the plugin read its notification policies/)).toBeInTheDocument();
    expect(first.fetch).toHaveBeenCalledWith(expect.objectContaining({ url: '/api/v1/provisioning/policies' }));
    unmount();

    setup({
      services: [SERVICE],
      rules: [RULE],
      contactPoints: [CURRENT_CONTACT_POINT],
      policies: unreadable,
      deliveries: [makeDelivery({ id: 1, isTest: true }), makeDelivery({ id: 2, rule: 'critical' })],
    });
    render(<HomePage />);
    await guideSettled();
    expect(step(4).getByText('Done')).toBeInTheDocument();
    expect(step(4).getByText('Alerts (not tests) have arrived through the rule "严重告警".')).toBeInTheDocument();
    expect(step(4).getByRole('link', { name: 'View its deliveries' })).toHaveAttribute(
      'href',
      '/a/wecomrelay-app/deliveries?rule=critical'
    );
  });

  test('a Viewer sees the progress, is told why, and cannot start what needs an Editor', async () => {
    config.bootData.user.orgRole = OrgRole.Viewer;
    setup({ services: [SERVICE], rules: [RULE] });
    render(<HomePage />);
    await guideSettled();

    expect(screen.getByText('You can follow the progress here')).toBeInTheDocument();
    expect(step(1).getByRole('link', { name: 'New service' })).toHaveAttribute('aria-disabled', 'true');
    expect(step(3).getByRole('link', { name: 'Connect "严重告警"' })).toHaveAttribute('aria-disabled', 'true');
    fireEvent.mouseEnter(step(1).getByRole('link', { name: 'New service' }).parentElement!);
    expect(await screen.findByText('Needs the Editor or Admin role in Grafana.')).toBeInTheDocument();
  });
});

describe('HomePage relay health and failures', () => {
  test('shows version, storage, the route to WeCom and a refused provisioning reload', async () => {
    setup({
      status: {
        status: {
          egressProxy: { url: 'http://proxy.corp:3128', source: 'env' },
          provisioningRefused: {
            at: '2026-12-01T08:00:00.000Z',
            problems: [{ path: 'rules/critical.yaml: services[0]', message: 'no service "gone"' }],
          },
        },
      },
    });
    render(<HomePage />);

    const health = within(await screen.findByTestId(testIds.overview.status));
    expect(within(screen.getByTestId(testIds.overview.health)).getByText('Reachable')).toBeInTheDocument();
    expect(screen.getByText('http://wecom-relay:8686')).toBeInTheDocument();
    expect(health.getByTestId(testIds.relayStatus.version)).toHaveTextContent('1.2.3');
    expect(health.getByTestId(testIds.relayStatus.storage)).toHaveTextContent(/sqlite.*reachable/);
    expect(health.getByTestId(testIds.relayStatus.egressProxy)).toHaveTextContent(
      'through http://proxy.corp:3128 (HTTPS_PROXY / HTTP_PROXY)'
    );
    expect(health.getByText('The relay refused its provisioning files')).toBeInTheDocument();
    expect(health.getByText('no service "gone"', { exact: false })).toBeInTheDocument();
  });

  test('lists the last failed deliveries, each linking to the delivery log filtered to failures', async () => {
    const { deliveries } = setup({
      services: [SERVICE],
      rules: [RULE],
      deliveries: [
        makeDelivery({ id: 7, status: 'failed', lastErrcode: 93000, lastError: 'invalid webhook url' }),
        makeDelivery({ id: 8, status: 'sent' }),
      ],
    });
    render(<HomePage />);

    const failures = within(screen.getByTestId(testIds.overview.failures));
    const link = await failures.findByRole('link', { name: '#7 严重告警 → ops' });
    expect(link).toHaveAttribute('href', '/a/wecomrelay-app/deliveries?status=failed&id=7');
    expect(failures.getByText(/93000: invalid webhook url/)).toBeInTheDocument();
    expect(failures.queryByText(/#8/)).not.toBeInTheDocument();
    expect(failures.getByRole('link', { name: 'All 1 failed deliveries' })).toHaveAttribute(
      'href',
      '/a/wecomrelay-app/deliveries?status=failed'
    );
    expect(deliveries.queries).toContainEqual({ status: 'failed', limit: '5' });
  });

  test('an unreachable relay is shown as such, the guide cannot tell, and Refresh recovers', async () => {
    const { status } = setup({ services: [SERVICE], status: { reachable: false } });
    render(<HomePage />);

    expect(await screen.findByTestId(testIds.overview.error)).toHaveTextContent(/could not reach the relay/i);
    expect(within(screen.getByTestId(testIds.overview.health)).getByText('Unreachable')).toBeInTheDocument();
    await guideSettled();
    for (const number of [1, 2, 3, 4]) {
      expect(step(number).getByText('Cannot tell')).toBeInTheDocument();
    }
    expect(step(1).getByText(/Cannot tell: Grafana could not reach the relay/)).toBeInTheDocument();
    expect(step(4).getByText(/Cannot tell: Grafana could not reach the relay/)).toBeInTheDocument();

    status.state.reachable = true;
    fireEvent.click(screen.getAllByTestId(testIds.overview.refresh)[0]);

    expect(await screen.findByTestId(testIds.overview.status)).toBeInTheDocument();
    await waitFor(() => expect(step(1).getByText('Done')).toBeInTheDocument());
    expect(screen.queryByTestId(testIds.overview.error)).not.toBeInTheDocument();
  });
});
