import { TRANSACTION_STATUSES, TRANSACTION_TYPES } from '../wallets/transaction.model.js';
import { WALLET_TYPES } from '../wallets/wallet-types.js';
import { INCOME_TYPES } from '../income/income-types.js';
import type { ListSpec } from './list-filters.js';

/**
 * The filter and sort allow-lists of the staff lists that can also be exported as CSV. The
 * back-office lists use the same specs (admin/resources), so what can be exported is exactly
 * what can be filtered on screen.
 */
export const LIST_SPECS = {
  transactions: {
    filters: {
      id: { kind: 'id' },
      user_id: { kind: 'id' },
      member: { kind: 'person', column: 'user_id' },
      transaction_type: { kind: 'enum', values: TRANSACTION_TYPES },
      wallet_type: { kind: 'enum', values: WALLET_TYPES },
      status: { kind: 'enum', values: TRANSACTION_STATUSES },
      amount: { kind: 'money' },
      processed_by: { kind: 'id' },
      created_at: { kind: 'date' },
    },
    sortable: ['id', 'created_at', 'amount', 'status', 'transaction_type', 'processed_at'],
  },
  members: {
    filters: {
      id: { kind: 'id' },
      username: { kind: 'text' },
      email: { kind: 'text' },
      first_name: { kind: 'text' },
      last_name: { kind: 'text' },
      rank: { kind: 'text' },
      is_active: { kind: 'bool' },
      sponsor_id: { kind: 'id' },
      total_investment: { kind: 'money' },
      created_at: { kind: 'date' },
    },
    sortable: ['id', 'username', 'created_at', 'total_investment', 'rank', 'is_active'],
  },
  incomes: {
    filters: {
      user_id: { kind: 'id' },
      member: { kind: 'person', column: 'user_id' },
      income_type: { kind: 'enum', values: INCOME_TYPES },
      status: { kind: 'enum', values: ['completed', 'reversed'] },
      from_user_id: { kind: 'id' },
      investment_id: { kind: 'id' },
      amount: { kind: 'money' },
      created_at: { kind: 'date' },
    },
    sortable: ['id', 'created_at', 'amount', 'income_type'],
  },
  investments: {
    filters: {
      user_id: { kind: 'id' },
      member: { kind: 'person', column: 'user_id' },
      status: { kind: 'enum', values: ['active', 'reversed'] },
      amount: { kind: 'money' },
      created_at: { kind: 'date' },
    },
    sortable: ['id', 'created_at', 'amount', 'status'],
  },
  audit: {
    filters: {
      actor_id: { kind: 'id' },
      action: { kind: 'text' },
      target_type: { kind: 'text' },
      target_id: { kind: 'text' },
      created_at: { kind: 'date' },
    },
    sortable: ['id', 'created_at', 'action'],
  },
} satisfies Record<string, ListSpec>;

export type ExportList = keyof typeof LIST_SPECS;
export const EXPORT_LISTS = Object.keys(LIST_SPECS) as ExportList[];
