import { QueryTypes, type Transaction } from 'sequelize';
import { db, unbounded } from '../db/database.js';
import { Decimal, MAX_AMOUNT, ZERO, formatMoney } from '../money/money.js';
import { moneyUnit } from '../wallets/lock-order.js';
import { outOfRange } from '../wallets/ledger.service.js';
import { earnerSql } from './compensation-plan.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { creditIncomesInBulk } from './income.service.js';
import type { IncomeType } from './income-types.js';

export interface Distribution {
  income_type: IncomeType;
  amount?: Decimal;
  rate_percent?: Decimal;
  user_ids: number[] | 'all_active';
  description: string;
}

const CHUNK = 20_000;

/**
 * Who a distribution pays and how much: active members only (never staff), a fixed amount or a
 * percent of each one's my_investment truncated to 8 places. Shared by the preview and the payout.
 */
async function recipients(input: Distribution, tx?: Transaction) {
  const everyone = input.user_ids === 'all_active';
  const rows = await db().query<{ user_id: number; username: string; amount: string }>(
    `SELECT u.id AS user_id, u.username,
            CASE WHEN :rate::numeric IS NULL THEN :amount::numeric ELSE trunc(w.balance * :rate::numeric / 100, 8) END AS amount
       FROM users u JOIN wallets w ON w.user_id = u.id AND w.wallet_type = 'my_investment'
      WHERE ${earnerSql('u')} AND (:everyone OR u.id = ANY(ARRAY[:ids]::int[]))
      ORDER BY u.id`,
    {
      replacements: {
        rate: input.rate_percent?.toFixed(8) ?? null,
        amount: input.amount?.toFixed(8) ?? null,
        everyone,
        ids: everyone || input.user_ids.length === 0 ? [0] : input.user_ids,
      },
      type: QueryTypes.SELECT,
      transaction: tx,
    },
  );
  const credits = rows.map((r) => ({ userId: r.user_id, username: r.username, amount: new Decimal(r.amount) })).filter((c) => c.amount.gt(0));
  const requested = input.user_ids === 'all_active' ? rows.length : new Set(input.user_ids).size;
  return { credits, skipped: requested - credits.length };
}

/** What a distribution would pay now, without paying: members, total and the first recipients. */
export async function previewDistribution(input: Distribution) {
  const { credits, skipped } = await recipients(input);
  return {
    income_type: input.income_type,
    members_paid: credits.length,
    members_skipped: skipped,
    total: formatMoney(credits.reduce((t, c) => t.plus(c.amount), ZERO)),
    first: credits.slice(0, 20).map((c) => ({ user_id: c.userId, username: c.username, amount: formatMoney(c.amount) })),
  };
}

/**
 * Staff income distribution: a fixed amount per member, or a percent of each member's
 * my_investment (truncated to 8 places), to the chosen members or every active one — only active
 * members, never staff. One transaction; one bulk posting per chunk of members. Audited.
 */
export async function distributeIncome(actor: Actor, input: Distribution) {
  return moneyUnit(async (tx) => {
    await unbounded(tx);
    const everyone = input.user_ids === 'all_active';
    const { credits, skipped } = await recipients(input, tx);
    if (credits.reduce((sum, c) => sum.plus(c.amount), ZERO).gt(MAX_AMOUNT)) throw outOfRange('distribution total');
    let total = ZERO;
    for (let i = 0; i < credits.length; i += CHUNK) {
      const result = await creditIncomesInBulk(tx, {
        kind: 'income_distribution',
        type: input.income_type,
        description: input.description,
        credits: credits.slice(i, i + CHUNK).map(({ userId, amount }) => ({ userId, amount })),
        createdBy: actor.id,
      });
      total = total.plus(result.total);
    }
    const result = {
      income_type: input.income_type,
      members_paid: credits.length,
      members_skipped: skipped,
      total: formatMoney(total),
    };
    await audit(
      actor,
      {
        action: 'income.distribute',
        target: { type: 'income', id: input.income_type },
        after: {
          ...result,
          amount: input.amount ? formatMoney(input.amount) : null,
          rate_percent: input.rate_percent ? formatMoney(input.rate_percent) : null,
          user_ids: everyone ? 'all_active' : input.user_ids,
        },
        reason: input.description,
      },
      tx,
    );
    return result;
  });
}
