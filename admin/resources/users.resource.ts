import type { ResourceWithOptions } from 'adminjs';
import { User } from '../../src/users/user.model.js';
import { canAction, readOnlyActions } from '../access.js';

/** Members and staff, read-only here: no password hashes, no balances, no raw edits. */
export const usersResource: ResourceWithOptions = {
  resource: User,
  options: {
    navigation: { name: 'Members', icon: 'User' },
    listProperties: ['id', 'username', 'email', 'first_name', 'last_name', 'role', 'rank', 'is_active', 'created_at'],
    filterProperties: ['username', 'email', 'role', 'rank', 'is_active', 'sponsor_id', 'created_at'],
    showProperties: [
      'id', 'username', 'email', 'first_name', 'last_name', 'role', 'rank', 'is_active', 'sponsor_id',
      'referral_code', 'total_investment', 'created_at', 'updated_at',
    ],
    properties: {
      password_hash: { isVisible: false },
      token_version: { isVisible: false },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...readOnlyActions,
      list: { isAccessible: canAction('staff.read') },
      show: { isAccessible: canAction('staff.read') },
      search: { isAccessible: canAction('staff.read') },
    },
  },
};
