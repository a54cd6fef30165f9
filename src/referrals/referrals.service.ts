import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { PLAN_LEVELS } from '../income/compensation-plan.js';


/**
 * Writes the new member's closure rows in one statement: the sponsor at level 1 and the sponsor's
 * own uplines one level further, down to the plan's last level.
 */
export async function linkToSponsor(memberId: number, sponsorId: number, tx: Transaction): Promise<void> {
  await db().query(
    `INSERT INTO referrals (referrer_id, referred_id, level)
     SELECT :sponsorId, :memberId, 1
     UNION ALL
     SELECT referrer_id, :memberId, level + 1 FROM referrals WHERE referred_id = :sponsorId AND level < :maxLevel`,
    { replacements: { memberId, sponsorId, maxLevel: PLAN_LEVELS }, type: QueryTypes.INSERT, transaction: tx },
  );
}
