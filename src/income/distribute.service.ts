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
 * Who a distribution pays and how much, as rows (user_id, amount): earners only (active members,
 * never staff), a fixed amount or a percent of each one's my_investment truncated to 8 places.
 * One definition for the payout and its preview.
 */
const ELIGIBLE = `
  SELECT u.id AS user_id,
         CASE WHEN :rate::numeric IS NULL THEN :amount::numeric ELSE trunc(w.balance * :rate::numeric / 100, 8) END AS amount
    FROM users u JOIN wallets w ON w.user_id = u.id AND w.wallet_type = 'my_investment'
   WHERE ${earnerSql('u')} AND (:everyone OR u.id = ANY(ARRAY[:ids]::int[]))`;

function eligibleReplacements(input: Distribution) {
  const everyone = input.user_ids === 'all_active';
  return {
    rate: input.rate_percent?.toFixed(8) ?? null,
    amount: input.amount?.toFixed(8) ?? null,
    everyone,
    ids: everyone || input.user_ids.length === 0 ? [0] : input.user_ids,
  };
}

/** What a distribution would pay now, without paying: members, total and the first recipients. */
export async function previewDistribution(input: Distribution) {
  const replacements = eligibleReplacements(input);
  const [summary] = await db().query<{ paid: number; eligible: number; total: string }>(
    `WITH e AS (${ELIGIBLE})
     SELECT count(*) FILTER (WHERE amount > 0)::int AS paid, count(*)::int AS eligible, coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS total FROM e`,
    { replacements, type: QueryTypes.SELECT },
  );
  const first = await db().query<{ user_id: number; username: string; amount: string }>(
    `WITH e AS (${ELIGIBLE})
     SELECT e.user_id, u.username, e.amount FROM e JOIN users u ON u.id = e.user_id WHERE e.amount > 0 ORDER BY e.user_id LIMIT 20`,
    { replacements, type: QueryTypes.SELECT },
  );
  const requested = input.user_ids === 'all_active' ? summary.eligible : new Set(input.user_ids).size;
  return {
    income_type: input.income_type,
    members_paid: summary.paid,
    members_skipped: requested - summary.paid,
    total: formatMoney(summary.total),
    first: first.map((r) => ({ user_id: r.user_id, username: r.username, amount: formatMoney(r.amount) })),
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
    // Packed by SQL in chunks of CHUNK members, with how many earners qualified at all.
    const chunks = await db().query<PackedCredits & { eligible: number }>(
      `WITH e AS (${ELIGIBLE}), paid AS (
         SELECT user_id, amount, (row_number() OVER (ORDER BY user_id) - 1) / :chunk AS chunk FROM e WHERE amount > 0
       ), packed AS (
         SELECT chunk, count(*)::int AS count, string_agg(user_id::text, ',' ORDER BY user_id) AS "userIds",
                string_agg(amount::text, ',' ORDER BY user_id) AS amounts, sum(amount)::text AS total
           FROM paid GROUP BY chunk
       )
       SELECT packed.*, (SELECT count(*)::int FROM e) AS eligible FROM (SELECT 1) one LEFT JOIN packed ON true ORDER BY chunk`,
      {
        replacements: { ...eligibleReplacements(input), chunk: CHUNK },
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
