import { QueryTypes, Transaction } from 'sequelize';
import { db, unbounded } from '../db/database.js';
import { Decimal, ZERO, formatMoney } from '../money/money.js';
import { MEMBER_BALANCE, MEMBER_LOCKED, PLATFORM_ACCOUNTS, type AccountType } from './ledger.accounts.js';

export interface AccountBalance {
  account: string;
  type: AccountType;
  total_debits: string;
  total_credits: string;
  /** Signed by the account's normal side: debit-normal (asset, expense) debits − credits, else credits − debits. */
  balance: string;
}

export interface TrialBalance {
  balanced: boolean;
  /** Assets = liabilities + equity + revenue − expenses; memo accounts net to zero on their own. */
  equation: { assets: string; liabilities: string; equity: string; revenue: string; expenses: string; memo: string; holds: boolean };
  accounts: AccountBalance[];
  total_debits: string;
  total_credits: string;
}

const TYPES = new Map<string, AccountType>([
  [MEMBER_BALANCE, 'liability'],
  [MEMBER_LOCKED, 'liability'],
  ...Object.values(PLATFORM_ACCOUNTS).map((a) => [a.code, a.type] as [string, AccountType]),
]);
const debitNormal = (type: AccountType) => type === 'asset' || type === 'expense';

/** Sums every account from the journal; the books balance when total debits equal total credits. */
export async function trialBalance(tx?: Transaction): Promise<TrialBalance> {
  const rows = await db().query<{ account: string; debits: string; credits: string }>(
    `SELECT account, sum(debit) AS debits, sum(credit) AS credits FROM ledger_entries GROUP BY account ORDER BY account`,
    { type: QueryTypes.SELECT, transaction: tx },
  );
  let debits = ZERO;
  let credits = ZERO;
  const accounts = rows.map((r) => {
    const type = TYPES.get(r.account) ?? 'memo';
    debits = debits.plus(r.debits);
    credits = credits.plus(r.credits);
    const net = new Decimal(r.debits).minus(r.credits);
    return {
      account: r.account,
      type,
      total_debits: formatMoney(r.debits),
      total_credits: formatMoney(r.credits),
      balance: formatMoney(debitNormal(type) ? net : net.negated()),
    };
  });
  const sum = (type: AccountType) => accounts.filter((a) => a.type === type).reduce((t, a) => t.plus(a.balance), ZERO);
  const [assets, memberSide, equity, revenue, expenses, memo] = (['asset', 'liability', 'equity', 'revenue', 'expense', 'memo'] as const).map(sum);
  // Member balances include each total_income memo wallet; its contra (memo, negative) cancels it,
  // leaving the real liabilities.
  const liabilities = memberSide.plus(memo);
  const holds = assets.eq(liabilities.plus(equity).plus(revenue).minus(expenses));
  return {
    balanced: debits.eq(credits),
    equation: {
      assets: formatMoney(assets),
      liabilities: formatMoney(liabilities),
      equity: formatMoney(equity),
      revenue: formatMoney(revenue),
      expenses: formatMoney(expenses),
      memo: formatMoney(memo),
      holds,
    },
    accounts,
    total_debits: formatMoney(debits),
    total_credits: formatMoney(credits),
  };
}

export interface LedgerReport {
  ok: boolean;
  trial: TrialBalance;
  unbalancedPostings: { posting_id: number; debits: string; credits: string }[];
  walletMismatches: { wallet_id: number; user_id: number; wallet_type: string; stored: string; from_entries: string; bucket: string }[];
}

/**
 * Rebuilds every wallet from its entries and compares with the stored balances, checks every
 * posting balances, and that the trial balance nets to zero — all from one snapshot, with no
 * statement limit (it reads the whole journal).
 */
export function verifyLedger(): Promise<LedgerReport> {
  return db().transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ, readOnly: true }, async (tx) => {
    await unbounded(tx);
    return checkBooks(tx);
  });
}

async function checkBooks(tx: Transaction): Promise<LedgerReport> {
  const trial = await trialBalance(tx);
  const unbalancedPostings = await db().query<{ posting_id: number; debits: string; credits: string }>(
    `SELECT posting_id, sum(debit) AS debits, sum(credit) AS credits
       FROM ledger_entries GROUP BY posting_id HAVING sum(debit) <> sum(credit) ORDER BY posting_id LIMIT 1000`,
    { type: QueryTypes.SELECT, transaction: tx },
  );
  const walletMismatches = await db().query<LedgerReport['walletMismatches'][number]>(
    `WITH derived AS (
       SELECT wallet_id,
              coalesce(sum(credit - debit) FILTER (WHERE account = '${MEMBER_BALANCE}'), 0) AS balance,
              coalesce(sum(credit - debit) FILTER (WHERE account = '${MEMBER_LOCKED}'), 0) AS locked
         FROM ledger_entries WHERE wallet_id IS NOT NULL GROUP BY wallet_id
     )
     SELECT w.id AS wallet_id, w.user_id, w.wallet_type, m.bucket, m.stored, m.from_entries
       FROM wallets w
       LEFT JOIN derived d ON d.wallet_id = w.id
       CROSS JOIN LATERAL (VALUES
         ('balance', w.balance, coalesce(d.balance, 0)),
         ('locked', w.locked_balance, coalesce(d.locked, 0))
       ) AS m(bucket, stored, from_entries)
      WHERE m.stored <> m.from_entries
      ORDER BY w.id LIMIT 1000`,
    { type: QueryTypes.SELECT, transaction: tx },
  );
  return {
    ok: trial.balanced && unbalancedPostings.length === 0 && walletMismatches.length === 0,
    trial,
    unbalancedPostings,
    walletMismatches,
  };
}
