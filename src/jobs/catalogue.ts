import { cleanupJob } from './cleanup.job.js';
import { dailyStakingJob } from '../staking/daily-staking.job.js';
import { rankEvaluationJob } from '../ranks/rank-evaluation.job.js';
import type { JobSpec } from './job-spec.js';

/** Every scheduled job, registered in one place. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const JOBS: JobSpec<any>[] = [cleanupJob, dailyStakingJob, rankEvaluationJob];
