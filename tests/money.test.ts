import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { balances, expectBooksBalanced, fund, setConfig } from './helpers/money.js';

let t: TestServer;
let admin: string;
let finance: string;
let support: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await staffToken(t, 'admin');
  finance = await staffToken(t, 'finance');
  support = await staffToken(t, 'support');
});
afterAll(async () => t?.close());
afterEach(async () => expectBooksBalanced());

const ADDRESS = '0x52908400098527886E0F7030069857D2E4169EE7'; // EIP-55 test vector

describe('deposits', () => {
  it('creates a pending deposit that credits nothing until approved', async () => {
    const m = await signUp(t);
    const res = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '25.5' } });
    expect(res.status).toBe(201);
    expect(res.body.transaction).toMatchObject({
      transaction_type: 'deposit', wallet_type: 'available_fund', amount: '25.50000000', fee: '0.00000000', net_amount: '25.50000000', status: 'pending', processed_at: null,
    });
    expect((await balances(t, m.token)).available_fund).toBe('0.00000000');
    const ok = await t.request('POST', `/api/admin/transactions/${res.body.transaction.id}/approve`, { token: finance, body: { admin_notes: 'seen on chain' } });
    expect(ok.status).toBe(200);
    expect(ok.body.transaction).toMatchObject({ status: 'completed', admin_notes: 'seen on chain' });
    expect(ok.body.transaction.processed_at).not.toBeNull();
    expect((await balances(t, m.token)).available_fund).toBe('25.50000000');
  });

  it('refuses amounts below the minimum (422), malformed amounts (400) and disallowed wallets (422)', async () => {
    const m = await signUp(t);
    const cases: [unknown, number][] = [
      [{ amount: '9.99999999' }, 422],
      [{ amount: 0 }, 400],
      [{ amount: '-10' }, 400],
      [{ amount: 'NaN' }, 400],
      [{ amount: 'Infinity' }, 400],
      [{ amount: '10.123456789' }, 400],
      [{ amount: '1234567890123' }, 400],
      [{ amount: '1e400' }, 400],
      [{ amount: true }, 400],
      [{ amount: 123456789.12345678 }, 400], // a double cannot carry it: must come as a string
      [{}, 400],
      [{ amount: '50', wallet_type: 'piggy_bank' }, 400],
      [{ amount: '50', wallet_type: 'main_balance' }, 422],
    ];
    for (const [body, status] of cases) {
      const res = await t.request('POST', '/api/transactions/deposit', { token: m.token, body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.details.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    const history = await t.request('GET', '/api/transactions/history', { token: m.token });
    expect(history.body.total).toBe(0);
  });

  it('accepts numbers as well as strings, exact to 8 places', async () => {
    const m = await signUp(t);
    const res = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: 12.12345678 } });
    expect(res.status).toBe(201);
    expect(res.body.transaction.amount).toBe('12.12345678');
  });

  it('rejects a deposit without crediting and refuses to act twice (409)', async () => {
    const m = await signUp(t);
    const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '10' } });
    const id = dep.body.transaction.id;
    const no = await t.request('POST', `/api/admin/transactions/${id}/reject`, { token: finance, body: { reason: 'no funds arrived' } });
    expect(no.status).toBe(200);
    expect(no.body.transaction).toMatchObject({ status: 'rejected', reason: 'no funds arrived' });
    expect((await t.request('POST', `/api/admin/transactions/${id}/approve`, { token: finance, body: {} })).status).toBe(409);
    expect((await t.request('POST', `/api/admin/transactions/${id}/reject`, { token: finance, body: { reason: 'again' } })).status).toBe(409);
    expect((await balances(t, m.token)).available_fund).toBe('0.00000000');
  });

  it('credits exactly once when 100 approvals race', async () => {
    const m = await signUp(t);
    const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '10' } });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => t.request('POST', `/api/admin/transactions/${dep.body.transaction.id}/approve`, { token: finance, body: {} })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    expect((await balances(t, m.token)).available_fund).toBe('10.00000000');
  });
});

describe('withdrawals', () => {
  it('locks the gross amount, charges a 2 % fee rounded up, and pays out net on approval', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '100', 'available_fund');
    await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '100', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
    const res = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '10.00000001', wallet_address: ADDRESS, wallet_type: 'main_balance' } });
    expect(res.status).toBe(201);
    expect(res.body.transaction).toMatchObject({ amount: '10.00000001', fee: '0.20000001', net_amount: '9.80000000', status: 'pending', wallet_address: ADDRESS });
    const wallets = (await t.request('GET', '/api/wallets', { token: m.token })).body.wallets;
    expect(wallets.find((w: { wallet_type: string }) => w.wallet_type === 'main_balance')).toMatchObject({ balance: '89.99999999', locked_balance: '10.00000001' });
    const hash = '0x' + 'ab'.repeat(32);
    const ok = await t.request('POST', `/api/admin/transactions/${res.body.transaction.id}/approve`, { token: finance, body: { tx_hash: hash } });
    expect(ok.body.transaction).toMatchObject({ status: 'completed', tx_hash: hash });
    const after = (await t.request('GET', '/api/wallets', { token: m.token })).body.wallets;
    expect(after.find((w: { wallet_type: string }) => w.wallet_type === 'main_balance')).toMatchObject({ balance: '89.99999999', locked_balance: '0.00000000' });
    const trial = (await t.request('GET', '/api/admin/ledger/trial-balance', { token: support })).body;
    expect(trial.balanced).toBe(true);
    expect(trial.accounts.find((a: { account: string }) => a.account === 'revenue:withdrawal_fees').balance).toBe('0.20000001');
  });

  it('unlocks on rejection and on the member cancelling', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '50', 'available_fund');
    await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '50', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
    const a = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '20', wallet_address: ADDRESS.toLowerCase(), wallet_type: 'main_balance' } });
    const b = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '20', wallet_address: ADDRESS, wallet_type: 'main_balance' } });
    expect((await balances(t, m.token)).main_balance).toBe('10.00000000');
    const rejected = await t.request('POST', `/api/admin/transactions/${a.body.transaction.id}/reject`, { token: finance, body: { reason: 'address on a block list' } });
    expect(rejected.body.transaction.status).toBe('rejected');
    const cancelled = await t.request('POST', `/api/transactions/${b.body.transaction.id}/cancel`, { token: m.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.transaction.status).toBe('cancelled');
    expect((await t.request('POST', `/api/transactions/${b.body.transaction.id}/cancel`, { token: m.token })).status).toBe(409);
    expect((await balances(t, m.token)).main_balance).toBe('50.00000000');
  });

  it('validates address, minimum, wallet, fee and balance', async () => {
    const m = await signUp(t);
    const w = (body: Record<string, unknown>) => t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { wallet_type: 'main_balance', wallet_address: ADDRESS, ...body } });
    expect((await w({ amount: '10', wallet_address: '0x123' })).status).toBe(400);
    expect((await w({ amount: '10', wallet_address: ADDRESS.replace('E7', 'e7') })).status).toBe(400); // broken checksum
    expect((await w({ amount: '4.99999999' })).status).toBe(422);
    expect((await w({ amount: '10', wallet_type: 'level_bonus' })).status).toBe(422);
    const broke = await w({ amount: '10' });
    expect(broke.status).toBe(422);
    expect(broke.body.error.code).toBe('insufficient_funds');
    await setConfig(t, admin, { withdrawal_fee_mode: 'flat', withdrawal_fee: '6' });
    try {
      const fee = await w({ amount: '6' });
      expect(fee.status).toBe(422);
      expect(fee.body.error.code).toBe('fee_exceeds_amount');
    } finally {
      await setConfig(t, admin, { withdrawal_fee_mode: 'percent', withdrawal_fee: '2' });
    }
  });

  it('lets exactly 50 of 100 parallel withdrawals of 10 through from a balance of 500', async () => {
    await setConfig(t, admin, { max_pending_per_member: 100 });
    onTestFinished(() => setConfig(t, admin, { max_pending_per_member: 5 }));
    const m = await signUp(t);
    await fund(t, m, finance, '500', 'available_fund');
    await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '500', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '10', wallet_address: ADDRESS, wallet_type: 'main_balance' } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(50);
    expect(results.filter((r) => r.status === 422)).toHaveLength(50);
    const wallets = (await t.request('GET', '/api/wallets', { token: m.token })).body.wallets;
    expect(wallets.find((x: { wallet_type: string }) => x.wallet_type === 'main_balance')).toMatchObject({ balance: '0.00000000', locked_balance: '500.00000000' });
  });
});

describe('transfers', () => {
  it('moves money between allowed wallets and refuses the rest', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '30');
    const ok = await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '12.5', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
    expect(ok.status).toBe(201);
    expect(ok.body.transaction).toMatchObject({ transaction_type: 'transfer', wallet_type: 'available_fund', to_wallet_type: 'main_balance', status: 'completed', reference: null });
    expect(Object.keys(ok.body.transaction).sort()).toEqual(
      ['admin_notes', 'amount', 'created_at', 'description', 'fee', 'id', 'net_amount', 'processed_at', 'processed_by', 'reason', 'reference', 'status', 'to_wallet_type', 'transaction_type', 'tx_hash', 'user_id', 'wallet_address', 'wallet_type'],
    );
    const stored = await t.request('GET', `/api/transactions/${ok.body.transaction.id}`, { token: m.token });
    expect(stored.body.transaction).toEqual(ok.body.transaction);
    const b = await balances(t, m.token);
    expect([b.available_fund, b.main_balance]).toEqual(['17.50000000', '12.50000000']);
    const tr = (body: Record<string, unknown>) => t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '1', ...body } });
    expect((await tr({ from_wallet: 'main_balance', to_wallet: 'main_balance' })).status).toBe(400);
    expect((await tr({ from_wallet: 'nope', to_wallet: 'main_balance' })).status).toBe(400);
    expect((await tr({ from_wallet: 'total_income', to_wallet: 'main_balance' })).status).toBe(422);
    expect((await tr({ from_wallet: 'my_investment', to_wallet: 'available_fund' })).status).toBe(422);
    expect((await tr({ from_wallet: 'main_balance', to_wallet: 'level_bonus' })).status).toBe(422);
    expect((await tr({ from_wallet: 'main_balance', to_wallet: 'available_fund', amount: '12.50000001' })).status).toBe(422);
  });

  it('survives parallel transfers in both directions without deadlocks, sums preserved', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '100');
    await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '50', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.request('POST', '/api/transactions/transfer', {
          token: m.token,
          body: i % 2 ? { amount: '1', from_wallet: 'available_fund', to_wallet: 'main_balance' } : { amount: '1', from_wallet: 'main_balance', to_wallet: 'available_fund' },
        }),
      ),
    );
    expect(results.map((r) => r.status).every((s) => s === 201)).toBe(true);
    const b = await balances(t, m.token);
    expect([b.available_fund, b.main_balance]).toEqual(['50.00000000', '50.00000000']);
  });
});

describe('idempotency', () => {
  it('replays the first answer, refuses the key with another body, and scopes keys per member', async () => {
    const m = await signUp(t);
    const other = await signUp(t);
    const send = (token: string, amount: string) =>
      t.request('POST', '/api/transactions/deposit', { token, body: { amount }, headers: { 'Idempotency-Key': 'dep-1' } });
    const first = await send(m.token, '15');
    const replay = await send(m.token, '15');
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await send(m.token, '16')).status).toBe(409);
    const theirs = await send(other.token, '15');
    expect(theirs.status).toBe(201);
    expect(theirs.body.transaction.id).not.toBe(first.body.transaction.id);
    expect((await t.request('GET', '/api/transactions/history', { token: m.token })).body.total).toBe(1);
  });

  it('runs a transfer once when the same key is sent 20 times at once', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '10');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.request('POST', '/api/transactions/transfer', {
          token: m.token,
          body: { amount: '1', from_wallet: 'available_fund', to_wallet: 'main_balance' },
          headers: { 'Idempotency-Key': 'same-transfer' },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect((await balances(t, m.token)).main_balance).toBe('1.00000000');
  });

  it('replays a staff approval instead of answering 409', async () => {
    const m = await signUp(t);
    const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '10' } });
    const path = `/api/admin/transactions/${dep.body.transaction.id}/approve`;
    const a = await t.request('POST', path, { token: finance, body: {}, headers: { 'Idempotency-Key': 'appr' } });
    const b = await t.request('POST', path, { token: finance, body: {}, headers: { 'Idempotency-Key': 'appr' } });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await balances(t, m.token)).available_fund).toBe('10.00000000');
    expect((await t.request('POST', path, { token: finance, body: {}, headers: { 'Idempotency-Key': 'x'.repeat(256) } })).status).toBe(400);
  });
});

describe('history and ownership', () => {
  it("lists only the caller's transactions, filtered and paginated, and hides others' ids", async () => {
    const m = await signUp(t);
    const other = await signUp(t);
    for (const amount of ['10', '11', '12']) await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount } });
    const theirs = await t.request('POST', '/api/transactions/deposit', { token: other.token, body: { amount: '13' } });
    const page = await t.request('GET', '/api/transactions/history?per_page=2&type=deposit&status=pending', { token: m.token });
    expect(page.body).toMatchObject({ page: 1, per_page: 2, total: 3 });
    expect(page.body.items.map((i: { amount: string }) => i.amount)).toEqual(['12.00000000', '11.00000000']);
    expect((await t.request('GET', `/api/transactions/${theirs.body.transaction.id}`, { token: m.token })).status).toBe(404);
    expect((await t.request('POST', `/api/transactions/${theirs.body.transaction.id}/cancel`, { token: m.token })).status).toBe(404);
    for (const bad of ['status=done', 'type=gift', 'wallet_type=x', 'per_page=101', 'page=0', 'from=yesterday']) {
      expect((await t.request('GET', `/api/transactions/history?${bad}`, { token: m.token })).status, bad).toBe(400);
    }
    const future = await t.request('GET', '/api/transactions/history?from=2999-01-01', { token: m.token });
    expect(future.body.total).toBe(0);
  });
});

describe('staff', () => {
  it('keeps members out (403 even with a malformed body) and support read-only', async () => {
    const m = await signUp(t);
    expect((await t.request('GET', '/api/admin/transactions', { token: m.token })).status).toBe(403);
    expect((await t.request('POST', '/api/admin/transactions/1/approve', { token: m.token, raw: '{"admin_notes": 5' })).status).toBe(403);
    expect((await t.request('PUT', '/api/admin/config', { token: m.token, body: { min_deposit: 'x' } })).status).toBe(403);
    expect((await t.request('GET', '/api/admin/transactions', { token: support })).status).toBe(200);
    expect((await t.request('POST', '/api/admin/transactions/1/approve', { token: support, body: {} })).status).toBe(403);
    expect((await t.request('PUT', '/api/admin/config', { token: finance, body: { min_deposit: '1' } })).status).toBe(403);
    // Staff accounts hold no wallets: member money routes refuse them, profile routes do not.
    expect((await t.request('POST', '/api/transactions/deposit', { token: finance, body: { amount: '50' } })).status).toBe(403);
    expect((await t.request('GET', '/api/dashboard/balances', { token: admin })).status).toBe(403);
    expect((await t.request('GET', '/api/user/profile', { token: finance })).status).toBe(200);
  });

  it('never turns a member account into staff', async () => {
    const { upsertStaffUser } = await import('../src/users/users.service.js');
    const m = await signUp(t);
    await expect(upsertStaffUser({ username: m.user.username, email: 'x@metax.test', password: 'Str0ng-pass-word', role: 'finance' })).rejects.toMatchObject({ status: 409 });
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).body.user_info.role).toBe('member');
  });

  it('lists the pending queue oldest first and finds users', async () => {
    const m = await signUp(t);
    const a = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '10' } });
    const b = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '20' } });
    const queue = await t.request('GET', `/api/admin/transactions?status=pending&user_id=${m.user.id}`, { token: support });
    expect(queue.body.items.map((i: { id: number }) => i.id)).toEqual([a.body.transaction.id, b.body.transaction.id]);
    const found = await t.request('GET', `/api/admin/users?search=${m.user.username.slice(0, 8).toUpperCase()}&role=member`, { token: support });
    expect(found.body.items.map((u: { id: number }) => u.id)).toContain(m.user.id);
    expect((await t.request('GET', '/api/admin/users?role=king', { token: support })).status).toBe(400);
  });

  it('adjusts a wallet by a signed amount, never below zero, and audits it', async () => {
    const m = await signUp(t);
    const adj = (amount: string, wallet_type = 'main_balance') =>
      t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, { token: finance, body: { wallet_type, amount, reason: 'support ticket 42' } });
    const up = await adj('7.5');
    expect(up.status).toBe(200);
    expect(up.body.wallets.find((w: { wallet_type: string }) => w.wallet_type === 'main_balance').balance).toBe('7.50000000');
    expect((await adj('-8')).status).toBe(422);
    expect((await adj('-2.5')).status).toBe(200);
    expect((await adj('1', 'total_income')).status).toBe(422);
    expect((await adj('1', 'my_investment')).status).toBe(422);
    expect((await adj('0')).status).toBe(400);
    expect((await t.request('PUT', '/api/admin/users/99999999/wallets', { token: finance, body: { wallet_type: 'main_balance', amount: '1', reason: 'x' } })).status).toBe(404);
    expect((await balances(t, m.token)).main_balance).toBe('5.00000000');
    const trail = await t.request('GET', `/api/admin/audit?action=wallet.adjust&target_id=${m.user.id}`, { token: support });
    expect(trail.body.total).toBe(2);
    expect(trail.body.items[0]).toMatchObject({ action: 'wallet.adjust', reason: 'support ticket 42', after: { amount: '-2.50000000' } });
  });

  it('validates configuration key by key and audits changes; changes apply to the next operation', async () => {
    const bad = await t.request('PUT', '/api/admin/config', { token: admin, body: { referral_rates: { 1: 10, 2: 5 }, withdrawal_fee: '101', nonsense: 1, deposit_wallets: ['gold'] } });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['referral_rates', 'nonsense', 'deposit_wallets.0']));
    // The memo and the principal wallet never take part in money flows set by config.
    for (const body of [{ withdrawal_wallets: ['total_income'] }, { deposit_wallets: ['my_investment'] }, { transfer_rules: [{ from: 'main_balance', to: 'my_investment' }] }, { investment_source_wallet: 'total_income' }]) {
      expect((await t.request('PUT', '/api/admin/config', { token: admin, body })).status, JSON.stringify(body)).toBe(400);
    }
    const m = await signUp(t);
    expect((await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '5' } })).status).toBe(422);
    await setConfig(t, admin, { min_deposit: '5' });
    try {
      expect((await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '5' } })).status).toBe(201);
    } finally {
      await setConfig(t, admin, { min_deposit: '10' });
    }
    const trail = await t.request('GET', '/api/admin/audit?action=config.update&target_id=min_deposit', { token: support });
    expect(trail.body.items[0]).toMatchObject({ before: '5.00000000', after: '10.00000000' });
    const config = await t.request('GET', '/api/admin/config', { token: admin });
    expect(config.body.config.find((c: { key: string }) => c.key === 'referral_rates').value).toEqual({ 1: '10.00000000', 2: '5.00000000', 3: '3.00000000', 4: '2.00000000', 5: '1.00000000' });
  });

  it('never lets audit rows or ledger entries change', async () => {
    await expect(t.server.database.pool.query('UPDATE audit_logs SET reason = $1', ['x'])).rejects.toThrow(/immutable/);
    await expect(t.server.database.pool.query('DELETE FROM ledger_entries')).rejects.toThrow(/immutable/);
  });
});
