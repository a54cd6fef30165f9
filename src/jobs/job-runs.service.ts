import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { JobRun, type JobOutcome } from './job-run.model.js';

export async function startRun(run: { jobName: string; jobId: string | null; attempt: number; worker: string; startedAt?: Date }): Promise<string> {
  const [row] = await db().query<{ id: string }>(
    `INSERT INTO job_runs (job_name, job_id, attempt, worker, started_at) VALUES (:jobName, :jobId, :attempt, :worker, coalesce(:startedAt, now())) RETURNING id`,
    { replacements: { ...run, startedAt: run.startedAt ?? null }, type: QueryTypes.SELECT },
  );
  return row.id;
}

export async function finishRun(id: string, outcome: Exclude<JobOutcome, 'running'>, counts: Record<string, unknown> | null, error: string | null): Promise<void> {
  await db().query(
    `UPDATE job_runs SET finished_at = now(), outcome = :outcome, counts = CAST(:counts AS jsonb), error = :error WHERE id = :id`,
    { replacements: { id, outcome, counts: counts ? JSON.stringify(counts) : null, error }, type: QueryTypes.UPDATE },
  );
}

/** Runs whose worker died mid-run stay 'running' forever otherwise; a day is far beyond any job here. */
export async function abandonStaleRuns(): Promise<number> {
  const [row] = await db().query<{ n: number }>(
    `WITH changed AS (
       UPDATE job_runs SET outcome = 'abandoned', finished_at = now(), error = coalesce(error, 'the worker stopped before the run finished')
        WHERE outcome = 'running' AND started_at < now() - interval '24 hours' RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    { type: QueryTypes.SELECT },
  );
  return row.n;
}

export interface RunFilter {
  page: number;
  perPage: number;
  job?: string;
  outcome?: JobOutcome;
}

export async function listRuns(filter: RunFilter) {
  const where: Record<string, unknown> = {};
  if (filter.job) where.job_name = filter.job;
  if (filter.outcome) where.outcome = filter.outcome;
  const { rows, count } = await JobRun.findAndCountAll({
    where,
    order: [['started_at', 'DESC'], ['id', 'DESC']],
    limit: filter.perPage,
    offset: (filter.page - 1) * filter.perPage,
  });
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      job_name: r.job_name,
      job_id: r.job_id,
      attempt: r.attempt,
      worker: r.worker,
      started_at: r.started_at.toISOString(),
      finished_at: r.finished_at ? r.finished_at.toISOString() : null,
      outcome: r.outcome,
      counts: r.counts,
      error: r.error,
    })),
    page: filter.page,
    per_page: filter.perPage,
    total: count,
  };
}
