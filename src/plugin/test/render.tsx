import React, { type ReactElement, type ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { type AppPluginMeta, PluginType } from '@grafana/data';
import { locationService, LocationServiceProvider } from '@grafana/runtime';
import { render, type RenderOptions } from '@testing-library/react';
import { PLUGIN_BASE_URL, PLUGIN_ID } from '../constants';
import { type AppJsonData } from '../types';

/** Plugin meta as Grafana hands it to the app and its config page. */
export function createMeta(overrides: Partial<AppPluginMeta<AppJsonData>> = {}): AppPluginMeta<AppJsonData> {
  return {
    id: PLUGIN_ID,
    name: 'WeCom Relay',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData: {},
    secureJsonFields: {},
    ...overrides,
  } as AppPluginMeta<AppJsonData>;
}

export interface CustomRenderOptions extends Omit<RenderOptions, 'wrapper'> {
  /** Path the router starts at, relative to the app root (e.g. "overview") or absolute. */
  path?: string;
}

function Wrapper({ children, path }: { children: ReactNode; path: string }) {
  return (
    <LocationServiceProvider service={locationService}>
      <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        {children}
      </MemoryRouter>
    </LocationServiceProvider>
  );
}

/** render() inside the providers the plugin's pages expect (router, Grafana location service). */
function customRender(ui: ReactElement, { path, ...options }: CustomRenderOptions = {}) {
  const initialPath = !path ? PLUGIN_BASE_URL : path.startsWith('/') ? path : `${PLUGIN_BASE_URL}/${path}`;
  return render(ui, {
    wrapper: ({ children }) => <Wrapper path={initialPath}>{children}</Wrapper>,
    ...options,
  });
}

export * from '@testing-library/react';
export { customRender as render };
