import { z } from 'zod';
import { pageOf, pageQuery } from '../http/pagination.js';
import { dateTime, id, text } from '../http/input.js';
import { ROLES } from './user.model.js';
import { userInfo } from './users.schemas.js';

export const staffUsersQuery = z.object({
  ...pageQuery,
  search: text({ min: 1, max: 100 }).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  role: z.enum(ROLES).optional(),
  rank: text({ min: 1, max: 20 }).optional(),
  sponsor_id: id.optional(),
  joined_from: dateTime.optional(),
  joined_to: dateTime.optional(),
});

export const staffUserView = userInfo.extend({
  sponsor_id: z.number().int().nullable(),
  total_investment: z.string(),
});

export const staffUsersPage = pageOf(staffUserView);
