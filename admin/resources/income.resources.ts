import type { ActionContext } from 'adminjs';
import { z } from 'zod';
import { Investment } from '../../src/investments/investment.model.js';
import { Income } from '../../src/income/income.model.js';
import { StakingRun } from '../../src/staking/staking-run.model.js';
import { reverseInvestment } from '../../src/investments/investments.service.js';
import { distributeIncome, previewDistribution } from '../../src/income/distribute.service.js';
import { distributeBody } from '../../src/income/income.schemas.js';
import { INCOME_TYPES } from '../../src/income/income-types.js';
import { previewStaking, runStakingAsStaff } from '../../src/staking/staking.service.js';
import { runBody } from '../../src/staking/staking.routes.js';
import { LIST_SPECS } from '../../src/backoffice/list-specs.js';
import { exportAction, guarded, readOnlyActions, referenceTo, staffReadActions } from '../access.js';
import { Components } from '../component-loader.js';
import { defineResource } from '../resource.js';
import { formAction, options, type Payload } from '../forms.js';

const navigation = { name: 'Income', icon: 'TrendingUp' };

export const investmentsResource = defineResource({
  id: 'investments',
  model: Investment,
  spec: LIST_SPECS.investments,
  options: {
    navigation,
    listProperties: ['id', 'user_id', 'amount', 'source_wallet', 'status', 'created_at', 'reversed_at'],
    properties: {
      user_id: referenceTo('users'),
      reversed_by: referenceTo('staff'),
      transaction_id: referenceTo('transactions'),
      status: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
      reverse_reason: { type: 'textarea' },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions('investments'),
      // "Reverse": the principal goes back, every commission and bonus it paid is clawed back.
      edit: guarded(
        'investments',
        'edit',
        'investments.reverse',
        formAction('record', {
          form: {
            intro: 'Returns the principal and claws back every commission and bonus this investment paid; what an earner already spent becomes a debt their future income repays.',
            fields: [{ name: 'reason', label: 'Reason', type: 'textarea', help: 'Kept on the investment and in the audit log' }],
            submit: 'Reverse investment',
            tone: 'danger',
          },
          schema: z.object({ reason: z.string().trim().min(1, 'A reversal needs a reason').max(2000, 'must be at most 2000 characters') }),
          input: (p) => ({ reason: p.reason ?? '' }),
          run: (actor, input, ctx) => reverseInvestment(actor, Number(ctx.record!.id()), input.reason),
          done: (r, ctx) => ({
            message: `Investment reversed: ${r.clawed_back} clawed back${r.debts_recorded.length ? `, ${r.debts_recorded.length} debt(s) recorded` : ''}`,
            redirectUrl: ctx.h.resourceUrl({ resourceId: 'investments' }),
          }),
        }, { icon: 'RotateCcw', variant: 'danger' }),
        (ctx: ActionContext) => ctx.record?.params.status === 'active',
      ),
      export: exportAction('investments', 'investments'),
    },
  },
});

/** The distribution form: a fixed amount or a rate, to every active member or to a list. */
function distributionInput(p: Payload) {
  const ids = p.recipients === 'chosen' ? (p.user_ids ?? '').split(/[\s,]+/).filter(Boolean).map((v) => (/^\d+$/.test(v) ? Number(v) : v)) : 'all_active';
  return {
    income_type: p.income_type,
    amount: p.mode === 'amount' ? (p.value ?? '') : undefined,
    rate_percent: p.mode === 'rate' ? (p.value ?? '') : undefined,
    user_ids: ids,
    description: p.description ?? '',
  };
}

export const incomesResource = defineResource({
  id: 'incomes',
  model: Income,
  spec: LIST_SPECS.incomes,
  options: {
    navigation,
    listProperties: ['id', 'user_id', 'income_type', 'amount', 'from_user_id', 'level', 'status', 'created_at'],
    properties: {
      user_id: referenceTo('users'),
      from_user_id: { ...referenceTo('users'), description: 'The member whose investment paid it' },
      investment_id: referenceTo('investments'),
      status: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
      posting_id: { isVisible: { list: false, show: true, edit: false, filter: false } },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions('incomes'),
      distribute: guarded(
        'incomes',
        'distribute',
        'income.distribute',
        formAction('resource', {
          form: {
            intro: 'Pays income to active members (never staff): a fixed amount each, or a percent of each one’s invested principal. Preview first: nothing is paid until you confirm.',
            fields: [
              { name: 'income_type', label: 'Income type', type: 'select', options: options(INCOME_TYPES) },
              { name: 'mode', label: 'Pay', type: 'select', options: [{ value: 'amount', label: 'a fixed amount per member' }, { value: 'rate', label: 'a percent of invested principal' }], initial: 'amount' },
              { name: 'value', label: 'Amount (MXC) or rate (%)', help: 'Up to 8 decimals' },
              { name: 'recipients', label: 'Members', type: 'select', options: [{ value: 'all_active', label: 'every active member' }, { value: 'chosen', label: 'the members listed below' }], initial: 'all_active' },
              { name: 'user_ids', label: 'Member ids (when listed)', type: 'textarea', help: 'Ids separated by commas or spaces' },
              { name: 'description', label: 'Description (members see it)', type: 'textarea' },
            ],
            submit: 'Confirm and pay',
            preview: true,
          },
          schema: distributeBody,
          input: distributionInput,
          preview: (input) => previewDistribution(input),
          run: (actor, input) => distributeIncome(actor, input),
          done: (r) => ({ message: `Paid ${r.total} MXC to ${r.members_paid} member(s)`, result: r }),
          once: 'income.distribute',
        }, { icon: 'Send' }),
      ),
      export: exportAction('incomes', 'incomes'),
    },
  },
});

export const stakingRunsResource = defineResource({
  id: 'staking_runs',
  model: StakingRun,
  spec: { filters: { reward_date: { kind: 'date' }, status: { kind: 'enum', values: ['running', 'completed', 'failed'] } }, sortable: ['id', 'reward_date', 'started_at'] },
  options: {
    navigation,
    listProperties: ['id', 'reward_date', 'status', 'apy', 'members_paid', 'total', 'started_at', 'duration_ms', 'triggered_by'],
    properties: {
      triggered_by: { ...referenceTo('staff'), description: 'Staff member who ran it (empty: the nightly job)' },
      status: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
      apy: { type: 'string', components: { list: Components.MoneyCell, show: Components.MoneyCell } },
      total: { type: 'string', components: { list: Components.MoneyCell, show: Components.MoneyCell } },
      error: { type: 'textarea' },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...readOnlyActions,
      list: guarded('staking_runs', 'list', 'staff.read', {}),
      show: guarded('staking_runs', 'show', 'staff.read', {}),
      search: guarded('staking_runs', 'search', 'staff.read', {}, () => false),
      runStaking: guarded(
        'staking_runs',
        'runStaking',
        'staking.run',
        formAction('resource', {
          form: {
            intro: 'Pays the staking reward of one day (today or earlier) to every active member not yet paid for it. Preview first.',
            fields: [{ name: 'date', label: 'Day', type: 'date' }],
            submit: 'Confirm and pay',
            preview: true,
          },
          schema: runBody,
          input: (p) => ({ date: p.date ?? '' }),
          preview: (input) => previewStaking(input.date),
          run: (actor, input) => runStakingAsStaff(actor, input.date),
          done: (r) => ({ message: `Staking for ${r.date}: ${r.total} MXC to ${r.members_paid} member(s)`, result: { ...r } }),
          once: 'staking.run',
        }, { icon: 'Calendar' }),
      ),
    },
  },
});
