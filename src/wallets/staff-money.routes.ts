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
import { approvalsOf, APPROVALS_REQUIRED } from './dual-approval.service.js';

/** The staff view of a transaction with its four-eyes approvals so far. */
async function withApprovals(row: Parameters<typeof toView>[0]) {
  return { transaction: { ...toView(row, { staff: true }), requested_by: row.requested_by ?? null, approvals: await approvalsOf(row.id) }, approvals_required: APPROVALS_REQUIRED };
}

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
    async ({ params }) => withApprovals(await getForStaff(params.id)),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/transactions/:id/approve',
      summary: 'Approve a pending deposit (credits), withdrawal (pays out net, books the fee) or adjustment; at or above dual_approval_threshold a withdrawal needs two different approvers (the first leaves it pending) and an adjustment one approver other than its requester',
      tags,
      access: 'transactions.decide',
      status: 200,
      params: idParam,
      body: approveBody,
      money: true,
      response: transactionReply,
    },
    async ({ req, params, body }) => withApprovals(await approve(actorFrom(req), params.id, body)),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/transactions/:id/reject',
      summary: 'Reject a pending deposit or withdrawal (a withdrawal is unlocked)',
      tags,
      access: 'transactions.decide',
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
      summary: 'Post a signed adjustment against the platform adjustments account (never an overwrite); at or above dual_approval_threshold (either way) it is recorded pending until another staff member approves it',
      tags,
      access: 'wallets.adjust',
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
