import express, { type RequestHandler } from 'express';
import session from 'express-session';
import { currentStaff } from '../src/auth/auth.service.js';
import { audit } from '../src/audit/audit.service.js';
import type { Role } from '../src/users/user.model.js';

/**
 * Guards in front of the whole back-office (AdminJS and agendash), which run on one session:
 * - AdminJS triggers record actions (Approve) with GET and has no CSRF token, so requests that a
 *   browser marks as coming from another site never reach it (the cookie is SameSite=strict too);
 * - the session's staff member is re-read on every request, so deactivation or a role change
 *   takes effect at once.
 */
export function backOfficeGuards(options: session.SessionOptions): RequestHandler {
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
  router.use(session(options));
  router.use(async (req, _res, next) => {
    const staff = req.session.adminUser;
    if (!staff) return next();
    const now = await currentStaff(Number(staff.id));
    if (!now) delete req.session.adminUser;
    else if (now.role !== staff.role) req.session.adminUser = { ...staff, role: now.role };
    next();
  });
  return router;
}

/** Agendash changes jobs (create, requeue, delete): each change is audited with its outcome. */
export function auditJobChanges(): RequestHandler {
  return (req, res, next) => {
    const staff = req.session.adminUser;
    if (req.method !== 'GET' && staff) {
      res.on('finish', () => {
        audit(
          { id: Number(staff.id), role: staff.role as Role },
          { action: `jobs.${req.method.toLowerCase()}`, target: { type: 'agenda', id: req.path.slice(0, 64) }, after: { status: res.statusCode } },
        ).catch((err) => req.log?.error({ err }, 'could not audit a job dashboard change'));
      });
    }
    next();
  };
}
