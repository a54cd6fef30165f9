import type { Router } from 'express';
import { defineRoute } from '../http/route.js';
import {
  depositBody,
  historyQuery,
  idParam,
  transactionPage,
  transactionReply,
  transferBody,
  withdrawBody,
} from './transactions.schemas.js';
import { cancelWithdrawal, getOwn, history, requestDeposit, requestWithdrawal, toView, transfer } from './transactions.service.js';

const tags = ['transactions'];
const money = { access: 'member' as const, tags, money: true, response: transactionReply };

export function transactionRoutes(router: Router): void {
  defineRoute(
    router,
    { ...money, method: 'post', path: '/transactions/deposit', summary: 'Request a deposit (credited when staff approve)', body: depositBody },
    async ({ user, body }) => ({ transaction: toView(await requestDeposit(user.id, body)) }),
  );

  defineRoute(
    router,
    {
      ...money,
      method: 'post',
      path: '/transactions/withdraw',
      summary: 'Request a withdrawal: the amount is locked at once, paid out when staff approve',
      body: withdrawBody,
    },
    async ({ user, body }) => ({ transaction: toView(await requestWithdrawal(user.id, body)) }),
  );

  defineRoute(
    router,
    { ...money, method: 'post', path: '/transactions/transfer', summary: 'Move money between your own wallets', body: transferBody },
    async ({ user, body }) => ({ transaction: toView(await transfer(user.id, body)) }),
  );

  defineRoute(
    router,
    { ...money, method: 'post', path: '/transactions/:id/cancel', summary: 'Cancel your own pending withdrawal', status: 200, params: idParam },
    async ({ user, params }) => ({ transaction: toView(await cancelWithdrawal(user.id, params.id)) }),
  );

  defineRoute(
    router,
    { method: 'get', path: '/transactions/history', summary: 'Your transactions, newest first', tags, access: 'member', query: historyQuery, response: transactionPage },
    async ({ user, query }) => history(user.id, query),
  );

  defineRoute(
    router,
    { method: 'get', path: '/transactions/:id', summary: 'One of your transactions', tags, access: 'member', params: idParam, response: transactionReply },
    async ({ user, params }) => ({ transaction: toView(await getOwn(user.id, params.id)) }),
  );
}
