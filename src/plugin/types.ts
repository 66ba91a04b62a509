/** The plugin's jsonData (plugin settings, readable by every user of the org). */
export interface AppJsonData {
  /** Base URL of the relay as Grafana's server reaches it, e.g. http://wecom-relay:8686 */
  relayUrl?: string;
}

/** Keys of the plugin's secureJsonData (write-only, encrypted by Grafana). */
export interface AppSecureJsonData {
  /** The relay's admin token (WECOM_RELAY_ADMIN_TOKEN); Grafana sends it as a Bearer token. */
  adminToken?: string;
}
