import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { JOBS } from './catalogue.js';

export interface Jobs {
  agenda: Agenda;
  /** Starts processing (workers) and makes sure every recurring job is scheduled. */
  start(): Promise<void>;
  /** Waits for running jobs up to `timeoutMs`; what is still running is picked up again later. */
  stop(timeoutMs: number): Promise<void>;
}

export function createJobs(opts: { pool: pg.Pool; env: Env; logger: Logger }): Jobs {
  const backend = new PostgresBackend({ pool: opts.pool, tableName: 'agenda_jobs' });
  const agenda = new Agenda({
    backend,
    name: `metax-${process.pid}`,
    processEvery: opts.env.JOBS_PROCESS_EVERY,
    defaultLockLifetime: opts.env.JOBS_LOCK_LIFETIME_MS,
    logging: true,
  });
  agenda.on('error', (err) => opts.logger.error({ err }, 'agenda error'));
  // The LISTEN connection errors when Postgres stops first during shutdown; log, don't crash.
  backend.notificationChannel?.on?.('error', (err: unknown) => opts.logger.warn({ err }, 'agenda notification channel error'));

  for (const spec of JOBS) {
    agenda.define(
      spec.name,
      async (job) => {
        const log = opts.logger.child({ job: spec.name, jobId: String(job.attrs._id ?? '') });
        const started = Date.now();
        const summary = await spec.run(job, { logger: log });
        log.info({ summary, ms: Date.now() - started }, 'job finished');
        if (summary) job.attrs.data = { ...(job.attrs.data ?? {}), last_summary: summary };
      },
      { concurrency: spec.concurrency ?? 1 },
    );
  }

  return {
    agenda,
    async start() {
      await agenda.start();
      for (const spec of JOBS) {
        if (spec.every) await agenda.every(spec.every, spec.name, {}, { timezone: spec.timezone, skipImmediate: true });
      }
    },
    async stop(timeoutMs) {
      await agenda.drain({ timeout: timeoutMs, closeConnection: false });
    },
  };
}
