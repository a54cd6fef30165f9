import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import formidable from 'express-formidable';
import session from 'express-session';
import type AdminJS from 'adminjs';
import type { CurrentAdmin } from 'adminjs';
import { simplePage } from './jobs.js';
import { listSpecOf } from './resource.js';
import { filtersFromQuery, sortOf, whereOf } from '../src/backoffice/list-filters.js';
import { currentStaff } from '../src/auth/auth.service.js';
import { AppError } from '../src/http/errors.js';

/**
 * Guards in front of the whole back-office (AdminJS and agendash), which run on one session:
 * - AdminJS triggers some requests with GET and has no CSRF token, so requests that a browser
 *   marks as coming from another site never reach it (the cookie is SameSite=strict too);
 * - the session's staff member is re-read on every request, so deactivation or a role change
 *   takes effect at once;
 * - failed sign-ins share the REST login's limiter, per (IP, login name);
 * - a page opened before signing in is where the sign-in lands;
 * - AdminJS's refusals and unknown resources or actions answer with real HTTP statuses.
 */
export function backOfficeGuards(opts: { admin: AdminJS; session: session.SessionOptions; loginLimiter: RequestHandler }): express.Router {
  const router = express.Router();
  router.use((req, res, next) => {
    const site = req.get('sec-fetch-site');
    const navigation = req.method === 'GET' && req.get('sec-fetch-mode') === 'navigate' && !req.path.includes('/api/');
    if ((site === 'cross-site' || site === 'same-site') && !navigation) {
      res.status(403).type('text').send('Cross-site requests to the back-office are refused');
      return;
    }
    next();
  });
  router.use(session(opts.session));
  router.use(async (req, _res, next) => {
    const staff = req.session.adminUser;
    if (!staff) return next();
    const now = await currentStaff(Number(staff.id));
    if (!now) delete req.session.adminUser;
    else if (now.role !== staff.role) req.session.adminUser = { ...staff, role: now.role };
    next();
  });

  router.post('/login', formidable(), opts.loginLimiter);
  router.use(rememberDeepLink);
  router.use(unknownResourceIs404(opts.admin));
  router.use(unknownPageIs404(opts.admin));
  router.use('/api', refusalStatus);
  router.use(tooManySignIns(opts.admin));
  return router;
}

const PUBLIC = /^\/(login|logout|frontend\/|metax\/|api\/)/;

/** A signed-out visit to a back-office page is remembered; AdminJS's sign-in returns there. */
const rememberDeepLink: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' && !req.session.adminUser && !PUBLIC.test(req.path) && req.path !== '/' && req.get('sec-fetch-mode') !== 'cors') {
    const target = req.originalUrl;
    if (target.startsWith('/admin/') && target.length <= 2000) req.session.redirectTo = target;
  }
  next();
};

/** AdminJS answers a refused action with 200 and an error body: give it its status. */
const refusalStatus: RequestHandler = (_req, res, next) => {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    const type = (body as { record?: { baseError?: { type?: string } } } | null)?.record?.baseError?.type;
    if (res.statusCode === 200 && type === 'ForbiddenError') res.status(403);
    else if (res.statusCode === 200 && type === 'NotFoundError') res.status(404);
    return send(body);
  };
  next();
};

const RESOURCE_PATH = /^\/(?:api\/)?resources\/([^/]+)(?:\/(?:actions|bulk)\/([^/]+)|\/records\/[^/]+\/([^/]+))?/;

/**
 * A resource or action that does not exist is a 404 (not AdminJS's 500 "no resources with given
 * id"); one the signed-in role may not use is a 403, for its page and its API alike.
 */
function unknownResourceIs404(admin: AdminJS): RequestHandler {
  return (req, res, next) => {
    const match = RESOURCE_PATH.exec(req.path);
    if (!match || !req.session.adminUser) return next();
    const [, resourceId, resourceAction, recordAction] = match;
    const resource = admin.resources.find((r) => r._decorated?.id() === decodeURIComponent(resourceId));
    const name = resourceAction ?? recordAction ?? 'list';
    const action = resource?.decorate().actions[decodeURIComponent(name)];
    if (!resource || !action) return next(new AppError(404, 'not_found', resource ? 'No such action' : 'No such resource'));
    // An action called as the wrong kind (`records/1/list`, `actions/show`) makes AdminJS throw, as
    // does a bulk API call without its record ids: those are no such action either.
    const kind = req.path.includes('/records/') ? 'record' : req.path.includes('/bulk/') ? 'bulk' : resourceAction ? 'resource' : undefined;
    const fits = { record: () => action.isRecordType(), bulk: () => action.isBulkType(), resource: () => action.isResourceType() };
    if (kind && !fits[kind]()) return next(new AppError(404, 'not_found', 'No such action'));
    if (kind === 'bulk' && req.path.startsWith('/api/') && !req.query.recordIds) return next(new AppError(404, 'not_found', 'No records given'));
    // The list's allow-list, checked before AdminJS looks anything up (a reference filter would
    // otherwise query the referenced table with whatever value was sent).
    const query = req.query as Record<string, unknown>;
    if (Object.keys(query).some((k) => k.startsWith('filters.') || k === 'sortBy')) {
      const spec = listSpecOf(resource.decorate().id()) ?? { filters: {}, sortable: [] };
      try {
        whereOf(spec, filtersFromQuery(query));
        sortOf(spec, typeof query.sortBy === 'string' ? query.sortBy : undefined, undefined);
      } catch (error) {
        return next(error);
      }
    }
    // Opening an action's URL directly is refused like its button would be (access is role-only).
    if (!action.isAccessible(req.session.adminUser as CurrentAdmin)) {
      if (req.path.startsWith('/api/')) return next(new AppError(403, 'forbidden', 'Your role may not do this'));
      return res.status(403).type('html').send(simplePage(admin.options.rootPath, 'Your role may not do this', `This needs another role than ${req.session.adminUser.role}.`));
    }
    next();
  };
}

/** AdminJS answers a page it does not have with 200 and a placeholder: a 404 instead. */
function unknownPageIs404(admin: AdminJS): RequestHandler {
  return (req, _res, next) => {
    const page = /^\/(?:api\/)?pages\/([^/]+)$/.exec(req.path)?.[1];
    if (page === undefined || !req.session.adminUser || admin.options.pages?.[decodeURIComponent(page)]) return next();
    next(new AppError(404, 'not_found', 'No such page'));
  };
}

/** The shared limiter refuses with a 429 error: on the sign-in form that is the form again, with a message. */
function tooManySignIns(admin: AdminJS): ErrorRequestHandler {
  return async (err, req, res, next) => {
    if (!(err instanceof AppError) || err.status !== 429 || req.path !== '/login') return next(err);
    for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
    res.status(429).send(await admin.renderLogin({ action: admin.options.loginPath, errorMessage: 'tooManySignIns' }));
  };
}
