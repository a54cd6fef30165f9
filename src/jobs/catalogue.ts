import { cleanupJob } from './cleanup.job.js';
import { sendEmailJob } from '../notify/send-email.job.js';
import { ledgerVerifyJob } from '../wallets/ledger-verify.job.js';
import { cryptoFeedJob } from '../feed/crypto-feed.job.js';
import type { JobSpec } from './job-spec.js';

/**
 * Every scheduled job, registered in one place. Names in use: send-email, cleanup,
 * crypto-feed-refresh, daily-staking, rank-evaluation, ledger-verify (the last four live in their
 * own domains and are added here by their work).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const JOBS: JobSpec<any>[] = [cleanupJob, sendEmailJob, ledgerVerifyJob, cryptoFeedJob];
