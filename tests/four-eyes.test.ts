import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { balances, expectBooksBalanced, fund, setConfig } from './helpers/money.js';

/** Four-eyes on large amounts, over REST (the back-office runs the same service; see backoffice-console). */

let t: TestServer;
let admin: string;
let financeA: string;
let financeB: string;
const ADDRESS = '0x52908400098527886e0f7030069857d2e4169ee7';

beforeAll(async () => {
  t = await startTestServer();
  admin = await staffToken(t, 'admin');
  financeA = await staffToken(t, 'finance');
  financeB = await staffToken(t, 'finance');
  await setConfig(t, admin, { dual_approval_threshold: '1000', withdrawal_fee: '0', deposit_wallets: ['available_fund', 'main_balance'] });
});
afterAll(async () => t?.close());

const approve = (id: number, token: string) => t.request('POST', `/api/admin/transactions/${id}/approve`, { token, body: {} });

describe('four-eyes on withdrawals', () => {
  it('pays a withdrawal at the threshold only after two different staff members approve it', async () => {
    const m = await signUp(t);
    await fund(t, m, admin, '1500', 'main_balance');
    const wd = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '1000', wallet_type: 'main_balance', wallet_address: ADDRESS } });
    const id = wd.body.transaction.id;

    const first = await approve(id, financeA);
    expect(first.status).toBe(200);
    expect(first.body.transaction.status).toBe('pending');
    expect(first.body.transaction.approvals).toHaveLength(1);
    expect(first.body.approvals_required).toBe(2);
    // Nothing has moved yet: the gross amount is still locked.
    const wallets = await t.request('GET', '/api/wallets', { token: m.token });
    expect(wallets.body.wallets.find((w: { wallet_type: string }) => w.wallet_type === 'main_balance')).toMatchObject({ balance: '500.00000000', locked_balance: '1000.00000000' });

    const again = await approve(id, financeA);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_approved');

    const second = await approve(id, financeB);
    expect(second.status).toBe(200);
    expect(second.body.transaction.status).toBe('completed');
    expect(second.body.transaction.approvals.map((a: { username: string }) => a.username)).toHaveLength(2);
    const trail = await t.server.database.pool.query(`SELECT action FROM audit_logs WHERE target_type = 'transaction' AND target_id = $1 ORDER BY id`, [String(id)]);
    expect(trail.rows.map((r) => r.action)).toEqual(['transaction.approve_first', 'transaction.approve']);
    await expectBooksBalanced();
  });

  it('lets one person approve a withdrawal below the threshold, and one person reject a large one', async () => {
    const m = await signUp(t);
    await fund(t, m, admin, '2000', 'main_balance');
    const small = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '999.99999999', wallet_type: 'main_balance', wallet_address: ADDRESS } });
    expect((await approve(small.body.transaction.id, financeA)).body.transaction.status).toBe('completed');
    const large = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '1000', wallet_type: 'main_balance', wallet_address: ADDRESS } });
    expect((await approve(large.body.transaction.id, financeA)).body.transaction.status).toBe('pending');
    const rejected = await t.request('POST', `/api/admin/transactions/${large.body.transaction.id}/reject`, { token: financeB, body: { reason: 'second reviewer disagreed' } });
    expect(rejected.body.transaction.status).toBe('rejected');
    expect((await balances(t, m.token)).main_balance).toBe('1000.00000001');
    await expectBooksBalanced();
  });

  it('decides two concurrent second approvals once', async () => {
    const m = await signUp(t);
    await fund(t, m, admin, '1200', 'main_balance');
    const wd = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '1200', wallet_type: 'main_balance', wallet_address: ADDRESS } });
    const id = wd.body.transaction.id;
    const [a, b] = await Promise.all([approve(id, financeA), approve(id, financeB)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const statuses = [a.body.transaction.status, b.body.transaction.status].sort();
    expect(statuses).toEqual(['completed', 'pending']);
    const payouts = await t.server.database.pool.query(`SELECT count(*)::int AS n FROM ledger_postings WHERE transaction_id = $1 AND kind = 'withdrawal_payout'`, [id]);
    expect(payouts.rows[0].n).toBe(1);
    await expectBooksBalanced();
  });
});

describe('four-eyes on adjustments', () => {
  it('records a large adjustment as pending; the requester cannot approve it; another staff member posts it', async () => {
    const m = await signUp(t);
    const req = await t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, { token: financeA, body: { wallet_type: 'main_balance', amount: '-1000', reason: 'refund reversal' } });
    expect(req.status).toBe(200);
    expect(req.body.transaction).toMatchObject({ status: 'pending', transaction_type: 'adjustment', amount: '1000.00000000' });
    expect((await balances(t, m.token)).main_balance).toBe('0.00000000');
    const id = req.body.transaction.id;

    const own = await approve(id, financeA);
    expect(own.status).toBe(403);
    // Nothing to take: the approval by someone else is refused by the ledger (insufficient funds), and nothing moves.
    const broke = await approve(id, financeB);
    expect(broke.status).toBe(422);
    expect(broke.body.error.code).toBe('insufficient_funds');

    await fund(t, m, admin, '1500', 'main_balance');
    const posted = await approve(id, financeB);
    expect(posted.status).toBe(200);
    expect(posted.body.transaction.status).toBe('completed');
    expect((await balances(t, m.token)).main_balance).toBe('500.00000000');
    const trail = await t.server.database.pool.query(`SELECT action, actor_id FROM audit_logs WHERE (target_type = 'transaction' AND target_id = $1) OR action = 'wallet.adjust_request' ORDER BY id`, [String(id)]);
    expect(trail.rows.map((r) => r.action)).toEqual(['wallet.adjust_request', 'transaction.approve']);
    await expectBooksBalanced();
  });

  it('posts an adjustment below the threshold at once, as before', async () => {
    const m = await signUp(t);
    const res = await t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, { token: financeA, body: { wallet_type: 'main_balance', amount: '999.99999999', reason: 'goodwill' } });
    expect(res.body.transaction.status).toBe('completed');
    expect((await balances(t, m.token)).main_balance).toBe('999.99999999');
  });

  it('lets the requester withdraw a pending adjustment by rejecting it', async () => {
    const m = await signUp(t);
    const req = await t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, { token: financeA, body: { wallet_type: 'main_balance', amount: '5000', reason: 'typo' } });
    const rejected = await t.request('POST', `/api/admin/transactions/${req.body.transaction.id}/reject`, { token: financeA, body: { reason: 'entered by mistake' } });
    expect(rejected.body.transaction.status).toBe('rejected');
    expect((await balances(t, m.token)).main_balance).toBe('0.00000000');
  });
});
