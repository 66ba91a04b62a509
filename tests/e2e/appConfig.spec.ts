import { test, expect } from './fixtures';

// Runs against `npm run server` (docker compose): Grafana with the plugin provisioned from
// provisioning/plugins/apps.yaml and the relay at http://wecom-relay:8686.
test('should be possible to save the relay connection', async ({ appConfigPage, page }) => {
  const saveButton = page.getByRole('button', { name: /save settings/i });

  // reset the provisioned admin token
  await page.getByRole('button', { name: /reset/i }).click();

  await page.getByRole('textbox', { name: 'Relay URL' }).clear();
  await page.getByRole('textbox', { name: 'Relay URL' }).fill('http://wecom-relay:8686');
  await page
    .getByRole('textbox', { name: 'Admin token' })
    .fill(process.env.WECOM_RELAY_ADMIN_TOKEN ?? 'e2e-admin-token');

  // listen for the server response on the saved form
  const saveResponse = appConfigPage.waitForSettingsResponse();

  await saveButton.click();
  await expect(saveResponse).toBeOK();
});

test('"Test connection" reaches the relay through the plugin proxy', async ({ appConfigPage, page }) => {
  const status = page.waitForResponse((response) =>
    response.url().includes('/api/plugin-proxy/wecomrelay-app/relay/status')
  );
  await page.getByRole('button', { name: /test connection/i }).click();
  await expect(status).toBeOK();
  await expect(page.getByText(/connected to wecom relay/i)).toBeVisible();
});
