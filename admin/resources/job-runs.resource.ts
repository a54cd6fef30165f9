import type { ResourceWithOptions } from 'adminjs';
import { JOB_OUTCOMES, JobRun } from '../../src/jobs/job-run.model.js';
import { staffReadActions } from '../access.js';

export const jobRunsLabel = { job_runs: 'Job runs' };

/** Every job run (all workers, any Agenda backend), read-only: ops' record of what ran and how it ended. */
export const jobRunsResource: ResourceWithOptions = {
  resource: JobRun,
  options: {
    navigation: { name: 'Operations', icon: 'Settings' },
    listProperties: ['id', 'job_name', 'outcome', 'attempt', 'started_at', 'finished_at', 'worker'],
    filterProperties: ['job_name', 'outcome', 'job_id', 'started_at'],
    showProperties: ['id', 'job_name', 'job_id', 'attempt', 'worker', 'outcome', 'started_at', 'finished_at', 'counts', 'error'],
    properties: {
      outcome: { availableValues: JOB_OUTCOMES.map((v) => ({ value: v, label: v })) },
      error: { type: 'textarea' },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions,
    },
  },
};
