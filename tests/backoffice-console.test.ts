import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { upsertStaffUser } from '../src/users/users.service.js';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { browserAvailable, launchBrowser, screenshot, signIn, watch, type PageWatch } from './helpers/browser.js';
import { balances, expectBooksBalanced, fund, setConfig } from './helpers/money.js';

/**
 * The staff console in real Chromium, one workflow per test and each role where it matters. Every
 * page of the file is watched: no request may leave the server's origin, no console error.
 */

const run = browserAvailable('backoffice-console.test.ts');
let t: TestServer;
let browser: Browser;
let admin: string;
const watches: PageWatch[] = [];
const staff: Record<string, string> = {};

async function as(role: 'support' | 'finance' | 'finance2' | 'admin'): Promise<Page> {
  return signIn(browser, t.url, staff[role], ADMIN_PASSWORD, (page) => watches.push(watch(page, t.url)));
}

describe.runIf(run)('staff console (Chromium)', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchBrowser();
    admin = await staffToken(t, 'admin');
    staff.admin = 'admin';
    for (const role of ['support', 'finance', 'finance2'] as const) {
      const username = `${role}_${randomBytes(3).toString('hex')}`;
      await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role: role === 'finance2' ? 'finance' : role });
      staff[role] = username;
    }
    await setConfig(t, admin, { dual_approval_threshold: '1000' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the pending deposit queue with its count and exact sum on the dashboard', async () => {
    const m = await signUp(t);
    await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '123.45678901' } });
    const page = await as('finance');
    const queue = page.locator('[data-testid="queue-deposit"]');
    await expect.poll(() => queue.innerText(), { timeout: 15_000 }).toMatch(/^1\s+123\.45678901 MXC$/);
    await page.getByText('Open the queue, oldest first').first().click();
    await page.locator('table').waitFor();
    expect(new URL(page.url()).searchParams.get('filters.status')).toBe('pending');
    await screenshot(page, 'dashboard-finance');
    await page.context().close();
  });

  it('lets support read everything but offers no write action, and refuses a direct action URL with 403', async () => {
    const m = await signUp(t);
    const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '20' } });
    const page = await as('support');
    await page.locator('[data-testid="metax-dashboard"]').waitFor();
    expect(await page.locator('[data-testid="metax-dashboard"]').innerText()).toMatch(/read-only/);
    await page.goto(`${t.url}/admin/resources/users/records/${m.user.id}/show`);
    await page.locator('[data-testid="member-page"]').waitFor();
    for (const action of ['adjustWallet', 'deactivate', 'export']) expect(await page.locator(`[data-testid="action-${action}"]`).count()).toBe(0);
    await page.goto(`${t.url}/admin/resources/transactions/records/${dep.body.transaction.id}/show`);
    await page.getByText('20.00000000').first().waitFor();
    expect(await page.locator('[data-testid="action-approve"]').count()).toBe(0);
    const direct = await page.goto(`${t.url}/admin/resources/transactions/records/${dep.body.transaction.id}/approve`);
    expect(direct!.status()).toBe(403);
    const jobs = await page.goto(`${t.url}/admin/jobs/`);
    expect(jobs!.status()).toBe(403);
    expect(await page.locator('body').innerText()).toMatch(/needs the admin role/);
    await screenshot(page, 'support-refused');
    await page.context().close();
  });

  it('distributes income from the panel: preview, then one payout however often Confirm is clicked', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const page = await as('finance');
    await page.goto(`${t.url}/admin/resources/incomes/actions/distribute`);
    await page.locator('select[name="income_type"]').selectOption('Lifetime Reward');
    await page.locator('input[name="value"]').fill('2.5');
    await page.locator('select[name="recipients"]').selectOption('chosen');
    await page.locator('textarea[name="user_ids"]').fill(`${a.user.id}, ${b.user.id}`);
    await page.locator('textarea[name="description"]').fill('Launch bonus');
    await page.locator('[data-testid="form-submit"]').click();
    const preview = page.locator('[data-testid="preview"]');
    await preview.waitFor();
    expect(await preview.innerText()).toMatch(/members paid\s+2/);
    expect((await balances(t, a.token)).lifetime_reward).toBe('0.00000000');
    await page.locator('[data-testid="form-submit"]').dblclick();
    await page.locator('[data-testid="result"]').waitFor();
    expect(await page.locator('[data-testid="result"]').innerText()).toMatch(/5\.00000000/);
    await expect.poll(async () => (await balances(t, a.token)).lifetime_reward, { timeout: 15_000 }).toBe('2.50000000');
    expect((await balances(t, b.token)).lifetime_reward).toBe('2.50000000');
    const paid = await t.server.database.pool.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'income.distribute' AND reason = 'Launch bonus'`);
    expect(paid.rows[0].n).toBe(1);
    await screenshot(page, 'distribute-result');
    await page.context().close();
    await expectBooksBalanced();
  });

  it('needs a second person for an adjustment above the threshold', async () => {
    const m = await signUp(t);
    const first = await as('finance');
    await first.goto(`${t.url}/admin/resources/users/records/${m.user.id}/adjustWallet`);
    await first.locator('[data-testid="form-submit"]').click();
    await first.locator('[data-testid="field-amount"] .mx-field-error').waitFor();
    expect(await first.locator('[data-testid="field-reason"] .mx-field-error').innerText()).toMatch(/required/);
    await first.locator('select[name="wallet_type"]').selectOption('main_balance');
    await first.locator('input[name="amount"]').fill('1500');
    await first.locator('textarea[name="reason"]').fill('missed deposit');
    await first.locator('[data-testid="form-submit"]').click();
    await first.locator('[data-testid="member-page"]').waitFor();
    expect((await balances(t, m.token)).main_balance).toBe('0.00000000');
    const pending = (await t.server.database.pool.query(`SELECT id FROM transactions WHERE user_id = $1 AND transaction_type = 'adjustment'`, [m.user.id])).rows[0].id;
    // The requester opens the approval and is refused: another person must approve.
    await first.goto(`${t.url}/admin/resources/transactions/records/${pending}/approve`);
    await first.locator('[data-testid="form-submit"]').click();
    await expect.poll(() => first.locator('.mx-error').innerText(), { timeout: 15_000 }).toMatch(/cannot approve it/);
    expect((await balances(t, m.token)).main_balance).toBe('0.00000000');
    await first.context().close();

    const second = await as('finance2');
    await second.goto(`${t.url}/admin/resources/transactions/records/${pending}/approve`);
    await second.locator('[data-testid="summary"]').waitFor();
    expect(await second.locator('[data-testid="summary"]').innerText()).toContain(m.user.username);
    await second.locator('[data-testid="form-submit"]').click();
    await expect.poll(async () => (await balances(t, m.token)).main_balance, { timeout: 10_000 }).toBe('1500.00000000');
    await second.waitForURL(`${t.url}/admin/resources/transactions/records/${pending}/show`);
    await expect.poll(() => second.locator('body').innerText(), { timeout: 15_000 }).toContain(staff.finance2);
    await screenshot(second, 'adjustment-approved');
    await second.context().close();
    await expectBooksBalanced();
  });

  it('approves and rejects selected transactions in bulk, reporting each result', async () => {
    const m = await signUp(t);
    const ids: number[] = [];
    for (const amount of ['11', '12', '13']) ids.push((await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount } })).body.transaction.id);
    await t.request('POST', `/api/admin/transactions/${ids[2]}/reject`, { token: admin, body: { reason: 'duplicate' } });
    const page = await as('finance');
    await page.goto(`${t.url}/admin/resources/transactions/bulk/bulkApprove?recordIds=${ids.join(',')}`);
    await page.locator('[data-testid="bulk-confirm"]').click();
    await expect.poll(() => page.locator('.mx-ok').count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator('.mx-bad').innerText()).toMatch(/rejected, not pending/);
    expect((await balances(t, m.token)).available_fund).toBe('23.00000000');
    await screenshot(page, 'bulk-approve');
    await page.context().close();
  });

  it('rejects a bad configuration value on its field and saves a good one', async () => {
    const page = await as('admin');
    await page.goto(`${t.url}/admin/resources/configuration`);
    const row = page.locator('[data-testid="config-min_deposit"]');
    await row.locator('input').fill('ten');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.locator('.mx-field-error').innerText(), { timeout: 15_000 }).toMatch(/decimal/);
    expect(await row.locator('input').inputValue()).toBe('ten');
    await row.locator('input').fill('25');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await t.request('GET', '/api/admin/config', { token: admin })).body.config.find((c: { key: string }) => c.key === 'min_deposit').value, { timeout: 15_000 }).toBe('25.00000000');
    await screenshot(page, 'config-editor');
    await page.context().close();
    await setConfig(t, admin, { min_deposit: '10' });
  });

  it('deactivates a member with a reason: their token stops working at once', async () => {
    const m = await signUp(t);
    const page = await as('finance');
    await page.goto(`${t.url}/admin/resources/users/records/${m.user.id}/deactivate`);
    await page.locator('textarea[name="reason"]').fill('chargeback investigation');
    await page.locator('[data-testid="form-submit"]').click();
    await page.locator('[data-testid="member-page"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="member-page"]').innerText(), { timeout: 15_000 }).toMatch(/chargeback investigation/);
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).status).toBe(401);
    await page.context().close();
  });

  it('exports the filtered transaction list as CSV', async () => {
    const m = await signUp(t);
    await fund(t, m, admin, '31');
    await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '32' } });
    const page = await as('finance');
    await page.goto(`${t.url}/admin/resources/transactions?filters.member=${m.user.username}&filters.status=completed`);
    await page.locator('table').waitFor();
    await page.locator('[data-testid="action-export"]').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Download CSV').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',31.00000000,');
    await page.context().close();
  });

  it('links the job dashboard and the panel both ways (admin), and brings a signed-out visitor back to the page asked for', async () => {
    const page = await as('admin');
    await page.goto(`${t.url}/admin/pages/jobs`);
    await page.getByText('Open the job dashboard').click();
    await page.waitForURL(`${t.url}/admin/jobs/`);
    await page.getByText('← MetaX back-office').click();
    await page.locator('[data-testid="metax-dashboard"]').waitFor();
    await page.context().close();

    const context = await browser.newContext();
    const visitor = await context.newPage();
    watches.push(watch(visitor, t.url));
    await visitor.goto(`${t.url}/admin/resources/staking_runs`);
    expect(new URL(visitor.url()).pathname).toBe('/admin/login');
    await visitor.fill('input[name="email"]', staff.finance);
    await visitor.fill('input[name="password"]', ADMIN_PASSWORD);
    await Promise.all([visitor.waitForNavigation(), visitor.click('form[action="/admin/login"] button')]);
    expect(new URL(visitor.url()).pathname).toBe('/admin/resources/staking_runs');
    await context.close();
  });

  it('runs staking for a day from the panel after a preview, and lists the run', async () => {
    const m = await signUp(t);
    await fund(t, m, admin, '1000');
    await t.request('POST', '/api/investments', { token: m.token, body: { amount: '1000' }, headers: { 'Idempotency-Key': `stake-${m.user.id}` } });
    const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const page = await as('finance');
    await page.goto(`${t.url}/admin/resources/staking_runs/actions/runStaking`);
    await page.locator('input[name="date"]').fill(day);
    await page.locator('[data-testid="form-submit"]').click();
    await expect.poll(() => page.locator('.mx-error').innerText(), { timeout: 15_000 }).toMatch(/or earlier/);
    const today = new Date().toISOString().slice(0, 10);
    await page.locator('input[name="date"]').fill(today);
    await page.locator('[data-testid="form-submit"]').click();
    await page.locator('[data-testid="preview"]').waitFor();
    expect(await page.locator('[data-testid="preview"]').innerText()).toMatch(/members to pay\s+\d+/);
    await page.locator('[data-testid="form-submit"]').click();
    await page.locator('[data-testid="result"]').waitFor();
    await expect.poll(async () => (await balances(t, m.token)).staking_bonus, { timeout: 15_000 }).not.toBe('0.00000000');
    await page.goto(`${t.url}/admin/resources/staking_runs`);
    await expect.poll(() => page.locator('table').innerText(), { timeout: 15_000 }).toContain(staff.finance);
    await page.context().close();
    await expectBooksBalanced();
  });

  it('lets an admin create a staff member, who can then sign in with the password shown once', async () => {
    const page = await as('admin');
    await page.goto(`${t.url}/admin/resources/staff/actions/new`);
    const username = `desk_${randomBytes(3).toString('hex')}`;
    await page.locator('input[name="username"]').fill(username);
    await page.locator('input[name="email"]').fill(`${username}@metax.test`);
    await page.locator('select[name="role"]').selectOption('support');
    await page.locator('[data-testid="form-submit"]').click();
    const result = page.locator('[data-testid="result"]');
    await result.waitFor();
    const password = (await result.innerText()).match(/password shown once\s+(\S+)/)![1];
    await page.context().close();
    const desk = await signIn(browser, t.url, username, password, (p) => watches.push(watch(p, t.url)));
    await desk.locator('[data-testid="metax-dashboard"]').waitFor();
    expect(await desk.locator('[data-testid="metax-dashboard"]').innerText()).toMatch(/support/);
    await desk.context().close();
  });

  it('made no request to another origin and logged no console error on any page', () => {
    expect(watches.length).toBeGreaterThan(5);
    expect(watches.flatMap((w) => w.foreign)).toEqual([]);
    expect(watches.flatMap((w) => w.errors)).toEqual([]);
  });
});
