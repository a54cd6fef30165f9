import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { pageOf, pageQuery } from '../http/pagination.js';
import { JOBS } from './catalogue.js';
import { JOB_OUTCOMES } from './job-run.model.js';
import { listRuns } from './job-runs.service.js';

const jobNames = JOBS.map((j) => j.name) as [string, ...string[]];

const runsQuery = z.object({
  ...pageQuery,
  job: z.enum(jobNames).optional(),
  outcome: z.enum(JOB_OUTCOMES).optional(),
});

const jobRun = z.object({
  id: z.number(),
  job_name: z.string(),
  job_id: z.string().nullable(),
  attempt: z.number(),
  worker: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  outcome: z.enum(JOB_OUTCOMES),
  counts: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

export function jobRunRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/jobs/runs',
      summary: 'Job runs, newest first: job, start, finish, outcome, counts, error',
      tags: ['admin', 'jobs'],
      access: 'staff.read',
      reads: 'replica',
      query: runsQuery,
      response: pageOf(jobRun),
    },
    async ({ query }) => listRuns({ page: query.page, perPage: query.per_page, job: query.job, outcome: query.outcome }),
  );
}
