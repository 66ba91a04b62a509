import { lastValueFrom } from 'rxjs';
import { type PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { type AppJsonData, type AppSecureJsonData } from '../types';

export interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  /** Replaces the stored jsonData as a whole. */
  jsonData: AppJsonData;
  /** Merged key by key with the stored secrets; omit a key to keep its secret. */
  secureJsonData?: AppSecureJsonData;
}

/** Saves the plugin settings the way Grafana's own plugin pages do. Needs org Admin. */
export async function updatePluginSettings(pluginId: string, data: PluginSettingsUpdate): Promise<void> {
  await lastValueFrom(
    getBackendSrv().fetch<PluginMeta>({
      url: `/api/plugins/${pluginId}/settings`,
      method: 'POST',
      data,
      showErrorAlert: false,
    })
  );
}

/**
 * The relay URL as stored: trimmed, without trailing slashes (the proxy route appends /api/v1).
 */
export function normalizeRelayUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

export type RelayUrlProblem = 'empty' | 'invalid' | 'scheme' | 'has-api-path' | 'has-query';

/** What is wrong with a relay URL typed into the config page, or null when it is usable. */
export function checkRelayUrl(value: string): RelayUrlProblem | null {
  const url = normalizeRelayUrl(value);
  if (url === '') {
    return 'empty';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'scheme';
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return 'has-query';
  }
  if (/\/api\/v1$/.test(parsed.pathname.replace(/\/+$/, ''))) {
    return 'has-api-path';
  }
  return null;
}
