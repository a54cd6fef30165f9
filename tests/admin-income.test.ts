import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { expectBooksBalanced, fund } from './helpers/money.js';
import { TEAM_ENV, chain, wallets } from './helpers/team.js';
import { upsertStaffUser } from '../src/users/users.service.js';

let t: TestServer;
let finance: string;
beforeAll(async () => {
  t = await startTestServer(TEAM_ENV);
  finance = await staffToken(t, 'finance');
}, 180_000);
afterAll(async () => t?.close());
afterEach(async () => expectBooksBalanced());

/** Signs a staff member into the back-office and returns the session cookie. */
async function backOffice(role: 'support' | 'finance') {
  const username = `${role}_bo_${randomBytes(3).toString('hex')}`;
  await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role });
  const res = await fetch(`${t.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: username, password: ADMIN_PASSWORD }),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`back-office login failed: ${res.status}`);
  return cookie;
}

describe('back-office', () => {
  it('lists investments and incomes and reverses an investment through the same service (finance only)', async () => {
    const [sponsor, member] = await chain(t, 2);
    await fund(t, member, finance, '100');
    const inv = (await t.request('POST', '/api/investments', { token: member.token, body: { amount: '100' } })).body.investment;
    const financeCookie = await backOffice('finance');
    const supportCookie = await backOffice('support');

    const list = await fetch(`${t.url}/admin/api/resources/incomes/actions/list`, { headers: { cookie: supportCookie } });
    expect(list.status).toBe(200);
    expect((await list.json()).records.length).toBeGreaterThan(0);

    const reverse = (cookie: string, reason: string) =>
      fetch(`${t.url}/admin/api/resources/investments/records/${inv.id}/edit`, { method: 'POST', headers: { cookie }, body: new URLSearchParams({ reason }) });
    const denied = await reverse(supportCookie, 'not mine to do');
    // A refused action is a real 403 (issue 9); nothing must move.
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.code).toBe('forbidden');
    expect((await wallets(member)).my_investment).toBe('100.00000000');

    const blank = await reverse(financeCookie, '  ');
    expect((await blank.json()).notice).toMatchObject({ type: 'error', message: 'A reversal needs a reason' });
    expect((await wallets(member)).my_investment).toBe('100.00000000');

    const res = await reverse(financeCookie, 'card chargeback');
    expect(res.status).toBe(200);
    expect((await res.json()).notice).toMatchObject({ type: 'success' });
    expect(await wallets(member)).toMatchObject({ my_investment: '0.00000000', available_fund: '100.00000000' });
    expect(await wallets(sponsor)).toMatchObject({ direct_referral: '0.00000000', total_income: '0.00000000' });
    const stored = await t.server.database.pool.query(`SELECT status, reverse_reason FROM investments WHERE id = $1`, [inv.id]);
    expect(stored.rows[0]).toEqual({ status: 'reversed', reverse_reason: 'card chargeback' });
  });
});
