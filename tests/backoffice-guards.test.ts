import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertStaffUser } from '../src/users/users.service.js';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { signUp, startTestServer, type TestServer } from './helpers/server.js';
import { balances } from './helpers/money.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

/** Signs a new staff member into the back-office; returns their id and session cookie. */
async function backOffice(role: 'support' | 'finance' | 'admin') {
  const username = `${role}_g_${randomBytes(3).toString('hex')}`;
  const { user } = await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role });
  const res = await fetch(`${t.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: username, password: ADMIN_PASSWORD }),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/SameSite=Strict/i);
  return { id: user.id, cookie: cookie.split(';')[0] };
}

describe('back-office guards', () => {
  it('approves only on a same-site POST: a GET (a link, a prefetch) and a cross-site request credit nothing', async () => {
    const m = await signUp(t);
    const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '500' } });
    const finance = await backOffice('finance');
    const url = `${t.url}/admin/api/resources/transactions/records/${dep.body.transaction.id}/approve`;
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { cookie: finance.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ step: 'confirm' }) });
    const forged = await post({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(forged.status).toBe(403);
    const link = await fetch(url, { headers: { cookie: finance.cookie, 'sec-fetch-site': 'same-origin' } });
    expect(link.status).toBe(200);
    expect((await balances(t, m.token)).available_fund).toBe('0.00000000');
    const own = await post({ 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    expect((await balances(t, m.token)).available_fund).toBe('500.00000000');
  });

  it('drops a session at once when its staff member is deactivated, and follows a demotion', async () => {
    const admin = await backOffice('admin');
    const jobs = () => fetch(`${t.url}/admin/jobs/`, { headers: { cookie: admin.cookie }, redirect: 'manual' });
    expect((await jobs()).status).toBe(200);
    await t.server.database.pool.query(`UPDATE users SET role = 'support' WHERE id = $1`, [admin.id]);
    expect((await jobs()).status).toBe(403);
    await t.server.database.pool.query(`UPDATE users SET is_active = false WHERE id = $1`, [admin.id]);
    const gone = await jobs();
    expect(gone.status).toBe(302);
    expect(gone.headers.get('location')).toBe('/admin/login');
  });

  it('audits changes made through the job dashboard, naming the operation', async () => {
    const admin = await backOffice('admin');
    await fetch(`${t.url}/admin/jobs/api/jobs/delete`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ jobIds: [] }),
    });
    await expect
      .poll(async () => (await t.server.database.pool.query(`SELECT action FROM audit_logs WHERE actor_id = $1`, [admin.id])).rows.map((r) => r.action))
      .toEqual(['jobs.delete']);
  });

  it('names the job in the audit row of a requeue', async () => {
    const admin = await backOffice('admin');
    const job = await t.server.jobs.agenda.schedule('in 1 hour', 'cleanup', {});
    const id = String(job.attrs._id);
    const res = await fetch(`${t.url}/admin/jobs/api/jobs/requeue`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ jobIds: [id] }),
    });
    expect(res.status).toBe(200);
    await expect
      .poll(async () => (await t.server.database.pool.query(`SELECT action, target_id, after FROM audit_logs WHERE actor_id = $1`, [admin.id])).rows, { timeout: 10_000 })
      .toEqual([{ action: 'jobs.requeue', target_id: 'cleanup', after: { status: 200, jobs: ['cleanup'], job_ids: [id] } }]);
  });
});
