import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { unprocessable } from '../http/errors.js';
import { Decimal, MAX_AMOUNT, SCALE, ZERO, formatMoney } from '../money/money.js';
import { INCOME_WALLETS, type WalletType } from './wallet-types.js';
import { MEMBER_BALANCE, MEMBER_LOCKED, PLATFORM_ACCOUNTS, POSTING_KINDS, type PlatformAccount, type PostingKind } from './ledger.accounts.js';
import { lockMemberWallets, lockWallets, walletKey } from './lock-order.js';

/** One side of a posting: a member wallet bucket or a platform account, debited or credited. */
export type Leg =
  | { userId: number; wallet: WalletType; locked?: boolean; debit?: Decimal; credit?: Decimal }
  | { platform: PlatformAccount; debit?: Decimal; credit?: Decimal };

/** Columns of the member-visible `transactions` row a posting may create in the same statement. */
const RECORD_COLUMNS = [
  'user_id', 'transaction_type', 'wallet_type', 'to_wallet_type', 'amount', 'fee', 'net_amount', 'status',
  'description', 'reference', 'wallet_address', 'tx_hash', 'admin_notes', 'reason', 'processed_by', 'processed_at',
] as const;
export type TransactionRecord = Partial<Record<(typeof RECORD_COLUMNS)[number], string | number | Date | null>>;

export interface Posting {
  kind: PostingKind;
  legs: Leg[];
  description?: string;
  /** The transactions row this posting belongs to: an existing id, or a new row to write with it. */
  transactionId?: number;
  record?: TransactionRecord;
  createdBy?: number;
}

export interface Posted {
  postingId: number;
  transactionId: number | null;
  /** created_at of a row written from `record`. */
  createdAt: Date | null;
}

interface EntryRow {
  account: string;
  walletId: number | null;
  debit: Decimal;
  credit: Decimal;
}

const isIncomeWallet = (w: WalletType) => (INCOME_WALLETS as readonly string[]).includes(w);

/**
 * The only code that changes a balance. Inside the caller's transaction it locks the wallets the
 * posting touches (through the lock order: a unit that posts more than once locks them all first),
 * checks that debits equal credits and that no bucket goes negative or past NUMERIC(20,8), writes
 * the immutable entries and the new wallet balances. Income kinds also move the member's
 * total_income memo.
 */
export async function post(tx: Transaction, posting: Posting): Promise<Posted> {
  const legs = withIncomeMemo(posting);
  const debits = legs.reduce((sum, l) => sum.plus(l.debit ?? ZERO), ZERO);
  const credits = legs.reduce((sum, l) => sum.plus(l.credit ?? ZERO), ZERO);
  for (const leg of legs) {
    const amount = leg.debit ?? leg.credit;
    if ((leg.debit && leg.credit) || !amount || amount.lte(0) || amount.decimalPlaces() > SCALE) {
      throw new Error(`ledger: each leg needs exactly one positive amount with at most ${SCALE} decimals`);
    }
  }
  if (!debits.eq(credits)) throw new Error(`ledger: unbalanced ${posting.kind} posting (${debits} ≠ ${credits})`);

  const wallets = await lockWallets(tx, legs.filter((l): l is Extract<Leg, { userId: number }> => !('platform' in l)));
  const entries: EntryRow[] = [];
  const next = new Map<number, { balance: Decimal; locked: Decimal }>();
  for (const leg of legs) {
    const debit = leg.debit ?? ZERO;
    const credit = leg.credit ?? ZERO;
    if ('platform' in leg) {
      entries.push({ account: PLATFORM_ACCOUNTS[leg.platform].code, walletId: null, debit, credit });
      continue;
    }
    const wallet = wallets.get(walletKey(leg.userId, leg.wallet));
    if (!wallet) throw new Error(`ledger: no ${leg.wallet} wallet for user ${leg.userId}`);
    const state = next.get(wallet.id) ?? { balance: new Decimal(wallet.balance), locked: new Decimal(wallet.locked_balance) };
    // Member wallets are liabilities: credits raise them, debits lower them.
    if (leg.locked) state.locked = state.locked.plus(credit).minus(debit);
    else state.balance = state.balance.plus(credit).minus(debit);
    next.set(wallet.id, state);
    entries.push({ account: leg.locked ? MEMBER_LOCKED : MEMBER_BALANCE, walletId: wallet.id, debit, credit });
  }
  for (const [walletId, state] of next) {
    const wallet = [...wallets.values()].find((w) => w.id === walletId)!;
    if (state.balance.isNegative() || state.locked.isNegative()) {
      throw unprocessable('insufficient_funds', `Insufficient funds in ${wallet.wallet_type}`, [
        { field: 'amount', message: `exceeds the available ${wallet.wallet_type} balance` },
      ]);
    }
    if (state.balance.gt(MAX_AMOUNT) || state.locked.gt(MAX_AMOUNT)) throw outOfRange(wallet.wallet_type);
  }
  return writePosting(tx, posting, entries, next);
}

/** Income postings carry their total_income memo beside the real legs. */
function withIncomeMemo(posting: Posting): Leg[] {
  if (!POSTING_KINDS[posting.kind].income) return posting.legs;
  const memo: Leg[] = [];
  for (const leg of posting.legs) {
    if ('platform' in leg || leg.locked || !isIncomeWallet(leg.wallet)) continue;
    if (leg.credit) {
      memo.push({ userId: leg.userId, wallet: 'total_income', credit: leg.credit }, { platform: 'incomeMemo', debit: leg.credit });
    } else if (leg.debit) {
      memo.push({ userId: leg.userId, wallet: 'total_income', debit: leg.debit }, { platform: 'incomeMemo', credit: leg.debit });
    }
  }
  return [...posting.legs, ...memo];
}

/**
 * One statement — a round trip saved is most of a transfer's cost: the member-visible transactions
 * row (when the posting brings one), the posting, its entries and the wallet updates.
 */
async function writePosting(
  tx: Transaction,
  posting: Posting,
  entries: EntryRow[],
  next: Map<number, { balance: Decimal; locked: Decimal }>,
): Promise<Posted> {
  const walletIds = [...next.keys()];
  const columns = RECORD_COLUMNS.filter((c) => posting.record && c in posting.record);
  const source = posting.record
    ? `INSERT INTO transactions (${columns.join(', ')}) VALUES (${columns.map((c) => `:record_${c}`).join(', ')}) RETURNING id, created_at`
    : `SELECT CAST(:transactionId AS integer) AS id, CAST(NULL AS timestamptz) AS created_at`;
  const recordValues = Object.fromEntries(columns.map((c) => [`record_${c}`, posting.record![c] ?? null]));
  const [row] = await db().query<{ posting_id: string; transaction_id: number | null; created_at: Date | null }>(
    `WITH t AS (${source}), p AS (
       INSERT INTO ledger_postings (kind, description, transaction_id, created_by)
       SELECT :kind, :description, t.id, :createdBy FROM t RETURNING id
     ), e AS (
       INSERT INTO ledger_entries (posting_id, account, wallet_id, debit, credit)
       SELECT p.id, x.account, x.wallet_id, x.debit, x.credit
         FROM p, unnest(ARRAY[:accounts]::varchar[], ARRAY[:entryWallets]::int[], ARRAY[:debits]::numeric[], ARRAY[:credits]::numeric[])
              AS x(account, wallet_id, debit, credit)
     ), w AS (
       UPDATE wallets SET balance = v.balance, locked_balance = v.locked, updated_at = now()
         FROM unnest(ARRAY[:walletIds]::int[], ARRAY[:balances]::numeric[], ARRAY[:lockeds]::numeric[]) AS v(id, balance, locked)
        WHERE wallets.id = v.id
     )
     SELECT p.id AS posting_id, t.id AS transaction_id, t.created_at FROM p, t`,
    {
      replacements: {
        ...recordValues,
        kind: posting.kind,
        description: posting.description ?? null,
        transactionId: posting.transactionId ?? null,
        createdBy: posting.createdBy ?? null,
        accounts: entries.map((e) => e.account),
        entryWallets: entries.map((e) => e.walletId),
        debits: entries.map((e) => e.debit.toFixed(SCALE)),
        credits: entries.map((e) => e.credit.toFixed(SCALE)),
        walletIds: walletIds.length ? walletIds : [0],
        balances: walletIds.length ? walletIds.map((id) => next.get(id)!.balance.toFixed(SCALE)) : ['0'],
        lockeds: walletIds.length ? walletIds.map((id) => next.get(id)!.locked.toFixed(SCALE)) : ['0'],
      },
      type: QueryTypes.SELECT,
      transaction: tx,
    },
  );
  return { postingId: Number(row.posting_id), transactionId: row.transaction_id, createdAt: row.created_at };
}

/** A balance the database column cannot hold: refused before anything is written. */
export function outOfRange(wallet: string) {
  return unprocessable('amount_out_of_range', `The ${wallet} balance would exceed the largest amount the platform holds (${formatMoney(MAX_AMOUNT)})`, [
    { field: 'amount', message: 'too large for the wallet' },
  ]);
}

export interface BulkCredits {
  kind: PostingKind;
  /** The platform account debited for the total (an expense). */
  platform: PlatformAccount;
  /** The member wallet every credit lands in. */
  wallet: WalletType;
  credits: { userId: number; amount: Decimal }[];
  description?: string;
  createdBy?: number;
}

/**
 * post() for thousands of members at once (daily staking, distributions): ONE balanced posting —
 * the platform account debited with the total, each member's wallet credited, and for income kinds
 * each member's total_income credited against one memo entry for the total — written set-based in
 * two statements whatever the count: lock the wallets (in the lock order), then insert entries and
 * update balances. Credits only raise balances, so no bucket can go negative here.
 */
export async function postBulkCredits(tx: Transaction, bulk: BulkCredits): Promise<{ postingId: number | null; total: Decimal }> {
  if (bulk.credits.length === 0) return { postingId: null, total: ZERO };
  const seen = new Set<number>();
  let total = ZERO;
  for (const c of bulk.credits) {
    if (!c.amount.isPositive() || c.amount.isZero() || c.amount.decimalPlaces() > SCALE) {
      throw new Error(`ledger: each bulk credit needs a positive amount with at most ${SCALE} decimals`);
    }
    if (seen.has(c.userId)) throw new Error(`ledger: user ${c.userId} appears twice in one bulk posting`);
    seen.add(c.userId);
    total = total.plus(c.amount);
  }
  if (total.gt(MAX_AMOUNT)) throw outOfRange(`${bulk.wallet} total`);
  const income = POSTING_KINDS[bulk.kind].income && isIncomeWallet(bulk.wallet);
  const wallets: WalletType[] = income ? [bulk.wallet, 'total_income'] : [bulk.wallet];
  // Comma-joined text arrays: one bound string instead of 50,000 escaped literals.
  // In user order, as the lock order wants. The id range lets the planner reach
  // the batch's wallets through the (user_id, wallet_type) index instead of scanning every wallet.
  const credits = [...bulk.credits].sort((a, b) => a.userId - b.userId);
  const replacements = {
    userIds: credits.map((c) => c.userId).join(','),
    amounts: credits.map((c) => c.amount.toFixed(SCALE)).join(','),
    wallets,
    minId: credits[0].userId,
    maxId: credits[credits.length - 1].userId,
  };
  const locked = await lockMemberWallets(tx, credits.map((c) => c.userId), wallets);
  if (locked !== bulk.credits.length * wallets.length) throw new Error(`ledger: missing ${bulk.wallet} wallets for a bulk ${bulk.kind} posting`);
  // A member's balance pushed past NUMERIC(20,8) fails the update (22003), which answers 422 too.

  const [row] = await db().query<{ id: number }>(
    `WITH c AS (
       SELECT * FROM unnest(string_to_array(:userIds, ',')::int[], string_to_array(:amounts, ',')::numeric[]) AS c(user_id, amount)
     ), t AS (
       SELECT w.id AS wallet_id, c.amount FROM c JOIN wallets w
           ON w.user_id = c.user_id AND w.wallet_type IN (:wallets) AND w.user_id BETWEEN :minId AND :maxId
     ), p AS (
       INSERT INTO ledger_postings (kind, description, created_by) VALUES (:kind, :description, :createdBy) RETURNING id
     ), e AS (
       INSERT INTO ledger_entries (posting_id, account, wallet_id, debit, credit)
       SELECT p.id, :memberAccount::varchar, t.wallet_id, 0::numeric, t.amount FROM p, t
       UNION ALL SELECT p.id, :platformAccount, NULL, :total::numeric, 0 FROM p
       UNION ALL SELECT p.id, :memoAccount, NULL, :total::numeric, 0 FROM p WHERE :income
     ), w AS (
       UPDATE wallets SET balance = wallets.balance + t.amount, updated_at = now()
         FROM t WHERE wallets.id = t.wallet_id AND wallets.user_id BETWEEN :minId AND :maxId
     )
     SELECT id FROM p`,
    {
      replacements: {
        ...replacements,
        kind: bulk.kind,
        description: bulk.description ?? null,
        createdBy: bulk.createdBy ?? null,
        memberAccount: MEMBER_BALANCE,
        platformAccount: PLATFORM_ACCOUNTS[bulk.platform].code,
        memoAccount: PLATFORM_ACCOUNTS.incomeMemo.code,
        total: total.toFixed(SCALE),
        income,
      },
      type: QueryTypes.SELECT,
      transaction: tx,
    },
  );
  return { postingId: Number(row.id), total };
}
