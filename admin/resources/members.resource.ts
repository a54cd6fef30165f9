import type { ActionContext, ActionRequest } from 'adminjs';
import { MemberRecord } from '../../src/users/user-directory.models.js';
import { memberOverview } from '../../src/backoffice/member-overview.service.js';
import { LIST_SPECS } from '../../src/backoffice/list-specs.js';
import { adjustBody } from '../../src/wallets/transactions.schemas.js';
import { adjustWallet } from '../../src/wallets/transactions.service.js';
import { reasonBody } from '../../src/users/staff.schemas.js';
import { setMemberActive } from '../../src/users/member-status.service.js';
import { WALLET_TYPES } from '../../src/wallets/wallet-types.js';
import { formatMoney } from '../../src/money/money.js';
import { exportAction, guarded, readOnlyActions, referenceTo } from '../access.js';
import { Components } from '../component-loader.js';
import { defineResource } from '../resource.js';
import { formAction, options } from '../forms.js';

const ID = 'users';
const isActive = (ctx: ActionContext) => ctx.record?.params.is_active === true || ctx.record?.params.is_active === 'true';
const showPage = (ctx: ActionContext) => ctx.h.recordActionUrl({ resourceId: ID, recordId: String(ctx.record!.id()), actionName: 'show' });
const ADJUSTABLE = WALLET_TYPES.filter((w) => w !== 'total_income' && w !== 'my_investment');

/**
 * Members (never staff), their page, and what staff do to a member: adjust a wallet (four-eyes
 * above the threshold), deactivate and reactivate with a reason. Every action runs the same service
 * as its REST twin.
 */
export const membersResource = defineResource({
  id: ID,
  model: MemberRecord,
  spec: LIST_SPECS.members,
  options: {
    navigation: { name: 'Members', icon: 'User' },
    listProperties: ['id', 'username', 'email', 'first_name', 'last_name', 'rank', 'is_active', 'total_investment', 'created_at'],
    showProperties: ['id', 'username', 'email', 'first_name', 'last_name', 'rank', 'is_active', 'sponsor_id', 'referral_code', 'total_investment', 'team_volume', 'created_at'],
    properties: {
      username: { isTitle: true },
      sponsor_id: { ...referenceTo('users'), description: 'The member who referred this one' },
      is_active: { components: { list: Components.StatusBadge, show: Components.StatusBadge } },
      team_volume: { type: 'string', components: { list: Components.MoneyCell, show: Components.MoneyCell } },
      role: { isVisible: false },
      updated_at: { isVisible: false },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...readOnlyActions,
      list: guarded(ID, 'list', 'staff.read', {}),
      search: guarded(ID, 'search', 'staff.read', {}, () => false),
      show: guarded(ID, 'show', 'staff.read', {
        component: Components.MemberPage,
        handler: async (request: ActionRequest, _response: unknown, ctx: ActionContext) => ({
          record: ctx.record!.toJSON(ctx.currentAdmin),
          ...(request.query?.overview ? { overview: await memberOverview(Number(ctx.record!.id())) } : {}),
        }),
      }),
      adjustWallet: guarded(
        ID,
        'adjustWallet',
        'wallets.adjust',
        formAction('record', {
          form: {
            intro: 'Posts a signed correction against the platform adjustments account. Large amounts wait for a second staff member to approve them.',
            fields: [
              { name: 'wallet_type', label: 'Wallet', type: 'select', options: options(ADJUSTABLE) },
              { name: 'amount', label: 'Amount (signed: -5 takes 5 away)', help: 'Up to 8 decimals' },
              { name: 'reason', label: 'Reason', type: 'textarea', help: 'Kept on the transaction and in the audit log' },
            ],
            submit: 'Post adjustment',
          },
          schema: adjustBody,
          input: (p) => ({ wallet_type: p.wallet_type, amount: p.amount, reason: p.reason ?? '' }),
          run: (actor, input, ctx) => adjustWallet(actor, Number(ctx.record!.id()), input),
          done: (row, ctx) => ({
            message:
              row.status === 'pending'
                ? `Adjustment #${row.id} of ${formatMoney(row.amount)} recorded: it waits for a second staff member's approval`
                : `Adjustment #${row.id} posted to ${row.wallet_type}: ${formatMoney(row.amount)}`,
            redirectUrl: showPage(ctx),
          }),
          once: 'wallet.adjust',
        }, { icon: 'Sliders', label: 'Adjust wallet' }),
      ),
      deactivate: guarded(
        ID,
        'deactivate',
        'members.activation',
        formAction('record', {
          form: { intro: 'The member can no longer sign in, every token stops working at once, and they earn nothing while deactivated.', fields: [{ name: 'reason', label: 'Reason', type: 'textarea' }], submit: 'Deactivate', tone: 'danger' },
          schema: reasonBody,
          input: (p) => ({ reason: p.reason ?? '' }),
          run: (actor, input, ctx) => setMemberActive(actor, Number(ctx.record!.id()), false, input.reason),
          done: (user, ctx) => ({ message: `${user.username} is deactivated`, redirectUrl: showPage(ctx) }),
        }, { icon: 'UserX', variant: 'danger' }),
        isActive,
      ),
      activate: guarded(
        ID,
        'activate',
        'members.activation',
        formAction('record', {
          form: { intro: 'The member can sign in again.', fields: [{ name: 'reason', label: 'Reason', type: 'textarea' }], submit: 'Reactivate', tone: 'success' },
          schema: reasonBody,
          input: (p) => ({ reason: p.reason ?? '' }),
          run: (actor, input, ctx) => setMemberActive(actor, Number(ctx.record!.id()), true, input.reason),
          done: (user, ctx) => ({ message: `${user.username} is active again`, redirectUrl: showPage(ctx) }),
        }, { icon: 'UserCheck' }),
        (ctx) => !isActive(ctx),
      ),
      export: exportAction(ID, 'members'),
    },
  },
});
