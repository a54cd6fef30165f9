import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchBrowser, screenshot, signIn as signInAs } from './helpers/browser.js';
import { upsertStaffUser } from '../src/users/users.service.js';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { signUp, startTestServer, type TestServer } from './helpers/server.js';

/** The back-office through a real browser: AdminJS's own login form, the Users list, agendash. */

describe.runIf(browserAvailable('backoffice.test.ts'))('back-office in a browser', () => {
  let t: TestServer;
  let browser: Browser;
  const SUPPORT = { username: 'support_desk', password: 'Supp0rt-desk-pass' };

  beforeAll(async () => {
    t = await startTestServer();
    await upsertStaffUser({ username: SUPPORT.username, email: 'support@metax.test', password: SUPPORT.password, role: 'support' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = (login: string, password: string) => signInAs(browser, t.url, login, password);

  it('lets the staff admin sign in with a username and see the Users list', async () => {
    const member = await signUp(t);
    const page = await signIn('admin', ADMIN_PASSWORD);
    await page.waitForURL(`${t.url}/admin`);
    await page.goto(`${t.url}/admin/resources/users`);
    const table = page.locator('table');
    await table.waitFor({ timeout: 20_000 });
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toContain(member.user.username);
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/argon2|password_hash/i);
    // Hidden in the UI is not enough: AdminJS's JSON API must not carry the hashes either.
    for (const action of ['resources/users/actions/list', `resources/users/records/${member.user.id}/show`, 'resources/users/actions/search']) {
      const json = await page.request.get(`${t.url}/admin/api/${action}`);
      expect(json.status(), action).toBe(200);
      expect(await json.text(), action).not.toMatch(/password_hash|token_version|argon2/);
    }
    await screenshot(page, 'members-list');
    await page.context().close();
  });

  it("refuses a member's credentials", async () => {
    const member = await signUp(t);
    const page = await signIn(member.user.username, member.password);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await expect.poll(() => page.locator('body').innerText()).toMatch(/wrong email and\/or password/i);
    const res = await page.goto(`${t.url}/admin/resources/users`);
    expect(new URL(res!.url()).pathname).toBe('/admin/login');
    await page.context().close();
  });

  it('lets support open /admin but not the job dashboard', async () => {
    const page = await signIn(SUPPORT.username, SUPPORT.password);
    await page.waitForURL(`${t.url}/admin`);
    const users = await page.goto(`${t.url}/admin/resources/users`);
    expect(users!.status()).toBe(200);
    const jobs = await page.goto(`${t.url}/admin/jobs`);
    expect(jobs!.status()).toBe(403);
    await page.context().close();
  });

  it('lets the admin open the job dashboard', async () => {
    const page = await signIn('admin', ADMIN_PASSWORD);
    await page.waitForURL(`${t.url}/admin`);
    const jobs = await page.goto(`${t.url}/admin/jobs/`);
    expect(jobs!.status()).toBe(200);
    await expect.poll(() => page.title()).toBe('Agendash');
    // The dashboard's own API answers behind the same session.
    const stats = await page.request.get(`${t.url}/admin/jobs/api?limit=5&skip=0`);
    expect(stats.status()).toBe(200);
    await screenshot(page, 'agendash');
    await page.context().close();
  });

  it('sends an unauthenticated visitor of /admin/jobs to the login page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.url}/admin/jobs`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await expect(page.locator('input[name="email"]').count()).resolves.toBe(1);
    await context.close();
  });
});
