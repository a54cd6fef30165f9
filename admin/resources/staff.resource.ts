import type { ActionContext } from 'adminjs';
import { StaffRecord } from '../../src/users/user-directory.models.js';
import { createStaffBody, STAFF_ROLE_VALUES, updateStaffBody } from '../../src/users/staff.schemas.js';
import { createStaff, updateStaff } from '../../src/users/staff.service.js';
import { guarded, readOnlyActions } from '../access.js';
import { Components } from '../component-loader.js';
import { defineResource } from '../resource.js';
import { formAction, options } from '../forms.js';

const ID = 'staff';
const bool = (v: string | undefined) => (v === undefined ? undefined : v === 'true');

/** Staff accounts, apart from members. Admins create them, change roles and deactivate them. */
export const staffResource = defineResource({
  id: ID,
  model: StaffRecord,
  spec: {
    filters: { username: { kind: 'text' }, email: { kind: 'text' }, role: { kind: 'enum', values: STAFF_ROLE_VALUES }, is_active: { kind: 'bool' } },
    sortable: ['id', 'username', 'role', 'created_at'],
  },
  options: {
    navigation: { name: 'Staff', icon: 'Users' },
    listProperties: ['id', 'username', 'email', 'first_name', 'last_name', 'role', 'is_active', 'created_at'],
    showProperties: ['id', 'username', 'email', 'first_name', 'last_name', 'role', 'is_active', 'created_at', 'updated_at'],
    properties: {
      username: { isTitle: true },
      is_active: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
    },
    sort: { sortBy: 'id', direction: 'asc' },
    actions: {
      ...readOnlyActions,
      list: guarded(ID, 'list', 'staff.read', {}),
      show: guarded(ID, 'show', 'staff.read', {}),
      search: guarded(ID, 'search', 'staff.read', {}, () => false),
      new: guarded(
        ID,
        'new',
        'staff.manage',
        formAction('resource', {
          form: {
            intro: 'A new staff account. Leave the password empty to get a random one, shown once.',
            fields: [
              { name: 'username', label: 'Username' },
              { name: 'email', label: 'Email' },
              { name: 'role', label: 'Role', type: 'select', options: options(STAFF_ROLE_VALUES) },
              { name: 'first_name', label: 'First name' },
              { name: 'last_name', label: 'Last name' },
              { name: 'password', label: 'Password (optional)' },
            ],
            submit: 'Create staff account',
          },
          schema: createStaffBody,
          run: (actor, input) => createStaff(actor, input),
          done: (r) => ({
            message: `Staff account ${r.staff.username} (${r.staff.role}) created`,
            result: { id: r.staff.id, username: r.staff.username, role: r.staff.role, ...(r.password ? { password_shown_once: r.password } : {}) },
          }),
        }, { label: 'Create staff' }),
      ),
      edit: guarded(
        ID,
        'edit',
        'staff.manage',
        formAction('record', {
          form: {
            intro: 'A role change or deactivation ends their sessions and tokens at once. Nobody can demote or deactivate themselves, nor the last active admin.',
            fields: [
              { name: 'role', label: 'Role', type: 'select', options: options(STAFF_ROLE_VALUES), fromRecord: 'role' },
              { name: 'is_active', label: 'Active', type: 'select', options: options(['true', 'false']), fromRecord: 'is_active' },
              { name: 'first_name', label: 'First name', fromRecord: 'first_name' },
              { name: 'last_name', label: 'Last name', fromRecord: 'last_name' },
              { name: 'email', label: 'Email', fromRecord: 'email' },
              { name: 'reason', label: 'Reason (audit log)', type: 'textarea' },
            ],
            submit: 'Save',
          },
          schema: updateStaffBody,
          input: (p) => ({ role: p.role, is_active: bool(p.is_active), first_name: p.first_name, last_name: p.last_name, email: p.email, reason: p.reason }),
          run: (actor, input, ctx) => updateStaff(actor, Number(ctx.record!.id()), input),
          done: (r, ctx: ActionContext) => ({
            message: `${r.staff.username} saved`,
            redirectUrl: ctx.h.recordActionUrl({ resourceId: ID, recordId: String(r.staff.id), actionName: 'show' }),
          }),
        }, { label: 'Edit', icon: 'Edit' }),
      ),
    },
  },
});
