/**
 * The built plugin (dist/) in Chromium, inside the minimal Grafana host of tests/browser/host,
 * against a real relay process and the WeCom simulator: what an admin does from an empty install to
 * a delivered alert, what a Viewer may not do, and a screenshot of every page in both languages
 * and both themes (tests/browser/screenshots/). The tests run in order, each on what the ones
 * before it created.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { wecomExportFile } from '../../src/plugin/test/wecomExport';
import {
  ADMIN_TOKEN,
  APP,
  INGEST_TOKEN,
  ROBOT_KEY,
  SECRET_KEY,
  fixture,
  tempDir,
  until,
} from '../support/relay-harness';
import { spawnRelay, type RelayProcess } from '../support/relay-process';
import { startWecomSimulator, type WecomSimulator } from '../support/wecom-simulator';
import { notifyWebhook } from './host/grafanaNotifier';
import { startGrafanaHost, type GrafanaHost, type HostUser } from './host/server';
import { launchChromium, openSession, type Session } from './session';

const DIST = path.resolve(__dirname, '..', '..', 'dist');
const SERVICE = { uid: 'ops', name: '运维通知', groups: '运维群' };
const RULE = { uid: 'critical', name: '严重告警' };
const ACCOUNTS = ['zhangsan', 'lisi'];
/** What i18next's escaping leaves in a t() value ("http:&#x2F;&#x2F;…") when React renders it as text. */
const HTML_ENTITY = /&(#x2F|#39|amp|quot|lt|gt);/;
const ADMIN: HostUser = { role: 'Admin', language: 'en-US', theme: 'dark' };

let wecom: WecomSimulator;
let dataDir: string;
let relay: RelayProcess;
let host: GrafanaHost;
let browser: Browser;
let session: Session | undefined;

async function signIn(user: HostUser, urlPath: string): Promise<Page> {
  await session?.close();
  session = await openSession(browser, host, user);
  await session.open(urlPath);
  return session.page;
}

/** The host's side menu: the app's pages (plugin.json includes) in their order. */
const menu = (page: Page) => page.locator('nav').getByRole('link');
const navLink = (page: Page, name: string) => menu(page).filter({ hasText: new RegExp(`^${name}$`) });

async function relayApi(urlPath: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const response = await fetch(`${relay.url}/api/v1${urlPath}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  assert.ok(response.ok, `${init.method ?? 'GET'} ${urlPath}: HTTP ${response.status}`);
  return response.json();
}

async function deliveryStatuses(): Promise<Record<string, string>> {
  const { items } = await relayApi('/deliveries');
  return Object.fromEntries(items.map((item: { kind: string; status: string }) => [item.kind, item.status]));
}

/** The row of the rule's delivery whose destination (robot groups, app accounts) matches. */
const deliveryRow = (page: Page, destination: RegExp, rule = RULE.name) =>
  page
    .getByTestId('data-testid deliveries-row')
    .filter({ has: page.getByRole('cell', { name: destination }) })
    .filter({ has: page.getByRole('cell', { name: rule, exact: true }) });

/** Ticks a @grafana/ui Checkbox: its input sits under the styled box that takes the click. */
async function tick(checkbox: Locator): Promise<void> {
  await checkbox.check({ force: true });
  assert.ok(await checkbox.isChecked());
}

async function visible(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible' });
  return locator;
}

describe('the built plugin in a Grafana host', { timeout: 180_000 }, () => {
  before(async () => {
    assert.ok(
      fs.existsSync(path.join(DIST, 'module.js')),
      'dist/module.js is missing: run `npm run build:plugin` first'
    );
    wecom = await startWecomSimulator();
    wecom.addRobot(ROBOT_KEY);
    wecom.addApp({ ...APP, visibleUsers: ACCOUNTS });
    dataDir = tempDir('wecom-relay-browser-');
    relay = await spawnRelay(['--data-dir', dataDir, '--wecom-api-base', wecom.baseUrl], {
      WECOM_RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      WECOM_RELAY_INGEST_TOKEN: INGEST_TOKEN,
      WECOM_RELAY_SECRET_KEY: SECRET_KEY,
      WECOM_RELAY_LINGER: '200ms',
    });
    host = await startGrafanaHost({ distDir: DIST });
    browser = await launchChromium();
  });

  afterEach(() => {
    const errors = session?.errors.splice(0) ?? [];
    assert.deepEqual(errors, [], 'the page logged errors');
  });

  after(async () => {
    await session?.close();
    await browser?.close();
    await host?.close();
    await relay?.kill('SIGTERM');
    await wecom?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an admin goes from an empty install to a delivered alert, retrying the one WeCom refused', async () => {
    // Configure: the relay URL and admin token, saved to the plugin settings; the page reloads.
    const page = await signIn(ADMIN, '/plugins/wecomrelay-app');
    await page.getByLabel('Relay URL').fill(relay.url);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await visible(page.getByRole('button', { name: 'Reset' }));
    assert.deepEqual(host.settings.jsonData, { relayUrl: relay.url });
    assert.equal(host.settings.secureJsonData.adminToken, ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await visible(page.getByText('Connected to WeCom Relay'));

    // A service with a robot and an app whose accounts come from WeCom's member export.
    await navLink(page, 'Services').click();
    await page.getByRole('link', { name: 'New service' }).first().click();
    await page.getByLabel(/^Name/).fill(SERVICE.name);
    await page.getByLabel(/^UID/).fill(SERVICE.uid);
    const groups = page.getByLabel(/^Group names/);
    await groups.fill(SERVICE.groups);
    await groups.press('Enter');
    await page.getByLabel(/^Webhook URL/).fill(wecom.robotUrl(ROBOT_KEY));
    await tick(page.getByLabel(/WeCom accounts/));
    await page.getByLabel(/^Corp ID/).fill(APP.corpId);
    await page.getByLabel(/^AgentId/).fill(String(APP.agentId));
    await page.getByLabel(/^Secret/).fill(APP.secret);
    const xlsx = await wecomExportFile([
      { name: '张三', account: 'zhangsan' },
      { name: '李四', account: 'lisi' },
      { name: '张三', account: 'zhangsan' },
    ]);
    await page.getByLabel('Import from the member export').setInputFiles({
      name: xlsx.name,
      mimeType: xlsx.type,
      buffer: Buffer.from(await xlsx.arrayBuffer()),
    });
    await visible(page.getByText('通讯录.xlsx: 2 to add, 1 skipped (header in row 3).'));
    await page.getByRole('button', { name: 'Add 2 accounts' }).click();
    assert.equal(await page.getByLabel(/^Accounts/).inputValue(), ACCOUNTS.join('\n'));
    await page.getByRole('button', { name: 'Save service' }).click();
    await page.getByRole('link', { name: SERVICE.name }).click();

    // Send test: each destination's own result, and the messages really reached WeCom.
    await page.getByRole('button', { name: 'Send test' }).click();
    await visible(page.getByText('Every destination received the test message'));
    const results = page.getByTestId(/^service-test-result-/);
    assert.equal(await results.count(), 2);
    for (const result of await results.all()) {
      assert.match((await result.textContent()) ?? '', /Sent/);
    }
    assert.match(JSON.stringify(wecom.robotMessages(ROBOT_KEY).map((m) => m.body)), /TestAlert/);
    assert.equal(wecom.appMessages('zhangsan').length, 1);

    // A rule sending everything to the service, with its preview.
    await navLink(page, 'Rules').click();
    await page.getByRole('link', { name: 'New rule' }).first().click();
    await page.getByLabel(/^Name/).fill(RULE.name);
    await page.getByLabel(/^UID/).fill(RULE.uid);
    await tick(page.getByLabel(SERVICE.name));
    const robotPreview = await visible(page.getByTestId('rule-preview-robot-markdown'));
    assert.match((await robotPreview.textContent()) ?? '', /bytes/);
    await visible(page.getByTestId(/^rule-preview-app-/));
    await page.getByRole('button', { name: 'Create rule' }).click();

    // Connect: the contact point appears in Grafana's alerting API, posting to the rule's hook.
    await visible(page.getByText('Not created'));
    await page.getByRole('button', { name: 'Connect to Grafana' }).click();
    await visible(page.getByText('Connected', { exact: true }));
    const [integration] = host.contactPoints.find(`WeCom · ${RULE.name}`) ?? [];
    assert.equal(integration?.settings.url, `${relay.url}/hooks/grafana/${RULE.uid}`);
    assert.equal(integration?.settings.authorization_credentials, INGEST_TOKEN);

    // The start guide: connected; its last step waits for a notification policy routing alerts to the contact point.
    await session!.open('/a/wecomrelay-app/home');
    await visible(page.getByTestId('data-testid overview-step-3').getByText('Done'));
    assert.equal(await page.getByTestId('data-testid overview-step-4').getByText('Done').count(), 0);
    host.contactPoints.policies = {
      ...host.contactPoints.policies,
      routes: [{ receiver: `WeCom · ${RULE.name}`, object_matchers: [['severity', '=', 'critical']] }],
    };
    await page.getByRole('button', { name: 'Refresh' }).click();
    for (const step of [1, 2, 3, 4]) {
      await visible(page.getByTestId(`data-testid overview-step-${step}`).getByText('Done'));
    }

    // Grafana notifies through that contact point while the app's 企业可信IP leaves the relay out.
    wecom.setTrustedIp({ scope: 'send' });
    const notified = await notifyWebhook(integration, fixture('grafana-firing.json'));
    assert.equal(notified.status, 202);
    await until(async () => (await deliveryStatuses()).app === 'failed', 15_000);

    await navLink(page, 'Deliveries').click();
    await visible(deliveryRow(page, /运维群/).getByText('Sent'));
    const appRow = deliveryRow(page, /zhangsan/);
    await visible(appRow.getByText('Failed'));
    await appRow.getByRole('link', { name: /^Open delivery/ }).click();
    const drawer = await visible(page.getByTestId('data-testid delivery-drawer'));
    await visible(drawer.getByText('60020').first());

    // The admin adds the relay's IP in WeCom, then retries: delivered.
    wecom.setTrustedIp(undefined);
    await drawer.getByRole('button', { name: 'Retry' }).click();
    await until(async () => (await deliveryStatuses()).app === 'sent', 15_000);
    await page.getByTestId('data-testid Drawer close').click();
    await page.getByTestId('data-testid RefreshPicker run button').click();
    await visible(appRow.getByText('Sent'));
    await appRow.getByRole('link', { name: /^Open delivery/ }).click();
    await visible(drawer.getByText('Accepted by WeCom'));
    assert.equal(await drawer.getByTestId('data-testid delivery-attempt').count(), 2);
    assert.equal(wecom.appMessages('lisi').length, 2);

  });

  it('a Viewer sees the configuration, every write action disabled with the reason, and the proxy refuses their writes', async () => {
    const page = await signIn({ ...ADMIN, role: 'Viewer' }, '/a/wecomrelay-app/services');
    await visible(page.getByRole('link', { name: SERVICE.name }));
    await assertDisabled(
      page.getByRole('link', { name: 'New service' }),
      tooltip(page, 'Creating a service needs the Editor or Admin role')
    );

    await page.getByRole('link', { name: SERVICE.name }).click();
    await visible(page.getByText('Changing notification services needs the Editor or Admin role in Grafana.'));
    assert.equal(await page.getByRole('button', { name: 'Save service' }).count(), 0);
    await assertDisabled(
      page.getByRole('button', { name: 'Send test' }),
      tooltip(page, 'Sending a test needs the Editor role')
    );

    await navLink(page, 'Rules').click();
    await page.getByRole('link', { name: RULE.name }).click();
    await visible(page.getByText('You can view this rule; changing it needs the Editor or Admin role.'));
    assert.equal(await page.getByRole('button', { name: 'Save rule' }).count(), 0);
    await assertDisabled(
      page.getByRole('button', { name: 'Update contact point' }),
      tooltip(page, 'Only Editors and Admins can connect a rule: it hands the ingest token to Grafana.')
    );

    await navLink(page, 'Deliveries').click();
    await deliveryRow(page, /zhangsan/)
      .getByRole('link', { name: /^Open delivery/ })
      .click();
    const drawer = page.getByTestId('data-testid delivery-drawer');
    await assertDisabled(drawer.getByRole('button', { name: 'Send again' }));
    await visible(drawer.getByText('Only Editors and Admins can send a delivery again.'));

    const write = await fetch(`${host.url}/api/plugin-proxy/wecomrelay-app/relay/deliveries/1/retry`, {
      method: 'POST',
    });
    assert.equal(write.status, 403);
    assert.equal((await write.json()).message, 'plugin proxy route access denied');
  });

  it('in a Grafana without the receivers API, Connect creates a signing contact point through the provisioning API', async () => {
    const rule = {
      uid: 'warning',
      name: '一般告警',
      services: [SERVICE.uid],
      hmac: { secret: 'rule-hmac-secret-0123456789', timestampHeader: 'X-Grafana-Alerting-Timestamp' },
    };
    await relayApi('/rules', { method: 'POST', body: rule });
    host.contactPoints.receiversApi = false;
    try {
      const page = await signIn(ADMIN, `/a/wecomrelay-app/rules/${rule.uid}/edit`);
      await visible(page.getByText('Not created'));
      await page.getByRole('button', { name: 'Connect to Grafana' }).click();
      await visible(page.getByText('Connected', { exact: true }));
    } finally {
      host.contactPoints.receiversApi = true;
    }
    // Chromium logs each 404 of the missing API; the plugin's fallback relies on exactly those.
    assert.ok(session!.expectErrors(/404 \(Not Found\) \(http:[^ ]+\/receivers[?:]/) > 0);
    const [integration] = host.contactPoints.find(`WeCom · ${rule.name}`) ?? [];
    assert.equal(integration?.settings.url, `${relay.url}/hooks/grafana/${rule.uid}`);
    assert.equal(integration?.settings.authorization_credentials, INGEST_TOKEN);
    // The relay accepts what Grafana signs with the HMAC settings the plugin stored.
    assert.equal((await notifyWebhook(integration, fixture('grafana-firing.json'))).status, 202);
  });

  it('every page in zh-Hans and en-US, dark and light, for the screenshots folder', async () => {
    for (const language of ['zh-Hans', 'en-US'] as const) {
      for (const theme of ['dark', 'light'] as const) {
        const user: HostUser = { role: 'Admin', language, theme };
        const page = await signIn(user, '/a/wecomrelay-app/home');
        const shot = async (name: string) => {
          await session!.screenshot(name);
          assert.equal(await page.getByText(HTML_ENTITY).count(), 0, `${name}: text shown HTML-escaped`);
        };
        const zh = language === 'zh-Hans';
        await visible(page.getByTestId('data-testid overview-status'));
        await shot('1-home');
        await menu(page).nth(1).click();
        await visible(page.getByRole('link', { name: SERVICE.name }));
        await shot('2-services');
        await page.getByRole('link', { name: SERVICE.name }).click();
        await visible(page.getByLabel(zh ? /^名称/ : /^Name/));
        await shot('3-service-edit');
        await menu(page).nth(2).click();
        await visible(page.getByRole('link', { name: RULE.name }));
        await shot('4-rules');
        await page.getByRole('link', { name: RULE.name }).click();
        await visible(page.getByTestId('rule-preview-robot-markdown'));
        await shot('5-rule-edit');
        await menu(page).nth(3).click();
        // The app delivery WeCom refused once and the retry delivered: both attempts in the drawer.
        await deliveryRow(page, /zhangsan/)
          .getByRole('link')
          .click();
        await visible(page.getByTestId('data-testid delivery-attempt').first());
        await shot('6-deliveries');
        await page.getByTestId('data-testid Drawer close').click();
        await menu(page).nth(4).click();
        await visible(page.getByTestId('data-testid ac-relay-url'));
        await shot('7-config');
        assert.deepEqual(session!.errors.splice(0), [], `${language} ${theme}: the page logged errors`);
      }
    }
  });
});

/** Shown but disabled; with `reason`, the reason appears when the pointer rests on it. */
async function assertDisabled(control: Locator, reason?: Locator): Promise<void> {
  await control.waitFor();
  const disabled = (await control.isDisabled()) || (await control.getAttribute('aria-disabled')) === 'true';
  assert.ok(disabled, `${await control.textContent()} is offered to a Viewer`);
  if (reason) {
    await control.hover({ force: true });
    await visible(reason);
  }
}

const tooltip = (page: Page, text: string) => page.getByRole('tooltip').filter({ hasText: text });
