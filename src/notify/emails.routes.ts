import type { Router } from 'express';
import { z } from 'zod';
import { actorFrom } from '../audit/actor.js';
import { defineRoute } from '../http/route.js';
import { EMAIL_CATEGORIES, EMAIL_STATUSES, type EmailOutbox } from './email-outbox.model.js';
import { listEmails, retryEmail } from './outbox.service.js';
import { pageOf, pageQuery } from '../http/pagination.js';
import { bigIdParam, id } from '../http/input.js';

const emailsQuery = z.object({
  ...pageQuery,
  status: z.enum(EMAIL_STATUSES).optional(),
  category: z.enum(EMAIL_CATEGORIES).optional(),
  user_id: id.optional(),
});

const email = z.object({
  id: z.number(),
  user_id: z.number().nullable(),
  to_address: z.string(),
  template: z.string(),
  subject: z.string(),
  category: z.enum(EMAIL_CATEGORIES),
  status: z.enum(EMAIL_STATUSES),
  attempts: z.number(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  sent_at: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
});

function toEmail(row: EmailOutbox): z.infer<typeof email> {
  return {
    id: Number(row.id),
    user_id: row.user_id,
    to_address: row.to_address,
    template: row.template,
    subject: row.subject,
    category: row.category,
    status: row.status,
    attempts: row.attempts,
    last_error: row.last_error,
    created_at: row.created_at.toISOString(),
    sent_at: row.sent_at ? row.sent_at.toISOString() : null,
    next_attempt_at: row.next_attempt_at ? row.next_attempt_at.toISOString() : null,
  };
}

/** Ops view of the outbox: what was sent, skipped or failed, and a re-queue for failures. */
export function emailRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/emails',
      summary: 'Outgoing emails, newest first (filters: status, category, user_id)',
      tags: ['admin', 'emails'],
      access: 'staff.read',
      reads: 'replica',
      query: emailsQuery,
      response: pageOf(email),
    },
    async ({ query }) => {
      const { rows, total } = await listEmails(query);
      return { items: rows.map(toEmail), page: query.page, per_page: query.per_page, total };
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/emails/:id/retry',
      summary: 'Re-queue a failed email for a fresh round of delivery attempts',
      tags: ['admin', 'emails'],
      access: 'emails.retry',
      status: 200,
      params: bigIdParam,
      response: z.object({ email }),
    },
    async ({ params, req }) => ({ email: toEmail(await retryEmail(String(params.id), actorFrom(req))) }),
  );
}
