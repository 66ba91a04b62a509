import React from 'react';
import { useLocation } from 'react-router-dom';
import { OrgRole } from '@grafana/data';
import { config, setAppEvents } from '@grafana/runtime';
import '../../test/jsdomGaps';
import { combineHandlers, mockBackendSrvFetch } from '../../test/backendSrv';
import { deliveriesHandler, makeAttempt, makeDelivery } from '../../test/handlers/deliveries';
import { rulesHandler } from '../../test/handlers/rules';
import { servicesHandler } from '../../test/handlers/services';
import { fireEvent, render, screen, waitFor, within } from '../../test/render';
import type { DeliveryDetail } from '../../../core/api';
import { DeliveriesPage } from './DeliveriesPage';
import { testIds } from './testIds';

const RULES = [
  { config: { uid: 'critical', name: '严重告警', services: ['ops'] } },
  { config: { uid: 'db', name: 'DBA', services: ['ops'] } },
];

const ROBOT_REMOVED = {
  'zh-CN': '机器人的 Webhook 地址无效。',
  en: 'The robot’s webhook URL is not valid: copy it again from the group.',
};

const FAILED = makeDelivery({
  id: 7,
  status: 'failed',
  lastErrcode: 93000,
  lastError: 'invalid webhook url',
  hint: ROBOT_REMOVED,
  attempts: [
    makeAttempt({
      id: 70,
      deliveryId: 7,
      ok: false,
      errcode: 93000,
      errmsg: 'invalid webhook url',
      hint: ROBOT_REMOVED,
      message: { msgtype: 'markdown', markdown: { content: '## 【告警】DiskFull on db-1' } },
    }),
  ],
});

/** Shows the page's URL search, as the browser's address bar would. */
function Search() {
  return <output data-testid="search">{useLocation().search}</output>;
}

function setup(deliveries: DeliveryDetail[]) {
  const log = deliveriesHandler({ deliveries });
  const fetch = mockBackendSrvFetch(
    combineHandlers(log.handler, rulesHandler({ rules: RULES }).handler, servicesHandler().handler)
  );
  return { log, fetch };
}

function renderPage(search = '') {
  return render(
    <>
      <DeliveriesPage />
      <Search />
    </>,
    { path: `deliveries${search}` }
  );
}

const rows = () => screen.queryAllByTestId(testIds.row);
const role = config.bootData.user.orgRole;
let toasts: unknown[] = [];
beforeEach(() => {
  config.bootData.user.orgRole = OrgRole.Editor;
  toasts = [];
  setAppEvents({ publish: (event: { payload: unknown }) => toasts.push(event.payload) } as never);
});
afterEach(() => {
  config.bootData.user.orgRole = role;
});

describe('Deliveries page', () => {
  test('reads its filters from the URL and writes a changed one back', async () => {
    const { log } = setup([
      FAILED,
      makeDelivery({ id: 8, status: 'sent' }),
      makeDelivery({ id: 9, status: 'failed', rule: 'db' }),
    ]);
    renderPage('?status=failed&rule=critical');

    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(rows()[0]).getByText('#7')).toBeInTheDocument();
    expect(log.queries[0]).toEqual({ status: 'failed', rule: 'critical' });
    expect(screen.getByRole('radio', { name: 'Failed' })).toBeChecked();

    fireEvent.click(screen.getByRole('radio', { name: 'Sent' }));

    await waitFor(() => expect(screen.getByTestId('search')).toHaveTextContent('?status=sent&rule=critical'));
    await waitFor(() => expect(log.queries).toContainEqual({ status: 'sent', rule: 'critical' }));

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(screen.getByTestId('search')).toHaveTextContent(/^$/));
    await waitFor(() => expect(rows()).toHaveLength(3));
  });

  test('a relative time range in the URL goes to the relay as a moving bound in ms', async () => {
    const { log } = setup([FAILED]);
    const before = Date.now();
    renderPage('?since=now-24h');

    await waitFor(() => expect(log.queries).toHaveLength(1));
    const since = Number(log.queries[0].since);
    const dayAgo = 24 * 60 * 60 * 1000;
    expect(since).toBeGreaterThanOrEqual(before - dayAgo);
    expect(since).toBeLessThanOrEqual(Date.now() - dayAgo);
    expect(log.queries[0].until).toBeUndefined();
  });

  test('pages to older deliveries with the cursor of the page before', async () => {
    const { log } = setup(Array.from({ length: 60 }, (_, index) => makeDelivery({ id: index + 1 })));
    renderPage();

    await waitFor(() => expect(rows()).toHaveLength(50));
    expect(within(rows()[0]).getByText('#60')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Load older deliveries' }));

    await waitFor(() => expect(rows()).toHaveLength(60));
    expect(log.queries[1]).toEqual({ cursor: '11' });
    expect(within(rows()[59]).getByText('#1')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load older deliveries' })).not.toBeInTheDocument();
  });

  test("a failed delivery's row tells what to do, in the user's language", async () => {
    setup([FAILED, makeDelivery({ id: 8, status: 'sent' })]);
    const language = config.bootData.user.language;
    config.bootData.user.language = 'zh-Hans';
    try {
      renderPage();
      await waitFor(() => expect(rows()).toHaveLength(2));
      fireEvent.mouseEnter(within(rows()[1]).getByText('93000'));

      const tip = await screen.findByRole('tooltip');
      expect(tip).toHaveTextContent('invalid webhook url');
      expect(within(tip).getAllByText(ROBOT_REMOVED['zh-CN'])).toHaveLength(1);
      expect(tip).not.toHaveTextContent(ROBOT_REMOVED.en);
      expect(within(rows()[0]).queryByText('93000')).not.toBeInTheDocument();
    } finally {
      config.bootData.user.language = language;
    }
  });

  test('opens a delivery in a drawer with its attempts, the hint and the message as sent', async () => {
    setup([FAILED]);
    renderPage();

    fireEvent.click(await screen.findByRole('link', { name: 'Open delivery 7' }));

    const drawer = within(await screen.findByTestId(testIds.drawer));
    expect(screen.getByTestId('search')).toHaveTextContent('?id=7');
    expect(await drawer.findByText('Refused or failed')).toBeInTheDocument();
    expect(drawer.getAllByTestId(testIds.attempt)).toHaveLength(1);
    expect(drawer.getByText(/93000: invalid webhook url/, { selector: 'div' })).toBeInTheDocument();
    expect(drawer.getAllByText(ROBOT_REMOVED.en)).toHaveLength(1);

    fireEvent.click(drawer.getByText('Message as sent'));
    expect(drawer.getByText('## 【告警】DiskFull on db-1')).toBeInTheDocument();
  });

  test('an Editor retries a failed delivery: a toast, and the log shows it queued again', async () => {
    const { log } = setup([FAILED]);
    renderPage('?id=7');

    const drawer = within(await screen.findByTestId(testIds.drawer));
    fireEvent.click(await drawer.findByRole('button', { name: 'Retry' }));

    await waitFor(() => expect(toasts).toContainEqual(['Queued again']));
    expect(log.retries).toEqual([7]);
    expect(await drawer.findByText('Still queued: the relay sends it on its own.')).toBeInTheDocument();
    await waitFor(() => expect(within(rows()[0]).getByText('Pending')).toBeInTheDocument());
  });

  test('a Viewer cannot retry, and is told why', async () => {
    config.bootData.user.orgRole = OrgRole.Viewer;
    const { log } = setup([FAILED]);
    renderPage('?id=7');

    const drawer = within(await screen.findByTestId(testIds.drawer));
    expect(await drawer.findByRole('button', { name: 'Retry' })).toBeDisabled();
    expect(drawer.getByText('Only Editors and Admins can send a delivery again.')).toBeInTheDocument();
    expect(log.retries).toEqual([]);
  });
});
