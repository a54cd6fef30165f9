import type { Role } from '../users/user.model.js';

const STAFF = ['support', 'finance', 'admin'] as const;
const FINANCE = ['finance', 'admin'] as const;
const ADMIN = ['admin'] as const;

/**
 * Every staff capability, declared once: name → the roles that hold it. REST routes
 * (`defineRoute({access})`) and back-office actions (`admin/access.ts`) both derive from this
 * table; anything not listed is denied.
 */
export const CAPABILITIES = {
  /** Every GET under /api/admin, and the back-office's lists, pages and dashboard (read-only). */
  'staff.read': STAFF,
  /** Approve or reject pending deposits, withdrawals and adjustments. */
  'transactions.decide': FINANCE,
  /** Post (or request, above the four-eyes threshold) a wallet adjustment. */
  'wallets.adjust': FINANCE,
  'income.distribute': FINANCE,
  'investments.reverse': FINANCE,
  'staking.run': FINANCE,
  /** Deactivate and reactivate member accounts. */
  'members.activation': FINANCE,
  'emails.retry': FINANCE,
  /** CSV export of staff lists (audited). */
  'exports.csv': FINANCE,
  'config.manage': ADMIN,
  /** MXC price and chart points. */
  'market.write': ADMIN,
  'staff.manage': ADMIN,
  /** The Agenda job dashboard (agendash). */
  'jobs.dashboard': ADMIN,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof CAPABILITIES;

export const PERMISSION_NAMES = Object.keys(CAPABILITIES) as Permission[];

export function rolesFor(permission: Permission): readonly Role[] {
  return CAPABILITIES[permission];
}

export function can(role: Role | string | undefined, permission: Permission): boolean {
  return role !== undefined && (CAPABILITIES[permission] as readonly string[]).includes(role);
}
