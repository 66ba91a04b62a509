/**
 * Debian's Chromium driven by playwright-core, one page per signed-in user of the Grafana host,
 * with every page error and console error collected so that a test can fail on them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { GrafanaHost, HostUser } from './host/server';

export const SCREENSHOTS_DIR = path.join(__dirname, 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Session {
  page: Page;
  /** Page errors and console errors, in order. */
  errors: string[];
  /** Takes the errors the test expects out of `errors`; how many there were. */
  expectErrors(pattern: RegExp): number;
  /** Opens a Grafana URL (path) as this session's user. */
  open(urlPath: string): Promise<void>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh browser context for `user`: the host serves bootData for them from now on. */
export async function openSession(browser: Browser, host: GrafanaHost, user: HostUser): Promise<Session> {
  host.setUser(user);
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    colorScheme: user.theme,
    locale: user.language,
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const { url, lineNumber } = message.location();
      errors.push(`console error: ${message.text()} (${url}:${lineNumber})`);
    }
  });
  return {
    page,
    errors,
    expectErrors: (pattern) => {
      const expected = errors.filter((error) => pattern.test(error));
      const others = errors.filter((error) => !pattern.test(error));
      errors.splice(0, errors.length, ...others);
      return expected.length;
    },
    open: async (urlPath) => {
      await page.goto(`${host.url}${urlPath}`);
    },
    screenshot: async (name) => {
      fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      // @grafana/ui shows an empty <svg> until an icon's SVG has arrived: the picture waits for them.
      await page.waitForFunction(() => document.querySelector('svg:empty') === null);
      await page.screenshot({
        path: path.join(SCREENSHOTS_DIR, `${name}.${user.language}.${user.theme}.png`),
        fullPage: true,
        // The state reached, not a frame of the drawer still sliding in.
        animations: 'disabled',
      });
    },
    close: () => context.close(),
  };
}
