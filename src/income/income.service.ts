import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { Decimal, SCALE } from '../money/money.js';
import { post, postBulkCredits, type PackedCredits, type Posting } from '../wallets/ledger.service.js';
import type { PostingKind } from '../wallets/ledger.accounts.js';
import { INCOME_EXPENSE, INCOME_WALLET, type IncomeType } from './income-types.js';
import { OPEN_DEBTS_SQL, repayDebts, settleDebtsPacked, type OpenDebt } from './debts.service.js';

export interface IncomeCredit {
  userId: number;
  type: IncomeType;
  amount: Decimal;
  fromUserId?: number | null;
  level?: number | null;
  description: string;
  investmentId?: number | null;
}

/** The credits of one income posting, beside its posting id. */
export interface PaidIncomes {
  postingId: number;
  credits: IncomeCredit[];
}

/**
 * Income rows beside their postings, and — in the same statement — the credited members' open
 * debts, locked, then repaid first from what was just credited (one statement when nobody owes).
 */
export async function recordIncomes(tx: Transaction, groups: PaidIncomes[]): Promise<void> {
  const rows = groups.flatMap((g) => g.credits.map((c) => ({ ...c, postingId: g.postingId })));
  if (rows.length === 0) return;
  const col = <T>(f: (c: (typeof rows)[number]) => T) => rows.map(f);
  const debts = await db().query<OpenDebt>(
    `WITH ins AS (
       INSERT INTO incomes (user_id, income_type, amount, from_user_id, level, description, investment_id, posting_id)
       SELECT * FROM unnest(ARRAY[:userIds]::int[], ARRAY[:types]::varchar[], ARRAY[:amounts]::numeric[], ARRAY[:fromIds]::int[],
                            ARRAY[:levels]::smallint[], ARRAY[:descriptions]::text[], ARRAY[:investmentIds]::int[], ARRAY[:postingIds]::bigint[])
     )
     ${OPEN_DEBTS_SQL}`,
    {
      replacements: {
        userIds: col((c) => c.userId),
        types: col((c) => c.type),
        amounts: col((c) => c.amount.toFixed(SCALE)),
        fromIds: col((c) => c.fromUserId ?? null),
        levels: col((c) => c.level ?? null),
        descriptions: col((c) => c.description),
        investmentIds: col((c) => c.investmentId ?? null),
        postingIds: col((c) => c.postingId),
        debtors: [...new Set(col((c) => c.userId))].join(','),
      },
      type: QueryTypes.SELECT,
      transaction: tx,
    },
  );
  if (debts.length > 0) await repayDebts(tx, rows.map((c) => ({ userId: c.userId, wallet: INCOME_WALLET[c.type], amount: c.amount })), debts);
}

/**
 * The posting of a few income credits of one kind (one leg per earner, all from one expense
 * account); amounts at or below zero are dropped. Undefined when nothing is paid.
 */
export function incomePosting(kind: PostingKind, credits: IncomeCredit[], createdBy?: number): { posting: Posting; paid: IncomeCredit[] } | undefined {
  const paid = credits.filter((c) => c.amount.gt(0));
  if (paid.length === 0) return undefined;
  const expense = INCOME_EXPENSE[paid[0].type];
  if (paid.some((c) => INCOME_EXPENSE[c.type] !== expense)) throw new Error('incomePosting: one expense account per posting');
  const total = paid.reduce((sum, c) => sum.plus(c.amount), new Decimal(0));
  return {
    paid,
    posting: {
      kind,
      createdBy,
      description: paid.length === 1 ? paid[0].description : `${[...new Set(paid.map((c) => c.type))].join(' + ')}: ${paid.length} credits`,
      legs: [{ platform: expense, debit: total }, ...paid.map((c) => ({ userId: c.userId, wallet: INCOME_WALLET[c.type], credit: c.amount }))],
    },
  };
}

/** Credits a few income amounts in one posting, writes their Income rows, repays open debts first. */
export async function creditIncomes(tx: Transaction, kind: PostingKind, credits: IncomeCredit[], createdBy?: number): Promise<number | null> {
  const income = incomePosting(kind, credits, createdBy);
  if (!income) return null;
  const { postingId } = await post(tx, income.posting);
  await recordIncomes(tx, [{ postingId, credits: income.paid }]);
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
