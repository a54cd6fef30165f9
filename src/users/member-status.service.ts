import { QueryTypes } from 'sequelize';
import { db, inTransaction } from '../db/database.js';
import { conflict, notFound } from '../http/errors.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { User } from './user.model.js';
import { toUserInfo } from './users.service.js';

/**
 * Deactivates or reactivates a member, with a reason, audited in the same transaction.
 * Deactivation revokes every token at once (token_version) and the member earns nothing while
 * inactive (staking, distributions and commissions skip inactive members).
 */
export async function setMemberActive(actor: Actor, userId: number, active: boolean, reason: string) {
  return inTransaction(async (tx) => {
    const [row] = await db().query<{ is_active: boolean }>(`SELECT is_active FROM users WHERE id = :userId AND role = 'member' FOR UPDATE`, {
      replacements: { userId },
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    if (!row) throw notFound('Member');
    if (row.is_active === active) throw conflict(active ? 'already_active' : 'already_inactive', `This member is already ${active ? 'active' : 'deactivated'}`);
    await db().query(
      `UPDATE users SET is_active = :active, token_version = token_version + CASE WHEN :active THEN 0 ELSE 1 END, updated_at = now() WHERE id = :userId`,
      { replacements: { userId, active }, type: QueryTypes.UPDATE, transaction: tx },
    );
    await audit(
      actor,
      { action: active ? 'user.activate' : 'user.deactivate', target: { type: 'user', id: userId }, before: { is_active: !active }, after: { is_active: active }, reason },
      tx,
    );
    const user = await User.findByPk(userId, { transaction: tx });
    return toUserInfo(user!);
  });
}
