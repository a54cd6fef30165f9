import type pg from 'pg';
import { QueryTypes } from 'sequelize';
import { db, rawPool } from '../db/database.js';
import { moneyUnit } from '../wallets/lock-order.js';
import { earnerSql } from '../income/compensation-plan.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { getConfig } from '../config/config.service.js';
import { unprocessable } from '../http/errors.js';
import { Decimal, ZERO, formatMoney } from '../money/money.js';
import { creditIncomesInBulk } from '../income/income.service.js';
import { packedFrom, type PackedCredits } from '../wallets/ledger.service.js';

export interface StakingResult {
  date: string;
  members_paid: number;
  total: string;
}

export interface StakingOptions {
  /** Members per committed batch. */
  batchSize?: number;
  /** Batches in flight at once (default 2: this machine's cores). */
  concurrency?: number;
  triggeredBy?: number;
  /** Called after each batch commits (progress logging; tests use it to stop a run halfway). */
  afterBatch?: (batch: { paid: number; total: Decimal; upTo: number }) => void | Promise<void>;
}

/** Today's date (YYYY-MM-DD) in the staking time zone. */
export async function stakingToday(): Promise<{ today: string; timezone: string }> {
  const { staking_timezone } = await getConfig(['staking_timezone']);
  const [row] = await db().query<{ today: string }>(`SELECT to_char(now() AT TIME ZONE :tz, 'YYYY-MM-DD') AS today`, {
    replacements: { tz: staking_timezone },
    type: QueryTypes.SELECT,
  });
  return { today: row.today, timezone: staking_timezone };
}

/** Principal moved after the cutoff (investments, reversals, adjustments), per wallet: taken back out. Needs :cutoff. */
const LATE_PRINCIPAL = `
  SELECT e.wallet_id, sum(e.credit - e.debit) AS net
    FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id
   WHERE p.created_at >= :cutoff AND p.kind IN ('investment', 'investment_reversal', 'adjustment') AND e.account = 'member:balance'
   GROUP BY e.wallet_id`;

/**
 * Each earner's reward for day D, beside a CTE `late` (LATE_PRINCIPAL): the principal held at the
 * cutoff × apy / 365 / 100, computed exactly in integer units of 10⁻⁸ and truncated once. Needs
 * :apyUnits. One definition for the payout and its preview.
 */
function rewardsFrom(columns: string, where = ''): string {
  return `SELECT ${columns}
            FROM wallets w
            JOIN users u ON u.id = w.user_id AND ${earnerSql('u')}
            LEFT JOIN late l ON l.wallet_id = w.id
            CROSS JOIN LATERAL (SELECT w.balance - coalesce(l.net, 0) AS principal) p
            CROSS JOIN LATERAL (SELECT div(p.principal * 100000000 * :apyUnits, 3650000000000) / 100000000 AS reward) r
           WHERE w.wallet_type = 'my_investment' AND r.reward > 0 ${where}`;
}

const apyUnits = (apy: Decimal.Value) => new Decimal(apy).times(1e8).toFixed(0);

/** What a staking run for `date` would pay now, without paying: members not yet paid that day and the total. */
export async function previewStaking(date: string) {
  const { staking_apy, staking_timezone } = await getConfig(['staking_apy', 'staking_timezone']);
  const { today } = await stakingToday();
  if (date > today) throw unprocessable('future_date', `Staking can run for ${today} or earlier`, [{ field: 'date', message: `must be on or before ${today}` }]);
  const [{ cutoff }] = await db().query<{ cutoff: Date }>(`SELECT least(now(), ((:date::date + 1)::timestamp AT TIME ZONE :tz)) AS cutoff`, {
    replacements: { date, tz: staking_timezone },
    type: QueryTypes.SELECT,
  });
  const [row] = await db().query<{ members: number; total: string | null; already_paid: number }>(
    `WITH late AS (${LATE_PRINCIPAL})
     SELECT count(*)::int AS members, sum(x.reward) AS total,
            (SELECT count(*)::int FROM staking_payouts WHERE reward_date = :date) AS already_paid
       FROM (${rewardsFrom('w.user_id, r.reward', 'AND NOT EXISTS (SELECT 1 FROM staking_payouts s WHERE s.reward_date = :date AND s.user_id = w.user_id)')}) x`,
    { replacements: { date, cutoff, apyUnits: apyUnits(staking_apy) }, type: QueryTypes.SELECT },
  );
  return { date, apy: formatMoney(staking_apy), members_to_pay: row.members, total: formatMoney(row.total ?? 0), members_already_paid: row.already_paid };
}

/**
 * Pays day D's staking reward to every active member holding principal at the end of D (or now,
 * when D is today): principal × apy / 365 / 100, computed exactly in integer units of 10⁻⁸ and
 * truncated once. Members are taken in id ranges, each range its own transaction:
 *  1. claim (member, D) in staking_payouts with ON CONFLICT DO NOTHING — the unique key is what makes
 *     a rerun, a retry after a crash, or a racing worker pay nothing twice;
 *  2. one bulk ledger posting for exactly the claimed rows, Income rows beside it, debts first.
 * A per-range advisory lock stops two racing runs from claiming the same range in different orders.
 */
let defaultBatchSize = 20_000;

/** STAKING_BATCH_SIZE: members per committed batch (memory and lock span per batch vs. throughput). */
export function configureStaking(settings: { batchSize: number }): void {
  defaultBatchSize = settings.batchSize;
}

export async function runStaking(date: string, opts: StakingOptions = {}): Promise<StakingResult> {
  const batchSize = opts.batchSize ?? defaultBatchSize;
  const { staking_apy, staking_timezone } = await getConfig(['staking_apy', 'staking_timezone']);
  const { today } = await stakingToday();
  if (date > today) throw unprocessable('future_date', `Staking can run for ${today} or earlier`, [{ field: 'date', message: `must be on or before ${today}` }]);

  const owner = await rawPool().connect();
  try {
    return await runWithOwner(owner, date, staking_apy, staking_timezone, batchSize, opts);
  } finally {
    owner.release();
  }
}

async function runWithOwner(owner: pg.PoolClient, date: string, staking_apy: string, staking_timezone: string, batchSize: number, opts: StakingOptions): Promise<StakingResult> {
  // The run is visible to others only once its owner holds the run's session lock (see markInterruptedRuns).
  await owner.query('BEGIN');
  let run: { id: number; cutoff: Date; day_key: number };
  try {
    ({
      rows: [run],
    } = await owner.query<{ id: number; cutoff: Date; day_key: number }>(
      `INSERT INTO staking_runs (reward_date, apy, triggered_by) VALUES ($1, $2, $3)
       RETURNING id, least(now(), (($1::date + 1)::timestamp AT TIME ZONE $4)) AS cutoff, ($1::date - date '2000-01-01') AS day_key`,
      [date, staking_apy, opts.triggeredBy ?? null, staking_timezone],
    ));
    await owner.query('SELECT pg_advisory_lock($1, $2)', [RUN_LOCK, run.id]);
    await owner.query('COMMIT');
  } catch (error) {
    await owner.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  try {
    return await payDay(run, date, staking_apy, batchSize, opts);
  } finally {
    await owner.query('SELECT pg_advisory_unlock($1, $2)', [RUN_LOCK, run.id]).catch(() => undefined);
  }
}

async function payDay(run: { id: number; cutoff: Date; day_key: number }, date: string, staking_apy: string, batchSize: number, opts: StakingOptions): Promise<StakingResult> {
  const [{ min_id, max_id }] = await db().query<{ min_id: number | null; max_id: number | null }>(
    `SELECT min(id) AS min_id, max(id) AS max_id FROM users`,
    { type: QueryTypes.SELECT },
  );
  const description = `Daily staking reward for ${date} (${new Decimal(staking_apy).toString()}% APY)`;
  let paid = 0;
  let total = ZERO;
  const ranges: number[] = [];
  for (let from = (min_id ?? 1) - 1; max_id !== null && from < max_id; from += batchSize) ranges.push(from);
  let next = 0;
  let failed = false;
  // Disjoint id ranges touch disjoint wallets, so workers never wait on each other's rows.
  const worker = async () => {
    while (!failed && next < ranges.length) {
      const from = ranges[next++];
      const upTo = from + batchSize;
      const batch = await moneyUnit(async (tx) => {
        await db().query(`SELECT pg_advisory_xact_lock(:dayKey, :from)`, { replacements: { dayKey: run.day_key, from }, type: QueryTypes.SELECT, transaction: tx });
        // Tens of thousands of rows per statement: hash joins and sorts should stay in memory, and
        // a batch on a slow disk may outlast the API's statement limit.
        await db().query(`SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = 0`, { transaction: tx });
        const [credits] = await db().query<PackedCredits>(
          `WITH late AS (${LATE_PRINCIPAL}), claimed AS (
             INSERT INTO staking_payouts (reward_date, user_id, amount, run_id)
             ${rewardsFrom(':date, w.user_id, r.reward, :runId', 'AND w.user_id > :from AND w.user_id <= :upTo')}
             ON CONFLICT DO NOTHING
             RETURNING user_id, amount
           )
           ${packedFrom('claimed')}`,
          {
            replacements: { cutoff: run.cutoff, date, runId: run.id, from, upTo, apyUnits: apyUnits(staking_apy) },
            type: QueryTypes.SELECT,
            transaction: tx,
          },
        );
        const result = await creditIncomesInBulk(tx, { kind: 'staking_reward', type: 'Staking Reward', description, credits });
        // The run's progress commits with the batch, so it stays exact even when the run is cut off.
        await db().query(`UPDATE staking_runs SET members_paid = members_paid + :paid, total = total + :total WHERE id = :id`, {
          replacements: { paid: credits.count, total: result.total.toFixed(8), id: run.id },
          type: QueryTypes.UPDATE,
          transaction: tx,
        });
        return { paid: credits.count, total: result.total };
      }, { detached: true });
      paid += batch.paid;
      total = total.plus(batch.total);
      await opts.afterBatch?.({ ...batch, upTo });
    }
  };
  try {
    const outcomes = await Promise.allSettled(
      Array.from({ length: opts.concurrency ?? 2 }, () =>
        worker().catch((error) => {
          failed = true;
          throw error;
        }),
      ),
    );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
  } catch (error) {
    await db().query(
      `UPDATE staking_runs SET status = 'failed', error = :error, finished_at = clock_timestamp(),
              duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int WHERE id = :id`,
      { replacements: { error: String((error as Error).message ?? error).slice(0, 2000), id: run.id }, type: QueryTypes.UPDATE },
    );
    throw error;
  }
  await db().query(
    `UPDATE staking_runs SET status = 'completed', finished_at = clock_timestamp(),
            duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int WHERE id = :id`,
    { replacements: { id: run.id }, type: QueryTypes.UPDATE },
  );
  return { date, members_paid: paid, total: formatMoney(total) };
}

/** Held (session-level, per run id) by the process running a staking run for as long as it runs. */
const RUN_LOCK = 727_100;

/**
 * A run still 'running' whose lock nobody holds lost its process (killed, crashed): it is marked
 * interrupted. Its day stays owed — the nightly job or a staff rerun pays whoever it had not paid,
 * and nobody twice (staking_payouts). Runs at start-up and with the hourly cleanup.
 */
export async function markInterruptedRuns(): Promise<number> {
  const rows = await db().query<{ id: number }>(
    `UPDATE staking_runs SET status = 'interrupted', error = 'the process running it stopped', finished_at = clock_timestamp(),
            duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int
      WHERE status = 'running' AND pg_try_advisory_xact_lock(${RUN_LOCK}, id) RETURNING id`,
    { type: QueryTypes.SELECT },
  );
  return rows.length;
}

/**
 * A staff-triggered run, audited whatever its outcome: batches commit as they go, so a run that
 * fails halfway has still paid some members and the trail must say so.
 */
export async function runStakingAsStaff(actor: Actor, date: string): Promise<StakingResult> {
  const target = { type: 'staking_day', id: date };
  try {
    const result = await runStaking(date, { triggeredBy: actor.id });
    await audit(actor, { action: 'staking.run', target, after: result });
    return result;
  } catch (error) {
    await audit(actor, { action: 'staking.run', target, after: { failed: true, error: (error as Error).message } });
    throw error;
  }
}

/**
 * The days the nightly job owes, within the last week: each day without a completed run that
 * started after the day ended. A staff run for an earlier or a later day, or for today before
 * midnight (on the principal held then), leaves the others owed; reruns pay nobody twice.
 */
export async function daysToPay(): Promise<string[]> {
  const { today, timezone } = await stakingToday();
  const rows = await db().query<{ day: string }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS day
       FROM generate_series(:today::date - 7, :today::date - 1, interval '1 day') AS d
      WHERE NOT EXISTS (
        SELECT 1 FROM staking_runs r
         WHERE r.reward_date = d::date AND r.status = 'completed'
           AND r.started_at >= ((d::date + 1)::timestamp AT TIME ZONE :tz))
      ORDER BY d`,
    { replacements: { today, tz: timezone }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.day);
}

export async function listRuns(limit = 20) {
  const rows = await db().query<Record<string, unknown>>(
    `SELECT id, to_char(reward_date, 'YYYY-MM-DD') AS date, status, apy, members_paid, total, started_at, finished_at, duration_ms, error
       FROM staking_runs ORDER BY id DESC LIMIT :limit`,
    { replacements: { limit }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ ...r, apy: formatMoney(r.apy as string), total: formatMoney(r.total as string) }));
}
