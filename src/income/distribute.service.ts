import { QueryTypes } from 'sequelize';
import { db, unbounded } from '../db/database.js';
import { Decimal, MAX_AMOUNT, ZERO, formatMoney } from '../money/money.js';
import { moneyUnit } from '../wallets/lock-order.js';
import { outOfRange, type PackedCredits } from '../wallets/ledger.service.js';
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
 * Staff income distribution: a fixed amount per member, or a percent of each member's
 * my_investment (truncated to 8 places), to the chosen members or every active one — only active
 * members, never staff. One transaction; one bulk posting per chunk of members. Audited.
 */
export async function distributeIncome(actor: Actor, input: Distribution) {
  return moneyUnit(async (tx) => {
    await unbounded(tx);
    const everyone = input.user_ids === 'all_active';
    // Packed by SQL in chunks of CHUNK members, with how many earners qualified at all.
    const chunks = await db().query<PackedCredits & { eligible: number }>(
      `WITH e AS (
         SELECT u.id AS user_id,
                CASE WHEN :rate::numeric IS NULL THEN :amount::numeric ELSE trunc(w.balance * :rate::numeric / 100, 8) END AS amount
           FROM users u JOIN wallets w ON w.user_id = u.id AND w.wallet_type = 'my_investment'
          WHERE ${earnerSql('u')} AND (:everyone OR u.id = ANY(ARRAY[:ids]::int[]))
       ), paid AS (
         SELECT user_id, amount, (row_number() OVER (ORDER BY user_id) - 1) / :chunk AS chunk FROM e WHERE amount > 0
       ), packed AS (
         SELECT chunk, count(*)::int AS count, string_agg(user_id::text, ',' ORDER BY user_id) AS "userIds",
                string_agg(amount::text, ',' ORDER BY user_id) AS amounts, sum(amount)::text AS total
           FROM paid GROUP BY chunk
       )
       SELECT packed.*, (SELECT count(*)::int FROM e) AS eligible FROM (SELECT 1) one LEFT JOIN packed ON true ORDER BY chunk`,
      {
        replacements: {
          rate: input.rate_percent?.toFixed(8) ?? null,
          amount: input.amount?.toFixed(8) ?? null,
          everyone,
          ids: everyone || input.user_ids.length === 0 ? [0] : input.user_ids,
          chunk: CHUNK,
        },
        type: QueryTypes.SELECT,
        transaction: tx,
      },
    );
    const paying = chunks.filter((c) => c.count > 0);
    if (paying.reduce((sum, c) => sum.plus(c.total), ZERO).gt(MAX_AMOUNT)) throw outOfRange('distribution total');
    let total = ZERO;
    let paid = 0;
    for (const credits of paying) {
      const result = await creditIncomesInBulk(tx, { kind: 'income_distribution', type: input.income_type, description: input.description, credits, createdBy: actor.id });
      total = total.plus(result.total);
      paid += credits.count;
    }
    const requested = input.user_ids === 'all_active' ? chunks[0].eligible : new Set(input.user_ids).size;
    const result = {
      income_type: input.income_type,
      members_paid: paid,
      members_skipped: requested - paid,
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
