import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { formatMoney } from '../money/money.js';
import { can, PERMISSION_NAMES, type Permission } from '../auth/permissions.js';
import type { Role } from '../users/user.model.js';
import { WALLET_TYPES } from '../wallets/wallet-types.js';
import { trialBalance } from '../wallets/ledger.verify.js';
import { cryptoFeedStatus } from '../feed/crypto-feed.service.js';
import { JOBS } from '../jobs/catalogue.js';
import { threshold } from '../wallets/dual-approval.service.js';
import { COMMISSION_TYPES } from '../income/compensation-plan.js';

/**
 * The staff home page, one read model for the back-office dashboard and GET /api/admin/dashboard:
 * the work queues, today's figures (UTC day), money held, market and operations health. Every
 * amount is an 8-decimal string; nothing is invented when there is no data (nulls, zeros).
 */
export async function staffDashboard(role: Role) {
  const [queues, today, wallets, price, feed, jobs, trial, emails, limit] = await Promise.all([
    pendingQueues(),
    todaysFigures(),
    walletTotals(),
    currentPrice(),
    cryptoFeedStatus(),
    lastJobRuns(),
    trialBalance(),
    failedEmails(),
    threshold(),
  ]);
  return {
    generated_at: new Date().toISOString(),
    role,
    /** What this role may do from the dashboard (support: nothing). */
    can: PERMISSION_NAMES.filter((p) => p !== 'staff.read' && can(role, p)) as Permission[],
    pending: queues,
    dual_approval_threshold: formatMoney(limit),
    today,
    wallets,
    mxc_price: price,
    crypto_feed: {
      stale: feed.stale,
      last_success_at: feed.fetched_at,
      last_attempt_at: feed.last_attempt_at,
      last_error: feed.last_error,
      last_error_at: feed.last_error_at,
      coins: feed.count,
    },
    jobs,
    trial_balance: { balanced: trial.balanced, equation_holds: trial.equation.holds, total_debits: trial.total_debits, total_credits: trial.total_credits },
    failed_emails: emails,
  };
}

interface QueueRow {
  transaction_type: string;
  count: number;
  sum: string | null;
  oldest_at: Date | null;
  awaiting_second: number;
}

/** Pending deposits, withdrawals and adjustments: count, sum and age of the oldest. */
async function pendingQueues() {
  const rows = await db().query<QueueRow>(
    `SELECT t.transaction_type, count(*)::int AS count, sum(t.amount) AS sum, min(t.created_at) AS oldest_at,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM transaction_approvals a WHERE a.transaction_id = t.id) OR t.requested_by IS NOT NULL)::int AS awaiting_second
       FROM transactions t
      WHERE t.status = 'pending' AND t.transaction_type IN ('deposit', 'withdrawal', 'adjustment')
      GROUP BY t.transaction_type`,
    { type: QueryTypes.SELECT },
  );
  const now = Date.now();
  return (['deposit', 'withdrawal', 'adjustment'] as const).map((type) => {
    const row = rows.find((r) => r.transaction_type === type);
    const oldest = row?.oldest_at ? new Date(row.oldest_at) : null;
    return {
      transaction_type: type,
      count: row?.count ?? 0,
      sum: formatMoney(row?.sum ?? 0),
      oldest_at: oldest?.toISOString() ?? null,
      oldest_age_seconds: oldest ? Math.max(0, Math.floor((now - oldest.getTime()) / 1000)) : null,
      awaiting_second_approval: row?.awaiting_second ?? 0,
    };
  });
}

async function todaysFigures() {
  const [row] = await db().query<Record<string, string | number | null>>(
    `WITH day AS (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start)
     SELECT (SELECT count(*)::int FROM users, day WHERE role = 'member' AND created_at >= day.start) AS signups,
            (SELECT count(*)::int FROM transactions, day WHERE transaction_type = 'deposit' AND status = 'completed' AND processed_at >= day.start) AS deposits_count,
            (SELECT coalesce(sum(amount), 0) FROM transactions, day WHERE transaction_type = 'deposit' AND status = 'completed' AND processed_at >= day.start) AS deposits_sum,
            (SELECT count(*)::int FROM transactions, day WHERE transaction_type = 'withdrawal' AND status = 'completed' AND processed_at >= day.start) AS withdrawals_count,
            (SELECT coalesce(sum(amount), 0) FROM transactions, day WHERE transaction_type = 'withdrawal' AND status = 'completed' AND processed_at >= day.start) AS withdrawals_sum,
            (SELECT count(*)::int FROM investments, day WHERE created_at >= day.start) AS investments_count,
            (SELECT coalesce(sum(amount), 0) FROM investments, day WHERE created_at >= day.start) AS investments_sum,
            (SELECT count(*)::int FROM incomes, day WHERE income_type IN (:commissions) AND created_at >= day.start) AS commissions_count,
            (SELECT coalesce(sum(amount), 0) FROM incomes, day WHERE income_type IN (:commissions) AND created_at >= day.start) AS commissions_sum`,
    { replacements: { commissions: [...COMMISSION_TYPES] }, type: QueryTypes.SELECT },
  );
  const pair = (name: string) => ({ count: Number(row[`${name}_count`]), sum: formatMoney(row[`${name}_sum`] as string) });
  return {
    signups: Number(row.signups),
    deposits_approved: pair('deposits'),
    withdrawals_paid: pair('withdrawals'),
    investments: pair('investments'),
    commissions: pair('commissions'),
  };
}

/** Totals per wallet type across members: spendable and locked. */
async function walletTotals() {
  const rows = await db().query<{ wallet_type: string; balance: string; locked: string }>(
    `SELECT w.wallet_type, sum(w.balance) AS balance, sum(w.locked_balance) AS locked
       FROM wallets w GROUP BY w.wallet_type`,
    { type: QueryTypes.SELECT },
  );
  return WALLET_TYPES.map((type) => {
    const row = rows.find((r) => r.wallet_type === type);
    return { wallet_type: type, balance: formatMoney(row?.balance ?? 0), locked_balance: formatMoney(row?.locked ?? 0) };
  });
}

async function currentPrice() {
  const [row] = await db().query<{ price: string; source: string; created_at: Date; updated_by: number | null; username: string | null }>(
    `SELECT p.price, p.source, p.created_at, p.updated_by, u.username
       FROM mxc_prices p LEFT JOIN users u ON u.id = p.updated_by
      ORDER BY p.created_at DESC, p.id DESC LIMIT 1`,
    { type: QueryTypes.SELECT },
  );
  if (!row) return null;
  return {
    price: formatMoney(row.price),
    source: row.source,
    set_at: new Date(row.created_at).toISOString(),
    set_by: row.updated_by ? { id: row.updated_by, username: row.username } : null,
  };
}

/** The latest run of every job in the catalogue, with its real outcome (null: never ran). */
async function lastJobRuns() {
  const rows = await db().query<{ id: string; job_name: string; outcome: string; started_at: Date; finished_at: Date | null; error: string | null }>(
    `SELECT DISTINCT ON (job_name) id, job_name, outcome, started_at, finished_at, error
       FROM job_runs WHERE job_name IN (:names) ORDER BY job_name, started_at DESC, id DESC`,
    { replacements: { names: JOBS.map((j) => j.name) }, type: QueryTypes.SELECT },
  );
  return JOBS.map((job) => {
    const run = rows.find((r) => r.job_name === job.name);
    return {
      job_name: job.name,
      schedule: job.every ?? 'on demand',
      last_run: run
        ? {
            id: Number(run.id),
            outcome: run.outcome,
            started_at: new Date(run.started_at).toISOString(),
            finished_at: run.finished_at ? new Date(run.finished_at).toISOString() : null,
            error: run.error,
          }
        : null,
    };
  });
}

async function failedEmails() {
  const [row] = await db().query<{ count: number; oldest_at: Date | null }>(
    `SELECT count(*)::int AS count, min(created_at) AS oldest_at FROM email_outbox WHERE status = 'failed'`,
    { type: QueryTypes.SELECT },
  );
  return { count: row.count, oldest_at: row.oldest_at ? new Date(row.oldest_at).toISOString() : null };
}
