import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { Decimal, SCALE, ZERO, formatMoney } from '../money/money.js';
import { post, type PackedCredits } from '../wallets/ledger.service.js';
import type { PlatformAccount } from '../wallets/ledger.accounts.js';
import type { WalletType } from '../wallets/wallet-types.js';

export interface OpenDebt {
  id: number;
  user_id: number;
  outstanding: string;
  expense_account: PlatformAccount;
}

/** A clawback shortfall: what the earner had already spent and still owes. */
export async function recordDebt(
  tx: Transaction,
  debt: { userId: number; amount: Decimal; expense: PlatformAccount; incomeId: number; investmentId: number; reason: string },
): Promise<void> {
  await db().query(
    `INSERT INTO debts (user_id, amount, outstanding, expense_account, income_id, investment_id, reason)
     VALUES (:userId, :amount, :amount, :expense, :incomeId, :investmentId, :reason)`,
    { replacements: { ...debt, amount: debt.amount.toFixed(SCALE) }, type: QueryTypes.INSERT, transaction: tx },
  );
}

/** Debts repaid from a bulk credit: unpacks only the members who owe something (rarely anyone). */
export async function settleDebtsPacked(tx: Transaction, wallet: WalletType, credits: PackedCredits): Promise<void> {
  if (credits.count === 0) return;
  const debts = await openDebts(tx, credits.userIds);
  if (debts.length === 0) return;
  const debtors = new Set(debts.map((d) => d.user_id));
  const amounts = credits.amounts.split(',');
  const credited = credits.userIds
    .split(',')
    .map((id, i) => ({ userId: Number(id), wallet, amount: new Decimal(amounts[i]) }))
    .filter((c) => debtors.has(c.userId));
  await repayDebts(tx, credited, debts);
}

interface Credited {
  userId: number;
  wallet: WalletType;
  amount: Decimal;
}

/** Open debts of the members in :debtors (comma-joined ids), locked, oldest first. */
export const OPEN_DEBTS_SQL = `SELECT id, user_id, outstanding, expense_account FROM debts
  WHERE outstanding > 0 AND user_id = ANY(string_to_array(:debtors, ',')::int[]) ORDER BY id FOR UPDATE`;

function openDebts(tx: Transaction, packedUserIds: string): Promise<OpenDebt[]> {
  return db().query<OpenDebt>(OPEN_DEBTS_SQL, { replacements: { debtors: packedUserIds }, type: QueryTypes.SELECT, transaction: tx });
}

/**
 * Income just credited repays its earner's open debts first (oldest first): a clawback posting takes
 * the repayment back out of the wallet that received it and books it against the expense the debt
 * came from, one posting per debtor.
 */
export async function repayDebts(tx: Transaction, credited: Credited[], debts: OpenDebt[]): Promise<void> {
  const repaid = new Set<number>();
  const available = new Map<string, Decimal>();
  for (const c of credited) available.set(`${c.userId}:${c.wallet}`, (available.get(`${c.userId}:${c.wallet}`) ?? ZERO).plus(c.amount));
  for (const c of credited) {
    const key = `${c.userId}:${c.wallet}`;
    let left = available.get(key) ?? ZERO;
    if (left.isZero()) continue;
    const paid: { debt: OpenDebt; amount: Decimal }[] = [];
    for (const debt of debts.filter((d) => d.user_id === c.userId)) {
      const owed = new Decimal(debt.outstanding);
      if (owed.isZero() || left.isZero()) continue;
      const amount = Decimal.min(owed, left);
      left = left.minus(amount);
      debt.outstanding = owed.minus(amount).toFixed(SCALE);
      paid.push({ debt, amount });
      repaid.add(debt.id);
    }
    available.set(key, left);
    if (paid.length === 0) continue;
    const total = paid.reduce((s, p) => s.plus(p.amount), ZERO);
    await post(tx, {
      kind: 'income_clawback',
      description: `Debt repaid from new income: ${paid.map((p) => `#${p.debt.id} ${formatMoney(p.amount)}`).join(', ')}`,
      legs: [
        { userId: c.userId, wallet: c.wallet, debit: total },
        ...paid.map((p) => ({ platform: p.debt.expense_account, credit: p.amount })),
      ],
    });
  }
  const touched = debts.filter((d) => repaid.has(d.id));
  if (touched.length === 0) return;
  await db().query(
    `UPDATE debts SET outstanding = v.outstanding, settled_at = CASE WHEN v.outstanding = 0 THEN now() ELSE NULL END
       FROM unnest(ARRAY[:ids]::int[], ARRAY[:outstanding]::numeric[]) AS v(id, outstanding) WHERE debts.id = v.id`,
    { replacements: { ids: touched.map((d) => d.id), outstanding: touched.map((d) => d.outstanding) }, type: QueryTypes.UPDATE, transaction: tx },
  );
}
