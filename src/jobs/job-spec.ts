import type { Job } from 'agenda';
import type { Logger } from 'pino';

export interface JobContext {
  logger: Logger;
}

/** A scheduled job, defined in the domain it belongs to and registered in jobs/catalogue.ts. */
export interface JobSpec<Data = Record<string, unknown>> {
  name: string;
  /** Cron expression or human interval; absent for jobs only queued on demand. */
  every?: string;
  timezone?: string;
  concurrency?: number;
  /** Returns a summary kept on the job record (counts, totals). */
  run(job: Job<Data>, ctx: JobContext): Promise<Record<string, unknown> | void>;
}
