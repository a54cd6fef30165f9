import type { JobSpec } from '../jobs/job-spec.js';
import { evaluateAllRanks } from './ranks.service.js';

/** Nightly safety net: ranks are also re-evaluated after every investment. */
export const rankEvaluationJob: JobSpec = {
  name: 'rank-evaluation',
  every: '30 1 * * *',
  timezone: 'UTC',
  async run() {
    return evaluateAllRanks();
  },
};
