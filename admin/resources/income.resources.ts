import type { ActionContext, ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import { Investment } from '../../src/investments/investment.model.js';
import { Income } from '../../src/income/income.model.js';
import { reverseInvestment } from '../../src/investments/investments.service.js';
import { AppError } from '../../src/http/errors.js';
import { canAction, staffReadActions } from '../access.js';
import { actorOf } from '../actor.js';


/**
 * "Reverse" runs the same service as POST /api/admin/investments/:id/reverse (finance role). AdminJS
 * has no form behind a guarded record action, so the reason names the back-office and the staff member.
 */
async function reverse(_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> {
  const { record, currentAdmin, h, resource } = context;
  if (!record || !currentAdmin) throw new Error('reverse needs a record and a signed-in staff member');
  const actor = actorOf(currentAdmin);
  let notice: { message: string; type: 'success' | 'error' };
  try {
    const result = await reverseInvestment(actor, Number(record.id()), `Reversed in the back-office by ${currentAdmin.title ?? currentAdmin.email}`);
    const debts = result.debts_recorded.length ? `, ${result.debts_recorded.length} debt(s) recorded` : '';
    notice = { message: `Investment reversed: ${result.clawed_back} clawed back${debts}`, type: 'success' };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    notice = { message: error.message, type: 'error' };
  }
  const fresh = await resource.findOne(String(record.id()), context);
  return { record: (fresh ?? record).toJSON(currentAdmin), notice, redirectUrl: h.resourceUrl({ resourceId: resource._decorated?.id() ?? resource.id() }) };
}

export const investmentsResource: ResourceWithOptions = {
  resource: Investment,
  options: {
    navigation: { name: 'Income', icon: 'TrendingUp' },
    listProperties: ['id', 'user_id', 'amount', 'source_wallet', 'status', 'created_at', 'reversed_at'],
    filterProperties: ['user_id', 'status', 'created_at'],
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions,
      reverse: {
        actionType: 'record',
        icon: 'RotateCcw',
        component: false,
        guard: 'Reverse this investment? The principal goes back and every commission and bonus it paid is clawed back (shortfalls become debts).',
        isAccessible: (ctx: ActionContext) => canAction('finance.write')(ctx) && ctx.record?.params.status === 'active',
        handler: reverse,
      },
    },
  },
};

export const incomesResource: ResourceWithOptions = {
  resource: Income,
  options: {
    navigation: { name: 'Income', icon: 'TrendingUp' },
    listProperties: ['id', 'user_id', 'income_type', 'amount', 'from_user_id', 'level', 'status', 'created_at'],
    filterProperties: ['user_id', 'income_type', 'status', 'investment_id', 'created_at'],
    sort: { sortBy: 'id', direction: 'desc' },
    actions: staffReadActions,
  },
};
