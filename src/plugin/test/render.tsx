import React, { type ReactElement, type ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { type AppPluginMeta, PluginType } from '@grafana/data';
import { locationService, LocationServiceProvider } from '@grafana/runtime';
import { QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import { PluginMetaProvider } from '../data/pluginMeta';
import { createQueryClient } from '../data/queryClient';
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

/** A configured plugin: the relay URL and admin token are set. */
export const CONFIGURED_META = createMeta({
  jsonData: { relayUrl: 'http://wecom-relay:8686' },
  secureJsonFields: { adminToken: true },
});

export interface CustomRenderOptions extends Omit<RenderOptions, 'wrapper'> {
  /** Path the router starts at, relative to the app root (e.g. "services") or absolute. */
  path?: string;
  /** The plugin settings the pages see; a configured plugin by default. */
  meta?: AppPluginMeta<AppJsonData>;
}

/**
 * render() inside the providers the plugin's pages expect: router, Grafana location service,
 * plugin meta, and a query client of its own (no retries, so an error shows at once).
 */
function customRender(ui: ReactElement, { path, meta = CONFIGURED_META, ...options }: CustomRenderOptions = {}) {
  const initialPath = !path ? PLUGIN_BASE_URL : path.startsWith('/') ? path : `${PLUGIN_BASE_URL}/${path}`;
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, gcTime: Infinity } });
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <PluginMetaProvider meta={meta}>
        <LocationServiceProvider service={locationService}>
          <MemoryRouter
            initialEntries={[initialPath]}
            future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
          >
            {children}
          </MemoryRouter>
        </LocationServiceProvider>
      </PluginMetaProvider>
    </QueryClientProvider>
  );
  return { queryClient, ...render(ui, { wrapper: Wrapper, ...options }) };
}

export * from '@testing-library/react';
export { customRender as render };
