import { AppConfigPage, AppPage, expect, test as base } from '@grafana/plugin-e2e';
import type { Page } from '@playwright/test';
import pluginJson from '../../src/plugin.json';
import { RELAY_PROXY_URL, RELAY_URL_EXAMPLE } from '../../src/plugin/constants';

type AppTestFixture = {
  appConfigPage: AppConfigPage;
  gotoPage: (path?: string) => Promise<AppPage>;
};

export const test = base.extend<AppTestFixture>({
  appConfigPage: async ({ gotoAppConfigPage }, use) => {
    const configPage = await gotoAppConfigPage({
      pluginId: pluginJson.id,
    });
    await use(configPage);
  },
  gotoPage: async ({ gotoAppPage }, use) => {
    await use((path) =>
      gotoAppPage({
        path,
        pluginId: pluginJson.id,
      })
    );
  },
});

export { expect } from '@grafana/plugin-e2e';

/** The relay's admin token of the compose stack (playwright.config.ts reads it from .env). */
export function adminToken(): string {
  const token = process.env.WECOM_RELAY_ADMIN_TOKEN;
  if (!token) {
    throw new Error('WECOM_RELAY_ADMIN_TOKEN is not set: put it in .env (see .env.example) or export it');
  }
  return token;
}

/** Fills in the relay connection on the plugin's configuration page and saves it, as an admin does. */
export async function configureRelay(appConfigPage: AppConfigPage, page: Page) {
  await page.getByRole('button', { name: /reset/i }).click();
  await page.getByRole('textbox', { name: 'Relay URL' }).clear();
  await page.getByRole('textbox', { name: 'Relay URL' }).fill(RELAY_URL_EXAMPLE);
  await page.getByRole('textbox', { name: 'Admin token' }).fill(adminToken());
  const saveResponse = appConfigPage.waitForSettingsResponse();
  await page.getByRole('button', { name: /save settings/i }).click();
  await expect(saveResponse).toBeOK();
}

/** Deletes a relay object (`services/<uid>`, `rules/<uid>`) through Grafana's plugin proxy. */
export async function deleteFromRelay(page: Page, path: string) {
  const response = await page.request.delete(`${RELAY_PROXY_URL}/${path}`);
  expect([204, 404]).toContain(response.status());
}
