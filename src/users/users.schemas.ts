import { z } from 'zod';
import { ROLES } from './user.model.js';
import { newPassword } from '../auth/passwords.js';

export const personName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(100, 'must be at most 100 characters')
  .refine((v) => !/[\p{Cc}<>]/u.test(v), 'must not contain control characters or angle brackets');

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
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone like Europe/Berlin'),
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
  sponsor_code: z.string().trim().max(50).optional().nullable().transform((v) => v || undefined),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
