import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { signUp, startTestServer, type TestServer } from './helpers/server.js';
import { browserAvailable, launchBrowser, signIn } from './helpers/browser.js';
import { balances, expectBooksBalanced } from './helpers/money.js';

const run = browserAvailable('backoffice-actions.test.ts');
let t: TestServer;
let browser: Browser;

describe.runIf(run)('back-office actions (Chromium)', () => {
  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('approves a pending deposit with one click and a confirmation', async () => {
    const m = await signUp(t);
    const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '42' } });
    const page = await signIn(browser, t.url);
    await page.goto(`${t.url}/admin/resources/transactions/records/${dep.body.transaction.id}/show`);
    await page.locator('[data-testid="action-approve"]').first().click();
    await page.getByRole('button', { name: /confirm/i }).click();
    await expect.poll(async () => (await balances(t, m.token)).available_fund, { timeout: 10_000 }).toBe('42.00000000');
    const tx = await t.request('GET', `/api/transactions/${dep.body.transaction.id}`, { token: m.token });
    expect(tx.body.transaction.status).toBe('completed');
    const trail = await t.server.database.pool.query(`SELECT action, actor_id FROM audit_logs WHERE target_id = $1`, [String(dep.body.transaction.id)]);
    expect(trail.rows).toEqual([{ action: 'transaction.approve', actor_id: 1 }]);
    await page.context().close();
    await expectBooksBalanced();
  });

  it('rejects a pending withdrawal with a reason through the Process form, unlocking it', async () => {
    const m = await signUp(t);
    await t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, {
      token: (await t.request('POST', '/api/auth/login', { body: { username: 'admin', password: 'Adm1n-test-password' } })).body.access_token,
      body: { wallet_type: 'main_balance', amount: '30', reason: 'test funds' },
    });
    const wd = await t.request('POST', '/api/transactions/withdraw', {
      token: m.token,
      body: { amount: '20', wallet_type: 'main_balance', wallet_address: '0x52908400098527886e0f7030069857d2e4169ee7' },
    });
    expect((await balances(t, m.token)).main_balance).toBe('10.00000000');
    const page = await signIn(browser, t.url);
    await page.goto(`${t.url}/admin/resources/transactions/records/${wd.body.transaction.id}/edit`);
    await page.locator('select[name="decision"]').selectOption('reject');
    await page.locator('textarea[name="admin_notes"]').fill('checked against the screening list');
    await page.locator('textarea[name="reason"]').fill('address failed screening');
    await page.locator('[data-testid="form-submit"]').click();
    await expect.poll(async () => (await balances(t, m.token)).main_balance, { timeout: 10_000 }).toBe('30.00000000');
    const tx = await t.request('GET', `/api/transactions/${wd.body.transaction.id}`, { token: m.token });
    expect(tx.body.transaction).toMatchObject({ status: 'rejected', reason: 'address failed screening' });
    // Staff notes given with a rejection are kept (staff view only).
    const staffView = await t.server.database.pool.query(`SELECT admin_notes FROM transactions WHERE id = $1`, [wd.body.transaction.id]);
    expect(staffView.rows[0].admin_notes).toBe('checked against the screening list');
    await page.context().close();
    await expectBooksBalanced();
  });

  it('sets the MXC price through the "Set MXC price" form, appending a chart point and an audit row', async () => {
    const m = await signUp(t);
    const page = await signIn(browser, t.url);
    await page.goto(`${t.url}/admin/resources/MXCPrice/actions/new`);
    await page.locator('[data-testid="property-edit-price"] input').fill('0.00123456');
    await page.getByRole('button', { name: /save/i }).click();
    await expect.poll(async () => (await t.request('GET', '/api/dashboard/mxc-price', { token: m.token })).body.price, { timeout: 10_000 }).toBe('0.00123456');
    const price = (await t.request('GET', '/api/dashboard/mxc-price', { token: m.token })).body;
    expect(price.source).toBe('admin');
    const trail = await t.server.database.pool.query(`SELECT action FROM audit_logs WHERE action = 'mxc_price.update'`);
    expect(trail.rowCount).toBe(1);
    const chart = await t.server.database.pool.query(`SELECT price, source FROM mxc_chart_data ORDER BY id DESC LIMIT 1`);
    expect(chart.rows[0]).toEqual({ price: '0.00123456', source: 'admin' });
    await page.context().close();
  });

  it('generates chart points through the "Generate chart points" form, marked generated', async () => {
    const page = await signIn(browser, t.url);
    await page.goto(`${t.url}/admin/resources/MXCChartGenerate/actions/new`);
    await page.locator('[data-testid="property-edit-data_points"] input').fill('12');
    await page.locator('[data-testid="property-edit-seed"] input').fill('7');
    await page.getByRole('button', { name: /save/i }).click();
    const generated = async () => (await t.server.database.pool.query(`SELECT count(*)::int AS n FROM mxc_chart_data WHERE source = 'generated'`)).rows[0].n;
    await expect.poll(generated, { timeout: 10_000 }).toBe(12);
    const trail = await t.server.database.pool.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action LIKE 'mxc_chart.%'`);
    expect(trail.rows[0].n).toBeGreaterThanOrEqual(1);
    await page.context().close();
  });

  it('reverses an investment with a reason through the Reverse form', async () => {
    const m = await signUp(t);
    const admin = (await t.request('POST', '/api/auth/login', { body: { username: 'admin', password: 'Adm1n-test-password' } })).body.access_token;
    await t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, { token: admin, body: { wallet_type: 'available_fund', amount: '50', reason: 'test funds' } });
    const inv = (await t.request('POST', '/api/investments', { token: m.token, body: { amount: '50' } })).body.investment;
    expect((await balances(t, m.token)).my_investment).toBe('50.00000000');
    const page = await signIn(browser, t.url);
    await page.goto(`${t.url}/admin/resources/investments/records/${inv.id}/edit`);
    await page.locator('textarea[name="reason"]').fill('duplicate payment');
    await page.locator('[data-testid="form-submit"]').click();
    await expect.poll(async () => (await balances(t, m.token)).my_investment, { timeout: 10_000 }).toBe('0.00000000');
    const stored = await t.server.database.pool.query(`SELECT status, reverse_reason FROM investments WHERE id = $1`, [inv.id]);
    expect(stored.rows[0]).toEqual({ status: 'reversed', reverse_reason: 'duplicate payment' });
    await page.context().close();
    await expectBooksBalanced();
  });
});
