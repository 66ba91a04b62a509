import React from 'react';
import { testIds } from '../../components/testIds';
import { mockBackendSrvFetch, RELAY_STATUS } from '../../test/backendSrv';
import { createMeta, fireEvent, render, screen, waitFor } from '../../test/render';
import { HomePage } from './HomePage';

const STATUS_URL = '/api/plugin-proxy/wecomrelay-app/relay/status';

describe('HomePage', () => {
  test('links to the configuration page and calls nothing when the relay is not configured', () => {
    const fetch = mockBackendSrvFetch(() => ({ data: RELAY_STATUS }));
    render(<HomePage />, { meta: createMeta() });

    expect(screen.getByTestId(testIds.overview.notConfigured)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /open configuration/i })).toHaveAttribute(
      'href',
      '/plugins/wecomrelay-app'
    );
    expect(fetch).not.toHaveBeenCalled();
  });

  test('shows the relay status', async () => {
    const fetch = mockBackendSrvFetch(() => ({ data: RELAY_STATUS }));
    render(<HomePage />);

    expect(await screen.findByTestId(testIds.overview.status)).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledWith(expect.objectContaining({ url: STATUS_URL }));
    expect(screen.getByText('http://wecom-relay:8686')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.relayStatus.version)).toHaveTextContent('1.2.3');
    expect(screen.getByTestId(testIds.relayStatus.storage)).toHaveTextContent(/sqlite.*reachable/);
    expect(screen.getByTestId(testIds.relayStatus.queue)).toHaveTextContent('4');
    expect(screen.getByTestId(testIds.relayStatus.failed)).toHaveTextContent('1');
    expect(screen.getByTestId(testIds.relayStatus.egressIp)).toHaveTextContent('203.0.113.7');
    expect(screen.getByTestId(testIds.relayStatus.services)).toHaveTextContent('2');
    expect(screen.getByTestId(testIds.relayStatus.rules)).toHaveTextContent('3');
  });

  test('explains an unreachable relay, links to the configuration and retries on refresh', async () => {
    let answer: 'down' | 'up' = 'down';
    const fetch = mockBackendSrvFetch(() =>
      answer === 'down' ? { error: { status: 502, data: { message: 'Bad Gateway' } } } : { data: RELAY_STATUS }
    );
    render(<HomePage />);

    expect(await screen.findByTestId(testIds.overview.error)).toHaveTextContent(/could not reach the relay/i);
    expect(screen.getByRole('link', { name: /check configuration/i })).toHaveAttribute(
      'href',
      '/plugins/wecomrelay-app'
    );

    answer = 'up';
    fireEvent.click(screen.getAllByTestId(testIds.overview.refresh)[0]);

    expect(await screen.findByTestId(testIds.overview.status)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId(testIds.overview.error)).not.toBeInTheDocument());
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
