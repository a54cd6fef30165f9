import type { Role } from '../users/user.model.js';

/**
 * Staff permissions: one table consulted by REST middleware and AdminJS `isAccessible` alike.
 * Anything not listed here is denied.
 */
export const PERMISSIONS = {
  /** Every GET under /api/admin and the back-office in read-only mode. */
  'staff.read': ['support', 'finance', 'admin'],
  /** Approve/reject transactions, adjust wallets, distribute income, reverse investments, run staking. */
  'finance.write': ['finance', 'admin'],
  /** Configuration, MXC price and chart, staff management, the job dashboard. */
  'admin.write': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
