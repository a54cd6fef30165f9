import type { JobSpec } from '../jobs/job-spec.js';
import { daysToPay, runStaking, stakingToday } from './staking.service.js';

/**
 * 00:00 in config `staking_timezone`: pays the day that just ended (and any missed day). The amounts
 * do not depend on when it fires — principal is taken as held at the end of the day — and the
 * (member, day) key makes a re-run after agenda's lock expiry pay nothing twice.
 */
export const dailyStakingJob: JobSpec = {
  name: 'daily-staking',
  every: '0 0 * * *',
  timezone: async () => (await stakingToday()).timezone,
  async run(job, { logger }) {
    const { timezone } = await stakingToday();
    const results = [];
    for (const day of await daysToPay()) {
      results.push(await runStaking(day, { afterBatch: (b) => logger.debug({ day, ...b, total: b.total.toFixed(8) }, 'staking batch committed') }));
    }
    // Follow a staff change of staking_timezone from the next run on (agenda computed this run's
    // successor before calling us; it saves the job after we return).
    const every = job.attrs.repeatInterval;
    if (every && job.attrs.repeatTimezone !== timezone) job.repeatEvery(every, { timezone });
    return { days: results };
  },
};
