import type { Router } from 'express';
import { defineRoute } from '../http/route.js';
import { pageOf } from '../http/pagination.js';
import { auditQuery, auditRow } from './audit.schemas.js';
import { listAudit } from './audit.service.js';

export function auditRoutes(router: Router): void {
  defineRoute(
    router,
    { method: 'get', path: '/admin/audit', summary: 'Audit trail of staff actions, newest first', tags: ['staff: audit'], access: 'staff.read', reads: 'replica', query: auditQuery, response: pageOf(auditRow) },
    async ({ query: q }) => listAudit(q),
  );
}
