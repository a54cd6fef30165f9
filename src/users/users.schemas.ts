import { z } from 'zod';
import { ROLES } from './user.model.js';
import { newPassword } from '../auth/passwords.js';
import { text, timeZone } from '../http/input.js';

export const personName = text({ min: 1, max: 100 }).refine((v) => !/[<>]/.test(v), 'must not contain angle brackets');

export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]{3,50}$/, 'must be 3-50 letters, digits or underscores');

export const email = z.string().trim().max(255, 'must be at most 255 characters').pipe(z.email('must be a valid email'));

export const userInfo = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    referral_code: z.string(),
    rank: z.string(),
    role: z.enum(ROLES),
    is_active: z.boolean(),
    created_at: z.string(),
  })
  .meta({ id: 'UserInfo' });

export const updateProfileBody = z
  .object({
    first_name: personName.optional(),
    last_name: personName.optional(),
    email: email.optional(),
    current_password: z.string().max(128).optional(),
  })
  .meta({ description: 'Only these fields are writable; anything else in the body is ignored.' });

export const settings = z
  .object({
    email_notifications: z.boolean(),
    language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag like en or pt-BR'),
    timezone: timeZone,
  })
  .meta({ id: 'UserSettings' });

export const updateSettingsBody = settings.partial();

export const changePasswordBody = z.object({
  current_password: z.string().min(1, 'is required').max(128),
  new_password: newPassword,
});

export const registerBody = z.object({
  username,
  email,
  password: newPassword,
  first_name: personName,
  last_name: personName,
  sponsor_code: text({ max: 50 }).optional().nullable().transform((v) => v || undefined),
});
