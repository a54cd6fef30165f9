import { Op, type WhereOptions } from 'sequelize';
import { db } from '../db/database.js';
import { badRequest } from '../http/errors.js';
import { dateTime, isCleanText } from '../http/input.js';

/**
 * How one staff list may be filtered and sorted: an allow-list. The back-office lists (AdminJS)
 * and the CSV exports both build their WHERE clause here, so a column that is not listed can be
 * neither filtered nor sorted on, whatever the request says.
 *
 * Filter values arrive as AdminJS sends them: `filters.<name>=value`, ranges as
 * `filters.<name>~~from` / `~~to` (already folded into `{from, to}`).
 */
export type FilterKind =
  /** An integer id (a record or a person). */
  | { kind: 'id' }
  | { kind: 'enum'; values: readonly string[] }
  /** Case-insensitive "contains". */
  | { kind: 'text' }
  | { kind: 'bool' }
  /** An exact amount or a `{from, to}` range of decimal strings. */
  | { kind: 'money' }
  /** A `{from, to}` range of dates or date-times. */
  | { kind: 'date' }
  /** A member named by username or email (contains): matches `column` = that member's id. */
  | { kind: 'person'; column: string };

export interface ListSpec {
  filters: Record<string, FilterKind>;
  sortable: readonly string[];
}

const DECIMAL = /^\d{1,12}(\.\d{1,8})?$/;
const INT_MAX = 2_147_483_647;

function refuse(field: string, message: string): never {
  throw badRequest(`Cannot filter by ${field}`, [{ field, message }]);
}

function text(field: string, value: unknown, max = 200): string {
  if (typeof value !== 'string' || value.length > max || !isCleanText(value)) refuse(field, `must be text of at most ${max} characters, without control characters`);
  return value.trim();
}

function id(field: string, value: unknown): number {
  const n = typeof value === 'string' && /^\d{1,10}$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > INT_MAX) refuse(field, 'must be a positive whole number');
  return n;
}

function like(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function range(field: string, value: unknown, check: (v: string) => unknown): Record<symbol, unknown> {
  if (!value || typeof value !== 'object') refuse(field, 'must be a range (from, to)');
  const { from, to, ...rest } = value as { from?: unknown; to?: unknown };
  if (Object.keys(rest).length) refuse(field, 'takes only from and to');
  const out: Record<symbol, unknown> = {};
  if (from !== undefined && from !== '') out[Op.gte] = check(text(field, from, 40));
  if (to !== undefined && to !== '') out[Op.lte] = check(text(field, to, 40));
  return out;
}

function condition(field: string, spec: FilterKind, value: unknown): WhereOptions {
  switch (spec.kind) {
    case 'id':
      return { [field]: id(field, value) };
    case 'enum': {
      const v = text(field, value);
      if (!spec.values.includes(v)) refuse(field, `must be one of ${spec.values.join(', ')}`);
      return { [field]: v };
    }
    case 'text':
      return { [field]: { [Op.iLike]: like(text(field, value)) } };
    case 'bool': {
      if (value !== 'true' && value !== 'false') refuse(field, 'must be true or false');
      return { [field]: value === 'true' };
    }
    case 'money': {
      const exact = (v: string) => {
        if (!DECIMAL.test(v)) refuse(field, 'must be a decimal with at most 8 places');
        return v;
      };
      return { [field]: typeof value === 'string' ? exact(text(field, value)) : range(field, value, exact) };
    }
    case 'date': {
      // The API's date rule (a real ISO 8601 date, 1970..2999), shared with every other date input.
      const date = (v: string) => {
        const parsed = dateTime.safeParse(v);
        if (!parsed.success) refuse(field, parsed.error.issues[0]?.message ?? 'must be a date');
        return parsed.data;
      };
      return { [field]: range(field, value, date) };
    }
    case 'person': {
      const pattern = db().escape(like(text(field, value, 255)));
      return {
        [spec.column]: { [Op.in]: db().literal(`(SELECT id FROM users WHERE username ILIKE ${pattern} OR email ILIKE ${pattern})`) },
      };
    }
  }
}

/** The WHERE clause for a list; any name outside the allow-list is refused (400). */
export function whereOf(spec: ListSpec, filters: Record<string, unknown>): WhereOptions {
  const parts: WhereOptions[] = [];
  for (const [field, value] of Object.entries(filters)) {
    const kind = Object.hasOwn(spec.filters, field) ? spec.filters[field] : undefined;
    if (!kind) refuse(field, 'is not a filter of this list');
    if (value === undefined || value === '') continue;
    parts.push(condition(field, kind, value));
  }
  return parts.length ? { [Op.and]: parts } : {};
}

/** The sort column, if allowed (400 otherwise). */
export function sortOf(spec: ListSpec, sortBy: string | undefined, direction: string | undefined): [string, 'ASC' | 'DESC'] | undefined {
  if (!sortBy) return undefined;
  if (!spec.sortable.includes(sortBy)) throw badRequest(`Cannot sort by ${sortBy}`, [{ field: 'sortBy', message: `must be one of ${spec.sortable.join(', ')}` }]);
  return [sortBy, direction === 'asc' ? 'ASC' : 'DESC'];
}

/** AdminJS-style query (`filters.x`, `filters.x~~from`) → `{x: value | {from, to}}`. */
export function filtersFromQuery(query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith('filters.')) continue;
    const [name, bound] = key.slice('filters.'.length).split('~~');
    if (bound === undefined) out[name] = value;
    else if (bound === 'from' || bound === 'to') out[name] = { ...((out[name] as object) ?? {}), [bound]: value };
    else refuse(name, 'unknown range bound');
  }
  return out;
}
