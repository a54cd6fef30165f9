import path from 'node:path';
import AdminJS from 'adminjs';
import AdminJSExpress from '@adminjs/express';
import { Database, Resource } from '@adminjs/sequelize';
import express, { type RequestHandler } from 'express';
import session from 'express-session';
import type pg from 'pg';
import type { Env } from '../src/config/env.js';
import { staffLogin } from '../src/auth/auth.service.js';
import { can } from '../src/auth/permissions.js';
import type { Role } from '../src/users/user.model.js';
import { sessionOptions } from './session.js';
import { usersResource } from './resources/users.resource.js';
import { incomesResource, investmentsResource } from './resources/income.resources.js';

AdminJS.registerAdapter({ Database, Resource });

export const ADMIN_ROOT = '/admin';

export interface BackOffice {
  admin: AdminJS;
  routers: { path: string; router: RequestHandler }[];
}

/**
 * The staff back-office: AdminJS at /admin and, before it, agendash at /admin/jobs behind the same
 * session (admin role only).
 */
export function buildBackOffice(opts: { env: Env; pool: pg.Pool; jobsDashboard: RequestHandler }): BackOffice {
  // AdminJS writes its bundle under ADMIN_JS_TMP_DIR; a non-dot folder survives Express 5's dotfile rule.
  process.env.ADMIN_JS_TMP_DIR ??= path.join(opts.env.DATA_DIR, 'adminjs');
  const admin = new AdminJS({
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    resources: [usersResource, investmentsResource, incomesResource],
    branding: { companyName: 'MetaX back-office', withMadeWithLove: false },
  });
  const options = sessionOptions(opts.env, opts.pool);
  const router = AdminJSExpress.buildAuthenticatedRouter(
    admin,
    {
      authenticate: (login: string, password: string) => staffLogin(login, password),
      cookieName: options.name,
      cookiePassword: options.secret,
    },
    null,
    options,
  );

  const jobs = express.Router();
  jobs.use(session(options));
  jobs.use((req, res, next) => {
    const staff = req.session.adminUser;
    if (!staff) return res.redirect(`${ADMIN_ROOT}/login`);
    if (!can(staff.role as Role, 'admin.write')) return res.status(403).type('text').send('The job dashboard needs the admin role');
    next();
  });
  jobs.use(opts.jobsDashboard);

  return {
    admin,
    routers: [
      { path: `${ADMIN_ROOT}/jobs`, router: jobs },
      { path: ADMIN_ROOT, router },
    ],
  };
}
