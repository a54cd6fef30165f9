import type { ActionContext, ActionRequest, ActionResponse, RecordJSON } from 'adminjs';
import { z } from 'zod';
import { MoneyTransaction } from '../../src/wallets/transaction.model.js';
import { approve, reject } from '../../src/wallets/transactions.service.js';
import { approveBody, rejectBody } from '../../src/wallets/transactions.schemas.js';
import { approvalsOf, APPROVALS_REQUIRED } from '../../src/wallets/dual-approval.service.js';
import { LIST_SPECS } from '../../src/backoffice/list-specs.js';
import { AppError } from '../../src/http/errors.js';
import { exportAction, guarded, readOnlyActions, referenceTo } from '../access.js';
import { actorOf } from '../actor.js';
import { Components } from '../component-loader.js';
import { defineResource } from '../resource.js';
import { formAction } from '../forms.js';

const ID = 'transactions';
const SUMMARY = ['id', 'user_id', 'transaction_type', 'wallet_type', 'amount', 'fee', 'net_amount', 'wallet_address', 'requested_by', 'created_at'];
const isPending = (ctx: ActionContext) => ctx.record?.params.status === 'pending';
const decidable = (ctx: ActionContext) => isPending(ctx) && ['deposit', 'withdrawal', 'adjustment'].includes(String(ctx.record?.params.transaction_type));
const showUrl = (ctx: ActionContext, id: number) => ctx.h.recordActionUrl({ resourceId: ID, recordId: String(id), actionName: 'show' });

/** "Approved" or, under four-eyes, how far the approvals have come. */
function approvalMessage(row: MoneyTransaction): string {
  if (row.status === 'completed') return `Transaction #${row.id} approved`;
  return `Approval recorded for #${row.id}: it needs a second, different staff member (${APPROVALS_REQUIRED} in all)`;
}

const processBody = z.discriminatedUnion('decision', [approveBody.extend({ decision: z.literal('approve') }), rejectBody.extend({ decision: z.literal('reject'), admin_notes: approveBody.shape.admin_notes })], {
  error: () => 'choose approve or reject',
});

/** The four-eyes state of a transaction, shown on its page. */
async function withApprovals(response: ActionResponse): Promise<ActionResponse> {
  const record = response.record as RecordJSON | undefined;
  if (record?.id) {
    const approvals = await approvalsOf(Number(record.id));
    record.params.approvals = approvals.length ? approvals.map((a) => `${a.username} (${a.approved_at.replace('T', ' ').slice(0, 19)} UTC)`).join(', ') : '';
  }
  return response;
}

/** Runs one decision per selected record through the service; every outcome is reported. */
function bulkDecision(kind: 'approve' | 'reject') {
  return async (request: ActionRequest, _response: unknown, ctx: ActionContext): Promise<ActionResponse> => {
    const records = ctx.records ?? [];
    const base = { records: records.map((r) => r.toJSON(ctx.currentAdmin)) };
    if (request.method !== 'post') return base;
    const reason = String((request.payload as Record<string, unknown> | undefined)?.reason ?? '').trim();
    if (kind === 'reject' && !reason) return { ...base, errors: { reason: 'A rejection needs a reason' }, notice: { message: 'A rejection needs a reason', type: 'error' } };
    const actor = actorOf(ctx.currentAdmin);
    const results = [];
    for (const record of records) {
      const id = Number(record.id());
      try {
        const row = kind === 'approve' ? await approve(actor, id, {}) : await reject(actor, id, rejectBody.parse({ reason }));
        results.push({ id: String(id), ok: true, message: kind === 'approve' ? approvalMessage(row) : `#${id} rejected` });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({ id: String(id), ok: false, message: error.message });
      }
    }
    const done = results.filter((r) => r.ok).length;
    return { ...base, results, notice: { message: `${done} of ${results.length} done`, type: done === results.length ? 'success' : 'error' } };
  };
}

/**
 * Deposits, withdrawals, transfers, adjustments and investments. Pending deposits, withdrawals and
 * adjustments are approved (one confirmation) or processed (approve with notes and tx hash, or
 * reject with a reason), singly or in bulk — always through the service the REST routes use.
 */
export const transactionsResource = defineResource({
  id: ID,
  model: MoneyTransaction,
  spec: LIST_SPECS.transactions,
  options: {
    navigation: { name: 'Money', icon: 'DollarSign' },
    listProperties: ['id', 'user_id', 'transaction_type', 'wallet_type', 'amount', 'status', 'created_at'],
    showProperties: [
      'id', 'user_id', 'transaction_type', 'wallet_type', 'to_wallet_type', 'amount', 'fee', 'net_amount', 'status', 'description', 'reference',
      'wallet_address', 'tx_hash', 'requested_by', 'approvals', 'processed_by', 'processed_at', 'admin_notes', 'reason', 'created_at',
    ],
    properties: {
      user_id: { ...referenceTo('users'), description: 'The member' },
      processed_by: referenceTo('staff'),
      requested_by: { ...referenceTo('staff'), description: 'Staff member who asked for this adjustment (four-eyes)' },
      approvals: { type: 'string', isVisible: { show: true, list: false, edit: false, filter: false }, description: 'Four-eyes approvals so far' },
      status: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
      fee: { type: 'string', components: { list: Components.MoneyCell, show: Components.MoneyCell } },
      net_amount: { type: 'string', components: { list: Components.MoneyCell, show: Components.MoneyCell } },
      adjustment_sign: { isVisible: false },
      description: { type: 'textarea' },
      admin_notes: { type: 'textarea' },
      reason: { type: 'textarea' },
    },
    sort: { sortBy: 'created_at', direction: 'desc' },
    actions: {
      ...readOnlyActions,
      list: guarded(ID, 'list', 'staff.read', {
        // The pending queue is worked oldest first unless someone chose another order.
        before: async (request: ActionRequest) =>
          request.query?.['filters.status'] === 'pending' && !request.query?.sortBy ? { ...request, query: { ...request.query, sortBy: 'created_at', direction: 'asc' } } : request,
      }),
      show: guarded(ID, 'show', 'staff.read', { after: withApprovals }),
      search: guarded(ID, 'search', 'staff.read', {}, () => false),
      approve: guarded(
        ID,
        'approve',
        'transactions.decide',
        formAction('record', {
          form: { intro: 'Approve this transaction? A deposit is credited; a withdrawal is paid out net of its fee; an adjustment is posted.', fields: [], submit: 'Confirm approval', tone: 'success', summary: SUMMARY },
          schema: z.object({}),
          run: (actor, _input, ctx) => approve(actor, Number(ctx.record!.id()), {}),
          done: (row, ctx) => ({ message: approvalMessage(row), redirectUrl: showUrl(ctx, row.id) }),
        }, { icon: 'Check', variant: 'success' }),
        decidable,
      ),
      edit: guarded(
        ID,
        'edit',
        'transactions.decide',
        formAction('record', {
          form: {
            intro: 'Approve with notes (and the payout transaction hash for a withdrawal), or reject with a reason the member will read.',
            fields: [
              { name: 'decision', label: 'Decision', type: 'select', options: [{ value: 'approve', label: 'Approve' }, { value: 'reject', label: 'Reject' }] },
              { name: 'admin_notes', label: 'Notes (staff only)', type: 'textarea' },
              { name: 'tx_hash', label: 'Payout transaction hash (withdrawals)', help: '0x followed by 64 hex digits' },
              { name: 'reason', label: 'Reason (for a rejection; sent to the member)', type: 'textarea' },
            ],
            submit: 'Save decision',
            summary: SUMMARY,
          },
          schema: processBody,
          input: (p) => (p.decision === 'reject' ? { decision: 'reject', reason: p.reason ?? '', admin_notes: p.admin_notes } : { decision: p.decision, admin_notes: p.admin_notes, tx_hash: p.tx_hash }),
          run: (actor, input, ctx) => {
            const id = Number(ctx.record!.id());
            return input.decision === 'approve' ? approve(actor, id, { admin_notes: input.admin_notes, tx_hash: input.tx_hash }) : reject(actor, id, { reason: input.reason, admin_notes: input.admin_notes });
          },
          done: (row, ctx) => ({ message: row.status === 'rejected' ? `Transaction #${row.id} rejected` : approvalMessage(row), redirectUrl: showUrl(ctx, row.id) }),
        }, { icon: 'Edit' }),
        decidable,
      ),
      bulkApprove: guarded(ID, 'bulkApprove', 'transactions.decide', { actionType: 'bulk', icon: 'Check', component: Components.BulkDecision, handler: bulkDecision('approve') }),
      bulkReject: guarded(ID, 'bulkReject', 'transactions.decide', { actionType: 'bulk', icon: 'X', variant: 'danger', component: Components.BulkDecision, handler: bulkDecision('reject') }),
      export: exportAction(ID, 'transactions'),
    },
  },
});

