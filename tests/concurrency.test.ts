import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/database.js';
import { signUp, staffToken, startTestServer, type Reply, type TestServer } from './helpers/server.js';
import { expectBooksBalanced, fund, setConfig } from './helpers/money.js';
import { chain, TEAM_ENV, type Member } from './helpers/team.js';

/**
 * Issue 13 §1: every money path at once, over one sponsor chain (so investments pay the uplines who
 * are themselves transferring, withdrawing and being adjusted) — no 5xx, books balanced, member
 * aggregates consistent, and a bystander's reads unhindered.
 */

const ADDRESS = '0x52908400098527886E0F7030069857D2E4169EE7';
let t: TestServer;
let admin: string;
let finance: string;
let members: Member[];

beforeAll(async () => {
  t = await startTestServer({ ...TEAM_ENV });
  admin = await staffToken(t, 'admin');
  finance = await staffToken(t, 'finance');
  await setConfig(t, admin, { max_pending_per_member: 50, self_investment_bonus_rate: '1' });
  members = await chain(t, 7);
  for (const m of members) {
    await fund(t, m, finance, '5000');
    await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '1000', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
  }
});
afterAll(async () => t?.close());

const pick = <T>(list: T[], i: number) => list[i % list.length];

async function pendingRequests() {
  const deposits: number[] = [];
  const withdrawals: { id: number; member: Member }[] = [];
  for (const [i, m] of members.entries()) {
    for (let k = 0; k < 3; k++) {
      const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: String(10 + i + k) } });
      deposits.push(dep.body.transaction.id);
      const wd = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '20', wallet_address: ADDRESS, wallet_type: 'main_balance' } });
      withdrawals.push({ id: wd.body.transaction.id, member: m });
    }
  }
  return { deposits, withdrawals };
}

describe('200 mixed money requests over one sponsor chain', () => {
  it('answers every one with a success or a business 4xx, keeps the books and the aggregates, and never stalls a bystander', async () => {
    const { deposits, withdrawals } = await pendingRequests();
    const bystander = await signUp(t);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

    const requests: (() => Promise<Reply>)[] = [];
    for (let i = 0; i < 200; i++) {
      const m = pick(members, i);
      const slot = i % 10;
      if (slot === 0 || slot === 5) requests.push(() => t.request('POST', '/api/investments', { token: m.token, body: { amount: '15' } }));
      else if (slot === 1) requests.push(() => t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '3', from_wallet: 'available_fund', to_wallet: 'main_balance' } }));
      else if (slot === 2) requests.push(() => t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '2', from_wallet: 'main_balance', to_wallet: 'available_fund' } }));
      else if (slot === 3) requests.push(() => t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '7', wallet_address: ADDRESS, wallet_type: 'main_balance' } }));
      else if (slot === 4) {
        const w = pick(withdrawals, i);
        requests.push(() => t.request('POST', `/api/transactions/${w.id}/cancel`, { token: w.member.token }));
      } else if (slot === 6) {
        requests.push(() => t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, { token: finance, body: { wallet_type: 'available_fund', amount: i % 20 ? '4' : '-4', reason: 'burst test' } }));
      } else if (slot === 7) requests.push(() => t.request('POST', `/api/admin/transactions/${pick(deposits, i)}/approve`, { token: finance, body: {} }));
      else if (slot === 8) {
        const w = pick(withdrawals, i + 3);
        requests.push(() => t.request('POST', `/api/admin/transactions/${w.id}/${i % 3 ? 'approve' : 'reject'}`, { token: finance, body: { reason: 'burst test' } }));
      } else requests.push(() => t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '1', from_wallet: 'direct_referral', to_wallet: 'main_balance' } }));
    }
    requests.push(() =>
      t.request('POST', '/api/admin/income/distribute', {
        token: finance,
        headers: { 'Idempotency-Key': 'burst-distribution' },
        body: { income_type: 'Level Bonus', amount: '1.5', user_ids: members.map((m) => m.user.id), description: 'burst distribution' },
      }),
    );
    requests.push(() => t.request('POST', '/api/admin/staking/run', { token: admin, body: { date: yesterday } }));

    let bursting = true;
    const readTimes: number[] = [];
    const reads = (async () => {
      while (bursting) {
        const started = performance.now();
        const res = await t.request('GET', '/api/wallets', { token: bystander.token });
        readTimes.push(performance.now() - started);
        expect(res.status).toBe(200);
      }
    })();
    const replies = await Promise.all(requests.map((send) => send()));
    bursting = false;
    await reads;

    const statuses = replies.map((r) => r.status);
    const unexpected = replies.filter((r) => r.status >= 500 || ![200, 201, 409, 422].includes(r.status));
    expect(unexpected.map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    expect(statuses.filter((s) => s === 200 || s === 201).length).toBeGreaterThan(120);
    for (const r of replies) if (r.status >= 400) expect(r.body.error.code, JSON.stringify(r.body)).toMatch(/^(insufficient_funds|not_pending|too_many_pending|not_cancellable)$/);

    readTimes.sort((a, b) => a - b);
    const p99 = readTimes[Math.floor(readTimes.length * 0.99)] ?? readTimes[readTimes.length - 1];
    expect(readTimes.length).toBeGreaterThan(5);
    expect(p99).toBeLessThan(1000);

    await expectBooksBalanced();
    // Member aggregates moved with the money, in the same units: principal equals my_investment,
    // and every upline's team volume is the sum of its five levels' principal.
    const drift = await db().query(
      `SELECT u.id FROM users u JOIN wallets w ON w.user_id = u.id AND w.wallet_type = 'my_investment'
        WHERE u.role = 'member' AND (u.total_investment <> w.balance OR u.team_volume <> (
          SELECT coalesce(sum(d.total_investment), 0) FROM referrals r JOIN users d ON d.id = r.referred_id WHERE r.referrer_id = u.id))`,
      { type: QueryTypes.SELECT },
    );
    expect(drift).toEqual([]);
  }, 120_000);
});
