import type { Page } from '@playwright/test';
import { ROUTES } from '../../src/plugin/constants';
import { configureRelay, deleteFromRelay, expect, test } from './fixtures';

// A Grafana admin's first walk through the plugin, against `npm run server` (docker compose):
// configure the relay connection, create a notification service and a rule, connect the rule to
// Grafana, and find its contact point among Grafana's own. Nothing is sent to WeCom.
test('from the relay connection to a Grafana contact point for a new rule', async ({
  appConfigPage,
  gotoPage,
  page,
}) => {
  const run = Date.now().toString(36);
  const service = { uid: `e2e-svc-${run}`, name: `E2E service ${run}` };
  const rule = { uid: `e2e-rule-${run}`, name: `E2E rule ${run}` };
  const contactPoint = `WeCom · ${rule.name}`;
  // The relay only checks the key's shape when saving; the walk never sends a test message.
  const webhookUrl = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=e2e00000-0000-4000-8000-${run.padStart(12, '0')}`;

  try {
    await test.step('configure the relay connection', async () => {
      await configureRelay(appConfigPage, page);
      await page.getByRole('button', { name: /test connection/i }).click();
      await expect(page.getByText(/connected to wecom relay/i)).toBeVisible();
    });

    await test.step('create a notification service with a group robot', async () => {
      await gotoPage(`/${ROUTES.Services}`);
      await page.getByRole('link', { name: 'New service' }).click();
      await page.getByLabel(/^Name/).fill(service.name);
      await page.getByLabel(/^UID/).fill(service.uid);
      await expect(page.getByLabel(/WeCom groups/)).toBeChecked();
      await page.getByLabel(/Group names/).fill('E2E群');
      await page.getByLabel(/Group names/).press('Enter');
      await page.getByLabel(/Webhook URL/).fill(webhookUrl);
      await page.getByRole('button', { name: 'Save service' }).click();
      await expect(page.getByPlaceholder(/Search by name/)).toBeVisible();
      await expect(page.getByRole('link', { name: service.name })).toBeVisible();
    });

    await test.step('create a rule that sends through it', async () => {
      await gotoPage(`/${ROUTES.Rules}`);
      await page.getByRole('link', { name: 'New rule' }).click();
      await page.getByLabel(/^Name/).fill(rule.name);
      await page.getByLabel(/^UID/).fill(rule.uid);
      await page.getByLabel(service.name).check();
      await page.getByRole('button', { name: 'Create rule' }).click();
      await expect(page).toHaveURL(new RegExp(`/${ROUTES.Rules}/${rule.uid}/edit`));
      await expect(page.getByText('Not created')).toBeVisible();
    });

    await test.step('connect the rule to Grafana', async () => {
      await page.getByRole('button', { name: 'Connect to Grafana' }).click();
      await expect(page.getByText('Contact point saved in Grafana')).toBeVisible();
      await expect(page.getByText('Connected', { exact: true })).toBeVisible();
    });

    await test.step("the contact point is in Grafana's contact points, posting to the rule's hook", async () => {
      await page.goto(`/alerting/notifications?search=${encodeURIComponent(contactPoint)}`);
      await expect(page.getByText(contactPoint, { exact: true }).first()).toBeVisible();
      const [integration] = await contactPointIntegrations(page, contactPoint);
      expect(integration.type).toBe('webhook');
      expect(integration.settings.url).toBe(`http://wecom-relay:8686/hooks/grafana/${rule.uid}`);
    });
  } finally {
    for (const integration of await contactPointIntegrations(page, contactPoint)) {
      expect((await page.request.delete(`/api/v1/provisioning/contact-points/${integration.uid}`)).ok()).toBe(true);
    }
    await deleteFromRelay(page, `rules/${rule.uid}`);
    await deleteFromRelay(page, `services/${service.uid}`);
  }
});

interface Integration {
  uid: string;
  type: string;
  settings: { url?: string };
}

/** The integrations of a contact point, from Grafana's provisioning API (secrets redacted). */
async function contactPointIntegrations(page: Page, name: string): Promise<Integration[]> {
  const response = await page.request.get(`/api/v1/provisioning/contact-points?name=${encodeURIComponent(name)}`);
  expect(response.ok()).toBe(true);
  return response.json();
}
