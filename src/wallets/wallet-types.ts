/** The nine wallets every member holds, in the spec's order. */
export const WALLET_TYPES = [
  'available_fund',
  'main_balance',
  'self_coin_bonus',
  'staking_bonus',
  'direct_referral',
  'level_bonus',
  'lifetime_reward',
  'total_income',
  'my_investment',
] as const;

export type WalletType = (typeof WALLET_TYPES)[number];

/** Wallets that receive income; total_income mirrors their lifetime credits. */
export const INCOME_WALLETS = [
  'self_coin_bonus',
  'staking_bonus',
  'direct_referral',
  'level_bonus',
  'lifetime_reward',
] as const satisfies readonly WalletType[];

export function isWalletType(value: unknown): value is WalletType {
  return typeof value === 'string' && (WALLET_TYPES as readonly string[]).includes(value);
}
