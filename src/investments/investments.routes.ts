import type { Router } from 'express';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import { idParam } from '../wallets/transactions.schemas.js';
import { toView as transactionView } from '../wallets/transactions.service.js';
import { investBody, investReply, investmentPage, listQuery, reverseBody, reverseReply } from './investments.schemas.js';
import { invest, listInvestments, reverseInvestment } from './investments.service.js';

const tags = ['investments'];

export function investmentRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'post',
      path: '/investments',
      summary: 'Invest from available_fund into my_investment; uplines earn 5-level commissions at once',
      tags,
      access: 'member',
      body: investBody,
      money: true,
      response: investReply,
    },
    async ({ user, body }) => {
      const { investment, transaction } = await invest(user.id, user.username, body.amount);
      return { investment, transaction: transactionView(transaction) };
    },
  );

  defineRoute(
    router,
    { method: 'get', path: '/investments', summary: 'Your investments, newest first', tags, access: 'member', query: listQuery, response: investmentPage },
    async ({ user, query }) => listInvestments(user.id, query),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/investments/:id/reverse',
      summary: 'Reverse an investment: principal back, commissions and bonuses clawed back (shortfalls become debts)',
      tags: ['staff: income'],
      access: 'investments.reverse',
      status: 200,
      params: idParam,
      body: reverseBody,
      money: true,
      response: reverseReply,
    },
    async ({ req, params, body }) => reverseInvestment(actorFrom(req), params.id, body.reason),
  );
}
