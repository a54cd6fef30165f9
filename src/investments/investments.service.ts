import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { getConfig } from '../config/config.service.js';
import { conflict, notFound, unprocessable } from '../http/errors.js';
import { offsetOf, type Page } from '../http/pagination.js';
import { Decimal, formatMoney } from '../money/money.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { post, postMany } from '../wallets/ledger.service.js';
import { claimLocked, lockMembers, lockRecord, lockWallets, moneyUnit } from '../wallets/lock-order.js';
import type { WalletType } from '../wallets/wallet-types.js';
import { MoneyTransaction } from '../wallets/transaction.model.js';
import { incomePosting, recordIncomes, type IncomeCredit } from '../income/income.service.js';
import { INCOME_EXPENSE, INCOME_WALLET } from '../income/income-types.js';
import { recordDebt } from '../income/debts.service.js';
import { applyPromotions, promotions, type Standing } from '../ranks/ranks.service.js';
import { commissionsFor, down8, earnerSql, type Upline } from '../income/compensation-plan.js';

export interface InvestmentRow {
  id: number;
  user_id: number;
  amount: string;
  source_wallet: string;
  status: 'active' | 'reversed';
  transaction_id: number | null;
  reversed_at: Date | null;
  reverse_reason: string | null;
  created_at: Date;
}

export function toView(i: InvestmentRow) {
  return {
    id: i.id,
    user_id: i.user_id,
    amount: formatMoney(i.amount),
    source_wallet: i.source_wallet,
    status: i.status,
    transaction_id: i.transaction_id,
    created_at: new Date(i.created_at).toISOString(),
    reversed_at: i.reversed_at ? new Date(i.reversed_at).toISOString() : null,
    reverse_reason: i.reverse_reason,
  };
}

const select = <T extends object>(tx: Transaction, sql: string, replacements: Record<string, unknown>) =>
  db().query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction: tx });

/** Moves principal and team volume on member rows the unit already holds (level 3 of the lock order). */
async function moveVolume(tx: Transaction, investorId: number, uplineIds: number[], delta: Decimal) {
  await lockMembers(tx, [investorId, ...uplineIds]);
  // A volume pushed past NUMERIC(20,8) fails here (22003) and answers 422; a reversal never takes
  // a drifted volume below zero (the nightly repair recomputes it).
  await db().query(
    `UPDATE users SET total_investment = users.total_investment + CASE WHEN users.id = :investorId THEN :delta::numeric ELSE 0 END,
                      team_volume = greatest(0, users.team_volume + CASE WHEN users.id = :investorId THEN 0 ELSE :delta::numeric END)
      WHERE users.id IN (:ids)`,
    { replacements: { investorId, ids: [investorId, ...uplineIds], delta: delta.toFixed(8) }, type: QueryTypes.UPDATE, transaction: tx },
  );
}

/** Wallets an investment may touch: the investor's, and each upline's income wallets. */
const INVESTOR_WALLETS = ['my_investment', 'self_coin_bonus', 'lifetime_reward', 'total_income'] as const satisfies readonly WalletType[];
const UPLINE_WALLETS = ['direct_referral', 'level_bonus', 'lifetime_reward', 'total_income'] as const satisfies readonly WalletType[];

interface Prepared {
  id: number;
  level: number | null;
  is_earner: boolean;
  rank: string;
  total_investment: string;
  team_volume: string;
  direct_referrals: number;
}

/**
 * The investment's first statement: the investor's and every upline's wallets it may touch (lock
 * order level 2), then their member rows (level 3), and what the unit needs to know of them — each
 * upline's level and whether they earn, and everyone's rank standing.
 */
const PREPARE_SQL = `WITH up AS (
    SELECT r.referrer_id, r.level FROM referrals r WHERE r.referred_id = :userId
  ), lw AS (
    SELECT w.id FROM wallets w
     WHERE (w.user_id = :userId AND w.wallet_type IN (:investorWallets))
        OR (w.user_id IN (SELECT referrer_id FROM up) AND w.wallet_type IN (:uplineWallets))
     ORDER BY w.user_id, w.wallet_type COLLATE "C"
       FOR NO KEY UPDATE OF w
  ), lu AS (
    SELECT u.* FROM users u
     WHERE (u.id = :userId OR u.id IN (SELECT referrer_id FROM up)) AND (SELECT count(*) FROM lw) >= 0
     ORDER BY u.id
       FOR NO KEY UPDATE
  )
  SELECT lu.id, up.level, ${earnerSql('lu')} AS is_earner, lu.rank, lu.total_investment, lu.team_volume,
         (SELECT count(*)::int FROM referrals r WHERE r.referrer_id = lu.id AND r.level = 1) AS direct_referrals
    FROM lu LEFT JOIN up ON up.referrer_id = lu.id`;

/** The investment's second statement: principal and team volume, its transactions row and its investments row. */
const RECORD_SQL = `WITH volume AS (
    UPDATE users SET total_investment = users.total_investment + CASE WHEN users.id = :userId THEN :amount::numeric ELSE 0 END,
                     team_volume = users.team_volume + CASE WHEN users.id = :userId THEN 0 ELSE :amount::numeric END
     WHERE users.id IN (:ids)
  ), t AS (
    INSERT INTO transactions (user_id, transaction_type, wallet_type, to_wallet_type, amount, fee, net_amount, status, processed_at, description)
    VALUES (:userId, 'investment', :source, 'my_investment', :amount, 0, :amount, 'completed', now(), :description)
    RETURNING id, created_at, processed_at
  )
  INSERT INTO investments (user_id, amount, source_wallet, transaction_id)
  SELECT :userId, :amount, :source, t.id FROM t
  RETURNING *, (SELECT created_at FROM t) AS transaction_created_at, (SELECT processed_at FROM t) AS transaction_processed_at`;

/**
 * An investment: principal from the source wallet into my_investment, commissions to earning
 * uplines, the optional self bonus, ranks re-evaluated for the investor and uplines — one unit of
 * work in the lock order, in six round trips whatever the size of anyone's team: BEGIN; lock and
 * read; volume and records; every posting (ledger_post_many); incomes and debts; COMMIT. A
 * promotion, rare, adds its own.
 */
export async function invest(userId: number, username: string, amount: Decimal) {
  const config = await getConfig(['min_investment', 'investment_source_wallet', 'referral_rates', 'self_investment_bonus_rate', 'commission_compression', 'rank_rules']);
  if (amount.lt(config.min_investment)) {
    throw unprocessable('below_minimum', `The minimum investment is ${config.min_investment}`, [{ field: 'amount', message: `must be at least ${config.min_investment}` }]);
  }
  // The config schema keeps my_investment and total_income out of this key.
  const source = config.investment_source_wallet;
  const investorWallets: WalletType[] = [...new Set([source, ...INVESTOR_WALLETS])];
  return moneyUnit(async (tx) => {
    const members = await select<Prepared>(tx, PREPARE_SQL, { userId, investorWallets, uplineWallets: UPLINE_WALLETS });
    const uplines = members.filter((m) => m.id !== userId).map((m): Upline => ({ referrer_id: m.id, level: m.level!, is_earner: m.is_earner }));
    const ids = members.map((m) => m.id);
    claimLocked(
      tx,
      members.flatMap((m) => (m.id === userId ? investorWallets : UPLINE_WALLETS).map((wallet) => ({ userId: m.id, wallet }))),
      ids,
    );

    const [row] = await select<InvestmentRow & { transaction_created_at: Date; transaction_processed_at: Date }>(tx, RECORD_SQL, {
      userId,
      ids,
      amount: amount.toFixed(8),
      source,
      description: `Investment of ${amount.toFixed(8)} from ${source}`,
    });
    const onInvestment = { fromUserId: userId, investmentId: row.id };
    const commissions: IncomeCredit[] = commissionsFor(userId, amount, uplines, config.referral_rates, config.commission_compression).map((c) => ({
      ...c,
      ...onInvestment,
      description: `${c.level === 1 ? 'Direct referral commission' : `Level ${c.level} bonus`} on ${username}'s investment of ${amount.toFixed(8)}`,
    }));
    const selfBonus = down8(amount.times(config.self_investment_bonus_rate).dividedBy(100));
    const bonus: IncomeCredit[] = [
      { userId, type: 'Self Investment', amount: selfBonus, investmentId: row.id, description: `Self investment bonus (${config.self_investment_bonus_rate}%) on ${amount.toFixed(8)}` },
    ];
    const incomes = [incomePosting('commission', commissions), incomePosting('bonus', bonus)].filter((i) => i !== undefined);
    // The principal's posting also refuses an amount the source wallet does not hold (422).
    const [, ...paid] = await postMany(tx, [
      {
        kind: 'investment',
        transactionId: row.transaction_id!,
        description: `Investment #${row.id}`,
        legs: [
          { userId, wallet: source, debit: amount },
          { userId, wallet: 'my_investment', credit: amount },
        ],
      },
      ...incomes.map((i) => i.posting),
    ]);
    await recordIncomes(tx, incomes.map((i, k) => ({ postingId: paid[k].postingId, credits: i.paid })));

    // Standings after this investment, from the rows just locked: no re-read.
    const after = members
      .filter((m) => m.is_earner)
      .map((m): Standing => ({
        ...m,
        total_investment: m.id === userId ? new Decimal(m.total_investment).plus(amount).toFixed(8) : m.total_investment,
        team_volume: m.id === userId ? m.team_volume : new Decimal(m.team_volume).plus(amount).toFixed(8),
      }));
    const promoted = promotions(config.rank_rules, after);
    if (promoted.length > 0) await applyPromotions(tx, promoted);

    const { transaction_created_at, transaction_processed_at, ...investment } = row;
    const transaction = MoneyTransaction.build(
      {
        id: row.transaction_id,
        user_id: userId,
        transaction_type: 'investment',
        wallet_type: source,
        to_wallet_type: 'my_investment',
        amount: amount.toFixed(8),
        fee: '0.00000000',
        net_amount: amount.toFixed(8),
        status: 'completed',
        description: `Investment of ${amount.toFixed(8)} from ${source}`,
        created_at: transaction_created_at,
        processed_at: transaction_processed_at,
      },
      { isNewRecord: false },
    );
    return { investment: toView(investment), transaction };
  });
}

export async function listInvestments(userId: number, q: { page: number; per_page: number }): Promise<Page<ReturnType<typeof toView>>> {
  const rows = await db().query<InvestmentRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM investments WHERE user_id = :userId ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
    { replacements: { userId, limit: q.per_page, offset: offsetOf(q) }, type: QueryTypes.SELECT },
  );
  const total = rows[0]?.total ?? (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM investments WHERE user_id = :userId`, { replacements: { userId }, type: QueryTypes.SELECT }))[0].n;
  return { items: rows.map(toView), page: q.page, per_page: q.per_page, total };
}

interface PaidIncome {
  id: number;
  user_id: number;
  income_type: keyof typeof INCOME_WALLET;
  amount: string;
}

/**
 * Staff reversal: principal back to its source wallet, and every commission and bonus the
 * investment paid clawed back. An earner who already spent it is taken down to zero, never below;
 * the shortfall becomes a debt that their future income repays first. Audited.
 */
export async function reverseInvestment(actor: Actor, investmentId: number, reason: string) {
  return moneyUnit(async (tx) => {
    const inv = await lockRecord<InvestmentRow>(tx, 'investments', 'id = :investmentId', { investmentId });
    if (!inv) throw notFound('Investment');
    if (inv.status !== 'active') throw conflict('already_reversed', 'This investment has already been reversed');
    const amount = new Decimal(inv.amount);
    const source = inv.source_wallet as WalletType;
    const uplines = await select<{ referrer_id: number }>(tx, `SELECT referrer_id FROM referrals WHERE referred_id = :userId`, { userId: inv.user_id });
    // The investment's row lock covers its incomes: only a reversal changes them.
    const incomes = await select<PaidIncome>(
      tx,
      `SELECT id, user_id, income_type, amount FROM incomes WHERE investment_id = :investmentId AND status = 'completed' ORDER BY id`,
      { investmentId },
    );
    const locked = await lockWallets(tx, [
      { userId: inv.user_id, wallet: source },
      { userId: inv.user_id, wallet: 'my_investment' },
      ...incomes.flatMap((i) => [
        { userId: i.user_id, wallet: INCOME_WALLET[i.income_type] },
        { userId: i.user_id, wallet: 'total_income' as WalletType },
      ]),
    ]);
    const balances = new Map([...locked].map(([key, w]) => [key, new Decimal(w.balance)]));
    await moveVolume(tx, inv.user_id, uplines.map((u) => u.referrer_id), amount.negated());
    await post(tx, {
      kind: 'investment_reversal',
      transactionId: inv.transaction_id ?? undefined,
      createdBy: actor.id,
      description: `Reversal of investment #${inv.id}: ${reason}`,
      legs: [
        { userId: inv.user_id, wallet: 'my_investment', debit: amount },
        { userId: inv.user_id, wallet: source, credit: amount },
      ],
    });
    // The principal just came back: if the source is also an income wallet the investor was paid
    // into (self bonus), the clawback may take from it before recording any debt.
    const sourceKey = `${inv.user_id}:${source}`;
    balances.set(sourceKey, (balances.get(sourceKey) ?? new Decimal(0)).plus(amount));

    const { clawedBack, debts } = await clawBack(tx, actor, inv, incomes, balances);
    await db().query(`UPDATE incomes SET status = 'reversed' WHERE investment_id = :investmentId AND status = 'completed'`, {
      replacements: { investmentId },
      type: QueryTypes.UPDATE,
      transaction: tx,
    });
    const [updated] = await select<InvestmentRow>(
      tx,
      `UPDATE investments SET status = 'reversed', reversed_by = :actorId, reversed_at = now(), reverse_reason = :reason WHERE id = :investmentId RETURNING *`,
      { actorId: actor.id, reason, investmentId },
    );
    if (inv.transaction_id) {
      await MoneyTransaction.update(
        { status: 'cancelled', reason, processed_by: actor.id, processed_at: new Date() },
        { where: { id: inv.transaction_id }, transaction: tx },
      );
    }
    const result = { investment: toView(updated), clawed_back: formatMoney(clawedBack), debts_recorded: debts.map((d) => ({ user_id: d.userId, amount: formatMoney(d.amount) })) };
    await audit(actor, { action: 'investment.reverse', target: { type: 'investment', id: inv.id }, before: toView(inv), after: result, reason }, tx);
    return result;
  });
}

async function clawBack(tx: Transaction, actor: Actor, inv: InvestmentRow, incomes: PaidIncome[], balances: Map<string, Decimal>) {
  let clawedBack = new Decimal(0);
  const debts: { userId: number; amount: Decimal }[] = [];
  for (const income of incomes) {
    const wallet = INCOME_WALLET[income.income_type];
    const key = `${income.user_id}:${wallet}`;
    const held = balances.get(key) ?? new Decimal(0);
    const owed = new Decimal(income.amount);
    const take = Decimal.min(held, owed);
    balances.set(key, held.minus(take));
    const expense = INCOME_EXPENSE[income.income_type];
    if (take.gt(0)) {
      await post(tx, {
        kind: 'income_clawback',
        createdBy: actor.id,
        description: `Clawback of income #${income.id} (investment #${inv.id} reversed)`,
        legs: [
          { userId: income.user_id, wallet, debit: take },
          { platform: expense, credit: take },
        ],
      });
      clawedBack = clawedBack.plus(take);
    }
    const shortfall = owed.minus(take);
    if (shortfall.gt(0)) {
      await recordDebt(tx, { userId: income.user_id, amount: shortfall, expense, incomeId: income.id, investmentId: inv.id, reason: `Clawback shortfall of income #${income.id}` });
      debts.push({ userId: income.user_id, amount: shortfall });
    }
  }
  return { clawedBack, debts };
}
