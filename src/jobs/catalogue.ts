import { cleanupJob } from './cleanup.job.js';
import { sendEmailJob } from '../notify/send-email.job.js';
import { ledgerVerifyJob } from '../wallets/ledger-verify.job.js';
import { cryptoFeedJob } from '../feed/crypto-feed.job.js';
import { dailyStakingJob } from '../staking/daily-staking.job.js';
import { rankEvaluationJob } from '../ranks/rank-evaluation.job.js';
import { backupJob, backupVerifyJob } from '../ops/backup/backup.job.js';
import type { JobSpec } from './job-spec.js';

/** Every scheduled job, registered in one place; each is defined in the domain it belongs to. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const JOBS: JobSpec<any>[] = [cleanupJob, sendEmailJob, ledgerVerifyJob, cryptoFeedJob, dailyStakingJob, rankEvaluationJob, backupJob, backupVerifyJob];
