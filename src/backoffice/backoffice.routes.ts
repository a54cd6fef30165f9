import type { Writable } from 'node:stream';
import type { Response, Router } from 'express';
import { z } from 'zod';
import { dashboardReply, memberOverviewReply } from './backoffice.schemas.js';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import { idParam } from '../wallets/transactions.schemas.js';
import { staffDashboard } from './dashboard.service.js';
import { memberOverview } from './member-overview.service.js';
import { exportCsv } from './export.service.js';
import { EXPORT_LISTS, type ExportList } from './list-specs.js';
import { filtersFromQuery } from './list-filters.js';

const tags = ['staff: back-office'];

/** Exports answer text/csv; the file name carries the list and the UTC date. */
export async function sendCsv(res: Response, list: ExportList, run: (out: Writable) => Promise<number>) {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${list}-${new Date().toISOString().slice(0, 10)}.csv"`);
  res.setHeader('Cache-Control', 'no-store');
  await run(res);
  res.end();
}

export function backOfficeRoutes(router: Router): void {
  defineRoute(
    router,
    { method: 'get', path: '/admin/dashboard', summary: 'The staff home page: queues, today, wallets, market, jobs, ledger and mail health', tags, access: 'staff.read', response: dashboardReply },
    async ({ user }) => staffDashboard(user.role),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/users/:id/overview',
      summary: 'One member on one page: profile, sponsor, wallets, ledger movements, transactions, incomes, investments, downline and tree',
      tags,
      access: 'staff.read',
      params: idParam,
      response: memberOverviewReply,
    },
    async ({ params }) => memberOverview(params.id),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/exports/:list',
      summary: 'CSV of a staff list (transactions, members, incomes, investments, audit), filtered like the back-office list; audited',
      description: 'Query: `filters.<name>=value`, ranges `filters.<name>~~from` / `~~to`, `sortBy`, `direction=asc|desc`. Only the filters of that list are accepted.',
      tags,
      access: 'exports.csv',
      params: z.object({ list: z.enum(EXPORT_LISTS) }),
      contentType: 'text/csv',
      response: z.string().meta({ description: 'CSV with a header row, UTF-8' }),
    },
    async ({ req, res, params }) => {
      const query = req.query as Record<string, unknown>;
      const request = {
        filters: filtersFromQuery(query),
        sortBy: typeof query.sortBy === 'string' ? query.sortBy : undefined,
        direction: typeof query.direction === 'string' ? query.direction : undefined,
      };
      await sendCsv(res, params.list, (out) => exportCsv(actorFrom(req), params.list, request, out));
    },
  );
}
