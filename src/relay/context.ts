import type { Catalog } from './config/catalog';
import type { DeliveryThread } from './delivery/thread';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { ProvisioningError } from './provisioning/load';
import type { Settings } from './settings';
import type { Storage } from './storage/types';
import type { WecomClient } from './wecom/client';
import type { EgressRoute } from './wecom/egress';

/** What the HTTP routes work with. */
export interface RelayContext {
  settings: Settings;
  storage: Storage;
  catalog: Catalog;
  worker: DeliveryThread;
  client: WecomClient;
  metrics: Metrics;
  logger: Logger;
  tokens: { admin: string; ingest: string };
  version: string;
  /** How the WeCom calls leave: through which proxy, or direct. */
  egress: EgressRoute;
  /** The last reload that was refused, until one succeeds. */
  refusedReload: { at: number; error: ProvisioningError } | null;
  /** Re-reads the provisioning folder and applies it atomically. */
  reloadProvisioning(): Promise<{ changed: number; removed: number; unchanged: number }>;
}
