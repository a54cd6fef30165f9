// Must come before adminjs: it fixes where AdminJS writes its bundle (read once at import).
import './tmp-dir.js';
import AdminJS from 'adminjs';
import AdminJSExpress from '@adminjs/express';
import { Database, Resource } from '@adminjs/sequelize';
import express, { type RequestHandler } from 'express';
import type pg from 'pg';
import type { Env } from '../src/config/env.js';
import { staffLogin } from '../src/auth/auth.service.js';
import { can } from '../src/auth/permissions.js';
import type { Role } from '../src/users/user.model.js';
import { sessionOptions } from './session.js';
import { auditJobChanges, backOfficeGuards } from './guards.js';
import { unknownTargetsNotFound } from './not-found.js';
import { usersResource } from './resources/users.resource.js';
import { transactionsResource } from './resources/transactions.resource.js';
import { auditResource } from './resources/audit.resource.js';
import { emailOutboxLabel, emailOutboxResource } from './resources/email-outbox.resource.js';
import { jobRunsLabel, jobRunsResource } from './resources/job-runs.resource.js';
import { marketResources, marketTranslations } from './resources/market.resource.js';
import { incomesResource, investmentsResource } from './resources/income.resources.js';

AdminJS.registerAdapter({ Database, Resource });

export const ADMIN_ROOT = '/admin';

export interface BackOffice {
  admin: AdminJS;
  routers: { path: string; router: RequestHandler }[];
  /** Settles once AdminJS has bundled its front end (production) — part of readiness. */
  ready: Promise<void>;
}

/**
 * The staff back-office: AdminJS at /admin and, before it, agendash at /admin/jobs behind the same
 * session (admin role only).
 */
export function buildBackOffice(opts: { env: Env; pool: pg.Pool; jobsDashboard: RequestHandler }): BackOffice {
  const admin = new AdminJS({
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    resources: [usersResource, transactionsResource, investmentsResource, incomesResource, auditResource, emailOutboxResource, jobRunsResource, ...marketResources],
    branding: { companyName: 'MetaX back-office', withMadeWithLove: false },
    locale: {
      language: 'en',
      translations: {
        en: {
          labels: { ...emailOutboxLabel, ...jobRunsLabel },
          resources: { ...marketTranslations.resources, transactions: { actions: { edit: 'Process' } }, investments: { actions: { edit: 'Reverse' } } },
          components: { Login: { welcomeHeader: 'MetaX back-office', welcomeMessage: 'Staff sign-in: use your username or email.' } },
        },
      },
    },
  });
  // @adminjs/express calls initialize() without awaiting it: run it once here, share the promise.
  const ready = admin.initialize();
  admin.initialize = () => ready;
  // Awaited later (readiness); until then a failure must not surface as an unhandled rejection.
  ready.catch(() => undefined);
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
  jobs.use((req, res, next) => {
    const staff = req.session.adminUser;
    if (!staff) return res.redirect(`${ADMIN_ROOT}/login`);
    if (!can(staff.role as Role, 'admin.write')) return res.status(403).type('text').send('The job dashboard needs the admin role');
    next();
  });
  jobs.use(auditJobChanges());
  jobs.use(opts.jobsDashboard);

  return {
    admin,
    ready,
    routers: [
      { path: ADMIN_ROOT, router: backOfficeGuards(options) },
      { path: ADMIN_ROOT, router: unknownTargetsNotFound(admin) },
      { path: `${ADMIN_ROOT}/jobs`, router: jobs },
      { path: ADMIN_ROOT, router },
    ],
  };
}
