import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { expectBooksBalanced, fund } from './helpers/money.js';
import { TEAM_ENV, setActive, wallets, type Member } from './helpers/team.js';
import { db } from '../src/db/database.js';
import { daysToPay, runStaking, stakingToday } from '../src/staking/staking.service.js';

let t: TestServer;
let finance: string;
let support: string;
let today: string;
beforeAll(async () => {
  t = await startTestServer(TEAM_ENV);
  finance = await staffToken(t, 'finance');
  support = await staffToken(t, 'support');
  today = (await stakingToday()).today;
});
afterAll(async () => t?.close());
afterEach(async () => expectBooksBalanced());

async function investor(amount: string): Promise<Member> {
  const m = await signUp(t);
  await fund(t, m, finance, amount);
  const res = await t.request('POST', '/api/investments', { token: m.token, body: { amount } });
  if (res.status !== 201) throw new Error(`invest failed ${res.status}`);
  return m;
}

const run = (date: string, headers: Record<string, string> = {}) => t.request('POST', '/api/admin/staking/run', { token: finance, body: { date }, headers });

async function payoutsOf(userId: number) {
  return db().query<{ reward_date: string; amount: string }>(`SELECT reward_date::text, amount FROM staking_payouts WHERE user_id = :userId`, {
    replacements: { userId },
    type: QueryTypes.SELECT,
  });
}

describe('daily staking', () => {
  it('runs as the daily-staking agenda job for the day that just ended', async () => {
    const [{ yesterday }] = await db().query<{ yesterday: string }>(`SELECT (:today::date - 1)::text AS yesterday`, { replacements: { today }, type: QueryTypes.SELECT });
    await t.server.jobs.agenda.now('daily-staking');
    let runs: { status: string }[] = [];
    for (let waited = 0; waited < 20_000 && runs.length === 0; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      runs = await db().query<{ status: string }>(`SELECT status FROM staking_runs WHERE reward_date = :yesterday AND status = 'completed'`, {
        replacements: { yesterday },
        type: QueryTypes.SELECT,
      });
    }
    expect(runs).toHaveLength(1);
  });

  it("pays exactly 0.32876712 on 1,000 at 12 % APY for today, once however often it runs", async () => {
    const m = await investor('1000');
    const first = await run(today);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ date: today, members_paid: 1, total: '0.32876712' });
    const second = await run(today);
    expect(second.body).toEqual({ date: today, members_paid: 0, total: '0.00000000' });
    expect(await wallets(m)).toMatchObject({ staking_bonus: '0.32876712', total_income: '0.32876712', my_investment: '1000.00000000' });
    const history = await t.request('GET', '/api/income/history?type=Staking%20Reward', { token: m.token });
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0].description).toBe(`Daily staking reward for ${today} (12% APY)`);
    const runs = await t.request('GET', '/api/admin/staking/runs', { token: support });
    expect(runs.body.items[0]).toMatchObject({ date: today, status: 'completed', members_paid: 0 });
    expect(runs.body.items[1]).toMatchObject({ date: today, status: 'completed', members_paid: 1, total: '0.32876712' });
  });

  it('is exact to 8 places: rounds once, down, never the daily rate first', async () => {
    // 1234.56789012 × 12 / 36500 = 0.405885333738…; a daily rate rounded first (0.00032877) would give 0.40588888.
    const m = await investor('1234.56789012');
    await run(today);
    expect((await wallets(m)).staking_bonus).toBe('0.40588533');
  });

  it('pays on the principal held at the end of a past day, and nothing to deactivated members', async () => {
    const m = await investor('500');
    const off = await investor('500');
    await setActive(off.user.id, false);
    const [{ yesterday }] = await db().query<{ yesterday: string }>(`SELECT (:today::date - 1)::text AS yesterday`, { replacements: { today }, type: QueryTypes.SELECT });
    const past = await run(yesterday);
    expect(past.body.members_paid).toBe(0); // nobody had invested by the end of yesterday
    await run(today);
    expect((await wallets(m)).staking_bonus).toBe('0.16438356');
    expect((await wallets(off)).staking_bonus).toBe('0.00000000');
  });

  it('pays once when two runs race', async () => {
    const m = await investor('730');
    const [a, b] = await Promise.all([run(today), run(today)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.members_paid + b.body.members_paid).toBeGreaterThanOrEqual(1);
    expect(await payoutsOf(m.user.id)).toEqual([{ reward_date: today, amount: '0.24000000' }]);
    expect((await wallets(m)).staking_bonus).toBe('0.24000000');
  });

  it('pays each member exactly once when a run dies halfway and is run again', async () => {
    const members = [];
    for (let i = 0; i < 4; i++) members.push(await investor('365'));
    let batches = 0;
    await expect(
      runStaking(today, {
        batchSize: 1,
        concurrency: 1,
        afterBatch: (b) => {
          if (b.paid > 0 && ++batches === 2) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const paidBefore = (await Promise.all(members.map((m) => payoutsOf(m.user.id)))).filter((p) => p.length > 0).length;
    expect(paidBefore).toBe(2);
    const rerun = await runStaking(today, { batchSize: 1 });
    expect(rerun.members_paid).toBe(2);
    for (const m of members) {
      expect(await payoutsOf(m.user.id)).toEqual([{ reward_date: today, amount: '0.12000000' }]);
      expect((await wallets(m)).staking_bonus).toBe('0.12000000');
    }
    const runs = await t.request('GET', '/api/admin/staking/runs', { token: support });
    expect(runs.body.items.map((r: { status: string }) => r.status).slice(0, 2)).toEqual(['completed', 'failed']);
  });

  it('validates the date and the role', async () => {
    expect((await t.request('POST', '/api/admin/staking/run', { token: support, body: { date: today } })).status).toBe(403);
    for (const date of ['2026-02-30', 'yesterday', '', 20261124]) expect((await run(date as string)).status, String(date)).toBe(400);
    const future = await run('2999-01-01');
    expect(future.status).toBe(422);
  });
});

describe('days the nightly job owes', () => {
  const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

  it('keeps every unpaid day of the last week owed, whatever staff ran by hand', async () => {
    // Forget earlier tests' runs of the last week (their payouts stay, so nobody is paid twice).
    await db().query(`UPDATE staking_runs SET status = 'failed' WHERE reward_date >= :from`, { replacements: { from: daysAgo(7) }, type: QueryTypes.UPDATE });
    await runStaking(daysAgo(3));
    await runStaking(today); // before midnight: on the principal held now, so today stays owed tonight
    const owed = await daysToPay();
    expect(owed).not.toContain(daysAgo(3));
    expect(owed).toContain(daysAgo(1));
    expect(owed).toContain(daysAgo(4));
    expect(owed).toContain(daysAgo(7));
    expect(owed).not.toContain(today);
  });
});

