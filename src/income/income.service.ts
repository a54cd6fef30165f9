import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { Decimal, SCALE } from '../money/money.js';
import { post, postBulkCredits, type PackedCredits } from '../wallets/ledger.service.js';
import type { PostingKind } from '../wallets/ledger.accounts.js';
import { INCOME_EXPENSE, INCOME_WALLET, type IncomeType } from './income-types.js';
import { settleDebts, settleDebtsPacked } from './debts.service.js';

export interface IncomeCredit {
  userId: number;
  type: IncomeType;
  amount: Decimal;
  fromUserId?: number | null;
  level?: number | null;
  description: string;
  investmentId?: number | null;
}

/** Income rows beside a posting, in one statement. */
export async function insertIncomes(tx: Transaction, postingId: number, credits: IncomeCredit[]): Promise<void> {
  if (credits.length === 0) return;
  const col = <T>(f: (c: IncomeCredit) => T) => credits.map(f);
  await db().query(
    `INSERT INTO incomes (user_id, income_type, amount, from_user_id, level, description, investment_id, posting_id)
     SELECT x.user_id, x.income_type, x.amount, x.from_user_id, x.level, x.description, x.investment_id, :postingId
       FROM unnest(ARRAY[:userIds]::int[], ARRAY[:types]::varchar[], ARRAY[:amounts]::numeric[], ARRAY[:fromIds]::int[],
                   ARRAY[:levels]::smallint[], ARRAY[:descriptions]::text[], ARRAY[:investmentIds]::int[])
            AS x(user_id, income_type, amount, from_user_id, level, description, investment_id)`,
    {
      replacements: {
        postingId,
        userIds: col((c) => c.userId),
        types: col((c) => c.type),
        amounts: col((c) => c.amount.toFixed(SCALE)),
        fromIds: col((c) => c.fromUserId ?? null),
        levels: col((c) => c.level ?? null),
        descriptions: col((c) => c.description),
        investmentIds: col((c) => c.investmentId ?? null),
      },
      type: QueryTypes.INSERT,
      transaction: tx,
    },
  );
}

/**
 * Credits a few income amounts of one posting kind in one posting (one leg per earner), writes the
 * Income rows, then lets each earner's open debts take their share first. Every credit of one call
 * must share the expense account; amounts at or below zero are dropped.
 */
export async function creditIncomes(tx: Transaction, kind: PostingKind, credits: IncomeCredit[], createdBy?: number): Promise<number | null> {
  const paid = credits.filter((c) => c.amount.gt(0));
  if (paid.length === 0) return null;
  const expense = INCOME_EXPENSE[paid[0].type];
  if (paid.some((c) => INCOME_EXPENSE[c.type] !== expense)) throw new Error('creditIncomes: one expense account per call');
  const total = paid.reduce((sum, c) => sum.plus(c.amount), new Decimal(0));
  const { postingId } = await post(tx, {
    kind,
    createdBy,
    description: paid.length === 1 ? paid[0].description : `${[...new Set(paid.map((c) => c.type))].join(' + ')}: ${paid.length} credits`,
    legs: [{ platform: expense, debit: total }, ...paid.map((c) => ({ userId: c.userId, wallet: INCOME_WALLET[c.type], credit: c.amount }))],
  });
  await insertIncomes(tx, postingId, paid);
  await settleDebts(tx, paid.map((c) => ({ userId: c.userId, wallet: INCOME_WALLET[c.type], amount: c.amount })));
  return postingId;
}

/**
 * Many members, one income type, same description: one bulk posting, one insert of Income rows,
 * then open debts. Used by staking and staff distributions, with credits packed by SQL.
 */
export async function creditIncomesInBulk(
  tx: Transaction,
  input: { kind: PostingKind; type: IncomeType; description: string; credits: PackedCredits; createdBy?: number },
): Promise<{ postingId: number | null; total: Decimal }> {
  const wallet = INCOME_WALLET[input.type];
  const result = await postBulkCredits(tx, {
    kind: input.kind,
    platform: INCOME_EXPENSE[input.type],
    wallet,
    credits: input.credits,
    description: input.description,
    createdBy: input.createdBy,
  });
  if (result.postingId === null) return result;
  await db().query(
    `INSERT INTO incomes (user_id, income_type, amount, description, posting_id)
     SELECT x.user_id, :type, x.amount, :description, :postingId
       FROM unnest(string_to_array(:userIds, ',')::int[], string_to_array(:amounts, ',')::numeric[]) AS x(user_id, amount)`,
    {
      replacements: { type: input.type, description: input.description, postingId: result.postingId, userIds: input.credits.userIds, amounts: input.credits.amounts },
      type: QueryTypes.INSERT,
      transaction: tx,
    },
  );
  await settleDebtsPacked(tx, wallet, input.credits);
  return result;
}
