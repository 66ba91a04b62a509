import React from 'react';
import { OrgRole } from '@grafana/data';
import { config, setAppEvents } from '@grafana/runtime';
import { combineHandlers, mockBackendSrvFetch, RELAY_STATUS } from '../../test/backendSrv';
import { rulesHandler } from '../../test/handlers/rules';
import { servicesHandler } from '../../test/handlers/services';
import { fireEvent, render, screen, waitFor, within } from '../../test/render';
import ServicesPage from './ServicesPage';
import { testIds } from './testIds';

const robot = (key: string, groups: string) => ({
  groups,
  webhookUrl: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`,
});

const SERVICES = [
  {
    config: { uid: 'ops', name: '运维通知', robots: [robot('opskey-12345678', '运维群&DBA群')] },
    usedBy: ['critical'],
  },
  { config: { uid: 'dev', name: '开发通知', description: '研发群', robots: [robot('devkey-12345678', '研发群')] } },
  {
    config: {
      uid: 'oncall',
      name: '值班人员',
      app: { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 's', accounts: ['zhangsan', 'lisi'] },
    },
    provenance: 'file' as const,
  },
];

function setup() {
  const services = servicesHandler({ services: SERVICES });
  const rules = rulesHandler({ rules: [{ config: { uid: 'critical', name: '严重告警', services: ['ops'] } }] });
  mockBackendSrvFetch(
    combineHandlers(services.handler, rules.handler, (request) =>
      request.url.endsWith('/status') ? { data: RELAY_STATUS } : undefined
    )
  );
  return services;
}

const rowOf = (name: string) => screen.getByRole('row', { name: new RegExp(name) });

describe('ServicesPage', () => {
  const role = config.bootData.user.orgRole;
  beforeEach(() => {
    config.bootData.user.orgRole = OrgRole.Admin;
    setAppEvents({ publish: () => undefined } as never);
  });
  afterEach(() => {
    config.bootData.user.orgRole = role;
  });

  test('lists services with their groups, the rules using them and the provisioned badge; search narrows', async () => {
    setup();
    render(<ServicesPage />, { path: 'services' });

    const ops = await screen.findByRole('row', { name: /运维通知/ });
    expect(within(ops).getByText('DBA群')).toBeInTheDocument();
    expect(await within(ops).findByRole('link', { name: '严重告警' })).toHaveAttribute(
      'href',
      '/a/wecomrelay-app/rules/critical/edit'
    );
    expect(within(rowOf('值班人员')).getByText('Provisioned')).toBeInTheDocument();
    expect(within(rowOf('值班人员')).getByText(/App 1000002: 2 accounts/)).toBeInTheDocument();
    expect(within(rowOf('开发通知')).getByText('No rule')).toBeInTheDocument();

    fireEvent.change(screen.getByPlaceholderText(/Search by name/), { target: { value: '研发' } });
    expect(screen.queryByRole('row', { name: /运维通知/ })).not.toBeInTheDocument();
    expect(rowOf('开发通知')).toBeInTheDocument();
  });

  test('deletes a service after confirmation', async () => {
    const services = setup();
    render(<ServicesPage />, { path: 'services' });

    fireEvent.click(
      within(await screen.findByRole('row', { name: /开发通知/ })).getByRole('button', { name: 'Delete 开发通知' })
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));

    await waitFor(() => expect(screen.queryByRole('row', { name: /开发通知/ })).not.toBeInTheDocument(), {
      timeout: 5000,
    });
    expect(services.stored.has('dev')).toBe(false);
  });

  test('a service used by rules is not deleted: the relay’s 409 names them', async () => {
    const services = setup();
    render(<ServicesPage />, { path: 'services' });

    fireEvent.click(
      within(await screen.findByRole('row', { name: /运维通知/ })).getByRole('button', { name: 'Delete 运维通知' })
    );
    expect(screen.getByText(/Rules 严重告警 still send through it/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));

    expect(await screen.findByTestId(testIds.list.deleteError)).toHaveTextContent('used by rule(s) critical');
    expect(services.stored.has('ops')).toBe(true);
  });

  test('a provisioned service cannot be deleted here', async () => {
    setup();
    render(<ServicesPage />, { path: 'services' });

    const button = within(await screen.findByRole('row', { name: /值班人员/ })).getByRole('button', {
      name: 'Delete 值班人员',
    });
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(within(rowOf('值班人员')).getByRole('link', { name: /View/ })).toBeInTheDocument();
  });

  test('a Viewer sees the list without delete, with View links and no test', async () => {
    config.bootData.user.orgRole = OrgRole.Viewer;
    setup();
    render(<ServicesPage />, { path: 'services' });

    const ops = await screen.findByRole('row', { name: /运维通知/ });
    expect(within(ops).queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
    expect(within(ops).getByRole('link', { name: /View/ })).toHaveAttribute(
      'href',
      '/a/wecomrelay-app/services/ops/edit'
    );
    expect(within(ops).getByRole('button', { name: 'Send test' })).toHaveAttribute('aria-disabled', 'true');
  });

  test('a Viewer cannot create the first service and is told why', async () => {
    config.bootData.user.orgRole = OrgRole.Viewer;
    mockBackendSrvFetch(combineHandlers(servicesHandler().handler));
    render(<ServicesPage />, { path: 'services' });

    expect(await screen.findByText('No notification service yet')).toBeInTheDocument();
    const create = screen.getByRole('link', { name: 'New service' });
    expect(create).toHaveAttribute('aria-disabled', 'true');
    fireEvent.mouseEnter(create.parentElement!);
    expect(await screen.findByText('Creating a service needs the Editor or Admin role')).toBeInTheDocument();
  });

  test('send test from the list shows the result in a dialog', async () => {
    setup();
    render(<ServicesPage />, { path: 'services' });

    fireEvent.click(
      within(await screen.findByRole('row', { name: /开发通知/ })).getByRole('button', { name: 'Send test' })
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send test' }));

    expect(await within(dialog).findByText('Every destination received the test message')).toBeInTheDocument();
    expect(within(dialog).getByTestId(testIds.test.result('robot:5678'))).toHaveTextContent('研发群');
  });
});
