import React from 'react';
import { OrgRole } from '@grafana/data';
import { Route, Routes } from 'react-router-dom';
import { config, setAppEvents } from '@grafana/runtime';
import { combineHandlers, mockBackendSrvFetch, RELAY_STATUS } from '../../test/backendSrv';
import { servicesHandler } from '../../test/handlers/services';
import { fireEvent, render, screen, waitFor, within } from '../../test/render';
import { wecomExportFile } from '../../test/wecomExport';
import ServiceEditPage from './ServiceEditPage';
import ServicesPage from './ServicesPage';
import { testIds } from './testIds';

const KEY = 'robotkey-0123456789';
const URL_OF = (key: string) => `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}`;
const statusHandler = (request: { url: string }) =>
  request.url.endsWith('/relay/status') ? { data: RELAY_STATUS } : undefined;

const OPS = {
  uid: 'ops',
  name: '运维通知',
  description: '值班群',
  robots: [{ groups: '运维群&DBA群', webhookUrl: URL_OF(KEY) }],
  app: { corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret', accounts: ['zhangsan'] },
};

function setup(options: Parameters<typeof servicesHandler>[0] = {}) {
  const services = servicesHandler(options);
  const fetch = mockBackendSrvFetch(combineHandlers(services.handler, statusHandler));
  return { services, fetch };
}

function renderAt(path: string) {
  return render(
    <Routes>
      <Route path="/a/wecomrelay-app/services" element={<ServicesPage />} />
      <Route path="/a/wecomrelay-app/services/new" element={<ServiceEditPage />} />
      <Route path="/a/wecomrelay-app/services/:uid/edit" element={<ServiceEditPage />} />
    </Routes>,
    { path }
  );
}

const type = (label: RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

function addTags(label: RegExp, text: string) {
  const input = screen.getByLabelText(label);
  fireEvent.change(input, { target: { value: text } });
  fireEvent.keyDown(input, { key: 'Enter' });
}

describe('ServiceEditPage', () => {
  const role = config.bootData.user.orgRole;
  afterEach(() => {
    config.bootData.user.orgRole = role;
  });
  let toasts: unknown[] = [];
  beforeEach(() => {
    config.bootData.user.orgRole = OrgRole.Admin;
    toasts = [];
    setAppEvents({ publish: (event: { payload: unknown }) => toasts.push(event.payload) } as never);
  });

  test('creates a service with a robot: uid from the name, groups as chips, back to the list', async () => {
    const { services } = setup();
    renderAt('services/new');

    expect(screen.getByLabelText(/WeCom groups/)).toBeChecked();
    expect(screen.getByLabelText(/WeCom accounts/)).not.toBeChecked();
    type(/^Name/, 'Ops team');
    expect(screen.getByLabelText(/^UID/)).toHaveValue('ops-team');
    addTags(/Group names/, '运维群&DBA群');
    expect(within(screen.getByTestId(testIds.form.robotRow(0))).getByText('DBA群')).toBeInTheDocument();
    type(/Webhook URL/, URL_OF(KEY));
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));

    expect(await screen.findByPlaceholderText(/Search by name/)).toBeInTheDocument();
    expect(services.stored.get('ops-team')?.config.robots).toEqual([
      { groups: '运维群&DBA群', webhookUrl: URL_OF(KEY) },
    ]);
    expect(await screen.findByText('Ops team')).toBeInTheDocument();
  });

  test('refuses what the relay would refuse, on the field, before sending', async () => {
    const { fetch } = setup();
    renderAt('services/new');

    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));
    expect(await screen.findAllByText(/must not be empty/)).not.toHaveLength(0);

    type(/^Name/, 'Ops');
    type(/Webhook URL/, 'https://evil.example.com/cgi-bin/webhook/send?key=abcdefgh12');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));

    expect(
      await screen.findByText(/must be https:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/webhook\/send/)
    ).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalledWith(expect.objectContaining({ method: 'POST' }));
  });

  test('edits a service: the key and secret stay when not retyped, the uid is fixed', async () => {
    const { services } = setup({ services: [{ config: OPS }] });
    renderAt('services/ops/edit');

    expect(await screen.findByDisplayValue('运维通知')).toBeInTheDocument();
    expect(screen.getByLabelText(/^UID/)).toBeDisabled();
    expect(screen.getByLabelText(/WeCom accounts/)).toBeChecked();
    expect(screen.getByLabelText(/Webhook URL/)).toHaveValue('configured');
    expect(screen.getByLabelText(/^Secret/)).toHaveValue('configured');
    type(/^Description/, '值班群与值班人员');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));

    await screen.findByPlaceholderText(/Search by name/);
    const saved = services.stored.get('ops')!;
    expect(saved.version).toBe(2);
    expect(saved.config.description).toBe('值班群与值班人员');
    expect(saved.config.robots[0].webhookUrl).toBe(URL_OF(KEY));
    expect(saved.config.app?.secret).toBe('app-secret');
  });

  test('shows the relay’s 400 problems on the fields', async () => {
    setup({ services: [{ config: OPS }] });
    renderAt('services/ops/edit');

    await screen.findByDisplayValue('运维通知');
    fireEvent.click(screen.getAllByRole('button', { name: 'Reset' })[1]);
    type(/^Secret/, 'new-secret');
    type(/^Corp ID/, 'ww 1');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));

    expect(await screen.findByText(/^not a WeCom corpId \(企业ID\)/)).toBeInTheDocument();
  });

  test('imports accounts from a real WeCom member export, with a preview of what is skipped and why', async () => {
    const { services } = setup({ services: [{ config: OPS }] });
    renderAt('services/ops/edit');
    await screen.findByDisplayValue('运维通知');

    const file = await wecomExportFile(
      [
        { name: '张三', account: 'zhangsan' },
        { name: '李四', account: 'lisi' },
        { name: '王五', account: 'wangwu' },
        { name: '李四', account: 'LISI' },
        { name: '赵六', account: '' },
      ],
      { accountHeader: '帐号' }
    );
    fireEvent.change(screen.getByLabelText(/Import from the member export/), { target: { files: [file] } });

    const preview = await screen.findByTestId(testIds.import.preview);
    expect(preview).toHaveTextContent('2 to add, 3 skipped (header in row 3)');
    const skipped = within(screen.getByTestId(testIds.import.skipped));
    expect(skipped.getByRole('row', { name: /4 zhangsan already in the service/ })).toBeInTheDocument();
    expect(skipped.getByRole('row', { name: /7 LISI already in this file/ })).toBeInTheDocument();
    expect(skipped.getByRole('row', { name: /8 no account in this row/ })).toBeInTheDocument();

    fireEvent.click(within(preview).getByRole('button', { name: 'Add 2 accounts' }));
    expect(screen.getByLabelText(/^Accounts/)).toHaveValue('zhangsan\nlisi\nwangwu');
    fireEvent.click(screen.getByRole('button', { name: 'Save service' }));

    await screen.findByPlaceholderText(/Search by name/);
    expect(services.stored.get('ops')?.config.app?.accounts).toEqual(['zhangsan', 'lisi', 'wangwu']);
  });

  test('a file without a 账号 column is explained', async () => {
    setup({ services: [{ config: OPS }] });
    renderAt('services/ops/edit');
    await screen.findByDisplayValue('运维通知');

    const file = new File(['姓名,手机\n张三,13800000000\n'], 'phones.csv', { type: 'text/csv' });
    fireEvent.change(screen.getByLabelText(/Import from the member export/), { target: { files: [file] } });

    expect(await screen.findByText(/No column headed 账号 or 帐号/)).toBeInTheDocument();
  });

  test('send test shows each destination’s result with errcode and hint, and tests one again', async () => {
    const { services } = setup({
      services: [{ config: OPS }],
      testAnswer: (target) =>
        target.kind === 'app'
          ? {
              ok: false,
              errcode: 60020,
              errmsg: 'not allow to access from your ip',
              hint: { 'zh-CN': '请把 203.0.113.7 加入企业可信IP', en: 'add 203.0.113.7 to the app’s 企业可信IP' },
            }
          : {},
    });
    renderAt('services/ops/edit');
    await screen.findByDisplayValue('运维通知');

    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));

    const robot = await screen.findByTestId(testIds.test.result('robot:6789'));
    expect(robot).toHaveTextContent(/Sent.*Group robot.*运维群&DBA群/);
    const app = screen.getByTestId(testIds.test.result('app:ww0123456789abcdef:1000002'));
    expect(app).toHaveTextContent('errcode 60020: not allow to access from your ip');
    expect(app).toHaveTextContent('add 203.0.113.7 to the app’s 企业可信IP');
    expect(screen.getByText('Not every destination received the test message')).toBeInTheDocument();

    fireEvent.click(within(app).getByRole('button', { name: 'Test again' }));
    await waitFor(() => expect(services.tests).toHaveLength(2));
    expect(services.tests[1]).toEqual({ uid: 'ops', destination: 'app:ww0123456789abcdef:1000002' });
    expect(screen.getByTestId(testIds.test.result('robot:6789'))).toHaveTextContent('Sent');
  });

  test('a provisioned service is read-only and says why', async () => {
    setup({ services: [{ config: OPS, provenance: 'file' }] });
    renderAt('services/ops/edit');

    expect(await screen.findByTestId(testIds.form.readOnly)).toHaveTextContent(/provisioning file/);
    expect(screen.getByLabelText(/^Name/)).toBeDisabled();
    expect(screen.getByLabelText(/^Corp ID/)).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save service' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add robot' })).not.toBeInTheDocument();
  });

  test('a Viewer sees the service read-only and cannot send a test', async () => {
    config.bootData.user.orgRole = OrgRole.Viewer;
    setup({ services: [{ config: OPS }] });
    renderAt('services/ops/edit');

    expect(await screen.findByTestId(testIds.form.readOnly)).toHaveTextContent(/Editor or Admin role/);
    expect(screen.getByLabelText(/^Name/)).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Send test' })).toHaveAttribute('aria-disabled', 'true');
    expect(screen.queryByRole('button', { name: 'Save service' })).not.toBeInTheDocument();
  });
});
