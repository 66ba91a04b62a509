import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { config, setAppEvents } from '@grafana/runtime';
import type { ServiceView } from '../../../core/api';
import { combineHandlers, mockBackendSrvFetch } from '../../test/backendSrv';
import { contactPointsHandler } from '../../test/handlers/contactPoints';
import { rulesHandler, type RulesHandlerOptions } from '../../test/handlers/rules';
import { servicesHandler } from '../../test/handlers/services';
import { fireEvent, render, screen, waitFor, within } from '../../test/render';
import RuleEditPage from './RuleEditPage';
import RulesPage from './RulesPage';
import { testIds } from './testIds';

const SERVICES = [
  {
    config: {
      uid: 'ops',
      name: 'Ops group',
      robots: [{ groups: 'ops', webhookUrl: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh-1234' }],
      app: { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 's', accounts: ['zhangsan'], msgType: 'textcard' },
    },
  },
];
const RULE = { uid: 'critical', name: '严重告警', services: ['ops'], match: { severities: ['critical'] } };

function setup(options: { rules?: RulesHandlerOptions['rules']; grafana?: 'k8s' | 'provisioning' } = {}) {
  const services = servicesHandler({ services: SERVICES });
  const rules = rulesHandler({
    rules: options.rules ?? [{ config: RULE }],
    // The relay's view of its services, as the /services handler answers it.
    services: () => {
      const answer = services.handler({ url: '/api/plugin-proxy/wecomrelay-app/relay/services', method: 'GET' });
      return (answer as { data: { items: ServiceView[] } }).data.items;
    },
  });
  const grafana = contactPointsHandler({ api: options.grafana });
  const fetch = mockBackendSrvFetch(combineHandlers(services.handler, rules.handler, grafana.handler));
  return { rules, grafana, fetch };
}

function renderPage(path: string) {
  return render(
    <Routes>
      <Route path="/a/wecomrelay-app/rules" element={<RulesPage />} />
      <Route path="/a/wecomrelay-app/rules/new" element={<RuleEditPage />} />
      <Route path="/a/wecomrelay-app/rules/:uid/edit" element={<RuleEditPage />} />
    </Routes>,
    { path }
  );
}

const role = config.bootData.user.orgRole;
let toasts: unknown[] = [];
beforeEach(() => {
  config.bootData.user.orgRole = 'Editor' as never;
  toasts = [];
  setAppEvents({ publish: (event: { payload: unknown }) => toasts.push(event.payload) } as never);
});
afterEach(() => {
  config.bootData.user.orgRole = role;
});

describe('Rules list', () => {
  test('lists rules with their services and filters, and searches them', async () => {
    setup({
      rules: [
        { config: { ...RULE, match: { ...RULE.match, matchers: ['team=~"dba|sre"'] } } },
        { config: { uid: 'db', name: 'DBA', services: ['ops'] }, provenance: 'file' },
      ],
    });
    renderPage('rules');
    expect(await screen.findByText('严重告警')).toBeInTheDocument();
    expect(screen.getAllByText('Ops group').length).toBeGreaterThan(0);
    expect(screen.getByText('team=~"dba|sre" · critical')).toBeInTheDocument();
    expect(within(screen.getByTestId(testIds.list.row('db'))).getByText('Provisioned')).toBeInTheDocument();
    fireEvent.change(screen.getByPlaceholderText(/search/i), { target: { value: 'dba' } });
    await waitFor(() => expect(screen.queryByText('严重告警')).not.toBeInTheDocument());
    expect(screen.getByText('DBA')).toBeInTheDocument();
  });

  test('a Viewer cannot create a rule and is told why', async () => {
    config.bootData.user.orgRole = 'Viewer' as never;
    setup({ rules: [] });
    renderPage('rules');
    expect(await screen.findByText('No notification rules yet')).toBeInTheDocument();
    const [create] = screen.getAllByRole('link', { name: 'New rule' });
    expect(create).toHaveAttribute('aria-disabled', 'true');
    fireEvent.mouseEnter(create.parentElement!);
    expect(await screen.findByText('Creating rules needs the Editor or Admin role.')).toBeInTheDocument();
  });
});

describe('Rule edit page', () => {
  test('validates with core schema, then creates the rule and shows the preview per destination kind', async () => {
    const { rules } = setup({ rules: [] });
    renderPage('rules/new');
    fireEvent.click(await screen.findByRole('button', { name: 'Create rule' }));
    expect(await screen.findByText('Check the highlighted fields')).toBeInTheDocument();
    expect(rules.stored.size).toBe(0);

    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'Critical' } });
    fireEvent.change(screen.getByLabelText(/^UID/), { target: { value: 'critical' } });
    fireEvent.click(await screen.findByLabelText('Ops group'));
    const robot = await screen.findByTestId(testIds.preview.column('robot-markdown'));
    expect(within(robot).getByText(/\/ 4096 bytes/)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.preview.column('app-textcard'))).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(rules.stored.get('critical')?.config.name).toBe('Critical'));
  });

  test('compares the browser preview with the relay for a saved rule', async () => {
    setup();
    renderPage('rules/critical/edit');
    const compare = await screen.findByRole('button', { name: 'Compare with the relay' });
    await waitFor(() => expect(compare).toBeEnabled());
    fireEvent.click(compare);
    expect(await screen.findByText("Identical to the relay's own preview")).toBeInTheDocument();
  });

  test('a rule’s hidden labels stay hidden in the live preview and are kept when saved', async () => {
    const { rules } = setup({ rules: [{ config: { ...RULE, labels: { hide: ['grafana_folder'], first: ['job'] } } }] });
    renderPage('rules/critical/edit');
    const robot = await screen.findByTestId(testIds.preview.column('robot-markdown'));
    await waitFor(() => expect(within(robot).getAllByText(/> 标签：job=node/).length).toBeGreaterThan(0));
    expect(within(robot).queryByText(/grafana_folder=/)).not.toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: '严重告警（新）' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(rules.stored.get('critical')?.config.name).toBe('严重告警（新）'));
    expect(rules.stored.get('critical')?.config.labels).toEqual({ hide: ['grafana_folder'], first: ['job'] });
  });

  test('connects the contact point through the receivers API with the ingest token', async () => {
    const { grafana } = setup();
    renderPage('rules/critical/edit');
    expect(await screen.findByText('Not created')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Connect to Grafana' }));
    await waitFor(() => expect(toasts).toContainEqual(['Contact point saved in Grafana']));
    expect(await screen.findByText('Connected')).toBeInTheDocument();
    const [point] = [...grafana.stored.values()];
    expect(point.title).toBe('WeCom · 严重告警');
    expect(point.settings).toMatchObject({
      url: 'http://wecom-relay:8686/hooks/grafana/critical',
      authorization_scheme: 'Bearer',
      authorization_credentials: 'ingest-token-0123456789',
    });
    expect(screen.getByRole('link', { name: 'Open notification policies' })).toHaveAttribute(
      'href',
      expect.stringContaining('/alerting/routes')
    );
    fireEvent.click(screen.getByText('Provisioning YAML'));
    expect(screen.getByTestId(testIds.connect.yaml).textContent).toContain('$WECOM_RELAY_INGEST_TOKEN');
    expect(screen.getByTestId(testIds.connect.yaml).textContent).not.toContain('ingest-token-0123456789');
  });

  test('falls back to the provisioning API with X-Disable-Provenance on older Grafana', async () => {
    const { grafana } = setup({ grafana: 'provisioning' });
    renderPage('rules/critical/edit');
    expect(await screen.findByText('Not created')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Connect to Grafana' }));
    await waitFor(() => expect(toasts).toContainEqual(['Contact point saved in Grafana']));
    expect(await screen.findByText('Connected')).toBeInTheDocument();
    const post = grafana.requests.find((request) => request.method === 'POST');
    expect(post?.url).toBe('/api/v1/provisioning/contact-points');
    expect(post?.headers).toMatchObject({ 'X-Disable-Provenance': 'true' });
    expect([...grafana.stored.values()][0].provenance).toBe('');
  });

  test('a provisioned rule is read-only and says why', async () => {
    setup({ rules: [{ config: RULE, provenance: 'file' }] });
    renderPage('rules/critical/edit');
    expect(await screen.findByText(/comes from the relay's provisioning file/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Name/)).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save rule' })).not.toBeInTheDocument();
  });

  test('a Viewer sees the rule and the contact point status, never the token', async () => {
    config.bootData.user.orgRole = 'Viewer' as never;
    const { rules } = setup();
    renderPage('rules/critical/edit');
    expect(await screen.findByText('Not created')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Connect to Grafana' })).toBeDisabled();
    expect(screen.getByLabelText(/^Name/)).toBeDisabled();
    expect(rules.specRequests).toHaveLength(0);
  });
});
