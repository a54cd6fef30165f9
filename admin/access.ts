import type { ActionContext } from 'adminjs';
import { can, type Permission } from '../src/auth/permissions.js';
import type { Role } from '../src/users/user.model.js';

/** AdminJS `isAccessible` from the same permission table the REST API uses. */
export const canAction =
  (permission: Permission) =>
  ({ currentAdmin }: Pick<ActionContext, 'currentAdmin'>) =>
    can(currentAdmin?.role as Role | undefined, permission);

/** Built-in writes that bypass the services stay off; changes go through custom actions. */
export const readOnlyActions = {
  new: { isAccessible: false, isVisible: false },
  edit: { isAccessible: false, isVisible: false },
  delete: { isAccessible: false, isVisible: false },
  bulkDelete: { isAccessible: false, isVisible: false },
};

/** The read-only view staff of every role get: list, show and search, nothing that writes. */
export const staffReadActions = {
  ...readOnlyActions,
  list: { isAccessible: canAction('staff.read') },
  show: { isAccessible: canAction('staff.read') },
  search: { isAccessible: canAction('staff.read') },
};

/**
 * @adminjs/sequelize shows DECIMAL columns as floats; money stays text (exact) in the back-office.
 */
export const moneyText = (...names: string[]) => Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
