import type { Router } from 'express';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import { distributeBody, distributePreviewReply, distributeReply, historyQuery, incomeHistoryReply, incomeSummaryReply } from './income.schemas.js';
import { incomeHistory, incomeSummary } from './income-views.service.js';
import { distributeIncome, previewDistribution } from './distribute.service.js';

export function incomeRoutes(router: Router): void {
  defineRoute(
    router,
    { method: 'get', path: '/income/history', summary: 'Your income, newest first', tags: ['income'], access: 'member', query: historyQuery, response: incomeHistoryReply },
    async ({ user, query }) => incomeHistory(user.id, query),
  );

  defineRoute(
    router,
    { method: 'get', path: '/income/summary', summary: 'Your income per type, grand total, today and this month', tags: ['income'], access: 'member', response: incomeSummaryReply },
    async ({ user }) => incomeSummary(user.id),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/income/distribute',
      summary: 'Distribute income (a fixed amount or a percent of my_investment) to chosen or all active members',
      tags: ['staff: income'],
      access: 'income.distribute',
      status: 200,
      body: distributeBody,
      money: 'key-required',
      response: distributeReply,
    },
    async ({ req, body }) => distributeIncome(actorFrom(req), body),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/income/distribute/preview',
      summary: 'What a distribution would pay now (members, total, first recipients), paying nothing',
      tags: ['staff: income'],
      access: 'income.distribute',
      status: 200,
      body: distributeBody,
      response: distributePreviewReply,
    },
    async ({ body }) => previewDistribution(body),
  );
}
