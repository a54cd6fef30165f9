import { Op, QueryTypes, UniqueConstraintError } from 'sequelize';
import type { z } from 'zod';
import { db, inTransaction } from '../db/database.js';
import { conflict, notFound, unauthorized, unprocessable } from '../http/errors.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { generateReferralCode } from '../auth/referral-code.js';
import { forgetUser } from '../auth/token-cache.js';
import { notifyPasswordChanged, notifyStaffPasswordReset } from '../notify/notifications.js';
import { User, type Role } from './user.model.js';
import { UserSettings } from './user-settings.model.js';
import { offsetOf } from '../http/pagination.js';
import { formatMoney } from '../money/money.js';
import type { staffUsersQuery } from './staff-users.schemas.js';
import type { changePasswordBody, updateProfileBody, updateSettingsBody } from './users.schemas.js';

export function toUserInfo(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    referral_code: user.referral_code,
    rank: user.rank,
    role: user.role,
    is_active: user.is_active,
    created_at: user.created_at.toISOString(),
  };
}

export async function findUser(userId: number): Promise<User> {
  const user = await User.findByPk(userId);
  if (!user) throw notFound('User');
  return user;
}

export async function findByLogin(login: string): Promise<User | null> {
  return User.findOne({
    where: db().where(db().fn('lower', db().col(login.includes('@') ? 'email' : 'username')), login.trim().toLowerCase()),
  });
}

/** The profile command: names always, email only with the current password. */
export async function updateProfile(userId: number, input: z.output<typeof updateProfileBody>): Promise<User> {
  const user = await findUser(userId);
  const changes: Partial<Pick<User, 'first_name' | 'last_name' | 'email'>> = {};
  if (input.first_name !== undefined) changes.first_name = input.first_name;
  if (input.last_name !== undefined) changes.last_name = input.last_name;
  if (input.email !== undefined && input.email.toLowerCase() !== user.email.toLowerCase()) {
    if (!input.current_password || !(await verifyPassword(user.password_hash, input.current_password))) {
      throw unprocessable('password_required', 'Changing the email needs the current password', [
        { field: 'current_password', message: 'is missing or wrong' },
      ]);
    }
    changes.email = input.email;
  }
  if (Object.keys(changes).length === 0) return user;
  try {
    return await user.update({ ...changes, updated_at: new Date() });
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw conflict('email_taken', 'That email is already registered', [{ field: 'email', message: 'is taken' }]);
    throw error;
  }
}

export async function getSettings(userId: number) {
  const [row] = await UserSettings.findOrCreate({ where: { user_id: userId } });
  return { email_notifications: row.email_notifications, language: row.language, timezone: row.timezone };
}

export async function updateSettings(userId: number, input: z.output<typeof updateSettingsBody>) {
  await getSettings(userId);
  const changes: Partial<Pick<UserSettings, 'email_notifications' | 'language' | 'timezone'>> = {};
  if (input.email_notifications !== undefined) changes.email_notifications = input.email_notifications;
  if (input.language !== undefined) changes.language = input.language;
  if (input.timezone !== undefined) changes.timezone = input.timezone;
  await UserSettings.update({ ...changes, updated_at: new Date() }, { where: { user_id: userId } });
  return getSettings(userId);
}

/** Changing the password bumps token_version, which voids every token issued before. */
export async function changePassword(userId: number, input: z.output<typeof changePasswordBody>): Promise<User> {
  const user = await findUser(userId);
  if (!(await verifyPassword(user.password_hash, input.current_password))) {
    throw unauthorized('Current password is wrong');
  }
  const password_hash = await hashPassword(input.new_password);
  await inTransaction(async (tx) => {
    await db().query(
      `UPDATE users SET password_hash = :password_hash, token_version = token_version + 1, updated_at = now() WHERE id = :id`,
      { replacements: { id: userId, password_hash }, type: QueryTypes.UPDATE, transaction: tx },
    );
    await notifyPasswordChanged(tx, { userId });
  });
  forgetUser(userId);
  return findUser(userId);
}

/** Creates a staff user, or resets the password and role of an existing one (admin:create, seeders). */
export async function upsertStaffUser(input: { username: string; email: string; password: string; role: Role }): Promise<{ user: User; created: boolean }> {
  const password_hash = await hashPassword(input.password);
  const existing = await findByLogin(input.username);
  // A member's account holds wallets and a team: it is never turned into staff behind their back.
  if (existing?.role === 'member') throw conflict('is_member', `${input.username} is a member account; pick another username for the staff user`);
  if (existing) {
    await inTransaction(async (tx) => {
      await db().query(
        `UPDATE users SET password_hash = :password_hash, role = :role, is_active = true,
                token_version = token_version + 1, updated_at = now() WHERE id = :id`,
        { replacements: { id: existing.id, password_hash, role: input.role }, type: QueryTypes.UPDATE, transaction: tx },
      );
      await notifyStaffPasswordReset(tx, { userId: existing.id });
    });
    forgetUser(existing.id);
    return { user: await findUser(existing.id), created: false };
  }
  const user = await User.create({
    username: input.username.toLowerCase(),
    email: input.email,
    password_hash,
    first_name: 'Staff',
    last_name: input.username,
    referral_code: generateReferralCode(),
    role: input.role,
  });
  return { user, created: true };
}

/** Staff search over members and staff: username, email or name, with filters. */
export async function listUsers(q: z.output<typeof staffUsersQuery>) {
  const where: Record<string | symbol, unknown> = {};
  if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where[Op.or] = ['username', 'email', 'first_name', 'last_name'].map((col) => ({ [col]: { [Op.iLike]: like } }));
  }
  if (q.active !== undefined) where.is_active = q.active;
  if (q.role) where.role = q.role;
  if (q.rank) where.rank = q.rank;
  if (q.sponsor_id) where.sponsor_id = q.sponsor_id;
  if (q.joined_from || q.joined_to) {
    where.created_at = { ...(q.joined_from ? { [Op.gte]: q.joined_from } : {}), ...(q.joined_to ? { [Op.lte]: q.joined_to } : {}) };
  }
  const { rows, count } = await User.findAndCountAll({ where, order: [['created_at', 'DESC'], ['id', 'DESC']], limit: q.per_page, offset: offsetOf(q) });
  return {
    items: rows.map((u) => ({ ...toUserInfo(u), sponsor_id: u.sponsor_id, total_investment: formatMoney(u.total_investment) })),
    page: q.page,
    per_page: q.per_page,
    total: count,
  };
}
