import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { getConfig } from '../config/config.service.js';
import type { ConfigValue } from '../config/config.catalogue.js';
import { Decimal } from '../money/money.js';
import { creditIncomes, type IncomeCredit } from '../income/income.service.js';
import { earnerSql } from '../income/compensation-plan.js';
import { holdsMember, lockMembers, lockWallets, moneyUnit } from '../wallets/lock-order.js';

type RankRules = ConfigValue<'rank_rules'>;

export interface Standing {
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

function standings(tx: Transaction, userIds: number[]): Promise<Standing[]> {
  return db().query<Standing>(
    `SELECT u.id, u.rank, u.total_investment, u.team_volume,
            (SELECT count(*)::int FROM referrals r WHERE r.referrer_id = u.id AND r.level = 1) AS direct_referrals
       FROM users u WHERE u.id = ANY(string_to_array(:ids, ',')::int[]) AND ${earnerSql('u')}
      ORDER BY u.id`,
    { replacements: { ids: userIds.join(',') }, type: QueryTypes.SELECT, transaction: tx },
  );
}

export interface Promotion {
  id: number;
  rank: string;
  /** Every rank passed on the way up, this one included. */
  reached: RankRules;
}

/** Who rises, and to what, from their standings; rules are listed lowest first. */
export function promotions(rules: RankRules, members: Standing[]): Promotion[] {
  const promoted: Promotion[] = [];
  for (const s of members) {
    const current = rules.findIndex((r) => r.rank === s.rank);
    const best = bestRank(rules, s);
    if (best > current) promoted.push({ id: s.id, rank: rules[best].rank, reached: rules.slice(current + 1, best + 1) });
  }
  return promoted;
}

/**
 * Re-evaluates earning members' ranks: a rank only rises, and every rank reached for the first
 * time — including ones passed on the way up — pays its lifetime reward once (rank_rewards' key
 * decides). Candidates are found without locks; only they are then locked in the lock order
 * (reward wallets, then member rows) and checked again. Returns how many members were promoted.
 */
export async function evaluateRanks(tx: Transaction, userIds: number[], rules?: RankRules): Promise<number> {
  if (userIds.length === 0) return 0;
  rules ??= (await getConfig(['rank_rules'], tx)).rank_rules;
  let promoted = promotions(rules, await standings(tx, userIds));
  if (promoted.length === 0) return 0;
  const ids = promoted.map((p) => p.id);
  const alreadyHeld = ids.every((id) => holdsMember(tx, id));
  await lockWallets(tx, ids.flatMap((userId) => [{ userId, wallet: 'lifetime_reward' as const }, { userId, wallet: 'total_income' as const }]));
  await lockMembers(tx, ids);
  if (!alreadyHeld) promoted = promotions(rules, await standings(tx, ids));
  if (promoted.length === 0) return 0;
  await applyPromotions(tx, promoted);
  return promoted.length;
}

/**
 * Raises the ranks and pays each rank reached for the first time its lifetime reward, once ever
 * (rank_rewards' key decides). The caller holds the members' reward wallets and rows.
 */
export async function applyPromotions(tx: Transaction, promoted: Promotion[]): Promise<void> {
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
}

const DRIFT_SQL = `SELECT u.id, coalesce(sum(d.total_investment), 0) - u.team_volume AS drift
    FROM users u LEFT JOIN referrals r ON r.referrer_id = u.id LEFT JOIN users d ON d.id = r.referred_id
   WHERE :all OR u.id = ANY(ARRAY[:ids]::int[])
   GROUP BY u.id
  HAVING coalesce(sum(d.total_investment), 0) <> u.team_volume`;

/**
 * Finds members whose team_volume drifted from the closure table, then, a chunk at a time in the
 * lock order (member rows by id), recomputes their drift under the lock and applies only it as a
 * delta: an investment moving the same volume concurrently keeps its share.
 */
async function repairTeamVolumes(chunk = 1_000): Promise<void> {
  const drifting = (await db().query<{ id: number }>(DRIFT_SQL, { replacements: { all: true, ids: [0] }, type: QueryTypes.SELECT })).map((r) => r.id);
  for (let i = 0; i < drifting.length; i += chunk) {
    const ids = drifting.slice(i, i + chunk);
    await moneyUnit(async (tx) => {
      await lockMembers(tx, ids);
      await db().query(`WITH v AS (${DRIFT_SQL}) UPDATE users SET team_volume = users.team_volume + v.drift FROM v WHERE users.id = v.id`, {
        replacements: { all: false, ids },
        type: QueryTypes.UPDATE,
        transaction: tx,
      });
    });
  }
}

/**
 * Nightly: recompute every member's team volume from the closure table (drift-proof), then
 * re-evaluate every active member in batches, each batch its own transaction.
 */
export async function evaluateAllRanks(batchSize = 5_000): Promise<{ evaluated: number; promoted: number }> {
  await repairTeamVolumes();
  const { rank_rules } = await getConfig(['rank_rules']);
  let after = 0;
  let evaluated = 0;
  let promoted = 0;
  for (;;) {
    const ids = (
      await db().query<{ id: number }>(`SELECT id FROM users u WHERE id > :after AND ${earnerSql('u')} ORDER BY id LIMIT :limit`, {
        replacements: { after, limit: batchSize },
        type: QueryTypes.SELECT,
      })
    ).map((r) => r.id);
    if (ids.length === 0) break;
    promoted += await moneyUnit((tx) => evaluateRanks(tx, ids, rank_rules));
    evaluated += ids.length;
    after = ids[ids.length - 1];
  }
  return { evaluated, promoted };
}
