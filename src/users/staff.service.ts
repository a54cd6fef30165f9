import { randomBytes } from 'node:crypto';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import type { z } from 'zod';
import { db, inTransaction } from '../db/database.js';
import { conflict, notFound, unprocessable } from '../http/errors.js';
import { offsetOf } from '../http/pagination.js';
import { hashPassword } from '../auth/passwords.js';
import { generateReferralCode } from '../auth/referral-code.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import type { createStaffBody, staffListQuery, updateStaffBody } from './staff.schemas.js';

/**
 * Staff accounts, managed by admins (REST /api/admin/staff and the back-office Staff resource).
 * A staff account never becomes a member and a member never becomes staff; an admin cannot lock
 * themselves out, and the last active admin stays an active admin.
 */

const COLUMNS = `id, username, email, first_name, last_name, role, is_active, created_at`;

interface StaffRow {
  id: number;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  role: 'support' | 'finance' | 'admin';
  is_active: boolean;
  created_at: Date;
}

export const toStaffView = (r: StaffRow) => ({ ...r, created_at: new Date(r.created_at).toISOString() });

export async function listStaff(q: z.output<typeof staffListQuery>) {
  const where = [`role <> 'member'`];
  if (q.role) where.push('role = :role');
  if (q.active !== undefined) where.push('is_active = :active');
  const replacements = { role: q.role ?? null, active: q.active ?? null, limit: q.per_page, offset: offsetOf(q) };
  const rows = await db().query<StaffRow>(`SELECT ${COLUMNS} FROM users WHERE ${where.join(' AND ')} ORDER BY id LIMIT :limit OFFSET :offset`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  const [{ total }] = await db().query<{ total: number }>(`SELECT count(*)::int AS total FROM users WHERE ${where.join(' AND ')}`, { replacements, type: QueryTypes.SELECT });
  return { items: rows.map(toStaffView), page: q.page, per_page: q.per_page, total };
}

async function lockStaff(tx: Transaction, id: number): Promise<StaffRow> {
  const [row] = await db().query<StaffRow>(`SELECT ${COLUMNS} FROM users WHERE id = :id AND role <> 'member' FOR UPDATE`, {
    replacements: { id },
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  if (!row) throw notFound('Staff member');
  return row;
}

/** Creates a staff account; without a password a random one is generated and returned once. */
export async function createStaff(actor: Actor, input: z.output<typeof createStaffBody>) {
  const generated = input.password ? undefined : randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(input.password ?? generated!);
  try {
    const staff = await inTransaction(async (tx) => {
      const [row] = await db().query<StaffRow>(
        `INSERT INTO users (username, email, password_hash, first_name, last_name, referral_code, role)
         VALUES (:username, :email, :hash, :first, :last, :code, :role) RETURNING ${COLUMNS}`,
        {
          replacements: {
            username: input.username,
            email: input.email,
            hash: passwordHash,
            first: input.first_name ?? 'Staff',
            last: input.last_name ?? input.username,
            code: generateReferralCode(),
            role: input.role,
          },
          type: QueryTypes.SELECT,
          transaction: tx,
        },
      );
      await audit(actor, { action: 'staff.create', target: { type: 'user', id: row.id }, after: toStaffView(row) }, tx);
      return row;
    });
    return { staff: toStaffView(staff), ...(generated ? { password: generated } : {}) };
  } catch (error) {
    if (error instanceof UniqueConstraintError) {
      throw conflict('already_registered', 'That username or email is already in use', [{ field: 'username', message: 'or email is taken' }]);
    }
    throw error;
  }
}

/** Changes a staff member's role, status or details; a deactivation or role change ends their sessions and tokens. */
export async function updateStaff(actor: Actor, id: number, input: z.output<typeof updateStaffBody>) {
  try {
    const row = await inTransaction(async (tx) => {
      // One lock order for staff changes: the active admins by id, then the target. Two admins
      // demoting each other at once are then decided one after the other, never deadlocked.
      const admins = await db().query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE`, { type: QueryTypes.SELECT, transaction: tx });
      const before = await lockStaff(tx, id);
      const demoting = input.role !== undefined && input.role !== before.role;
      const deactivating = input.is_active === false && before.is_active;
      if (id === actor.id && (demoting || deactivating)) {
        throw unprocessable('cannot_change_self', 'You cannot change your own role or deactivate yourself', [{ field: demoting ? 'role' : 'is_active', message: 'ask another admin' }]);
      }
      if (before.role === 'admin' && before.is_active && ((demoting && input.role !== 'admin') || deactivating)) {
        if (admins.length <= 1) throw unprocessable('last_admin', 'The last active admin must stay an active admin', [{ field: demoting ? 'role' : 'is_active', message: 'make someone else admin first' }]);
      }
      const revoke = demoting || deactivating;
      const [after] = await db().query<StaffRow>(
        `UPDATE users SET role = coalesce(:role, role), is_active = coalesce(:active, is_active),
                first_name = coalesce(:first, first_name), last_name = coalesce(:last, last_name), email = coalesce(:email, email),
                token_version = token_version + CASE WHEN :revoke THEN 1 ELSE 0 END, updated_at = now()
          WHERE id = :id RETURNING ${COLUMNS}`,
        {
          replacements: {
            id,
            role: input.role ?? null,
            active: input.is_active ?? null,
            first: input.first_name ?? null,
            last: input.last_name ?? null,
            email: input.email ?? null,
            revoke,
          },
          type: QueryTypes.SELECT,
          transaction: tx,
        },
      );
      await audit(actor, { action: 'staff.update', target: { type: 'user', id }, before: toStaffView(before), after: toStaffView(after), reason: input.reason }, tx);
      return after;
    });
    return { staff: toStaffView(row) };
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw conflict('email_taken', 'That email is already in use', [{ field: 'email', message: 'is taken' }]);
    throw error;
  }
}
