/**
 * Reloads the page so Grafana hands the plugin its new settings (plugin.meta is not refreshed
 * otherwise; there is no supported way to update it in place). A module of its own so tests can
 * replace it: jsdom does not implement navigation.
 */
export function reloadPage(): void {
  window.location.reload();
}
