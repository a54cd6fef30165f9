import type { ActionContext } from 'adminjs';
import { can, type Permission } from '../src/auth/permissions.js';
import { Components } from './component-loader.js';

type Ctx = Pick<ActionContext, 'currentAdmin'> & Partial<Pick<ActionContext, 'record'>>;

/** AdminJS `isAccessible` from the permission table REST uses (src/auth/permissions.ts). */
export const canAction =
  (permission: Permission) =>
  ({ currentAdmin }: Ctx) =>
    can(currentAdmin?.role as string | undefined, permission);


/**
 * Which capability each back-office action needs, recorded as actions are declared, so a test can
 * walk every action and compare it with its REST twin.
 */
const declared = new Map<string, Permission>();
export function declaredActions(): ReadonlyMap<string, Permission> {
  return declared;
}

/**
 * An action guarded by one capability: accessible (direct URL and API included) to exactly the
 * roles holding it; `visibleWhen` only hides the button when the record's state makes it moot
 * (the handler still refuses with a notice).
 */
export function guarded<A extends object>(resourceId: string, name: string, permission: Permission, action: A, visibleWhen?: (ctx: ActionContext) => boolean) {
  declared.set(`${resourceId}.${name}`, permission);
  return {
    ...action,
    isAccessible: canAction(permission),
    isVisible: (ctx: ActionContext) => canAction(permission)(ctx) && (visibleWhen ? visibleWhen(ctx) : true),
  };
}

/** Built-in writes that bypass the services stay off; changes go through custom actions. */
export const readOnlyActions = {
  new: { isAccessible: false, isVisible: false },
  edit: { isAccessible: false, isVisible: false },
  delete: { isAccessible: false, isVisible: false },
  bulkDelete: { isAccessible: false, isVisible: false },
};

/** The read-only view staff of every role get: list, show and search, nothing that writes. */
export function staffReadActions(resourceId: string) {
  return {
    ...readOnlyActions,
    list: guarded(resourceId, 'list', 'staff.read', {}),
    show: guarded(resourceId, 'show', 'staff.read', {}),
    search: guarded(resourceId, 'search', 'staff.read', {}, () => false),
  };
}

/**
 * @adminjs/sequelize shows DECIMAL columns as floats; money stays text (exact) in the back-office.
 */
export const moneyText = (...names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { type: 'string' as const, components: { list: Components.MoneyCell, show: Components.MoneyCell } }]));

/** "Export CSV": a drawer over the list that downloads exactly its filtered rows (audited). */
export function exportAction(resourceId: string, list: string) {
  return guarded(resourceId, 'export', 'exports.csv', {
    actionType: 'resource' as const,
    icon: 'Download',
    component: Components.ExportCsv,
    showInDrawer: true,
    custom: { list },
    handler: async () => ({}),
  });
}

/** A link to a person or a record wherever an id points at one. */
export const referenceTo = (resourceId: string) => ({ reference: resourceId, type: 'reference' as const });
