import { QueryTypes, UniqueConstraintError } from 'sequelize';
import type { z } from 'zod';
import { db, inTransaction } from '../db/database.js';
import { getConfigValue } from '../config/config.service.js';
import { AppError, badRequest, conflict, unauthorized, unprocessable } from '../http/errors.js';
import { linkToSponsor } from '../referrals/referrals.service.js';
import { notifyWelcome } from '../notify/notifications.js';
import { openWallets } from '../wallets/wallets.service.js';
import { User, type Role } from '../users/user.model.js';
import { UserSettings } from '../users/user-settings.model.js';
import { findByLogin, toUserInfo } from '../users/users.service.js';
import type { registerBody } from '../users/users.schemas.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { generateReferralCode } from './referral-code.js';
import { RevokedToken } from './revoked-token.model.js';
import { forgetToken } from './token-cache.js';
import { signAccessToken } from './tokens.js';
import type { AuthUser } from './passport.js';

export type RegisterInput = z.output<typeof registerBody>;

/**
 * A sponsor is a member found by referral code or by username, either case-insensitively; a
 * deactivated member cannot recruit (422 sponsor_inactive).
 */
async function findSponsor(code: string): Promise<number> {
  const [row] = await db().query<{ id: number; is_active: boolean }>(
    `SELECT id, is_active FROM users WHERE role = 'member' AND (upper(referral_code) = upper(:code) OR username = lower(:code)) LIMIT 1`,
    { replacements: { code }, type: QueryTypes.SELECT },
  );
  if (!row) throw badRequest('Unknown sponsor code', [{ field: 'sponsor_code', message: 'matches no member' }]);
  if (!row.is_active) throw unprocessable('sponsor_inactive', 'The sponsor account is deactivated', [{ field: 'sponsor_code', message: 'belongs to a deactivated member' }]);
  return row.id;
}

async function assertFree(username: string, email: string): Promise<void> {
  const rows = await db().query<{ username_taken: boolean; email_taken: boolean }>(
    `SELECT bool_or(username = :username) AS username_taken, bool_or(lower(email) = lower(:email)) AS email_taken
       FROM users WHERE username = :username OR lower(email) = lower(:email)`,
    { replacements: { username, email }, type: QueryTypes.SELECT },
  );
  const details = [];
  if (rows[0]?.username_taken) details.push({ field: 'username', message: 'is taken' });
  if (rows[0]?.email_taken) details.push({ field: 'email', message: 'is already registered' });
  if (details.length) throw conflict('already_registered', 'Username or email is already registered', details);
}

/**
 * Registration in one transaction: the user, settings, nine zero wallets, the closure rows to
 * five uplines and the welcome mail (sent after commit).
 */
export async function register(input: RegisterInput): Promise<User> {
  const requireSponsor = await getConfigValue('require_sponsor');
  let sponsorId: number | null = null;
  if (input.sponsor_code) {
    sponsorId = await findSponsor(input.sponsor_code);
  } else if (requireSponsor) {
    throw badRequest('A sponsor code is required', [{ field: 'sponsor_code', message: 'is required' }]);
  }
  await assertFree(input.username, input.email);
  const password_hash = await hashPassword(input.password);
  try {
    return await inTransaction(async (tx) => {
      const user = await User.create(
        {
          username: input.username,
          email: input.email,
          password_hash,
          first_name: input.first_name,
          last_name: input.last_name,
          sponsor_id: sponsorId,
          referral_code: generateReferralCode(),
        },
        { transaction: tx },
      );
      await UserSettings.create({ user_id: user.id }, { transaction: tx });
      await openWallets(user.id, tx);
      if (sponsorId) await linkToSponsor(user.id, sponsorId, tx);
      await notifyWelcome(tx, { userId: user.id });
      return user;
    });
  } catch (error) {
    // Two sign-ups racing for one name: the unique index decides.
    if (error instanceof UniqueConstraintError) throw conflict('already_registered', 'Username or email is already registered');
    throw error;
  }
}

export async function login(loginName: string, password: string) {
  const user = await findByLogin(loginName);
  if (!user) {
    await burnPasswordCheck(password);
    throw unauthorized('Wrong username or password');
  }
  if (!(await verifyPassword(user.password_hash, password))) throw unauthorized('Wrong username or password');
  if (!user.is_active) throw new AppError(403, 'account_disabled', 'This account is deactivated');
  const { token, expiresIn } = signAccessToken(user);
  return { access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn, user_info: toUserInfo(user) };
}

/** Staff sign-in for the back-office: the same credentials, but only staff roles get in. */
export async function staffLogin(loginName: string, password: string) {
  const user = await findByLogin(loginName);
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  // The hash is checked for every name that exists, so members, deactivated and active staff
  // answer in the same time as each other (and as unknown names, through the dummy check above).
  const matches = await verifyPassword(user.password_hash, password);
  if (!matches || !user.is_active || user.role === 'member') return null;
  return { id: String(user.id), email: user.email, title: user.username, role: user.role };
}

/**
 * The staff member behind a back-office session as they are now: a deactivated or demoted
 * account loses the session at once instead of keeping its role until the cookie expires.
 */
export async function currentStaff(id: number): Promise<{ role: Role } | null> {
  const user = await User.findByPk(id, { attributes: ['role', 'is_active'] });
  if (!user || !user.is_active || user.role === 'member') return null;
  return { role: user.role };
}

export async function logout(user: AuthUser): Promise<void> {
  await RevokedToken.findOrCreate({
    where: { jti: user.jti },
    defaults: { jti: user.jti, user_id: user.id, expires_at: new Date(user.exp * 1000) },
  });
  forgetToken(user.jti);
}
