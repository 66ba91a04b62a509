import React from 'react';
import { mockBackendSrvFetch, RELAY_STATUS } from '../../test/backendSrv';
import { createMeta, fireEvent, render, screen, waitFor } from '../../test/render';
import { reloadPage } from '../../utils/browser';
import { testIds } from '../testIds';
import AppConfig, { type AppConfigProps } from './AppConfig';

jest.mock('../../utils/browser', () => ({ reloadPage: jest.fn() }));

function renderConfig(meta = createMeta()) {
  const props = { plugin: { meta }, query: {} } as unknown as AppConfigProps;
  return render(<AppConfig {...props} />);
}

const SETTINGS_URL = '/api/plugins/wecomrelay-app/settings';
const STATUS_URL = '/api/plugin-proxy/wecomrelay-app/relay/status';

describe('AppConfig', () => {
  beforeEach(() => {
    jest.mocked(reloadPage).mockReset();
  });

  test('shows the relay URL and admin token fields, filled from the saved settings', () => {
    mockBackendSrvFetch(() => ({ data: {} }));
    renderConfig(
      createMeta({ jsonData: { relayUrl: 'http://wecom-relay:8686' }, secureJsonFields: { adminToken: true } })
    );

    expect(screen.getByRole('group', { name: /relay connection/i })).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.relayUrl)).toHaveValue('http://wecom-relay:8686');
    // A configured secret is shown as such, never its value.
    expect(screen.getByTestId(testIds.appConfig.adminToken)).toHaveValue('configured');
    expect(screen.getByRole('button', { name: /reset/i })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /save settings/i })).toBeEnabled();
  });

  test('saves the relay URL and a new admin token to the plugin settings, then reloads', async () => {
    const fetch = mockBackendSrvFetch(() => ({ data: {} }));
    renderConfig(createMeta({ enabled: false, pinned: false, jsonData: { relayUrl: '' } }));

    fireEvent.change(screen.getByTestId(testIds.appConfig.relayUrl), {
      target: { value: ' http://relay.internal:8686/ ' },
    });
    fireEvent.change(screen.getByTestId(testIds.appConfig.adminToken), { target: { value: 's3cret-token' } });
    fireEvent.click(screen.getByRole('button', { name: /save settings/i }));

    await waitFor(() => expect(reloadPage).toHaveBeenCalledTimes(1));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toMatchObject({
      url: SETTINGS_URL,
      method: 'POST',
      data: {
        enabled: true,
        pinned: true,
        jsonData: { relayUrl: 'http://relay.internal:8686' },
        secureJsonData: { adminToken: 's3cret-token' },
      },
    });
  });

  test('keeps a configured admin token by not sending it again', async () => {
    const fetch = mockBackendSrvFetch(() => ({ data: {} }));
    renderConfig(
      createMeta({
        pinned: false,
        jsonData: { relayUrl: 'http://old:8686', other: 1 } as never,
        secureJsonFields: { adminToken: true },
      })
    );

    fireEvent.change(screen.getByTestId(testIds.appConfig.relayUrl), {
      target: { value: 'https://relay.example.com' },
    });
    fireEvent.click(screen.getByRole('button', { name: /save settings/i }));

    await waitFor(() => expect(reloadPage).toHaveBeenCalled());
    const { data } = fetch.mock.calls[0][0];
    expect(data.secureJsonData).toBeUndefined();
    // jsonData is replaced as a whole by Grafana: keys this page does not edit are kept.
    expect(data.jsonData).toEqual({ relayUrl: 'https://relay.example.com', other: 1 });
    // An enabled app an admin unpinned stays unpinned.
    expect(data.pinned).toBe(false);
  });

  test('refuses a relay URL that already ends in /api/v1, and a missing token', () => {
    const fetch = mockBackendSrvFetch(() => ({ data: {} }));
    renderConfig();

    fireEvent.change(screen.getByTestId(testIds.appConfig.relayUrl), {
      target: { value: 'http://wecom-relay:8686/api/v1' },
    });
    fireEvent.blur(screen.getByTestId(testIds.appConfig.relayUrl));

    expect(screen.getByText(/enter the base url without \/api\/v1/i)).toBeInTheDocument();
    expect(screen.getByText(/the admin token is required/i)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /save settings/i })).toBeDisabled();
    expect(fetch).not.toHaveBeenCalled();
  });

  test('shows an error when Grafana refuses to save', async () => {
    mockBackendSrvFetch(() => ({ error: { status: 403, data: { message: 'Permission denied' } } }));
    renderConfig(
      createMeta({ jsonData: { relayUrl: 'http://wecom-relay:8686' }, secureJsonFields: { adminToken: true } })
    );

    fireEvent.click(screen.getByRole('button', { name: /save settings/i }));

    expect(await screen.findByText(/saving the settings failed/i)).toBeInTheDocument();
    expect(screen.getByText('Permission denied')).toBeInTheDocument();
    expect(reloadPage).not.toHaveBeenCalled();
  });

  test('"Test connection" reads the relay status through the plugin proxy and shows it', async () => {
    const fetch = mockBackendSrvFetch((request) =>
      request.url === STATUS_URL ? { data: RELAY_STATUS } : { error: { status: 404, data: { message: 'Not found' } } }
    );
    renderConfig(
      createMeta({ jsonData: { relayUrl: 'http://wecom-relay:8686' }, secureJsonFields: { adminToken: true } })
    );

    fireEvent.click(screen.getByRole('button', { name: /test connection/i }));

    expect(await screen.findByText(/connected to wecom relay/i)).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledWith(expect.objectContaining({ url: STATUS_URL, method: 'GET' }));
    expect(screen.getByText('1.2.3')).toBeInTheDocument();
    expect(screen.getByText(/sqlite/)).toBeInTheDocument();
    expect(screen.getByText('4')).toBeInTheDocument();
    expect(screen.getByText('203.0.113.7')).toBeInTheDocument();
  });

  test.each([
    [502, { message: 'Bad Gateway' }, /could not reach the relay at the saved url/i],
    [401, { message: 'invalid admin token' }, /refused the admin token/i],
    [404, { message: 'plugin route match not found' }, /restart grafana/i],
  ])('"Test connection" explains a %s answer', async (status, data, explanation) => {
    mockBackendSrvFetch(() => ({ error: { status, data } }));
    renderConfig(
      createMeta({ jsonData: { relayUrl: 'http://wecom-relay:8686' }, secureJsonFields: { adminToken: true } })
    );

    fireEvent.click(screen.getByRole('button', { name: /test connection/i }));

    expect(await screen.findByText(/the relay could not be reached/i)).toBeInTheDocument();
    expect(screen.getByText(explanation)).toBeInTheDocument();
    expect(screen.getByText(new RegExp(`HTTP ${status}: ${data.message}`))).toBeInTheDocument();
  });

  test('says the test uses the saved settings while there are unsaved changes', () => {
    mockBackendSrvFetch(() => ({ data: RELAY_STATUS }));
    renderConfig(
      createMeta({ jsonData: { relayUrl: 'http://wecom-relay:8686' }, secureJsonFields: { adminToken: true } })
    );

    expect(screen.queryByText(/uses the saved settings/i)).not.toBeInTheDocument();
    fireEvent.change(screen.getByTestId(testIds.appConfig.relayUrl), { target: { value: 'http://other:8686' } });
    expect(screen.getByText(/uses the saved settings/i)).toBeInTheDocument();
  });
});
