import type { Catalog } from './config/catalog';
import type { DeliveryWorker } from './delivery/worker';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { Settings } from './settings';
import type { Storage } from './storage/types';
import type { WecomClient } from './wecom/client';

/** What the HTTP routes work with. */
export interface RelayContext {
  settings: Settings;
  storage: Storage;
  catalog: Catalog;
  worker: DeliveryWorker;
  client: WecomClient;
  metrics: Metrics;
  logger: Logger;
  tokens: { admin: string; ingest: string };
  version: string;
  /** Re-reads the provisioning folder and applies it atomically. */
  reloadProvisioning(): Promise<{ changed: number; removed: number; unchanged: number }>;
}
