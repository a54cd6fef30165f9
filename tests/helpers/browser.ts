import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ADMIN_PASSWORD } from './env.js';

export const CHROMIUM = '/usr/bin/chromium';

/** In CI the browser must be there (.ci/run installs it); elsewhere browser tests skip with a warning. */
export function browserAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run should have installed Debian chromium`);
  console.warn(`\n⚠ ${CHROMIUM} not found: skipping browser tests (apt-get install -y chromium to run them)\n`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Signs in through AdminJS's own login form (its `email` field takes a username too). */
export async function adminLogin(page: Page, baseUrl: string, login = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('input[name="email"]', login);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/login')), page.getByRole('button', { name: /log ?in/i }).click()]);
}
