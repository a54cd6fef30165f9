import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../src/money/money.js';
import { inTransaction } from '../src/db/database.js';
import { post } from '../src/wallets/ledger.service.js';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { expectBooksBalanced, fund } from './helpers/money.js';

const run = promisify(execFile);
let t: TestServer;
let finance: string;
beforeAll(async () => {
  t = await startTestServer();
  finance = await staffToken(t, 'finance');
});
afterAll(async () => t?.close());

describe('ledger service', () => {
  it('refuses unbalanced postings and legs that are not exactly one positive amount', async () => {
    const m = await signUp(t);
    await expect(
      inTransaction((tx) => post(tx, { kind: 'adjustment', legs: [{ platform: 'adjustments', debit: new Decimal(1) }, { userId: m.user.id, wallet: 'main_balance', credit: new Decimal(2) }] })),
    ).rejects.toThrow(/unbalanced/);
    await expect(
      inTransaction((tx) => post(tx, { kind: 'adjustment', legs: [{ platform: 'adjustments', debit: new Decimal('0.000000001') }, { userId: m.user.id, wallet: 'main_balance', credit: new Decimal('0.000000001') }] })),
    ).rejects.toThrow(/at most 8 decimals/);
    await expect(
      inTransaction((tx) => post(tx, { kind: 'adjustment', legs: [{ platform: 'adjustments', debit: new Decimal(0) }, { userId: m.user.id, wallet: 'main_balance', credit: new Decimal(0) }] })),
    ).rejects.toThrow(/positive/);
    await expectBooksBalanced();
  });

  it('keeps total_income as a memo: income raises it, spending leaves it, a clawback lowers it', async () => {
    const m = await signUp(t);
    const income = (kind: 'bonus' | 'income_clawback', amount: string, side: 'credit' | 'debit') =>
      inTransaction((tx) =>
        post(tx, {
          kind,
          legs:
            side === 'credit'
              ? [{ platform: 'bonusExpense', debit: new Decimal(amount) }, { userId: m.user.id, wallet: 'level_bonus', credit: new Decimal(amount) }]
              : [{ userId: m.user.id, wallet: 'level_bonus', debit: new Decimal(amount) }, { platform: 'bonusExpense', credit: new Decimal(amount) }],
        }),
      );
    await income('bonus', '30', 'credit');
    await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '20', from_wallet: 'level_bonus', to_wallet: 'main_balance' } });
    let b = (await t.request('GET', '/api/dashboard/balances', { token: m.token })).body;
    expect([b.level_bonus, b.main_balance, b.total_income]).toEqual(['10.00000000', '20.00000000', '30.00000000']);
    await income('income_clawback', '5', 'debit');
    b = (await t.request('GET', '/api/dashboard/balances', { token: m.token })).body;
    expect([b.level_bonus, b.total_income]).toEqual(['5.00000000', '25.00000000']);
    await expectBooksBalanced();
  });

  it('reports a balanced trial balance whose accounting equation holds', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '100');
    const support = await staffToken(t, 'support');
    const res = await t.request('GET', '/api/admin/ledger/trial-balance', { token: support });
    expect(res.status).toBe(200);
    expect(res.body.balanced).toBe(true);
    expect(res.body.equation.holds).toBe(true);
    expect(res.body.total_debits).toBe(res.body.total_credits);
    expect(res.body.accounts.find((a: { account: string }) => a.account === 'asset:cash')).toMatchObject({ type: 'asset' });
    expect((await t.request('GET', '/api/admin/ledger/trial-balance', { token: m.token })).status).toBe(403);
  });
});

describe('npm run ledger:verify', () => {
  const verify = () =>
    run('npx', ['tsx', 'scripts/ledger-verify.ts'], { env: { ...process.env, DATABASE_URL: t.database.url, NODE_ENV: 'test' } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );

  it('passes on consistent books and fails, naming the wallet, when a balance is tampered with', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '10');
    const ok = await verify();
    expect(ok.out).toMatch(/ledger OK/);
    expect(ok.code).toBe(0);
    const { rows } = await t.server.database.pool.query(`UPDATE wallets SET balance = balance + 1 WHERE user_id = $1 AND wallet_type = 'available_fund' RETURNING id`, [m.user.id]);
    try {
      const bad = await verify();
      expect(bad.out).toMatch(/MISMATCH/);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(new RegExp(`wallet ${rows[0].id} .*stored 11\\.00000000, from entries 10\\.00000000`));
    } finally {
      await t.server.database.pool.query(`UPDATE wallets SET balance = balance - 1 WHERE id = $1`, [rows[0].id]);
    }
  }, 60_000);
});

describe('nightly ledger-verify job', () => {
  it('alerts staff by email and records the findings when the books do not balance', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '10');
    const pool = t.server.database.pool;
    const { rows } = await pool.query(`UPDATE wallets SET balance = balance + 1 WHERE user_id = $1 AND wallet_type = 'available_fund' RETURNING id`, [m.user.id]);
    try {
      const job = await t.server.jobs.agenda.now('ledger-verify', {});
      const run = async () => (await pool.query(`SELECT outcome, counts FROM job_runs WHERE job_id = $1`, [String(job.attrs._id)])).rows[0];
      await expect.poll(async () => (await run())?.outcome, { timeout: 15_000 }).toBe('success');
      expect((await run()).counts).toMatchObject({ ok: false, wallet_mismatches: 1, balanced: true });
      const alerts = await pool.query(`SELECT o.to_address, u.role FROM email_outbox o JOIN users u ON u.id = o.user_id WHERE o.template = 'ledger-alert'`);
      expect(alerts.rows.length).toBeGreaterThan(0);
      expect(alerts.rows.every((r) => r.role === 'admin' || r.role === 'finance')).toBe(true);
    } finally {
      await pool.query(`UPDATE wallets SET balance = balance - 1 WHERE id = $1`, [rows[0].id]);
    }
  });
});

describe('request limits', () => {
  it('answers a huge body with 413 JSON and writes nothing', async () => {
    const m = await signUp(t);
    const res = await t.request('POST', '/api/transactions/deposit', { token: m.token, raw: JSON.stringify({ amount: '10', reference: 'x'.repeat(200_000) }) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect((await t.request('GET', '/api/transactions/history', { token: m.token })).body.total).toBe(0);
  });
});
