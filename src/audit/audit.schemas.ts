import { z } from 'zod';
import { pageQuery } from '../http/pagination.js';
import { dateTime, id, text } from '../http/input.js';

export const auditQuery = z.object({
  ...pageQuery,
  actor_id: id.optional(),
  action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/, 'must be a dotted action name').max(64).optional(),
  target_type: z.string().regex(/^[a-z_]+$/).max(64).optional(),
  target_id: text({ max: 64 }).optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
});

export const auditRow = z.object({
  id: z.number(),
  actor_id: z.number().nullable(),
  actor_role: z.string().nullable(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
  request_id: z.string().nullable(),
  created_at: z.string(),
});

