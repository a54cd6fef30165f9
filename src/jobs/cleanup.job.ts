import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { abandonStaleRuns } from './job-runs.service.js';
import { markInterruptedRuns } from '../staking/staking.service.js';
import type { JobSpec } from './job-spec.js';

/** Runs one DELETE and returns how many rows it removed. */
async function deleted(sql: string, replacements: Record<string, unknown> = {}): Promise<number> {
  const [row] = await db().query<{ n: number }>(`WITH gone AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM gone`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  return row.n;
}

async function tableExists(name: string): Promise<boolean> {
  const [row] = await db().query<{ found: boolean }>(`SELECT to_regclass(:name) IS NOT NULL AS found`, { replacements: { name }, type: QueryTypes.SELECT });
  return row.found;
}

/**
 * Drops rows that can no longer matter: revoked tokens past expiry, expired back-office sessions,
 * expired idempotency keys, finished one-off Agenda jobs and their logs once ops have had
 * JOBS_KEEP_COMPLETED_HOURS (≥ 24 h) to see them in agendash, and job_runs after 90 days.
 */
export const cleanupJob: JobSpec = {
  name: 'cleanup',
  every: '17 * * * *',
  async run(_job, { env }) {
    const keepHours = env.JOBS_KEEP_COMPLETED_HOURS;
    const summary: Record<string, number> = {
      revoked_tokens: await deleted(`DELETE FROM revoked_tokens WHERE expires_at < now()`),
      sessions: await deleted(`DELETE FROM session WHERE expire < now()`),
      idempotency_keys: await deleted(`DELETE FROM idempotency_keys WHERE expires_at < now()`),
      abandoned_runs: await abandonStaleRuns(),
      interrupted_staking_runs: await markInterruptedRuns(),
      job_runs: await deleted(`DELETE FROM job_runs WHERE started_at < now() - interval '90 days'`),
    };
    // Only with the PostgreSQL backend; with MONGODB_URL these tables do not exist here.
    if (await tableExists('agenda_jobs')) {
      summary.agenda_jobs = await deleted(
        `DELETE FROM agenda_jobs WHERE type = 'normal' AND next_run_at IS NULL AND locked_at IS NULL
            AND last_finished_at < now() - make_interval(hours => :keepHours)`,
        { keepHours },
      );
    }
    if (await tableExists('agenda_logs')) {
      summary.agenda_logs = await deleted(`DELETE FROM agenda_logs WHERE "timestamp" < now() - make_interval(hours => :keepHours)`, { keepHours });
    }
    return summary;
  },
};
