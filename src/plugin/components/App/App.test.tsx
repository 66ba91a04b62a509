import React from 'react';
import { type AppRootProps } from '@grafana/data';
import { mockBackendSrvFetch, RELAY_STATUS } from '../../test/backendSrv';
import { createMeta, render, screen } from '../../test/render';
import { testIds } from '../testIds';
import App from './App';

function props(): AppRootProps {
  return {
    basename: 'a/wecomrelay-app',
    meta: createMeta({ jsonData: { relayUrl: 'http://wecom-relay:8686' } }),
    query: {},
    path: '',
    onNavChanged: jest.fn(),
  } as unknown as AppRootProps;
}

describe('App', () => {
  test.each(['overview', '', 'no-such-page'])('renders the overview at "%s"', async (path) => {
    mockBackendSrvFetch(() => ({ data: RELAY_STATUS }));
    render(<App {...props()} />, { path: `/${path}` });

    // Pages are lazy loaded
    expect(await screen.findByTestId(testIds.overview.container, {}, { timeout: 2000 })).toBeInTheDocument();
    expect(await screen.findByTestId(testIds.overview.status)).toBeInTheDocument();
  });
});
