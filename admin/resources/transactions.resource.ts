import type { ActionContext, ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import { MoneyTransaction } from '../../src/wallets/transaction.model.js';
import { approve, reject } from '../../src/wallets/transactions.service.js';
import { approveBody, rejectBody } from '../../src/wallets/transactions.schemas.js';
import { AppError } from '../../src/http/errors.js';
import { canAction, staffReadActions, moneyText } from '../access.js';
import { actorOf } from '../actor.js';

const isPending = ({ record }: Pick<ActionContext, 'record'>) => record?.params.status === 'pending';
const staffCanDecide = (ctx: ActionContext) => canAction('finance.write')(ctx) && isPending(ctx);

/** Runs a service call and turns its outcome into an AdminJS notice on the record. */
async function decide(context: ActionContext, work: () => Promise<unknown>): Promise<ActionResponse> {
  const { record, resource, h } = context;
  let notice: ActionResponse['notice'];
  try {
    await work();
    notice = { message: 'Done', type: 'success' };
  } catch (error) {
    // Only expected refusals become a notice; anything else is a bug for the error handler to log.
    if (!(error instanceof AppError)) throw error;
    notice = { message: `${error.message}${error.details[0] ? `: ${error.details[0].field} ${error.details[0].message}` : ''}`, type: 'error' };
  }
  const fresh = await resource.findOne(String(record!.id()));
  return { record: (fresh ?? record!).toJSON(context.currentAdmin), notice, redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: String(record!.id()), actionName: 'show' }) };
}

/**
 * Deposits and withdrawals for staff. "Approve" is one click with a confirmation; "Process" is
 * the edit form repurposed to take a decision with notes, tx hash or a rejection reason. Both call
 * the same service functions as /api/admin/transactions/:id/approve|reject.
 */
export const transactionsResource: ResourceWithOptions = {
  resource: MoneyTransaction,
  options: {
    navigation: { name: 'Money', icon: 'DollarSign' },
    listProperties: ['id', 'user_id', 'transaction_type', 'wallet_type', 'amount', 'fee', 'net_amount', 'status', 'created_at'],
    filterProperties: ['status', 'transaction_type', 'user_id', 'wallet_type', 'created_at'],
    editProperties: ['decision', 'admin_notes', 'tx_hash', 'reason'],
    sort: { sortBy: 'created_at', direction: 'desc' },
    properties: {
      ...moneyText('amount', 'fee', 'net_amount'),
      decision: {
        type: 'string',
        availableValues: [
          { value: 'approve', label: 'Approve' },
          { value: 'reject', label: 'Reject' },
        ],
        isVisible: { edit: true, list: false, show: false, filter: false },
      },
      status: {
        availableValues: ['pending', 'completed', 'rejected', 'cancelled', 'failed'].map((s) => ({ value: s, label: s })),
      },
      transaction_type: {
        availableValues: ['deposit', 'withdrawal', 'transfer', 'adjustment', 'investment'].map((s) => ({ value: s, label: s })),
      },
    },
    actions: {
      ...staffReadActions,
      approve: {
        actionType: 'record',
        icon: 'Check',
        component: false,
        guard: 'Approve this transaction? A deposit is credited; a withdrawal is paid out net of its fee.',
        isAccessible: staffCanDecide,
        isVisible: staffCanDecide,
        handler: async (_request: ActionRequest, _response: unknown, context: ActionContext) =>
          decide(context, () => approve(actorOf(context.currentAdmin), Number(context.record!.id()), {})),
      },
      edit: {
        icon: 'Edit',
        isAccessible: staffCanDecide,
        isVisible: staffCanDecide,
        handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
          if (request.method !== 'post') return { record: context.record!.toJSON(context.currentAdmin) };
          const payload = (request.payload ?? {}) as Record<string, string>;
          const blank = (v?: string) => (v && v.trim() ? v.trim() : undefined);
          const actor = actorOf(context.currentAdmin);
          const id = Number(context.record!.id());
          return decide(context, async () => {
            if (payload.decision === 'approve') {
              return approve(actor, id, approveBody.parse({ admin_notes: blank(payload.admin_notes), tx_hash: blank(payload.tx_hash) }));
            }
            if (payload.decision === 'reject') {
              const parsed = rejectBody.safeParse({ reason: blank(payload.reason) ?? '' });
              if (!parsed.success) throw new AppError(400, 'validation_error', 'A rejection needs a reason', [{ field: 'reason', message: 'is required' }]);
              return reject(actor, id, parsed.data);
            }
            throw new AppError(400, 'validation_error', 'Choose a decision', [{ field: 'decision', message: 'approve or reject' }]);
          });
        },
      },
    },
  },
};
