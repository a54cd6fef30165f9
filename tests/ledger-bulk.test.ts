import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from './helpers/server.js';
import { expectBooksBalanced } from './helpers/money.js';
import { TEAM_ENV, wallets } from './helpers/team.js';
import { inTransaction } from '../src/db/database.js';
import { Decimal } from '../src/money/money.js';
import { packCredits, postBulkCredits } from '../src/wallets/ledger.service.js';
import { trialBalance } from '../src/wallets/ledger.verify.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(TEAM_ENV);
});
afterAll(async () => t?.close());
afterEach(async () => expectBooksBalanced());

describe('postBulkCredits', () => {
  it('credits many members in one balanced posting, moving total_income for income kinds only', async () => {
    const members = await Promise.all(Array.from({ length: 5 }, () => signUp(t)));
    const credits = packCredits(members.map((m, i) => ({ userId: m.user.id, amount: new Decimal(`1.0000000${i + 1}`) })));
    const result = await inTransaction((tx) => postBulkCredits(tx, { kind: 'staking_reward', platform: 'stakingExpense', wallet: 'staking_bonus', credits }));
    expect(result.total.toFixed(8)).toBe('5.00000015');
    for (const [i, m] of members.entries()) {
      expect(await wallets(m)).toMatchObject({ staking_bonus: `1.0000000${i + 1}`, total_income: `1.0000000${i + 1}` });
    }
    await inTransaction((tx) => postBulkCredits(tx, { kind: 'adjustment', platform: 'adjustments', wallet: 'main_balance', credits }));
    expect(await wallets(members[0])).toMatchObject({ main_balance: '1.00000001', total_income: '1.00000001' });
    const trial = await trialBalance();
    const expense = trial.accounts.find((a) => a.account === 'expense:staking')!;
    expect(expense.balance).toBe('5.00000015');
  });

  it('refuses duplicate members, bad amounts and missing wallets, writing nothing', async () => {
    const m = await signUp(t);
    const bulk = (credits: { userId: number; amount: Decimal }[]) =>
      inTransaction(async (tx) => postBulkCredits(tx, { kind: 'bonus', platform: 'bonusExpense', wallet: 'lifetime_reward', credits: packCredits(credits) }));
    await expect(bulk([{ userId: m.user.id, amount: new Decimal(1) }, { userId: m.user.id, amount: new Decimal(1) }])).rejects.toThrow(/twice/);
    await expect(bulk([{ userId: m.user.id, amount: new Decimal('0.000000001') }])).rejects.toThrow(/decimals/);
    await expect(bulk([{ userId: m.user.id, amount: new Decimal(0) }])).rejects.toThrow(/positive/);
    await expect(bulk([{ userId: 999_999, amount: new Decimal(1) }])).rejects.toThrow(/missing/);
    expect((await wallets(m)).lifetime_reward).toBe('0.00000000');
    expect(await bulk([])).toMatchObject({ postingId: null });
  });
});
