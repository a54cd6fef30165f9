import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { Role } from '../users/user.model.js';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  expiresInSeconds: number;
}

let settings: TokenSettings | undefined;
export function configureTokens(s: TokenSettings): void {
  settings = s;
}
export function tokenSettings(): TokenSettings {
  if (!settings) throw new Error('token settings are not configured');
  return settings;
}

export const tokenClaims = z.object({
  sub: z.string().regex(/^\d+$/),
  role: z.string(),
  ver: z.number().int(),
  jti: z.uuid(),
  exp: z.number().int(),
  iat: z.number().int(),
});
export type TokenClaims = z.infer<typeof tokenClaims>;

export function signAccessToken(user: { id: number; role: Role; token_version: number }): { token: string; expiresIn: number } {
  const s = tokenSettings();
  const token = jwt.sign({ role: user.role, ver: user.token_version }, s.secret, {
    algorithm: 'HS256',
    subject: String(user.id),
    issuer: s.issuer,
    audience: s.audience,
    expiresIn: s.expiresInSeconds,
    jwtid: randomUUID(),
  });
  return { token, expiresIn: s.expiresInSeconds };
}
