import os from 'node:os';
import { Agenda, type Job } from 'agenda';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { createBackend } from './backend.js';
import { JOBS } from './catalogue.js';
import { finishRun, startRun } from './job-runs.service.js';
import { IDLE, RunFailed, type JobSpec } from './job-spec.js';
import { retryPolicy } from './retry.js';
import { jobRunDuration, jobRuns } from '../ops/metrics.js';

function countRun(job: string, outcome: string, startedMs: number): void {
  jobRuns.inc({ job, outcome });
  jobRunDuration.observe({ job, outcome }, (Date.now() - startedMs) / 1000);
}

export interface Jobs {
  agenda: Agenda;
  /** This process's name in Agenda's locks and in job_runs.worker. */
  worker: string;
  /** Starts processing (workers) and makes sure every recurring job is scheduled. */
  start(): Promise<void>;
  /** Waits for running jobs up to `timeoutMs`; what is still running is picked up again later. */
  stop(timeoutMs: number): Promise<void>;
}

export async function createJobs(opts: { pool: pg.Pool; env: Env; logger: Logger }): Promise<Jobs> {
  const { env, logger } = opts;
  const worker = `metax-${os.hostname()}-${process.pid}`;
  const backend = await createBackend({ pool: opts.pool, mongoUrl: env.MONGODB_URL, logger });
  const agenda = new Agenda({
    backend,
    name: worker,
    // Plain digits are milliseconds; anything else is a human interval ('5 seconds').
    processEvery: /^\d+$/.test(env.JOBS_PROCESS_EVERY) ? Number(env.JOBS_PROCESS_EVERY) : env.JOBS_PROCESS_EVERY,
    defaultLockLifetime: env.JOBS_LOCK_LIFETIME_MS,
    logging: true,
  });
  agenda.on('error', (err) => logger.error({ err }, 'agenda error'));
  // Agenda connects its backend in the background: wait for it, so a start that fails later (port
  // taken) never ends the pool under a connect still running (an unhandled rejection that would
  // kill the process before it stops the embedded PostgreSQL).
  await agenda.ready;

  const policy = retryPolicy(env.JOBS_MAX_ATTEMPTS, env.JOBS_RETRY_DELAY_MS);
  const inFlight = new Map<string, string>();

  // Every run is recorded in job_runs (start, end, outcome, counts, error) around the job itself;
  // a `recordOnlyWork` job's row is written when it ends, and not at all when it was idle.
  async function runRecorded(spec: JobSpec, job: Job<Record<string, unknown>>): Promise<void> {
    const jobId = job.attrs._id ? String(job.attrs._id) : null;
    const log = logger.child({ job: spec.name, jobId });
    const attempt = policy.attemptOf(job.attrs.failCount ?? 0);
    const retryDelayMs = policy.delayAfter(attempt);
    const run = { jobName: spec.name, jobId, attempt, worker, startedAt: new Date() };
    let runId = spec.recordOnlyWork ? null : await startRun(run);
    if (runId) inFlight.set(runId, spec.name);
    const started = Date.now();
    try {
      const result = await spec.run(job, { logger: log, env, attempt, lastAttempt: retryDelayMs === null, retryDelayMs });
      if (result === IDLE) {
        if (runId) await finishRun(runId, 'success', null, null);
        return;
      }
      runId ??= await startRun(run);
      if (result instanceof RunFailed) {
        await finishRun(runId, 'failed', result.counts, result.error);
        log.warn({ error: result.error, attempt, ms: Date.now() - started }, 'job run failed (handled, not retried)');
        return;
      }
      const summary = result ?? null;
      await finishRun(runId, 'success', summary, null);
      countRun(spec.name, 'success', started);
      log.info({ summary, attempt, ms: Date.now() - started }, 'job finished');
      if (summary) job.attrs.data = { ...(job.attrs.data ?? {}), last_summary: summary };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const outcome = retryDelayMs === null ? 'failed' : 'retrying';
      countRun(spec.name, outcome, started);
      log.warn({ err: error, attempt, outcome, retryDelayMs }, 'job failed');
      const id = runId ?? (await startRun(run).catch(() => null));
      if (id) await finishRun(id, outcome, null, message).catch((err) => log.error({ err }, 'could not record the failed run'));
      throw error;
    } finally {
      if (runId) inFlight.delete(runId);
    }
  }

  for (const spec of JOBS) {
    agenda.define(spec.name, (job: Job<Record<string, unknown>>) => runRecorded(spec, job), {
      concurrency: spec.concurrency ?? 1,
      backoff: policy.backoff,
    });
  }

  return {
    agenda,
    worker,
    async start() {
      await agenda.start();
      for (const spec of JOBS) {
        if (!spec.every) continue;
        const timezone = typeof spec.timezone === 'function' ? await spec.timezone() : spec.timezone;
        await agenda.every(spec.every, spec.name, {}, { timezone, skipImmediate: true });
      }
    },
    async stop(timeoutMs) {
      const result = await agenda.drain({ timeout: timeoutMs, closeConnection: false });
      if (result.timedOut) {
        // Their Agenda locks stay: once JOBS_LOCK_LIFETIME_MS passes, another worker runs them again.
        const left = [...inFlight.entries()];
        logger.warn({ running: left.map(([, name]) => name) }, 'shutdown: jobs still running are left for pickup after their lock expires');
        await Promise.all(
          left.map(([runId]) => finishRun(runId, 'abandoned', null, 'worker shut down before the run finished; picked up again after the lock expires').catch(() => undefined)),
        );
      }
    },
  };
}
