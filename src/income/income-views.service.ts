import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { offsetOf } from '../http/pagination.js';
import { ZERO, formatMoney } from '../money/money.js';
import { INCOME_TYPES, type IncomeType } from './income-types.js';

export interface HistoryQuery {
  page: number;
  per_page: number;
  type?: IncomeType;
  from?: Date;
  to?: Date;
}

/** The member's income rows, newest first. */
export async function incomeHistory(userId: number, q: HistoryQuery) {
  const where = ['i.user_id = :userId'];
  if (q.type) where.push('i.income_type = :type');
  if (q.from) where.push('i.created_at >= :from');
  if (q.to) where.push('i.created_at <= :to');
  const replacements = { userId, type: q.type ?? null, from: q.from ?? null, to: q.to ?? null, limit: q.per_page, offset: offsetOf(q) };
  const rows = await db().query<Record<string, unknown> & { created_at: Date; amount: string }>(
    `SELECT i.id::int AS id, i.income_type, i.amount, i.from_user_id, f.username AS from_username, i.level, i.description, i.status,
            i.investment_id, i.created_at
       FROM incomes i LEFT JOIN users f ON f.id = i.from_user_id
      WHERE ${where.join(' AND ')} ORDER BY i.created_at DESC, i.id DESC LIMIT :limit OFFSET :offset`,
    { replacements, type: QueryTypes.SELECT },
  );
  const [{ total }] = await db().query<{ total: number }>(`SELECT count(*)::int AS total FROM incomes i WHERE ${where.join(' AND ')}`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  return {
    items: rows.map((r) => ({ ...r, amount: formatMoney(r.amount), created_at: r.created_at.toISOString() })),
    page: q.page,
    per_page: q.per_page,
    total,
  };
}

/**
 * Per type total and count, grand total, today and this month (UTC calendar). Reversed income
 * (an investment undone by staff) no longer counts.
 */
export async function incomeSummary(userId: number) {
  const rows = await db().query<{ income_type: IncomeType; total: string; count: number; today: string; month: string }>(
    `SELECT income_type, sum(amount) AS total, count(*)::int AS count,
            coalesce(sum(amount) FILTER (WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0) AS today,
            coalesce(sum(amount) FILTER (WHERE created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0) AS month
       FROM incomes WHERE user_id = :userId AND status = 'completed' GROUP BY income_type`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  const byType = new Map(rows.map((r) => [r.income_type, r]));
  let grand = ZERO;
  let today = ZERO;
  let month = ZERO;
  let count = 0;
  const types = INCOME_TYPES.map((t) => {
    const r = byType.get(t);
    grand = grand.plus(r?.total ?? 0);
    today = today.plus(r?.today ?? 0);
    month = month.plus(r?.month ?? 0);
    count += r?.count ?? 0;
    return { income_type: t, total: formatMoney(r?.total ?? 0), count: r?.count ?? 0 };
  });
  return { by_type: types, grand_total: formatMoney(grand), total_count: count, today: formatMoney(today), this_month: formatMoney(month) };
}

