import pluginJson from '../plugin.json';

export const PLUGIN_ID = pluginJson.id;

/** Where Grafana mounts the app's root page. */
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** The plugin's configuration page (Administration → Plugins → WeCom Relay). */
export const CONFIG_PAGE_URL = `/plugins/${PLUGIN_ID}`;

/**
 * The relay's admin API (`/api/v1/...`) as the browser reaches it: through Grafana's plugin proxy,
 * which adds the admin token from secureJsonData (plugin.json `routes`, path `relay/*`).
 */
export const RELAY_PROXY_URL = `/api/plugin-proxy/${PLUGIN_ID}/relay`;

/** The relay URL in the Docker Compose setup of this repository (docker-compose.yaml). */
export const RELAY_URL_EXAMPLE = 'http://wecom-relay:8686';

/** Pages under PLUGIN_BASE_URL (relative paths for react-router). */
export enum ROUTES {
  Home = 'home',
  Services = 'services',
  Rules = 'rules',
  Deliveries = 'deliveries',
}
