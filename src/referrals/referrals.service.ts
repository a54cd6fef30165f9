import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';

export const MAX_LEVEL = 5;

/**
 * Writes the new member's closure rows in one statement: the sponsor at level 1 and the sponsor's
 * own uplines one level further, down to level 5.
 */
export async function linkToSponsor(memberId: number, sponsorId: number, tx: Transaction): Promise<void> {
  await db().query(
    `INSERT INTO referrals (referrer_id, referred_id, level)
     SELECT :sponsorId, :memberId, 1
     UNION ALL
     SELECT referrer_id, :memberId, level + 1 FROM referrals WHERE referred_id = :sponsorId AND level < :maxLevel`,
    { replacements: { memberId, sponsorId, maxLevel: MAX_LEVEL }, type: QueryTypes.INSERT, transaction: tx },
  );
}
