import React, { createContext, type ReactNode, useContext } from 'react';
import { type AppPluginMeta } from '@grafana/data';
import { type AppJsonData } from '../types';

const PluginMetaContext = createContext<AppPluginMeta<AppJsonData> | undefined>(undefined);

export function PluginMetaProvider({ meta, children }: { meta: AppPluginMeta<AppJsonData>; children: ReactNode }) {
  return <PluginMetaContext.Provider value={meta}>{children}</PluginMetaContext.Provider>;
}

/** The plugin's settings as Grafana handed them to the app (jsonData.relayUrl, which secrets are set). */
export function usePluginMeta(): AppPluginMeta<AppJsonData> {
  const meta = useContext(PluginMetaContext);
  if (!meta) {
    throw new Error('usePluginMeta outside PluginMetaProvider');
  }
  return meta;
}
