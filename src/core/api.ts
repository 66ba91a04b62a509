/** Admin API responses the plugin reads, typed once for the relay that sends them and the pages that show them. */

/** GET /api/v1/status */
export interface RelayStatus {
  version: string;
  uptimeSeconds: number;
  storage: { kind: 'sqlite' | 'postgres'; ok: boolean };
  /** null when the storage cannot be read. */
  queue: { pending: number; failed: number; oldestPendingSeconds: number | null } | null;
  wecomApiBase: string;
  /** The relay's address as WeCom reported it in a 60020 answer; add it to 企业可信IP. */
  egressIp: string | null;
  provisioning: string | null;
  services: number;
  rules: number;
}
