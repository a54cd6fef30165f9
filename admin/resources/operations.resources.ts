import type { ActionContext } from 'adminjs';
import { z } from 'zod';
import { EmailOutbox } from '../../src/notify/email-outbox.model.js';
import { retryEmail } from '../../src/notify/outbox.service.js';
import { JOB_OUTCOMES, JobRun } from '../../src/jobs/job-run.model.js';
import { JOBS } from '../../src/jobs/catalogue.js';
import { guarded, referenceTo, staffReadActions } from '../access.js';
import { Components } from '../component-loader.js';
import { defineResource } from '../resource.js';
import { formAction } from '../forms.js';

const navigation = { name: 'Operations', icon: 'Settings' };

/**
 * The outbox, read-only, plus "Retry" for failed mail (finance and admin): the same service as
 * POST /api/admin/emails/:id/retry, audited there.
 */
export const emailOutboxResource = defineResource({
  id: 'email_outbox',
  model: EmailOutbox,
  spec: {
    filters: {
      status: { kind: 'enum', values: ['pending', 'sending', 'sent', 'failed', 'skipped'] },
      category: { kind: 'enum', values: ['transaction', 'security', 'staff'] },
      template: { kind: 'text' },
      to_address: { kind: 'text' },
      user_id: { kind: 'id' },
      created_at: { kind: 'date' },
    },
    sortable: ['id', 'created_at', 'status', 'sent_at'],
  },
  options: {
    navigation,
    listProperties: ['id', 'to_address', 'template', 'category', 'status', 'attempts', 'created_at', 'sent_at'],
    showProperties: ['id', 'user_id', 'to_address', 'template', 'subject', 'category', 'status', 'attempts', 'last_error', 'created_at', 'sent_at', 'next_attempt_at', 'text'],
    properties: {
      user_id: referenceTo('users'),
      html: { isVisible: false },
      text: { type: 'textarea' },
      last_error: { type: 'textarea' },
      status: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions('email_outbox'),
      retry: guarded(
        'email_outbox',
        'retry',
        'emails.retry',
        formAction('record', {
          form: { intro: 'Send this email again (a fresh round of delivery attempts)?', fields: [], submit: 'Confirm retry' },
          schema: z.object({}),
          run: (actor, _input, ctx) => retryEmail(String(ctx.record!.id()), actor),
          done: (_r, ctx) => ({ message: 'Email re-queued for delivery', redirectUrl: ctx.h.recordActionUrl({ resourceId: 'email_outbox', recordId: String(ctx.record!.id()), actionName: 'show' }) }),
        }, { icon: 'RefreshCw' }),
        (ctx: ActionContext) => ctx.record?.params.status === 'failed',
      ),
    },
  },
});

/** Every job run (all workers), read-only: what ran and how it really ended. */
export const jobRunsResource = defineResource({
  id: 'job_runs',
  model: JobRun,
  spec: {
    filters: { job_name: { kind: 'enum', values: JOBS.map((j) => j.name) }, outcome: { kind: 'enum', values: JOB_OUTCOMES }, job_id: { kind: 'text' }, started_at: { kind: 'date' } },
    sortable: ['id', 'started_at', 'job_name', 'outcome'],
  },
  options: {
    navigation,
    listProperties: ['id', 'job_name', 'outcome', 'attempt', 'started_at', 'finished_at', 'worker'],
    showProperties: ['id', 'job_name', 'job_id', 'attempt', 'worker', 'outcome', 'started_at', 'finished_at', 'counts', 'error'],
    properties: {
      outcome: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
      error: { type: 'textarea' },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: staffReadActions('job_runs'),
  },
});
