import type { Job } from 'agenda';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';

export interface JobContext {
  logger: Logger;
  env: Env;
  /** This run's attempt (1-based) within the retry policy (JOBS_MAX_ATTEMPTS). */
  attempt: number;
  /** True when a failure of this run will not be retried: record the failure for good. */
  lastAttempt: boolean;
  /** Delay before the retry that follows a failure of this run (null on the last attempt). */
  retryDelayMs: number | null;
}

/** A run that found nothing to do (e.g. not due yet): with `recordOnlyWork`, it leaves no job_runs row. */
export const IDLE = Symbol('idle run');

/**
 * A run that failed without throwing — it handled the failure itself (a feed refresh that keeps
 * the previous snapshot) and must not be retried — recorded as `failed` with its error.
 */
export class RunFailed {
  constructor(
    readonly error: string,
    readonly counts: Record<string, unknown> | null = null,
  ) {}
}

export type RunResult = Record<string, unknown> | void | typeof IDLE | RunFailed;

/** A scheduled job, defined in the domain it belongs to and registered in jobs/catalogue.ts. */
export interface JobSpec<Data = Record<string, unknown>> {
  name: string;
  /** Cron expression or human interval; absent for jobs only queued on demand. */
  every?: string;
  /** Time zone of the cron schedule, or a function reading it (e.g. from config) at start-up. */
  timezone?: string | (() => Promise<string>);
  concurrency?: number;
  /**
   * Frequent ticks that mostly have nothing to do: the job_runs row is written when the run ends,
   * and not at all for an IDLE run.
   */
  recordOnlyWork?: boolean;
  /** Returns a summary (counts, totals) kept on the job record and in job_runs, IDLE, or RunFailed. */
  run(job: Job<Data>, ctx: JobContext): Promise<RunResult>;
}
