import { z } from 'zod';
import { pageOf, pageQuery } from '../http/pagination.js';
import { newPassword } from '../auth/passwords.js';
import { email, personName, username } from './users.schemas.js';
import { text } from '../http/input.js';

export const STAFF_ROLE_VALUES = ['support', 'finance', 'admin'] as const;
const staffRole = z.enum(STAFF_ROLE_VALUES, { message: 'must be support, finance or admin' });

export const staffListQuery = z.object({
  ...pageQuery,
  role: staffRole.optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const createStaffBody = z.object({
  username,
  email,
  role: staffRole,
  first_name: personName.optional(),
  last_name: personName.optional(),
  /** Left out: a random password is generated and returned once. */
  password: newPassword.optional(),
});

export const updateStaffBody = z
  .object({
    role: staffRole.optional(),
    is_active: z.boolean().optional(),
    first_name: personName.optional(),
    last_name: personName.optional(),
    email: email.optional(),
    reason: text({ max: 2000, multiline: true }).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'reason'), { message: 'name at least one change', path: ['role'] });

export const reasonBody = z.object({ reason: text({ min: 1, max: 2000, multiline: true }) });

export const staffView = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    role: staffRole,
    is_active: z.boolean(),
    created_at: z.string(),
  })
  .meta({ id: 'Staff' });

export const staffPage = pageOf(staffView);
