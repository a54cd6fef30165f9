import { createSecretKey } from 'node:crypto';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../users/user.model.js';
import { AppError, unauthorized } from '../http/errors.js';
import { tokenClaims, tokenSettings } from './tokens.js';
import { lookUpOwner } from './token-cache.js';

export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  jti: string;
  exp: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs the interface form
    interface User extends AuthUser {}
  }
}


export function installJwtStrategy(): void {
  const s = tokenSettings();
  passport.use(
    'jwt',
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // A KeyObject made once: jsonwebtoken would otherwise rebuild one from the string on every request.
        secretOrKey: createSecretKey(Buffer.from(s.secret)) as unknown as string,
        algorithms: ['HS256'],
        issuer: s.issuer,
        audience: s.audience,
      },
      (payload: unknown, done: (err: unknown, user?: AuthUser | false, info?: unknown) => void) => {
        resolveTokenOwner(payload).then(
          (user) => done(null, user),
          (err) => (err instanceof AppError ? done(null, false, err) : done(err)),
        );
      },
    ),
  );
}

async function resolveTokenOwner(payload: unknown): Promise<AuthUser> {
  const claims = tokenClaims.safeParse(payload);
  if (!claims.success) throw unauthorized('Invalid token');
  const { sub, jti, ver, exp } = claims.data;
  const owner = await lookUpOwner(Number(sub), jti);
  if (!owner || owner.revoked || owner.token_version !== ver) throw unauthorized('Token is no longer valid');
  if (!owner.is_active) throw new AppError(403, 'account_disabled', 'This account is deactivated');
  return { id: owner.id, username: owner.username, role: owner.role, jti, exp };
}

/** Bearer-token guard: sets req.user or answers 401 through the error handler. */
export function authenticate(req: Request, res: Response, next: NextFunction): void {
  passport.authenticate('jwt', { session: false }, (err: unknown, user: AuthUser | false, info: unknown) => {
    if (err) return next(err);
    if (!user) return next(info instanceof AppError ? info : unauthorized(info ? 'Invalid or expired token' : undefined));
    req.user = user;
    next();
  })(req, res, next);
}
