// First: it fixes where AdminJS keeps its bundle, which AdminJS reads once, when first imported.
import './bundle-location.js';
import AdminJS from 'adminjs';
import AdminJSExpress from '@adminjs/express';
import { Database } from '@adminjs/sequelize';
import express, { type RequestHandler } from 'express';
import type pg from 'pg';
import type { Env } from '../src/config/env.js';
import { staffLogin } from '../src/auth/auth.service.js';
import { can } from '../src/auth/permissions.js';
import { staffDashboard } from '../src/backoffice/dashboard.service.js';
import { exportCsv } from '../src/backoffice/export.service.js';
import { filtersFromQuery } from '../src/backoffice/list-filters.js';
import { EXPORT_LISTS, type ExportList } from '../src/backoffice/list-specs.js';
import { sendCsv } from '../src/backoffice/backoffice.routes.js';
import type { Role } from '../src/users/user.model.js';
import { actorOf } from './actor.js';
import { componentLoader, Components } from './component-loader.js';
import { sessionOptions } from './session.js';
import { backOfficeGuards } from './guards.js';
import { assetsVersion, backOfficeAssets } from './static.js';
import { jobsDashboard, simplePage } from './jobs.js';
import { MetaxResource } from './resource.js';
import { translations } from './locale.js';
import { membersResource } from './resources/members.resource.js';
import { staffResource } from './resources/staff.resource.js';
import { transactionsResource } from './resources/transactions.resource.js';
import { auditResource } from './resources/audit.resource.js';
import { emailOutboxResource, jobRunsResource } from './resources/operations.resources.js';
import { marketResources } from './resources/market.resource.js';
import { incomesResource, investmentsResource, stakingRunsResource } from './resources/income.resources.js';
import { configResource } from './resources/config.resource.js';

AdminJS.registerAdapter({ Database, Resource: MetaxResource });

export const ADMIN_ROOT = '/admin';

export interface BackOffice {
  admin: AdminJS;
  routers: { path: string; router: RequestHandler }[];
  /** Settles once AdminJS has bundled its front end (production) — part of readiness. */
  ready: Promise<void>;
}

export function createAdmin(): AdminJS {
  return new AdminJS({
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    componentLoader,
    resources: [
      membersResource,
      staffResource,
      transactionsResource,
      investmentsResource,
      incomesResource,
      stakingRunsResource,
      ...marketResources,
      auditResource,
      emailOutboxResource,
      jobRunsResource,
      configResource,
    ],
    dashboard: {
      component: Components.Dashboard,
      handler: async (_request, _response, ctx) => staffDashboard(ctx.currentAdmin?.role as Role),
    },
    pages: {
      jobs: {
        component: Components.JobsPage,
        icon: 'Clock',
        handler: async (_request, _response, ctx) => ({ allowed: can(ctx.currentAdmin?.role as Role, 'jobs.dashboard'), role: ctx.currentAdmin?.role ?? null }),
      },
    },
    branding: {
      companyName: 'MetaX back-office',
      logo: `${ADMIN_ROOT}/metax/logo.svg`,
      favicon: `${ADMIN_ROOT}/metax/favicon.svg`,
      withMadeWithLove: false,
    },
    settings: { defaultPerPage: 20 },
    locale: { language: 'en', availableLanguages: ['en'], translations: { en: translations } },
  });
}

/** The CSV behind "Export CSV": the list's own filters, the exports.csv capability, audited. */
function exportsRouter(): express.Router {
  const router = express.Router();
  router.get('/:file', async (req, res, next) => {
    const staff = req.session.adminUser;
    if (!staff) return res.redirect(`${ADMIN_ROOT}/login`);
    if (!can(staff.role as Role, 'exports.csv')) return res.status(403).type('html').send(simplePage(ADMIN_ROOT, 'Exports need the finance or admin role', `You are signed in as ${staff.role}.`));
    const list = req.params.file.replace(/\.csv$/, '') as ExportList;
    if (!EXPORT_LISTS.includes(list)) return res.status(404).type('html').send(simplePage(ADMIN_ROOT, 'No such export', 'Exports exist for transactions, members, incomes, investments and the audit log.'));
    const query = req.query as Record<string, unknown>;
    const request = { filters: filtersFromQuery(query), sortBy: typeof query.sortBy === 'string' ? query.sortBy : undefined, direction: typeof query.direction === 'string' ? query.direction : undefined };
    try {
      await sendCsv(res, list, (out) => exportCsv(actorOf(staff), list, request, out));
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/**
 * The staff back-office: AdminJS at /admin and, before it, the guards (session, limits, statuses),
 * the assets, agendash at /admin/jobs (admin role) and the CSV exports, all on one session.
 */
export function buildBackOffice(opts: { env: Env; pool: pg.Pool; jobsDashboard: RequestHandler; loginLimiter: RequestHandler }): BackOffice {
  const admin = createAdmin();
  const version = assetsVersion();
  admin.options.assets = { styles: [`${ADMIN_ROOT}/metax/backoffice.css?v=${version}`] };
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

  return {
    admin,
    ready,
    routers: [
      { path: ADMIN_ROOT, router: backOfficeAssets(ADMIN_ROOT, version) },
      { path: ADMIN_ROOT, router: backOfficeGuards({ admin, session: options, loginLimiter: opts.loginLimiter }) },
      { path: `${ADMIN_ROOT}/jobs`, router: jobsDashboard({ rootPath: ADMIN_ROOT, dashboard: opts.jobsDashboard, pool: opts.pool }) },
      { path: `${ADMIN_ROOT}/exports`, router: exportsRouter() },
      { path: ADMIN_ROOT, router },
    ],
  };
}
