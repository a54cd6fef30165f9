import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { unprocessable } from '../http/errors.js';
import { Decimal, MAX_AMOUNT, SCALE, ZERO, formatMoney } from '../money/money.js';
import { INCOME_WALLETS, type WalletType } from './wallet-types.js';
import { MEMBER_BALANCE, PLATFORM_ACCOUNTS, POSTING_KINDS, type PlatformAccount, type PostingKind } from './ledger.accounts.js';
import { ambientUnit, claimWallets, clientOf, lockMemberWallets, withClient } from './lock-order.js';
import type pg from 'pg';

/** One side of a posting: a member wallet bucket or a platform account, debited or credited. */
export type Leg =
  | { userId: number; wallet: WalletType; locked?: boolean; debit?: Decimal; credit?: Decimal }
  | { platform: PlatformAccount; debit?: Decimal; credit?: Decimal };

/** The member-visible `transactions` row a posting may create in the same statement (ledger_post's columns). */
type RecordColumn =
  | 'user_id' | 'transaction_type' | 'wallet_type' | 'to_wallet_type' | 'amount' | 'fee' | 'net_amount' | 'status'
  | 'description' | 'reference' | 'wallet_address' | 'tx_hash' | 'admin_notes' | 'reason' | 'processed_by' | 'processed_at';
export type TransactionRecord = Partial<Record<RecordColumn, string | number | Date | null>>;

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

const isIncomeWallet = (w: WalletType) => (INCOME_WALLETS as readonly string[]).includes(w);
type MemberLeg = Extract<Leg, { userId: number }>;
const isMemberLeg = (l: Leg): l is MemberLeg => !('platform' in l);

/** A posting's legs with its total_income memo, checked: one positive amount each, balanced. */
function checkedLegs(posting: Posting): Leg[] {
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
  return legs;
}

/**
 * The only code that changes a balance. Inside the caller's unit it takes the posting's wallets in
 * the lock order (a unit that posts more than once locks them all first), then one call of the
 * database's ledger_post function (migration 20261125000101) locks them, refuses a bucket below
 * zero (422 insufficient_funds) or past NUMERIC(20,8) (422 amount_out_of_range), and writes the
 * transactions row when given, the immutable entries and the new balances — one round trip,
 * through the driver directly as a prepared statement. Income kinds also move the member's
 * total_income memo.
 */
export async function post(tx: Transaction, posting: Posting): Promise<Posted> {
  const legs = checkedLegs(posting);
  claimWallets(tx, legs.filter(isMemberLeg));
  return callLedgerPost(clientOf(tx), posting, legs);
}

/**
 * A unit that is one posting and nothing else (a transfer): the single statement is atomic on its
 * own, so it runs without BEGIN and COMMIT — inside the caller's unit when there is one.
 */
export async function postAlone(posting: Posting): Promise<Posted> {
  const tx = ambientUnit();
  if (tx) return post(tx, posting);
  const legs = checkedLegs(posting);
  return withClient((client) => callLedgerPost(client, posting, legs));
}

/**
 * Several postings of one unit in one round trip (ledger_post_many), in order: all their wallets
 * are claimed first, so the lock order holds across them.
 */
export async function postMany(tx: Transaction, postings: Posting[]): Promise<Posted[]> {
  if (postings.length <= 1) return Promise.all(postings.map((p) => post(tx, p)));
  const checked = postings.map((posting) => ({ posting, legs: checkedLegs(posting) }));
  claimWallets(tx, checked.flatMap((c) => c.legs.filter(isMemberLeg)));
  const body = checked.map(({ posting, legs }) => {
    const [kind, description, transaction_id, created_by, record, user_ids, wallet_types, locked, member_debits, member_credits, accounts, platform_debits, platform_credits] =
      ledgerPostArgs(posting, legs);
    return { kind, description, transaction_id, created_by, record: record === null ? null : JSON.parse(record as string), user_ids, wallet_types, locked, member_debits, member_credits, accounts, platform_debits, platform_credits };
  });
  const { rows } = await clientOf(tx).query<{ ord: number; posting_id: string; transaction_id: number | null; created_at: Date | null }>({
    name: 'ledger_post_many',
    text: 'SELECT ord, posting_id, transaction_id, created_at FROM ledger_post_many($1)',
    values: [JSON.stringify(body)],
  });
  return rows
    .sort((a, b) => a.ord - b.ord)
    .map((row) => ({ postingId: Number(row.posting_id), transactionId: row.transaction_id, createdAt: row.created_at }));
}

const POST_SQL = `SELECT posting_id, transaction_id, created_at FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

/** ledger_post's arguments, in order. */
function ledgerPostArgs(posting: Posting, legs: Leg[]): unknown[] {
  const member = legs.filter(isMemberLeg);
  const platform = legs.filter((l): l is Exclude<Leg, MemberLeg> => 'platform' in l);
  const amount = (d: Decimal | undefined) => (d ?? ZERO).toFixed(SCALE);
  return [
    posting.kind,
    posting.description ?? null,
    posting.transactionId ?? null,
    posting.createdBy ?? null,
    posting.record ? JSON.stringify(recordJson(posting.record)) : null,
    member.map((l) => l.userId),
    member.map((l) => l.wallet),
    member.map((l) => Boolean(l.locked)),
    member.map((l) => amount(l.debit)),
    member.map((l) => amount(l.credit)),
    platform.map((l) => PLATFORM_ACCOUNTS[l.platform].code),
    platform.map((l) => amount(l.debit)),
    platform.map((l) => amount(l.credit)),
  ];
}

async function callLedgerPost(client: pg.ClientBase, posting: Posting, legs: Leg[]): Promise<Posted> {
  const { rows } = await client.query<{ posting_id: string; transaction_id: number | null; created_at: Date | null }>({
    name: 'ledger_post',
    text: POST_SQL,
    values: ledgerPostArgs(posting, legs),
  });
  const [row] = rows;
  return { postingId: Number(row.posting_id), transactionId: row.transaction_id, createdAt: row.created_at };
}

/** Dates as ISO text for jsonb_populate_record. */
function recordJson(record: TransactionRecord) {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
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

/** A balance the database column cannot hold: refused before anything is written. */
export function outOfRange(wallet: string) {
  return unprocessable('amount_out_of_range', `The ${wallet} balance would exceed the largest amount the platform holds (${formatMoney(MAX_AMOUNT)})`, [
    { field: 'amount', message: 'too large for the wallet' },
  ]);
}

/**
 * Many members' credits the way the database hands them over and takes them back: member ids
 * ascending and amounts, comma-joined in the same order — no object per member in Node.
 */
export interface PackedCredits {
  count: number;
  userIds: string;
  amounts: string;
  total: string;
}

/** A SELECT packing rows (user_id, amount) of `source` the way PackedCredits wants them, one row even when empty. */
export const packedFrom = (source: string) =>
  `SELECT count(*)::int AS count, coalesce(string_agg(user_id::text, ',' ORDER BY user_id), '') AS "userIds",
          coalesce(string_agg(amount::text, ',' ORDER BY user_id), '') AS amounts, coalesce(sum(amount), 0)::text AS total
     FROM ${source}`;

/** Packs credits computed in code (small lists, tests), checking what SQL-made packs guarantee by construction. */
export function packCredits(credits: { userId: number; amount: Decimal }[]): PackedCredits {
  const sorted = [...credits].sort((a, b) => a.userId - b.userId);
  let total = ZERO;
  for (const [i, c] of sorted.entries()) {
    if (!c.amount.isPositive() || c.amount.isZero() || c.amount.decimalPlaces() > SCALE) {
      throw new Error(`ledger: each bulk credit needs a positive amount with at most ${SCALE} decimals`);
    }
    if (i > 0 && sorted[i - 1].userId === c.userId) throw new Error(`ledger: user ${c.userId} appears twice in one bulk posting`);
    total = total.plus(c.amount);
  }
  return {
    count: sorted.length,
    userIds: sorted.map((c) => c.userId).join(','),
    amounts: sorted.map((c) => c.amount.toFixed(SCALE)).join(','),
    total: total.toFixed(SCALE),
  };
}

export interface BulkCredits {
  kind: PostingKind;
  /** The platform account debited for the total (an expense). */
  platform: PlatformAccount;
  /** The member wallet every credit lands in. */
  wallet: WalletType;
  credits: PackedCredits;
  description?: string;
  createdBy?: number;
}

/**
 * post() for thousands of members at once (daily staking, distributions): ONE balanced posting —
 * the platform account debited with the total, each member's wallet credited, and for income kinds
 * each member's total_income credited against one memo entry for the total — written set-based in
 * two statements whatever the count: lock the wallets (in the lock order), then insert entries and
 * update balances. Credits only raise balances, so no bucket can go negative here; one pushed past
 * NUMERIC(20,8) fails the update (22003), which answers 422 too.
 */
export async function postBulkCredits(tx: Transaction, bulk: BulkCredits): Promise<{ postingId: number | null; total: Decimal }> {
  const { credits } = bulk;
  if (credits.count === 0) return { postingId: null, total: ZERO };
  const total = new Decimal(credits.total);
  if (total.gt(MAX_AMOUNT)) throw outOfRange(`${bulk.wallet} total`);
  const income = POSTING_KINDS[bulk.kind].income && isIncomeWallet(bulk.wallet);
  const wallets: WalletType[] = income ? [bulk.wallet, 'total_income'] : [bulk.wallet];
  const locked = await lockMemberWallets(tx, credits.userIds, wallets);
  if (locked.count !== credits.count * wallets.length) throw new Error(`ledger: missing ${bulk.wallet} wallets for a bulk ${bulk.kind} posting`);

  // The id range lets the planner reach the batch's wallets through the (user_id, wallet_type)
  // index instead of scanning every wallet.
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
        userIds: credits.userIds,
        amounts: credits.amounts,
        wallets,
        minId: locked.minId,
        maxId: locked.maxId,
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
