import { z } from 'zod';
import { dateBound, pageOf, pageQuery } from '../http/pagination.js';
import { ROLES } from './user.model.js';
import { userInfo } from './users.schemas.js';

export const staffUsersQuery = z.object({
  ...pageQuery,
  search: z.string().trim().min(1).max(100).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  role: z.enum(ROLES).optional(),
  rank: z.string().trim().min(1).max(20).optional(),
  sponsor_id: z.coerce.number().int().positive().optional(),
  joined_from: dateBound.optional(),
  joined_to: dateBound.optional(),
});

export const staffUserView = userInfo.extend({
  sponsor_id: z.number().int().nullable(),
  total_investment: z.string(),
});

export const staffUsersPage = pageOf(staffUserView);
