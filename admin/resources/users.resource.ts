import type { ActionResponse, RecordJSON, ResourceWithOptions } from 'adminjs';
import { User } from '../../src/users/user.model.js';
import { canAction, readOnlyActions, moneyText } from '../access.js';

/** Columns that never leave the server, not even in AdminJS's JSON API (isVisible only hides them in the UI). */
const SECRET_COLUMNS = ['password_hash', 'token_version'];

function stripSecrets(record: RecordJSON | undefined): void {
  if (!record?.params) return;
  for (const column of SECRET_COLUMNS) delete record.params[column];
}

/** An `after` hook removing secret columns from every record an action answers with. */
export const withoutSecrets = async (response: ActionResponse): Promise<ActionResponse> => {
  stripSecrets(response.record as RecordJSON | undefined);
  for (const record of (response.records as RecordJSON[] | undefined) ?? []) stripSecrets(record);
  return response;
};

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
      ...moneyText('total_investment'),
      password_hash: { isVisible: false },
      token_version: { isVisible: false },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...readOnlyActions,
      list: { isAccessible: canAction('staff.read'), after: withoutSecrets },
      show: { isAccessible: canAction('staff.read'), after: withoutSecrets },
      search: { isAccessible: canAction('staff.read'), after: withoutSecrets },
    },
  },
};
