import { QueryTypes, type Transaction } from 'sequelize';
import { db, inTransaction } from '../db/database.js';
import { getConfig } from '../config/config.service.js';
import type { ConfigValue } from '../config/config.catalogue.js';
import { Decimal } from '../money/money.js';
import { creditIncomes, type IncomeCredit } from '../income/income.service.js';

type RankRules = ConfigValue<'rank_rules'>;

interface Standing {
  id: number;
  rank: string;
  total_investment: string;
  team_volume: string;
  direct_referrals: number;
}

/** The highest rule a member meets; rules are listed lowest first. */
function bestRank(rules: RankRules, s: Standing): number {
  let best = 0;
  rules.forEach((rule, i) => {
    if (
      new Decimal(s.total_investment).gte(rule.min_personal_investment) &&
      s.direct_referrals >= rule.min_direct_referrals &&
      new Decimal(s.team_volume).gte(rule.min_team_volume)
    ) best = i;
  });
  return best;
}

/**
 * Re-evaluates active members' ranks (one read, one update): a rank only rises, and every rank
 * reached for the first time — including ones passed on the way up — pays its lifetime reward once
 * (rank_rewards' key decides). Returns how many members were promoted.
 */
export async function evaluateRanks(tx: Transaction, userIds: number[], rules?: RankRules): Promise<number> {
  if (userIds.length === 0) return 0;
  rules ??= (await getConfig(['rank_rules'], tx)).rank_rules;
  const standings = await db().query<Standing>(
    `SELECT u.id, u.rank, u.total_investment, u.team_volume,
            (SELECT count(*)::int FROM referrals r WHERE r.referrer_id = u.id AND r.level = 1) AS direct_referrals
       FROM users u WHERE u.id = ANY(string_to_array(:ids, ',')::int[]) AND u.is_active AND u.role = 'member'
      ORDER BY u.id FOR UPDATE OF u`,
    { replacements: { ids: userIds.join(',') }, type: QueryTypes.SELECT, transaction: tx },
  );
  const promoted: { id: number; rank: string; reached: RankRules }[] = [];
  for (const s of standings) {
    const current = rules.findIndex((r) => r.rank === s.rank);
    const best = bestRank(rules, s);
    if (best > current) promoted.push({ id: s.id, rank: rules[best].rank, reached: rules.slice(current + 1, best + 1) });
  }
  if (promoted.length === 0) return 0;
  await db().query(
    `UPDATE users SET rank = v.rank, updated_at = now() FROM unnest(ARRAY[:ids]::int[], ARRAY[:ranks]::varchar[]) AS v(id, rank) WHERE users.id = v.id`,
    { replacements: { ids: promoted.map((p) => p.id), ranks: promoted.map((p) => p.rank) }, type: QueryTypes.UPDATE, transaction: tx },
  );
  const candidates = promoted.flatMap((p) => p.reached.map((r) => ({ userId: p.id, rank: r.rank, amount: r.lifetime_reward })));
  const firsts = await db().query<{ user_id: number; rank: string; amount: string }>(
    `INSERT INTO rank_rewards (user_id, rank, amount)
     SELECT * FROM unnest(ARRAY[:userIds]::int[], ARRAY[:ranks]::varchar[], ARRAY[:amounts]::numeric[])
     ON CONFLICT DO NOTHING RETURNING user_id, rank, amount`,
    {
      replacements: { userIds: candidates.map((c) => c.userId), ranks: candidates.map((c) => c.rank), amounts: candidates.map((c) => c.amount) },
      type: QueryTypes.SELECT,
      transaction: tx,
    },
  );
  const rewards: IncomeCredit[] = firsts
    .filter((f) => new Decimal(f.amount).gt(0))
    .map((f) => ({ userId: f.user_id, type: 'Lifetime Reward', amount: new Decimal(f.amount), description: `Lifetime reward for reaching ${f.rank}` }));
  // One posting per reward keeps each Income row's description and posting one-to-one.
  for (const reward of rewards) await creditIncomes(tx, 'bonus', [reward]);
  return promoted.length;
}

/**
 * Nightly: recompute every member's team volume from the closure table (drift-proof), then
 * re-evaluate every active member in batches, each batch its own transaction.
 */
export async function evaluateAllRanks(batchSize = 5_000): Promise<{ evaluated: number; promoted: number }> {
  // Only the drift is applied, as a delta: an investment that moves team_volume while this runs
  // keeps its share (an overwrite from this statement's snapshot would lose it). Drift is rare, so
  // few rows are locked.
  await db().query(
    `WITH v AS (
       SELECT u.id, coalesce(sum(d.total_investment), 0) - u.team_volume AS drift
         FROM users u LEFT JOIN referrals r ON r.referrer_id = u.id LEFT JOIN users d ON d.id = r.referred_id
        GROUP BY u.id
       HAVING coalesce(sum(d.total_investment), 0) <> u.team_volume)
     UPDATE users SET team_volume = users.team_volume + v.drift FROM v WHERE users.id = v.id`,
    { type: QueryTypes.UPDATE },
  );
  const { rank_rules } = await getConfig(['rank_rules']);
  let after = 0;
  let evaluated = 0;
  let promoted = 0;
  for (;;) {
    const ids = (
      await db().query<{ id: number }>(`SELECT id FROM users WHERE id > :after AND is_active AND role = 'member' ORDER BY id LIMIT :limit`, {
        replacements: { after, limit: batchSize },
        type: QueryTypes.SELECT,
      })
    ).map((r) => r.id);
    if (ids.length === 0) break;
    promoted += await inTransaction((tx) => evaluateRanks(tx, ids, rank_rules));
    evaluated += ids.length;
    after = ids[ids.length - 1];
  }
  return { evaluated, promoted };
}
