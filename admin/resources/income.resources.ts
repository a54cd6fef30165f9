import type { ActionContext, ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import { Investment } from '../../src/investments/investment.model.js';
import { Income } from '../../src/income/income.model.js';
import { reverseInvestment } from '../../src/investments/investments.service.js';
import { AppError } from '../../src/http/errors.js';
import { canAction, staffReadActions, moneyText } from '../access.js';
import { actorOf } from '../actor.js';


/**
 * "Reverse" is the edit form repurposed to take a reason: it runs the same service as
 * POST /api/admin/investments/:id/reverse (finance role), which claws back and audits.
 */
async function reverse(request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> {
  const { record, currentAdmin, h, resource } = context;
  if (!record || !currentAdmin) throw new Error('reverse needs a record and a signed-in staff member');
  if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
  const reason = String((request.payload as Record<string, unknown> | undefined)?.reason ?? '').trim();
  let notice: { message: string; type: 'success' | 'error' };
  if (!reason) {
    notice = { message: 'A reversal needs a reason', type: 'error' };
    return { record: record.toJSON(currentAdmin), notice };
  }
  try {
    const result = await reverseInvestment(actorOf(currentAdmin), Number(record.id()), reason);
    const debts = result.debts_recorded.length ? `, ${result.debts_recorded.length} debt(s) recorded` : '';
    notice = { message: `Investment reversed: ${result.clawed_back} clawed back${debts}`, type: 'success' };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    notice = { message: error.message, type: 'error' };
  }
  const fresh = await resource.findOne(String(record.id()), context);
  return { record: (fresh ?? record).toJSON(currentAdmin), notice, redirectUrl: h.resourceUrl({ resourceId: resource._decorated?.id() ?? resource.id() }) };
}

const canReverse = (ctx: ActionContext) => canAction('finance.write')(ctx) && ctx.record?.params.status === 'active';

export const investmentsResource: ResourceWithOptions = {
  resource: Investment,
  options: {
    navigation: { name: 'Income', icon: 'TrendingUp' },
    listProperties: ['id', 'user_id', 'amount', 'source_wallet', 'status', 'created_at', 'reversed_at'],
    filterProperties: ['user_id', 'status', 'created_at'],
    // The Reverse form: the principal goes back, every commission and bonus it paid is clawed back.
    editProperties: ['reason'],
    properties: {
      ...moneyText('amount'),
      reason: { type: 'textarea', isRequired: true, isVisible: { edit: true, list: false, show: false, filter: false }, description: 'Why this investment is reversed (kept on the investment and in the audit log).' },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions,
      edit: { icon: 'RotateCcw', isAccessible: canReverse, isVisible: canReverse, handler: reverse },
    },
  },
};

export const incomesResource: ResourceWithOptions = {
  resource: Income,
  options: {
    navigation: { name: 'Income', icon: 'TrendingUp' },
    listProperties: ['id', 'user_id', 'income_type', 'amount', 'from_user_id', 'level', 'status', 'created_at'],
    filterProperties: ['user_id', 'income_type', 'status', 'investment_id', 'created_at'],
    properties: moneyText('amount'),
    sort: { sortBy: 'id', direction: 'desc' },
    actions: staffReadActions,
  },
};
