import { IDLE, RunFailed, type JobSpec } from '../jobs/job-spec.js';
import { refreshCryptoFeed } from './crypto-feed.service.js';

/**
 * Ticks every 10 s — the smallest crypto_refresh_seconds allowed — and refreshes only when the
 * configured period has passed since the last attempt (checked in the database). So a staff change
 * to crypto_refresh_seconds applies at the next tick without a restart, and instances share one
 * fetch per period.
 */
export const cryptoFeedJob: JobSpec = {
  name: 'crypto-feed-refresh',
  every: '10 seconds',
  // Most ticks find the refresh not due: only real refreshes leave a job_runs row.
  recordOnlyWork: true,
  async run(_job, { logger }) {
    const result = await refreshCryptoFeed({ onlyIfDue: true, logger });
    if (result.status === 'skipped') return IDLE;
    // The previous snapshot stays and the next period tries again: a failed run, not a retry.
    if (result.status === 'failed') return new RunFailed(result.error);
    return { count: result.count };
  },
};
