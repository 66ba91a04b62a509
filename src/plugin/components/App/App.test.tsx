import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { type AppRootProps } from '@grafana/data';
import { PLUGIN_BASE_URL } from '../../constants';
import { combineHandlers, mockBackendSrvFetch } from '../../test/backendSrv';
import { contactPointsHandler } from '../../test/handlers/contactPoints';
import { deliveriesHandler } from '../../test/handlers/deliveries';
import { policiesHandler } from '../../test/handlers/policies';
import { rulesHandler } from '../../test/handlers/rules';
import { servicesHandler } from '../../test/handlers/services';
import { statusHandler } from '../../test/handlers/status';
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
  test.each(['home', '', 'no-such-page'])('renders the home page at "%s"', async (path) => {
    // The home page asks the relay and Grafana for everything its start guide checks.
    mockBackendSrvFetch(
      combineHandlers(
        statusHandler().handler,
        servicesHandler().handler,
        rulesHandler().handler,
        deliveriesHandler().handler,
        contactPointsHandler().handler,
        policiesHandler().handler
      )
    );
    // As Grafana mounts an app's root page: under /a/<plugin id>/*.
    render(
      <Routes>
        <Route path={`${PLUGIN_BASE_URL}/*`} element={<App {...props()} />} />
      </Routes>,
      { path }
    );

    // Pages are lazy loaded
    expect(await screen.findByTestId(testIds.overview.container, {}, { timeout: 2000 })).toBeInTheDocument();
    expect(await screen.findByTestId(testIds.overview.status)).toBeInTheDocument();
  });
});
