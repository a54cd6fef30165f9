import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_PASSWORD } from './env.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of browser tests (git-ignored). */
export const SCREENSHOTS = path.resolve('test-results', 'screenshots');

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

/** What a page did that it should not: requests to another origin, console errors, uncaught exceptions. */
export interface PageWatch {
  foreign: string[];
  errors: string[];
}

export function watch(page: Page, origin: string): PageWatch {
  const seen: PageWatch = { foreign: [], errors: [] };
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) seen.foreign.push(url);
  });
  page.on('console', (m) => {
    // A refused request the test provokes on purpose shows as "Failed to load resource"; its status is asserted where it happens.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) seen.errors.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(`uncaught: ${e.message}`));
  return seen;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A fresh browser context (own cookies), signed in through AdminJS's own login form. */
export async function signIn(browser: Browser, baseUrl: string, login = 'admin', password = ADMIN_PASSWORD, seen?: (page: Page) => void): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  seen?.(page);
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('input[name="email"]', login);
  await page.fill('input[name="password"]', password);
  // AdminJS's button has no type attribute: it submits as the form's only button.
  await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/login"] button')]);
  return page;
}
