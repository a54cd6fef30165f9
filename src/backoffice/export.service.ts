import type { Writable } from 'node:stream';
import { QueryTypes, type WhereOptions } from 'sequelize';
import { stringify } from 'csv-stringify/sync';
import type { Model, ModelCtor } from 'sequelize-typescript';
import { db } from '../db/database.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { AuditLog } from '../audit/audit-log.model.js';
import { Income } from '../income/income.model.js';
import { Investment } from '../investments/investment.model.js';
import { MemberRecord } from '../users/user-directory.models.js';
import { MoneyTransaction } from '../wallets/transaction.model.js';
import { formatMoney } from '../money/money.js';
import { LIST_SPECS, type ExportList } from './list-specs.js';
import { sortOf, whereOf } from './list-filters.js';

type Row = Record<string, unknown>;
interface Column {
  header: string;
  value: (row: Row, names: Map<number, string>) => unknown;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : '');
const money = (v: unknown) => (v === null || v === undefined ? '' : formatMoney(v as string));
const plain = (name: string): Column => ({ header: name, value: (r) => r[name] });
const name = (header: string, column: string): Column => ({ header, value: (r, names) => (r[column] ? (names.get(Number(r[column])) ?? '') : '') });

/** Per list: the table, the columns of the file, and which columns hold a person's id (to print their username). */
const EXPORTS: Record<ExportList, { model: ModelCtor<Model>; people: string[]; columns: Column[] }> = {
  transactions: {
    model: MoneyTransaction,
    people: ['user_id', 'processed_by', 'requested_by'],
    columns: [
      plain('id'),
      { header: 'created_at', value: (r) => iso(r.created_at) },
      plain('user_id'),
      name('member', 'user_id'),
      plain('transaction_type'),
      plain('wallet_type'),
      plain('to_wallet_type'),
      { header: 'amount', value: (r) => money(r.amount) },
      { header: 'fee', value: (r) => money(r.fee) },
      { header: 'net_amount', value: (r) => money(r.net_amount) },
      plain('status'),
      plain('reference'),
      plain('wallet_address'),
      plain('tx_hash'),
      name('requested_by', 'requested_by'),
      name('processed_by', 'processed_by'),
      { header: 'processed_at', value: (r) => iso(r.processed_at) },
      plain('reason'),
      plain('admin_notes'),
    ],
  },
  members: {
    model: MemberRecord,
    people: ['sponsor_id'],
    columns: [
      plain('id'),
      plain('username'),
      plain('email'),
      plain('first_name'),
      plain('last_name'),
      plain('rank'),
      plain('is_active'),
      name('sponsor', 'sponsor_id'),
      { header: 'total_investment', value: (r) => money(r.total_investment) },
      { header: 'created_at', value: (r) => iso(r.created_at) },
    ],
  },
  incomes: {
    model: Income,
    people: ['user_id', 'from_user_id'],
    columns: [
      plain('id'),
      { header: 'created_at', value: (r) => iso(r.created_at) },
      plain('user_id'),
      name('member', 'user_id'),
      plain('income_type'),
      { header: 'amount', value: (r) => money(r.amount) },
      name('from_member', 'from_user_id'),
      plain('level'),
      plain('status'),
      plain('investment_id'),
      plain('description'),
    ],
  },
  investments: {
    model: Investment,
    people: ['user_id', 'reversed_by'],
    columns: [
      plain('id'),
      { header: 'created_at', value: (r) => iso(r.created_at) },
      plain('user_id'),
      name('member', 'user_id'),
      { header: 'amount', value: (r) => money(r.amount) },
      plain('source_wallet'),
      plain('status'),
      name('reversed_by', 'reversed_by'),
      { header: 'reversed_at', value: (r) => iso(r.reversed_at) },
      plain('reverse_reason'),
    ],
  },
  audit: {
    model: AuditLog,
    people: ['actor_id'],
    columns: [
      plain('id'),
      { header: 'created_at', value: (r) => iso(r.created_at) },
      name('actor', 'actor_id'),
      plain('actor_role'),
      plain('action'),
      plain('target_type'),
      plain('target_id'),
      plain('reason'),
      { header: 'before', value: (r) => (r.before === null || r.before === undefined ? '' : JSON.stringify(r.before)) },
      { header: 'after', value: (r) => (r.after === null || r.after === undefined ? '' : JSON.stringify(r.after)) },
      plain('request_id'),
    ],
  },
};

/** Spreadsheet programs run a cell that starts with = + - @ as a formula: such text is quoted with a leading '. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /^[=+\-@\t\r]/.test(text) && !/^-\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
}

async function usernames(ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db().query<{ id: number; username: string }>(`SELECT id, username FROM users WHERE id IN (:ids)`, {
    replacements: { ids },
    type: QueryTypes.SELECT,
  });
  return new Map(rows.map((r) => [r.id, r.username]));
}

const BATCH = 1000;

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
}

/**
 * Streams a staff list as CSV (header row first), filtered and sorted by the same allow-list as
 * the back-office list; the export itself is audited before the first row leaves. Returns the
 * number of rows written.
 */
export async function exportCsv(actor: Actor, list: ExportList, query: { filters: Record<string, unknown>; sortBy?: string; direction?: string }, out: Writable): Promise<number> {
  const spec = LIST_SPECS[list];
  const where = whereOf(spec, query.filters);
  const order = sortOf(spec, query.sortBy, query.direction) ?? ['id', 'DESC'];
  const { model, columns, people } = EXPORTS[list];
  await audit(actor, { action: 'export.csv', target: { type: 'list', id: list }, after: { filters: query.filters, sort_by: order[0], direction: order[1] } });
  await write(out, stringify([columns.map((c) => c.header)]));
  let written = 0;
  for (let offset = 0; ; offset += BATCH) {
    // Ties broken by id so pages never overlap or skip rows.
    const rows = (await model.findAll({
      where: where as WhereOptions,
      order: [order, ...(order[0] === 'id' ? [] : [['id', order[1]] as [string, string]])],
      limit: BATCH,
      offset,
      raw: true,
    })) as unknown as Row[];
    if (!rows.length) break;
    const ids = [...new Set(rows.flatMap((r) => people.map((p) => r[p]).filter((v): v is number => typeof v === 'number')))];
    const names = await usernames(ids);
    await write(out, stringify(rows.map((r) => columns.map((c) => cell(c.value(r, names))))));
    written += rows.length;
    if (rows.length < BATCH) break;
  }
  return written;
}
