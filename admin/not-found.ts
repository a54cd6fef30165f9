import type { RequestHandler } from 'express';
import type AdminJS from 'adminjs';
import { notFound } from '../src/http/errors.js';

type Kind = 'resource' | 'record' | 'bulk';

// AdminJS routes (paths below /admin) that name a resource, an action or a page.
const ROUTES: { pattern: RegExp; kind?: Kind; page?: true }[] = [
  { pattern: /^\/(?:api\/)?resources\/([^/]+)\/actions\/([^/]+)(?:\/[^/]*)?$/, kind: 'resource' },
  { pattern: /^\/(?:api\/)?resources\/([^/]+)\/records\/[^/]+\/([^/]+)$/, kind: 'record' },
  { pattern: /^\/(?:api\/)?resources\/([^/]+)\/bulk\/([^/]+)$/, kind: 'bulk' },
  { pattern: /^\/(?:api\/)?resources\/([^/]+)(?:\/search(?:\/[^/]*)?)?$/ },
  { pattern: /^\/(?:api\/)?pages\/([^/]+)$/, page: true },
];

/**
 * AdminJS answers an unknown resource or action with a 500 (it throws) and an unknown page with a
 * 200: for a signed-in staff member, anything that names a resource, action or page the back-office
 * does not have is a 404 before AdminJS sees it (signed-out visitors still go to the login page).
 */
export function unknownTargetsNotFound(admin: AdminJS): RequestHandler {
  return (req, _res, next) => {
    if (!req.session.adminUser) return next();
    for (const route of ROUTES) {
      const match = route.pattern.exec(req.path);
      if (!match) continue;
      const [resourceId, actionName] = match.slice(1, 3).map((s) => (s === undefined ? undefined : decodeURIComponent(s)));
      if (route.page) return next(admin.options.pages?.[resourceId!] ? undefined : notFound('Page'));
      const resource = admin.resources.find((r) => r.decorate().id() === resourceId);
      if (!resource) return next(notFound('Resource'));
      if (!route.kind) return next();
      const action = resource.decorate().actions[actionName!];
      const fits = { resource: () => action.isResourceType(), record: () => action.isRecordType(), bulk: () => action.isBulkType() }[route.kind];
      if (!action || !fits()) return next(notFound('Action'));
      // AdminJS throws (500) on a bulk action without its record ids.
      if (route.kind === 'bulk' && req.path.startsWith('/api/') && !req.query.recordIds) return next(notFound('Records'));
      return next();
    }
    next();
  };
}
