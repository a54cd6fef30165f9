import type { JobSpec } from '../jobs/job-spec.js';
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
  async run(_job, { logger }) {
    const result = await refreshCryptoFeed({ onlyIfDue: true, logger });
    return result.status === 'skipped' ? undefined : result;
  },
};
