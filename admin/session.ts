import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type pg from 'pg';
import type { Env } from '../src/config/env.js';

export const SESSION_COOKIE = 'metax.sid';

export interface StaffSession {
  id: string;
  email: string;
  title: string;
  role: string;
}

declare module 'express-session' {
  interface SessionData {
    adminUser?: StaffSession;
    /** The back-office page a signed-out visitor asked for; AdminJS's sign-in redirects there. */
    redirectTo?: string;
  }
}

/** One session configuration shared by AdminJS and agendash: same store, cookie and secret. */
export function sessionOptions(env: Env, pool: pg.Pool): session.SessionOptions & { secret: string; name: string } {
  const PgStore = connectPgSimple(session);
  return {
    store: new PgStore({ pool, tableName: 'session', createTableIfMissing: false, pruneSessionInterval: false }),
    secret: env.SECRET_KEY,
    name: SESSION_COOKIE,
    resave: false,
    saveUninitialized: false,
    proxy: Boolean(env.TRUST_PROXY),
    cookie: {
      httpOnly: true,
      // Strict: a link from another site never carries the staff session (AdminJS has no CSRF token).
      sameSite: 'strict',
      secure: env.NODE_ENV === 'production',
      maxAge: 8 * 60 * 60 * 1000,
      path: '/admin',
    },
  };
}
