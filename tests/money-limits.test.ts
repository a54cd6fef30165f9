import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { balances, expectBooksBalanced, fund, setConfig } from './helpers/money.js';
import { chain, TEAM_ENV } from './helpers/team.js';

/** Issue 13 §4, §6 and §7: abuse of money routes, amounts past NUMERIC(20,8), replays byte for byte. */

const ADDRESS = '0x52908400098527886E0F7030069857D2E4169EE7';
const NEAR_MAX = '999999999999';
let t: TestServer;
let admin: string;
let finance: string;
beforeAll(async () => {
  t = await startTestServer({ ...TEAM_ENV, RATE_LIMIT_MONEY_MAX: '20', RATE_LIMIT_MONEY_WINDOW_SECONDS: '600' });
  admin = await staffToken(t, 'admin');
  finance = await staffToken(t, 'finance');
});
afterAll(async () => t?.close());

const deposit = (token: string, amount = '10') => t.request('POST', '/api/transactions/deposit', { token, body: { amount } });

describe('open requests per member', () => {
  it('caps pending deposits, under concurrency, and pending withdrawals separately (422 too_many_pending)', async () => {
    const m = await signUp(t);
    const burst = await Promise.all(Array.from({ length: 8 }, () => deposit(m.token)));
    expect(burst.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = burst.filter((r) => r.status === 422);
    expect(refused).toHaveLength(3);
    expect(refused[0].body.error.code).toBe('too_many_pending');

    const approved = burst.filter((r) => r.status === 201).slice(0, 3);
    for (const r of approved) expect((await t.request('POST', `/api/admin/transactions/${r.body.transaction.id}/approve`, { token: finance, body: {} })).status).toBe(200);
    await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '30', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
    const withdraw = () => t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '5', wallet_address: ADDRESS, wallet_type: 'main_balance' } });
    const withdrawals: number[] = [];
    for (let i = 0; i < 6; i++) withdrawals.push((await withdraw()).status);
    expect(withdrawals).toEqual([201, 201, 201, 201, 201, 422]);
    // Three deposit slots were freed by staff: room for three more of that kind.
    for (let i = 0; i < 3; i++) expect((await deposit(m.token)).status).toBe(201);
    expect((await deposit(m.token)).status).toBe(422);
  });
});

describe('money writes per member', () => {
  it('throttles one member past RATE_LIMIT_MONEY_MAX with 429 and Retry-After, not other members or staff', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '100');
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '1', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.body.error.code).toBe('rate_limited');
      }
    }
    // fund() spent one of the member's 20 (the deposit request).
    expect(statuses.filter((s) => s === 201)).toHaveLength(19);
    expect(statuses.slice(19)).toEqual([429, 429, 429]);
    expect((await balances(t, m.token)).main_balance).toBe('19.00000000');
    const other = await signUp(t);
    expect((await deposit(other.token)).status).toBe(201);
    // Reads are not money writes.
    expect((await t.request('GET', '/api/wallets', { token: m.token })).status).toBe(200);
  });
});

describe('amounts past NUMERIC(20,8)', () => {
  it('answers 422 before writing anything: deposits approved past the limit, transfers into a full wallet, distributions and team volume', async () => {
    const [upline, a, b] = await chain(t, 3).then((c) => [c[0], c[1], c[2]]);
    // Investing more than one holds is refused as such, however large.
    const broke = await t.request('POST', '/api/investments', { token: a.token, body: { amount: NEAR_MAX } });
    expect(broke.status).toBe(422);
    expect(broke.body.error.code).toBe('insufficient_funds');

    await fund(t, a, finance, NEAR_MAX);
    const second = await deposit(a.token, '10');
    const over = await t.request('POST', `/api/admin/transactions/${second.body.transaction.id}/approve`, { token: finance, body: {} });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('amount_out_of_range');
    const still = await t.request('GET', `/api/transactions/${second.body.transaction.id}`, { token: a.token });
    expect(still.body.transaction.status).toBe('pending');

    const move = (token: string, amount: string, from_wallet: string, to_wallet: string) => t.request('POST', '/api/transactions/transfer', { token, body: { amount, from_wallet, to_wallet } });
    expect((await move(a.token, '600000000000', 'available_fund', 'main_balance')).status).toBe(201);
    await fund(t, a, finance, '600000000000');
    const full = await move(a.token, '1', 'main_balance', 'available_fund');
    expect(full.status).toBe(422);
    expect(full.body.error.code).toBe('amount_out_of_range');
    expect((await balances(t, a.token)).available_fund).toBe('999999999999.00000000');
    await fund(t, b, finance, '500000000000');
    await move(b.token, '500000000000', 'available_fund', 'main_balance');

    const distribution = await t.request('POST', '/api/admin/income/distribute', {
      token: finance,
      headers: { 'Idempotency-Key': 'too-big' },
      body: { income_type: 'Level Bonus', amount: '600000000000', user_ids: [a.user.id, b.user.id], description: 'too big' },
    });
    expect(distribution.status).toBe(422);
    expect(distribution.body.error.code).toBe('amount_out_of_range');

    // a (level 1) and b (level 2) both invest under the same upline: its team volume would pass the limit.
    await setConfig(t, admin, { investment_source_wallet: 'main_balance', referral_rates: { 1: '0', 2: '0', 3: '0', 4: '0', 5: '0' } });
    try {
      expect((await t.request('POST', '/api/investments', { token: a.token, body: { amount: '500000000000' } })).status).toBe(201);
      const past = await t.request('POST', '/api/investments', { token: b.token, body: { amount: '500000000000' } });
      expect(past.status).toBe(422);
      expect(past.body.error.code).toBe('amount_out_of_range');
      expect((await balances(t, b.token)).main_balance).toBe('500000000000.00000000');
    } finally {
      await setConfig(t, admin, { investment_source_wallet: 'available_fund', referral_rates: { 1: '10', 2: '5', 3: '3', 4: '2', 5: '1' } });
    }
    expect((await balances(t, upline.token)).level_bonus).toBe('0.00000000');
    await expectBooksBalanced();
  });

  it('refuses staff money actions aimed at a staff account', async () => {
    const res = await t.request('PUT', '/api/admin/users/1/wallets', { token: finance, body: { wallet_type: 'available_fund', amount: '5', reason: 'staff hold no wallets' } });
    expect(res.status).toBe(404);
  });
});

describe('replays', () => {
  it('returns the first answer byte for byte, and the same refusal after the member could afford it', async () => {
    const m = await signUp(t);
    const send = async (amount: string, key: string) => {
      const res = await fetch(`${t.url}/api/transactions/transfer`, {
        method: 'POST',
        headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({ amount, from_wallet: 'available_fund', to_wallet: 'main_balance' }),
      });
      return { status: res.status, text: await res.text(), replayed: res.headers.get('idempotent-replayed') };
    };
    const refused = await send('5', 'poor');
    expect(refused.status).toBe(422);
    await fund(t, m, finance, '50');
    const replayedRefusal = await send('5', 'poor');
    expect(replayedRefusal).toEqual({ ...refused, replayed: 'true' });

    const first = await send('5', 'rich');
    expect(first.status).toBe(201);
    const replay = await send('5', 'rich');
    expect(replay.text).toBe(first.text);
    expect(Object.keys(JSON.parse(replay.text).transaction)).toEqual(Object.keys(JSON.parse(first.text).transaction));
    expect((await balances(t, m.token)).main_balance).toBe('5.00000000');
  });

  it('leaves nothing behind when the unit rolls back: the key, the money and the answer commit together', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '20');
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    // A trigger that fails the transactions insert makes the unit roll back after the key was claimed.
    await client.query(`CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`);
    await client.query(`CREATE TRIGGER fail_once BEFORE INSERT ON transactions FOR EACH ROW WHEN (NEW.description LIKE 'Transfer%') EXECUTE FUNCTION fail_once()`);
    const send = () =>
      t.request('POST', '/api/transactions/transfer', {
        token: m.token,
        headers: { 'Idempotency-Key': 'rolled-back' },
        body: { amount: '2', from_wallet: 'available_fund', to_wallet: 'main_balance' },
      });
    try {
      const failed = await send();
      expect(failed.status).toBe(500);
      expect(JSON.stringify(failed.body)).not.toContain('disk on fire');
    } finally {
      await client.query(`DROP TRIGGER fail_once ON transactions; DROP FUNCTION fail_once()`);
      await client.end();
    }
    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect((await balances(t, m.token)).main_balance).toBe('2.00000000');
  });
});
