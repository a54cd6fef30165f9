import { z } from 'zod';
import { userInfo } from '../users/users.schemas.js';
import { text } from '../http/input.js';

export const loginBody = z
  .object({
    username: text({ min: 1, max: 255 }).optional().meta({ description: 'Username or email' }),
    email: text({ min: 1, max: 255 }).optional(),
    password: z.string().min(1, 'is required').max(128),
  })
  .refine((b) => b.username || b.email, { message: 'username or email is required', path: ['username'] });

export const loginResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    user_info: userInfo,
  })
  .meta({ id: 'LoginResponse' });
