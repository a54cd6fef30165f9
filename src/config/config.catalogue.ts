import { z } from 'zod';
import { Decimal, isExactNumber } from '../money/money.js';
import { INCOME_WALLETS, WALLET_TYPES } from '../wallets/wallet-types.js';
import { PLAN_LEVEL_KEYS } from '../income/compensation-plan.js';

/** Configuration values are stored as JSON; amounts as decimal strings so nothing passes through a float. */
const amount = z
  .union([z.string(), z.number().refine(isExactNumber, 'has too many digits for a JSON number: send it as a string')])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d{1,12}(\.\d{1,8})?$/.test(v), 'must be a decimal >= 0 with at most 8 decimals')
  .transform((v) => new Decimal(v).toFixed(8));
const percent = amount.refine((v) => new Decimal(v).lte(100), 'must be between 0 and 100');
const walletType = z.enum(WALLET_TYPES);
/** total_income is a memo and my_investment is principal: money never flows in or out of them by config. */
const moneyWallet = walletType.exclude(['total_income', 'my_investment']);
const walletList = z.array(moneyWallet).min(1).refine((l) => new Set(l).size === l.length, 'must not repeat a wallet');
const count = z.number().int().min(0);

const referralRates = z
  .record(z.string(), percent)
  .refine((r) => PLAN_LEVEL_KEYS.every((k) => k in r) && Object.keys(r).length === PLAN_LEVEL_KEYS.length, `must have exactly the levels 1-${PLAN_LEVEL_KEYS.length}`);

const transferRule = z.object({ from: moneyWallet, to: moneyWallet }).refine((r) => r.from !== r.to, 'from and to must differ');

const rankRule = z.object({
  rank: z.string().min(1).max(20),
  min_personal_investment: amount,
  min_direct_referrals: count,
  min_team_volume: amount,
  lifetime_reward: amount,
});

type MoneyWallet = z.infer<typeof moneyWallet>;
type WalletPair = { from: MoneyWallet; to: MoneyWallet };
const defaultTransferRules: WalletPair[] = [
  ...INCOME_WALLETS.flatMap((from: MoneyWallet): WalletPair[] => [
    { from, to: 'main_balance' },
    { from, to: 'available_fund' },
  ]),
  { from: 'main_balance', to: 'available_fund' },
  { from: 'available_fund', to: 'main_balance' },
];

const rank = (r: string, personal: number, direct: number, team: number, reward: number) => ({
  rank: r,
  min_personal_investment: personal.toFixed(8),
  min_direct_referrals: direct,
  min_team_volume: team.toFixed(8),
  lifetime_reward: reward.toFixed(8),
});

interface Entry<S extends z.ZodType> {
  schema: S;
  default: z.input<S>;
  description: string;
}
const entry = <S extends z.ZodType>(schema: S, def: z.input<S>, description: string): Entry<S> => ({
  schema,
  default: def,
  description,
});

/** Every configuration key staff can set: its schema, default and meaning. One place. */
export const CONFIG = {
  referral_rates: entry(referralRates, { 1: '10', 2: '5', 3: '3', 4: '2', 5: '1' }, 'Commission percent per upline level 1-5'),
  min_deposit: entry(amount, '10', 'Smallest deposit (MXC)'),
  min_withdrawal: entry(amount, '5', 'Smallest withdrawal, gross (MXC)'),
  withdrawal_fee: entry(amount, '2', 'Withdrawal fee: percent of the amount, or a flat MXC amount'),
  withdrawal_fee_mode: entry(z.enum(['percent', 'flat']), 'percent', 'How withdrawal_fee applies'),
  staking_apy: entry(percent, '12', 'Yearly staking reward on invested principal, percent'),
  staking_timezone: entry(z.string().min(1).max(64), 'UTC', 'Time zone of the daily staking run'),
  require_sponsor: entry(z.boolean(), false, 'Whether registration needs a sponsor code'),
  deposit_wallets: entry(walletList, ['available_fund'], 'Wallets a deposit may credit'),
  withdrawal_wallets: entry(walletList, ['main_balance'], 'Wallets a withdrawal may debit'),
  transfer_rules: entry(z.array(transferRule), defaultTransferRules, 'Allowed wallet-to-wallet transfers'),
  max_pending_per_member: entry(z.number().int().min(1).max(1000), 5, 'Most pending deposits a member may have open at once, and separately pending withdrawals'),
  min_investment: entry(amount, '10', 'Smallest investment (MXC)'),
  investment_source_wallet: entry(moneyWallet, 'available_fund', 'Wallet an investment is paid from'),
  self_investment_bonus_rate: entry(percent, '0', 'Self investment bonus, percent of each investment'),
  commission_compression: entry(z.boolean(), false, 'Roll commissions up past inactive sponsors'),
  rank_rules: entry(
    z.array(rankRule).min(1),
    [
      rank('Bronze', 0, 0, 0, 0),
      rank('Silver', 1_000, 3, 10_000, 50),
      rank('Gold', 5_000, 5, 50_000, 250),
      rank('Platinum', 10_000, 10, 250_000, 1_000),
      rank('Diamond', 25_000, 20, 1_000_000, 5_000),
    ],
    'Rank thresholds, lowest first, and the lifetime reward each pays once',
  ),
  tree_max_nodes: entry(z.number().int().min(1).max(1_000_000), 10_000, 'Most nodes /api/team/tree returns'),
  crypto_refresh_seconds: entry(z.number().int().min(10).max(3600), 60, 'CoinGecko refresh period'),
  dual_approval_threshold: entry(
    amount,
    '10000',
    'Four-eyes: withdrawals of at least this amount, and wallet adjustments of at least this amount either way, need two different staff members',
  ),
  token_name: entry(z.string().min(1).max(100), 'MetaX Coin', 'Token name'),
  token_symbol: entry(z.string().min(1).max(20), 'MXC', 'Token symbol'),
  token_network: entry(z.string().min(1).max(100), 'BSC (BEP-20)', 'Token network'),
  token_contract_address: entry(
    z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be 0x followed by 40 hex digits'),
    '0x742d35Cc6634C0532925a3b8D0b8EFd17d1F3456',
    'Token contract address (stored verbatim)',
  ),
  token_total_supply: entry(amount, '1000000000', 'Total supply (MXC)'),
  token_circulating_supply: entry(amount, '250000000', 'Circulating supply (MXC)'),
  replica_max_lag_seconds: entry(z.number().min(0).max(3600), 5, 'Replica reads fall back to the primary while the replica replays more than this many seconds behind'),
  backup_keep_count: entry(z.number().int().min(1).max(1000), 14, 'Daily backups kept (newest first); older ones beyond this count are deleted'),
  backup_keep_days: entry(z.number().int().min(1).max(3650), 30, 'Backups older than this many days are deleted (the newest is always kept)'),
  token_rank: entry(z.string().regex(/^#\d{1,9}$/, 'must look like #1247'), '#1247', 'Market rank shown to members'),
} as const;

export type ConfigKey = keyof typeof CONFIG;
export type ConfigValue<K extends ConfigKey> = z.output<(typeof CONFIG)[K]['schema']>;
export const CONFIG_KEYS = Object.keys(CONFIG) as ConfigKey[];

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG, key);
}
