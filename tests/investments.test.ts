import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { expectBooksBalanced, fund, setConfig } from './helpers/money.js';
import { TEAM_ENV, chain, setActive, wallets } from './helpers/team.js';

let t: TestServer;
let admin: string;
let finance: string;
let support: string;
beforeAll(async () => {
  t = await startTestServer(TEAM_ENV);
  admin = await staffToken(t, 'admin');
  finance = await staffToken(t, 'finance');
  support = await staffToken(t, 'support');
});
afterAll(async () => t?.close());
afterEach(async () => expectBooksBalanced());

const invest = (token: string, amount: string, headers: Record<string, string> = {}) =>
  t.request('POST', '/api/investments', { token, body: { amount }, headers });

describe('investing', () => {
  it('pays 100/50/30/20/10 up five levels of a 7-deep chain and nothing to the 6th', async () => {
    const members = await chain(t, 7);
    const deepest = members[6];
    await fund(t, deepest, finance, '1000');
    const res = await invest(deepest.token, '1000');
    expect(res.status).toBe(201);
    expect(res.body.investment).toMatchObject({ amount: '1000.00000000', status: 'active', source_wallet: 'available_fund' });
    expect(res.body.transaction).toMatchObject({ transaction_type: 'investment', amount: '1000.00000000', status: 'completed' });

    const mine = await wallets(deepest);
    expect(mine).toMatchObject({ available_fund: '0.00000000', my_investment: '1000.00000000', total_income: '0.00000000' });

    const expected: [number, string, string][] = [
      [5, 'direct_referral', '100.00000000'],
      [4, 'level_bonus', '50.00000000'],
      [3, 'level_bonus', '30.00000000'],
      [2, 'level_bonus', '20.00000000'],
      [1, 'level_bonus', '10.00000000'],
    ];
    for (const [index, wallet, amount] of expected) {
      const w = await wallets(members[index]);
      expect(w[wallet], `member ${index}`).toBe(amount);
      expect(w.total_income, `member ${index}`).toBe(amount);
      const history = await t.request('GET', '/api/income/history', { token: members[index].token });
      expect(history.body.items).toHaveLength(1);
      expect(history.body.items[0]).toMatchObject({
        income_type: index === 5 ? 'Direct Referral' : 'Level Bonus',
        amount,
        from_user_id: deepest.user.id,
        level: 6 - index,
        status: 'completed',
      });
    }
    const top = await wallets(members[0]);
    expect(top.total_income).toBe('0.00000000');
    expect((await t.request('GET', '/api/income/history', { token: members[0].token })).body.total).toBe(0);
    const list = await t.request('GET', '/api/investments', { token: deepest.token });
    expect(list.body).toMatchObject({ total: 1, page: 1, per_page: 20 });
  });

  it('skips an inactive upline without rolling up, and pays the others', async () => {
    const members = await chain(t, 4);
    await setActive(members[1].user.id, false);
    await fund(t, members[3], finance, '200');
    expect((await invest(members[3].token, '200')).status).toBe(201);
    expect((await wallets(members[2])).direct_referral).toBe('20.00000000');
    expect((await wallets(members[1])).total_income).toBe('0.00000000');
    expect((await wallets(members[0])).level_bonus).toBe('6.00000000');
  });

  it('rolls commissions up past an inactive sponsor when compression is on', async () => {
    const members = await chain(t, 3);
    await setActive(members[1].user.id, false);
    await setConfig(t, admin, { commission_compression: true });
    try {
      await fund(t, members[2], finance, '100');
      expect((await invest(members[2].token, '100')).status).toBe(201);
      expect((await wallets(members[0])).direct_referral).toBe('10.00000000');
    } finally {
      await setConfig(t, admin, { commission_compression: false });
    }
  });

  it('applies changed rates to the next investment only', async () => {
    const [sponsor, member] = await chain(t, 2);
    await fund(t, member, finance, '300');
    await invest(member.token, '100');
    await setConfig(t, admin, { referral_rates: { 1: '7.5', 2: '5', 3: '3', 4: '2', 5: '1' } });
    try {
      await invest(member.token, '100');
    } finally {
      await setConfig(t, admin, { referral_rates: { 1: '10', 2: '5', 3: '3', 4: '2', 5: '1' } });
    }
    const history = await t.request('GET', '/api/income/history', { token: sponsor.token });
    expect(history.body.items.map((i: { amount: string }) => i.amount)).toEqual(['7.50000000', '10.00000000']);
    expect((await wallets(sponsor)).direct_referral).toBe('17.50000000');
  });

  it('pays the self investment bonus when configured', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '50');
    await setConfig(t, admin, { self_investment_bonus_rate: '2.5' });
    try {
      await invest(m.token, '50');
    } finally {
      await setConfig(t, admin, { self_investment_bonus_rate: '0' });
    }
    expect(await wallets(m)).toMatchObject({ self_coin_bonus: '1.25000000', total_income: '1.25000000', my_investment: '50.00000000' });
  });

  it('refuses malformed amounts (400), below the minimum and more than the balance (422), and replays an Idempotency-Key', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '40');
    expect((await invest(m.token, '-5')).status).toBe(400);
    expect((await invest(m.token, '1.123456789')).status).toBe(400);
    expect((await invest(m.token, '9.99')).status).toBe(422);
    expect((await invest(m.token, '40.00000001')).body.error.code).toBe('insufficient_funds');
    const first = await invest(m.token, '15', { 'Idempotency-Key': 'inv-1' });
    const again = await invest(m.token, '15', { 'Idempotency-Key': 'inv-1' });
    expect(again.status).toBe(201);
    expect(again.body.investment.id).toBe(first.body.investment.id);
    expect((await wallets(m)).my_investment).toBe('15.00000000');
  });

  it('pays a sponsor correctly when eight direct referrals invest at once (no deadlock)', async () => {
    const [sponsor] = await chain(t, 1);
    const kids = await Promise.all(Array.from({ length: 8 }, () => signUp(t, { sponsor_code: sponsor.user.referral_code })));
    for (const k of kids) await fund(t, k, finance, '10');
    const results = await Promise.all(kids.map((k) => invest(k.token, '10')));
    expect(results.map((r) => r.status)).toEqual(kids.map(() => 201));
    expect((await wallets(sponsor)).direct_referral).toBe('8.00000000');
  });
});

describe('reversal', () => {
  it('returns the principal, claws commissions back, and records what was spent as a debt repaid by future income', async () => {
    const [top, sponsor, member] = await chain(t, 3);
    await fund(t, member, finance, '1000');
    const inv = (await invest(member.token, '1000')).body.investment;
    // The sponsor spends 60 of their 100 commission.
    const spend = await t.request('POST', '/api/transactions/transfer', { token: sponsor.token, body: { amount: '60', from_wallet: 'direct_referral', to_wallet: 'main_balance' } });
    expect(spend.status).toBe(201);

    expect((await t.request('POST', `/api/admin/investments/${inv.id}/reverse`, { token: support, body: { reason: 'x' } })).status).toBe(403);
    expect((await t.request('POST', `/api/admin/investments/${inv.id}/reverse`, { token: finance, body: {} })).status).toBe(400);
    const res = await t.request('POST', `/api/admin/investments/${inv.id}/reverse`, { token: finance, body: { reason: 'chargeback on the deposit' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      investment: { status: 'reversed', reverse_reason: 'chargeback on the deposit' },
      clawed_back: '90.00000000',
      debts_recorded: [{ user_id: sponsor.user.id, amount: '60.00000000' }],
    });
    expect(await wallets(member)).toMatchObject({ available_fund: '1000.00000000', my_investment: '0.00000000' });
    expect(await wallets(sponsor)).toMatchObject({ direct_referral: '0.00000000', main_balance: '60.00000000', total_income: '60.00000000' });
    expect(await wallets(top)).toMatchObject({ level_bonus: '0.00000000', total_income: '0.00000000' });
    expect((await t.request('POST', `/api/admin/investments/${inv.id}/reverse`, { token: finance, body: { reason: 'again' } })).status).toBe(409);
    const auditRows = await t.request('GET', `/api/admin/audit?action=investment.reverse&target_id=${inv.id}`, { token: support });
    expect(auditRows.body.items).toHaveLength(1);

    // New income pays the 60 debt first: 100 new commission → 60 repaid, 40 kept.
    await invest(member.token, '1000');
    expect(await wallets(sponsor)).toMatchObject({ direct_referral: '40.00000000', total_income: '100.00000000' });
    const summary = await t.request('GET', '/api/income/summary', { token: sponsor.token });
    expect(summary.body.by_type.find((x: { income_type: string }) => x.income_type === 'Direct Referral')).toMatchObject({ total: '100.00000000', count: 1 });
  });
});

describe('ranks', () => {
  it('promotes on reaching a rank and pays its lifetime reward once', async () => {
    await setConfig(t, admin, {
      rank_rules: [
        { rank: 'Bronze', min_personal_investment: '0', min_direct_referrals: 0, min_team_volume: '0', lifetime_reward: '0' },
        { rank: 'Silver', min_personal_investment: '100', min_direct_referrals: 1, min_team_volume: '50', lifetime_reward: '50' },
        { rank: 'Gold', min_personal_investment: '100000', min_direct_referrals: 5, min_team_volume: '1000000', lifetime_reward: '250' },
      ],
    });
    try {
      const [sponsor, member] = await chain(t, 2);
      await fund(t, sponsor, finance, '300');
      await fund(t, member, finance, '100');
      await invest(sponsor.token, '100');
      expect((await t.request('GET', '/api/user/profile', { token: sponsor.token })).body.user_info.rank).toBe('Bronze');
      await invest(member.token, '50');
      expect((await t.request('GET', '/api/user/profile', { token: sponsor.token })).body.user_info.rank).toBe('Silver');
      await invest(member.token, '50');
      await invest(sponsor.token, '100');
      const { evaluateAllRanks } = await import('../src/ranks/ranks.service.js');
      await evaluateAllRanks();
      const w = await wallets(sponsor);
      expect(w.lifetime_reward).toBe('50.00000000');
      const rewards = await t.request('GET', '/api/income/history?type=Lifetime%20Reward', { token: sponsor.token });
      expect(rewards.body.total).toBe(1);
    } finally {
      await setConfig(t, admin, { rank_rules: (await import('../src/config/config.catalogue.js')).CONFIG.rank_rules.default });
    }
  });
});

describe('staff distribution', () => {
  it('pays a fixed amount or a percent of my_investment to active members only, audited', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const off = await signUp(t);
    await setActive(off.user.id, false);
    await fund(t, a, finance, '200');
    await invest(a.token, '200');
    const body = { income_type: 'Staking Reward', amount: '5', user_ids: [a.user.id, b.user.id, off.user.id], description: 'Launch bonus' };
    expect((await t.request('POST', '/api/admin/income/distribute', { token: support, body })).status).toBe(403);
    const res = await t.request('POST', '/api/admin/income/distribute', { token: finance, body, headers: { 'Idempotency-Key': 'd-1' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ income_type: 'Staking Reward', members_paid: 2, members_skipped: 1, total: '10.00000000' });
    const replay = await t.request('POST', '/api/admin/income/distribute', { token: finance, body, headers: { 'Idempotency-Key': 'd-1' } });
    expect(replay.body).toEqual(res.body);
    expect((await wallets(b)).staking_bonus).toBe('5.00000000');
    expect((await wallets(off)).staking_bonus).toBe('0.00000000');

    const loyalty = { income_type: 'Lifetime Reward', rate_percent: '1.5', user_ids: [a.user.id, b.user.id], description: 'Loyalty' };
    const keyless = await t.request('POST', '/api/admin/income/distribute', { token: finance, body: loyalty });
    expect(keyless.status).toBe(400);
    expect(keyless.body.error.details).toEqual([{ field: 'Idempotency-Key', message: 'is required' }]);
    expect((await wallets(a)).lifetime_reward).toBe('0.00000000');
    const pct = await t.request('POST', '/api/admin/income/distribute', { token: finance, body: loyalty, headers: { 'Idempotency-Key': 'd-2' } });
    expect(pct.body).toMatchObject({ members_paid: 1, total: '3.00000000' });
    expect((await wallets(a)).lifetime_reward).toBe('3.00000000');
    const bad = [
      { income_type: 'Pocket Money', amount: '5', user_ids: 'all_active', description: 'x' },
      { income_type: 'Level Bonus', user_ids: 'all_active', description: 'x' },
      { income_type: 'Level Bonus', amount: '5', rate_percent: '1', user_ids: 'all_active', description: 'x' },
      { income_type: 'Level Bonus', rate_percent: '101', user_ids: 'all_active', description: 'x' },
      { income_type: 'Level Bonus', amount: '5', user_ids: 'everyone', description: 'x' },
    ];
    for (const [i, b2] of bad.entries()) {
      const res2 = await t.request('POST', '/api/admin/income/distribute', { token: finance, body: b2, headers: { 'Idempotency-Key': `bad-${i}` } });
      expect(res2.status, JSON.stringify(b2)).toBe(400);
      expect(res2.body.error.details.map((d: { field: string }) => d.field), JSON.stringify(b2)).not.toContain('Idempotency-Key');
    }
    const auditRows = await t.request('GET', '/api/admin/audit?action=income.distribute', { token: support });
    expect(auditRows.body.total).toBe(2);
  });

  it('repairs drifted team volumes nightly without touching correct ones', async () => {
    const [sponsor, member] = await chain(t, 2);
    await fund(t, member, finance, '40');
    await invest(member.token, '40');
    const volume = async (id: number) => (await t.server.database.pool.query(`SELECT team_volume FROM users WHERE id = $1`, [id])).rows[0].team_volume;
    expect(await volume(sponsor.user.id)).toBe('40.00000000');
    await t.server.database.pool.query(`UPDATE users SET team_volume = 7 WHERE id = $1`, [sponsor.user.id]);
    const { evaluateAllRanks } = await import('../src/ranks/ranks.service.js');
    await evaluateAllRanks();
    expect(await volume(sponsor.user.id)).toBe('40.00000000');
  });

  it('claws back from principal that a reversal just returned to the same wallet before recording a debt', async () => {
    await setConfig(t, admin, { investment_source_wallet: 'self_coin_bonus', self_investment_bonus_rate: '10' });
    try {
      const m = await signUp(t);
      await t.request('PUT', `/api/admin/users/${m.user.id}/wallets`, { token: finance, body: { wallet_type: 'self_coin_bonus', amount: '100', reason: 'test funds' } });
      const inv = (await invest(m.token, '100')).body.investment;
      expect((await wallets(m)).self_coin_bonus).toBe('10.00000000');
      await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '10', from_wallet: 'self_coin_bonus', to_wallet: 'main_balance' } });
      const res = await t.request('POST', `/api/admin/investments/${inv.id}/reverse`, { token: finance, body: { reason: 'test' } });
      expect(res.status).toBe(200);
      expect(res.body.debts_recorded).toEqual([]);
      expect(await wallets(m)).toMatchObject({ self_coin_bonus: '90.00000000', main_balance: '10.00000000', my_investment: '0.00000000' });
    } finally {
      await setConfig(t, admin, { investment_source_wallet: 'available_fund', self_investment_bonus_rate: '0' });
    }
  });
});

