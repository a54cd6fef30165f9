import { z } from 'zod';
import { dateBound, pageQuery } from '../http/pagination.js';

export const auditQuery = z.object({
  ...pageQuery,
  actor_id: z.coerce.number().int().positive().optional(),
  action: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/, 'must be a dotted action name').max(64).optional(),
  target_type: z.string().regex(/^[a-z_]+$/).max(64).optional(),
  target_id: z.string().max(64).optional(),
  from: dateBound.optional(),
  to: dateBound.optional(),
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

