import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import { moneyString } from '../money/money.js';
import { WALLET_TYPES } from './wallet-types.js';
import { adjustBody, approveBody, idParam, rejectBody, staffListQuery, transactionPage, transactionReply } from './transactions.schemas.js';
import { adjustWallet, approve, getForStaff, listForStaff, reject, toView } from './transactions.service.js';
import { listWallets } from './wallets.service.js';
import { findMember } from '../users/users.service.js';
import { trialBalance } from './ledger.verify.js';

const tags = ['staff: money'];

const trialBalanceReply = z.object({
  balanced: z.boolean(),
  equation: z.object({
    assets: moneyString,
    liabilities: moneyString,
    equity: moneyString,
    revenue: moneyString,
    expenses: moneyString,
    memo: moneyString,
    holds: z.boolean(),
  }),
  accounts: z.array(
    z.object({
      account: z.string(),
      type: z.enum(['asset', 'liability', 'equity', 'revenue', 'expense', 'memo']),
      total_debits: moneyString,
      total_credits: moneyString,
      balance: moneyString,
    }),
  ),
  total_debits: moneyString,
  total_credits: moneyString,
});

export function staffMoneyRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/transactions',
      summary: 'All transactions; status=pending lists oldest first (the work queue), otherwise newest first',
      tags,
      access: 'staff.read',
      reads: 'replica',
      query: staffListQuery,
      response: transactionPage,
    },
    async ({ query }) => listForStaff(query),
  );

  defineRoute(
    router,
    { method: 'get', path: '/admin/transactions/:id', summary: 'One transaction', tags, access: 'staff.read', params: idParam, response: transactionReply },
    async ({ params }) => ({ transaction: toView(await getForStaff(params.id), { staff: true }) }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/transactions/:id/approve',
      summary: 'Approve a pending deposit (credits) or withdrawal (pays out net, books the fee)',
      tags,
      access: 'finance.write',
      status: 200,
      params: idParam,
      body: approveBody,
      money: true,
      response: transactionReply,
    },
    async ({ req, params, body }) => ({ transaction: toView(await approve(actorFrom(req), params.id, body), { staff: true }) }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/transactions/:id/reject',
      summary: 'Reject a pending deposit or withdrawal (a withdrawal is unlocked)',
      tags,
      access: 'finance.write',
      status: 200,
      params: idParam,
      body: rejectBody,
      money: true,
      response: transactionReply,
    },
    async ({ req, params, body }) => ({ transaction: toView(await reject(actorFrom(req), params.id, body), { staff: true }) }),
  );

  const walletsReply = z.object({
    user_id: z.number().int(),
    wallets: z.array(z.object({ wallet_type: z.enum(WALLET_TYPES), balance: moneyString, locked_balance: moneyString, updated_at: z.string() })),
  });

  defineRoute(
    router,
    { method: 'get', path: '/admin/users/:id/wallets', summary: "A member's wallets", tags, access: 'staff.read', params: idParam, response: walletsReply },
    async ({ params }) => {
      const user = await findMember(params.id);
      return { user_id: user.id, wallets: await listWallets(user.id) };
    },
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/admin/users/:id/wallets',
      summary: 'Post a signed adjustment against the platform adjustments account (never an overwrite)',
      tags,
      access: 'finance.write',
      params: idParam,
      body: adjustBody,
      money: true,
      response: walletsReply.extend({ transaction: transactionReply.shape.transaction }),
    },
    async ({ req, params, body }) => {
      const row = await adjustWallet(actorFrom(req), params.id, body);
      return { user_id: params.id, wallets: await listWallets(params.id), transaction: toView(row, { staff: true }) };
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/ledger/trial-balance',
      summary: 'Every ledger account summed from the journal; balanced when debits equal credits',
      tags,
      access: 'staff.read',
      reads: 'replica',
      response: trialBalanceReply,
    },
    async () => trialBalance(),
  );
}
