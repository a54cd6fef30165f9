import type { PlatformAccount } from '../wallets/ledger.accounts.js';
import type { WalletType } from '../wallets/wallet-types.js';

/** The spec's five income types, each with the wallet it lands in and the expense that pays it. */
export const INCOME_TYPES = ['Direct Referral', 'Level Bonus', 'Staking Reward', 'Self Investment', 'Lifetime Reward'] as const;
export type IncomeType = (typeof INCOME_TYPES)[number];

export const INCOME_WALLET: Record<IncomeType, WalletType> = {
  'Direct Referral': 'direct_referral',
  'Level Bonus': 'level_bonus',
  'Staking Reward': 'staking_bonus',
  'Self Investment': 'self_coin_bonus',
  'Lifetime Reward': 'lifetime_reward',
};

export const INCOME_EXPENSE: Record<IncomeType, PlatformAccount> = {
  'Direct Referral': 'commissionExpense',
  'Level Bonus': 'commissionExpense',
  'Staking Reward': 'stakingExpense',
  'Self Investment': 'bonusExpense',
  'Lifetime Reward': 'bonusExpense',
};
