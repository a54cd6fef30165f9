import { z } from 'zod';
import { moneyString } from '../money/money.js';
import { treeNode } from '../team/team.routes.js';
import { WALLET_TYPES } from '../wallets/wallet-types.js';

const at = z.string().meta({ description: 'ISO 8601 UTC time' });
const person = z.object({ id: z.number().int(), username: z.string().nullable() }).nullable();
const countAndSum = z.object({ count: z.number().int(), sum: moneyString });

export const dashboardReply = z
  .object({
    generated_at: at,
    role: z.enum(['support', 'finance', 'admin']),
    can: z.array(z.string()).meta({ description: 'Capabilities this role may use from the dashboard' }),
    pending: z.array(
      z.object({
        transaction_type: z.enum(['deposit', 'withdrawal', 'adjustment']),
        count: z.number().int(),
        sum: moneyString,
        oldest_at: at.nullable(),
        oldest_age_seconds: z.number().int().nullable(),
        awaiting_second_approval: z.number().int(),
      }),
    ),
    dual_approval_threshold: moneyString,
    today: z.object({ signups: z.number().int(), deposits_approved: countAndSum, withdrawals_paid: countAndSum, investments: countAndSum, commissions: countAndSum }),
    wallets: z.array(z.object({ wallet_type: z.enum(WALLET_TYPES), balance: moneyString, locked_balance: moneyString })),
    mxc_price: z.object({ price: moneyString, source: z.string(), set_at: at, set_by: person }).nullable(),
    crypto_feed: z.object({
      stale: z.boolean(),
      last_success_at: at.nullable(),
      last_attempt_at: at.nullable(),
      last_error: z.string().nullable(),
      last_error_at: at.nullable(),
      coins: z.number().int(),
    }),
    jobs: z.array(
      z.object({
        job_name: z.string(),
        schedule: z.string(),
        last_run: z.object({ id: z.number().int(), outcome: z.string(), started_at: at, finished_at: at.nullable(), error: z.string().nullable() }).nullable(),
      }),
    ),
    trial_balance: z.object({ balanced: z.boolean(), equation_holds: z.boolean(), total_debits: moneyString, total_credits: moneyString }),
    failed_emails: z.object({ count: z.number().int(), oldest_at: at.nullable() }),
  })
  .meta({ id: 'StaffDashboard' });

export const memberOverviewReply = z
  .object({
    profile: z.object({
      id: z.number().int(),
      username: z.string(),
      email: z.string(),
      first_name: z.string(),
      last_name: z.string(),
      rank: z.string(),
      is_active: z.boolean(),
      referral_code: z.string(),
      total_investment: moneyString,
      team_volume: moneyString,
      created_at: at,
      sponsor: person,
      last_status_change: z.object({ action: z.string(), reason: z.string().nullable(), at, by: person }).nullable(),
    }),
    wallets: z.array(z.object({ wallet_type: z.enum(WALLET_TYPES), balance: moneyString, locked_balance: moneyString, updated_at: at })),
    ledger_movements: z.array(
      z.object({
        posting_id: z.number().int(),
        kind: z.string(),
        description: z.string().nullable(),
        transaction_id: z.number().int().nullable(),
        wallet_type: z.string(),
        bucket: z.enum(['balance', 'locked']),
        change: z.string().meta({ description: 'Signed decimal string with 8 places' }),
        created_at: at,
      }),
    ),
    transactions: z.array(
      z.object({
        id: z.number().int(),
        transaction_type: z.string(),
        wallet_type: z.string(),
        to_wallet_type: z.string().nullable(),
        amount: moneyString,
        fee: moneyString,
        net_amount: moneyString,
        status: z.string(),
        created_at: at,
        processed_at: at.nullable(),
      }),
    ),
    incomes: z.array(
      z.object({ id: z.number().int(), income_type: z.string(), amount: moneyString, level: z.number().int().nullable(), status: z.string(), from_user: person, created_at: at }),
    ),
    investments: z.array(
      z.object({ id: z.number().int(), amount: moneyString, source_wallet: z.string(), status: z.string(), created_at: at, reversed_at: at.nullable() }),
    ),
    downline: z.array(z.object({ level: z.number().int(), members: z.number().int(), active: z.number().int(), invested: moneyString })),
    tree: z.object({ tree: z.array(treeNode), truncated: z.boolean(), nodes: z.number().int() }),
  })
  .meta({ id: 'MemberOverview' });
