/**
 * The chart of accounts, after Peatio: platform assets, member liabilities (each wallet's
 * spendable and locked buckets), revenue, expense, equity, and a memo pair for total_income.
 */
export const PLATFORM_ACCOUNTS = {
  /** Crypto the platform holds for members: deposits in, withdrawals out. */
  cash: { code: 'asset:cash', type: 'asset' },
  withdrawalFees: { code: 'revenue:withdrawal_fees', type: 'revenue' },
  commissionExpense: { code: 'expense:commission', type: 'expense' },
  stakingExpense: { code: 'expense:staking', type: 'expense' },
  bonusExpense: { code: 'expense:bonus', type: 'expense' },
  /** Staff corrections: the other side of every manual wallet adjustment. */
  adjustments: { code: 'equity:adjustments', type: 'equity' },
  /** Memo contra of every member's total_income: income credited for life, never spent. */
  incomeMemo: { code: 'memo:total_income', type: 'memo' },
} as const;

export type PlatformAccount = keyof typeof PLATFORM_ACCOUNTS;
export type AccountType = 'asset' | 'liability' | 'revenue' | 'expense' | 'equity' | 'memo';

export const MEMBER_BALANCE = 'member:balance';
export const MEMBER_LOCKED = 'member:locked';

/**
 * Posting kinds. `income` kinds move total_income with the income wallets they touch: a credit
 * raises it, a debit (a clawback) lowers it. Spending from an income wallet is a transfer, which
 * leaves total_income alone.
 */
export const POSTING_KINDS = {
  deposit: { income: false },
  withdrawal_lock: { income: false },
  withdrawal_unlock: { income: false },
  withdrawal_payout: { income: false },
  transfer: { income: false },
  adjustment: { income: false },
  investment: { income: false },
  investment_reversal: { income: false },
  commission: { income: true },
  staking_reward: { income: true },
  bonus: { income: true },
  income_distribution: { income: true },
  income_clawback: { income: true },
} as const;

export type PostingKind = keyof typeof POSTING_KINDS;
