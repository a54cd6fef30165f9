import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { notFound } from '../http/errors.js';
import { formatMoney } from '../money/money.js';
import { listWallets } from '../wallets/wallets.service.js';
import { teamTree } from '../team/team.service.js';
import { PLAN_LEVELS } from '../income/compensation-plan.js';

const LATEST = 10;
/** The member page shows the first part of a large downline; the team routes page through all of it. */
const TREE_NODES = 200;

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const person = (id: number | null, username: string | null) => (id ? { id, username } : null);

/**
 * Everything staff need about one member on one page (back-office member page and
 * GET /api/admin/users/:id/overview): profile and status, sponsor, the nine wallets, the latest
 * ledger movements, transactions, incomes and investments, a downline summary and the team tree.
 */
export async function memberOverview(userId: number) {
  const [profile] = await db().query<Record<string, unknown>>(
    `SELECT u.id, u.username, u.email, u.first_name, u.last_name, u.role, u.rank, u.is_active, u.referral_code,
            u.total_investment, u.team_volume, u.created_at, u.updated_at, u.sponsor_id, s.username AS sponsor_username
       FROM users u LEFT JOIN users s ON s.id = u.sponsor_id
      WHERE u.id = :userId AND u.role = 'member'`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  if (!profile) throw notFound('Member');
  const [wallets, movements, transactions, incomes, investments, downline, tree, status] = await Promise.all([
    listWallets(userId),
    ledgerMovements(userId),
    latestTransactions(userId),
    latestIncomes(userId),
    latestInvestments(userId),
    downlineSummary(userId),
    teamTree(userId, PLAN_LEVELS, TREE_NODES),
    statusChange(userId),
  ]);
  return {
    profile: {
      id: profile.id as number,
      username: profile.username as string,
      email: profile.email as string,
      first_name: profile.first_name as string,
      last_name: profile.last_name as string,
      rank: profile.rank as string,
      is_active: profile.is_active as boolean,
      referral_code: profile.referral_code as string,
      total_investment: formatMoney(profile.total_investment as string),
      team_volume: formatMoney(profile.team_volume as string),
      created_at: iso(profile.created_at as Date),
      sponsor: person(profile.sponsor_id as number | null, profile.sponsor_username as string | null),
      last_status_change: status,
    },
    wallets,
    ledger_movements: movements,
    transactions,
    incomes,
    investments,
    downline,
    tree,
  };
}

/** The latest activation change and its reason, from the audit trail (who, when, why). */
async function statusChange(userId: number) {
  const [row] = await db().query<{ action: string; reason: string | null; created_at: Date; actor_id: number | null; username: string | null }>(
    `SELECT a.action, a.reason, a.created_at, a.actor_id, u.username
       FROM audit_logs a LEFT JOIN users u ON u.id = a.actor_id
      WHERE a.target_type = 'user' AND a.target_id = :id AND a.action IN ('user.deactivate', 'user.activate')
      ORDER BY a.created_at DESC, a.id DESC LIMIT 1`,
    { replacements: { id: String(userId) }, type: QueryTypes.SELECT },
  );
  return row ? { action: row.action, reason: row.reason, at: iso(row.created_at), by: person(row.actor_id, row.username) } : null;
}

async function ledgerMovements(userId: number) {
  const rows = await db().query<Record<string, unknown>>(
    `SELECT e.id, p.id AS posting_id, p.kind, p.description, p.transaction_id, p.created_at, w.wallet_type,
            e.account, e.debit, e.credit
       FROM wallets w
       JOIN ledger_entries e ON e.wallet_id = w.id
       JOIN ledger_postings p ON p.id = e.posting_id
      WHERE w.user_id = :userId
      ORDER BY e.id DESC LIMIT 20`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    posting_id: Number(r.posting_id),
    kind: r.kind as string,
    description: (r.description as string | null) ?? null,
    transaction_id: (r.transaction_id as number | null) ?? null,
    wallet_type: r.wallet_type as string,
    bucket: r.account === 'member:locked' ? 'locked' : 'balance',
    // A member wallet is a liability: a credit raises it, a debit lowers it.
    change: Number(r.credit) > 0 ? formatMoney(r.credit as string) : `-${formatMoney(r.debit as string)}`,
    created_at: iso(r.created_at as Date),
  }));
}

async function latestTransactions(userId: number) {
  const rows = await db().query<Record<string, unknown>>(
    `SELECT id, transaction_type, wallet_type, to_wallet_type, amount, fee, net_amount, status, created_at, processed_at
       FROM transactions WHERE user_id = :userId ORDER BY created_at DESC, id DESC LIMIT ${LATEST}`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    id: r.id as number,
    transaction_type: r.transaction_type as string,
    wallet_type: r.wallet_type as string,
    to_wallet_type: (r.to_wallet_type as string | null) ?? null,
    amount: formatMoney(r.amount as string),
    fee: formatMoney(r.fee as string),
    net_amount: formatMoney(r.net_amount as string),
    status: r.status as string,
    created_at: iso(r.created_at as Date),
    processed_at: iso(r.processed_at as Date | null),
  }));
}

async function latestIncomes(userId: number) {
  const rows = await db().query<Record<string, unknown>>(
    `SELECT i.id, i.income_type, i.amount, i.level, i.status, i.created_at, i.from_user_id, f.username AS from_username
       FROM incomes i LEFT JOIN users f ON f.id = i.from_user_id
      WHERE i.user_id = :userId ORDER BY i.created_at DESC, i.id DESC LIMIT ${LATEST}`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    id: Number(r.id),
    income_type: r.income_type as string,
    amount: formatMoney(r.amount as string),
    level: (r.level as number | null) ?? null,
    status: r.status as string,
    from_user: person(r.from_user_id as number | null, r.from_username as string | null),
    created_at: iso(r.created_at as Date),
  }));
}

async function latestInvestments(userId: number) {
  const rows = await db().query<Record<string, unknown>>(
    `SELECT id, amount, source_wallet, status, created_at, reversed_at FROM investments
      WHERE user_id = :userId ORDER BY created_at DESC, id DESC LIMIT ${LATEST}`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    id: r.id as number,
    amount: formatMoney(r.amount as string),
    source_wallet: r.source_wallet as string,
    status: r.status as string,
    created_at: iso(r.created_at as Date),
    reversed_at: iso(r.reversed_at as Date | null),
  }));
}

/** Per plan level: members, active members and their invested principal. */
async function downlineSummary(userId: number) {
  const rows = await db().query<{ level: number; members: number; active: number; invested: string }>(
    `SELECT r.level, count(*)::int AS members, count(*) FILTER (WHERE u.is_active)::int AS active, coalesce(sum(u.total_investment), 0) AS invested
       FROM referrals r JOIN users u ON u.id = r.referred_id
      WHERE r.referrer_id = :userId GROUP BY r.level ORDER BY r.level`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  return Array.from({ length: PLAN_LEVELS }, (_, i) => i + 1).map((level) => {
    const row = rows.find((r) => r.level === level);
    return { level, members: row?.members ?? 0, active: row?.active ?? 0, invested: formatMoney(row?.invested ?? 0) };
  });
}
