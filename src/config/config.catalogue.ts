import { z } from 'zod';
import { Decimal, isExactNumber } from '../money/money.js';
import { INCOME_WALLETS, WALLET_TYPES } from '../wallets/wallet-types.js';
import { text, timeZone } from '../http/input.js';
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
const count = z.number().int().min(0).max(1_000_000);
/** Text shown to members (token name, rank names): printable, no NUL or unpaired surrogates. */
const label = (max: number) => text({ min: 1, max });
// Refinements over a whole record or list also run when one of its values failed (zod reports
// both): they read values through this, and leave a value that is not a number to its own issue.
const decimalOf = (v: unknown): Decimal | null =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^\d{1,12}(\.\d{1,8})?$/.test(v)) ? new Decimal(v) : null;
const sum = (values: unknown[]) => values.reduce<Decimal>((total, v) => total.plus(decimalOf(v) ?? 0), new Decimal(0));

const referralRates = z
  .record(z.string(), percent)
  .refine((r) => PLAN_LEVEL_KEYS.every((k) => k in r) && Object.keys(r).length === PLAN_LEVEL_KEYS.length, `must have exactly the levels 1-${PLAN_LEVEL_KEYS.length}`)
  .refine((r) => sum(Object.values(r)).lte(100), `levels 1-${PLAN_LEVEL_KEYS.length} together must not exceed 100 percent`);

const transferRule = z.object({ from: moneyWallet, to: moneyWallet }).refine((r) => r.from !== r.to, 'from and to must differ');
const transferRules = z
  .array(transferRule)
  .max(100)
  .refine((rules) => new Set(rules.map((r) => `${r.from}>${r.to}`)).size === rules.length, 'must not repeat a wallet pair');

const rankRule = z.object({
  rank: label(20),
  min_personal_investment: amount,
  min_direct_referrals: count,
  min_team_volume: amount,
  lifetime_reward: amount,
});

const thresholds = ['min_personal_investment', 'min_direct_referrals', 'min_team_volume'] as const;
/** Lowest first: names unique, and no threshold lower than the rank before it (a member passes them in order). */
const rankRules = z
  .array(rankRule)
  .min(1)
  .max(50)
  .refine((rules) => new Set(rules.map((r) => String(r.rank).toLowerCase())).size === rules.length, 'must not repeat a rank name')
  .refine(
    (rules) =>
      rules.every((rule, i) => {
        if (i === 0) return true;
        return thresholds.every((t) => {
          const [now, before] = [decimalOf(rule[t]), decimalOf(rules[i - 1][t])];
          return now === null || before === null || now.gte(before);
        });
      }),
    'must list ranks lowest first: no threshold may be below the previous rank\'s',
  );

/** 0x + 40 hex; stored verbatim (the spec's address is not EIP-55 checksummed), never the zero address. */
const contractAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be 0x followed by 40 hex digits')
  .refine((a) => !/^0x0{40}$/.test(a), 'must not be the zero address');

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
  staking_timezone: entry(timeZone, 'UTC', 'Time zone of the daily staking run (IANA name, e.g. Europe/Berlin)'),
  require_sponsor: entry(z.boolean(), false, 'Whether registration needs a sponsor code'),
  deposit_wallets: entry(walletList, ['available_fund'], 'Wallets a deposit may credit'),
  withdrawal_wallets: entry(walletList, ['main_balance'], 'Wallets a withdrawal may debit'),
  transfer_rules: entry(transferRules, defaultTransferRules, 'Allowed wallet-to-wallet transfers'),
  max_pending_per_member: entry(z.number().int().min(1).max(1000), 5, 'Most pending deposits a member may have open at once, and separately pending withdrawals'),
  min_investment: entry(amount, '10', 'Smallest investment (MXC)'),
  investment_source_wallet: entry(moneyWallet, 'available_fund', 'Wallet an investment is paid from'),
  self_investment_bonus_rate: entry(percent, '0', 'Self investment bonus, percent of each investment'),
  commission_compression: entry(z.boolean(), false, 'Roll commissions up past inactive sponsors'),
  rank_rules: entry(
    rankRules,
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
  token_name: entry(label(100), 'MetaX Coin', 'Token name'),
  token_symbol: entry(label(20).pipe(z.string().regex(/^[A-Za-z0-9]+$/, 'must be letters and digits')), 'MXC', 'Token symbol'),
  token_network: entry(label(100), 'BSC (BEP-20)', 'Token network'),
  token_contract_address: entry(contractAddress, '0x742d35Cc6634C0532925a3b8D0b8EFd17d1F3456', 'Token contract address (stored verbatim)'),
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

export type ConfigValues = { [K in ConfigKey]: ConfigValue<K> };

/** A rule over several keys, checked on the merged configuration at write, at start and at read. */
export interface ConfigRule {
  keys: readonly ConfigKey[];
  message: string;
  holds(values: ConfigValues): boolean;
}

// Key sets are disjoint: falling back to the defaults of one rule's keys cannot break another rule.
export const CONFIG_RULES: readonly ConfigRule[] = [
  {
    keys: ['referral_rates', 'self_investment_bonus_rate'],
    message: `referral_rates (levels 1-${PLAN_LEVEL_KEYS.length}) and self_investment_bonus_rate together must not exceed 100 percent of an investment`,
    holds: (v) => sum([...Object.values(v.referral_rates), v.self_investment_bonus_rate]).lte(100),
  },
  {
    keys: ['withdrawal_fee', 'withdrawal_fee_mode'],
    message: 'a percent withdrawal_fee must be below 100 (it would take the whole amount)',
    holds: (v) => v.withdrawal_fee_mode !== 'percent' || new Decimal(v.withdrawal_fee).lt(100),
  },
  {
    keys: ['token_circulating_supply', 'token_total_supply'],
    message: 'token_circulating_supply must not exceed token_total_supply',
    holds: (v) => new Decimal(v.token_circulating_supply).lte(v.token_total_supply),
  },
];
