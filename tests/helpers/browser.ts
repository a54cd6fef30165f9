import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from './env.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** In CI the browser must be there (.ci/run installs it); elsewhere browser tests skip with a warning. */
export function browserAvailable(file: string): boolean {
  if (fs.existsSync(CHROMIUM) || process.env.CI) return true;
  console.warn(`\n  ${file} SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium). In CI (CI set) these tests run and fail instead.\n`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh browser context (own cookies), signed in through AdminJS's own login form. */
export async function signIn(browser: Browser, baseUrl: string, login = 'admin', password = ADMIN_PASSWORD): Promise<Page> {
  const context = await browser.newContext();
  // Offline: the pages link Google Fonts; don't wait for them.
  await context.route(/fonts\.(googleapis|gstatic)\.com/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('input[name="email"]', login);
  await page.fill('input[name="password"]', password);
  // AdminJS's button has no type attribute: it submits as the form's only button.
  await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/login"] button')]);
  return page;
}
