import { configureRelay, expect, test } from './fixtures';

// Runs against `npm run server` (docker compose): Grafana with the plugin provisioned from
// provisioning/plugins/apps.yaml and the relay at http://wecom-relay:8686.
test('should be possible to save the relay connection', async ({ appConfigPage, page }) => {
  await configureRelay(appConfigPage, page);
});

test('"Test connection" reaches the relay through the plugin proxy', async ({ appConfigPage, page }) => {
  const status = page.waitForResponse((response) =>
    response.url().includes('/api/plugin-proxy/wecomrelay-app/relay/status')
  );
  await page.getByRole('button', { name: /test connection/i }).click();
  await expect(status).toBeOK();
  await expect(page.getByText(/connected to wecom relay/i)).toBeVisible();
});
