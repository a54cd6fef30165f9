import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import type { WalletType } from './wallet-types.js';

/**
 * THE LOCK ORDER — every unit of work that writes money or a member aggregate takes its row locks
 * through this module, level by level, never going back to a lower level:
 *
 *   1. the record being decided — one `transactions` row (approve, reject, cancel) or one
 *      `investments` row (reversal) — so two staff deciding the same record queue up before either
 *      holds anything else;
 *   2. member wallets, in (user_id, wallet_type) order — member by member, so a bulk posting that
 *      locks members range after range keeps the order too;
 *   3. member rows (`users`: total_investment, team_volume, rank), in id order.
 *
 * Every lock is FOR NO KEY UPDATE, never FOR UPDATE: inserting a row with a foreign key to a user or
 * a wallet (a new transactions row, a ledger entry) takes FOR KEY SHARE on it, which NO KEY UPDATE
 * does not block — so a foreign key can never cross the order. Rows that hang off one member (debts,
 * rank rewards, staking payouts) are written only by units holding that member's total_income
 * wallet (every income posting moves it), so they need no level of their own.
 *
 * A unit that breaks the order throws at once (a bug, caught by tests) rather than risk a deadlock
 * in production. `moneyUnit` runs the whole unit again on a deadlock or serialization failure as a
 * safety net; lock and statement timeouts (set on every connection) turn a pile-up into a 503.
 */

export interface WalletKey {
  userId: number;
  wallet: WalletType;
}

export interface LockedWallet {
  id: number;
  user_id: number;
  wallet_type: WalletType;
  balance: string;
  locked_balance: string;
}

interface Held {
  level: 0 | 1 | 2 | 3;
  /** Wallet keys held, and the largest one: new wallets must sort after it. */
  wallets: Set<string>;
  /** Bulk postings lock whole member sets at once: held as (members × wallet types). */
  bulk: { userIds: Set<number>; types: readonly WalletType[] }[];
  maxWallet: WalletKey | null;
  members: Set<number>;
  maxMember: number;
}

const held = new WeakMap<Transaction, Held>();

function state(tx: Transaction): Held {
  let s = held.get(tx);
  if (!s) {
    s = { level: 0, wallets: new Set(), bulk: [], maxWallet: null, members: new Set(), maxMember: 0 };
    held.set(tx, s);
  }
  return s;
}

export const walletKey = (userId: number, wallet: WalletType) => `${userId}:${wallet}`;

/** (user_id, wallet_type) order; wallet types are plain ASCII, compared as PostgreSQL's "C" collation does. */
export function compareWallets(a: WalletKey, b: WalletKey): number {
  if (a.userId !== b.userId) return a.userId - b.userId;
  return a.wallet < b.wallet ? -1 : a.wallet > b.wallet ? 1 : 0;
}

export class LockOrderError extends Error {
  constructor(message: string) {
    super(`lock order: ${message}`);
    this.name = 'LockOrderError';
  }
}

function isHeld(s: Held, k: WalletKey): boolean {
  return s.wallets.has(walletKey(k.userId, k.wallet)) || s.bulk.some((b) => b.userIds.has(k.userId) && b.types.includes(k.wallet));
}

/** Level 2 may follow level 0, 1 or 2, and only with keys after every wallet already held. */
function enterWallets(s: Held, fresh: WalletKey[]): void {
  if (fresh.length === 0) return;
  if (s.level > 2) throw new LockOrderError('wallets locked after member rows');
  const first = fresh.reduce((min, k) => (compareWallets(k, min) < 0 ? k : min));
  if (s.maxWallet && compareWallets(first, s.maxWallet) <= 0) {
    throw new LockOrderError(`wallet ${walletKey(first.userId, first.wallet)} locked after ${walletKey(s.maxWallet.userId, s.maxWallet.wallet)}`);
  }
  s.level = 2;
  s.maxWallet = fresh.reduce((max, k) => (compareWallets(k, max) > 0 ? k : max));
}

/**
 * Level 1: the one record a unit decides, locked before anything else. Returns the row, or
 * undefined when no row matches.
 */
export async function lockRecord<T extends object>(tx: Transaction, table: 'transactions' | 'investments', where: string, replacements: Record<string, unknown>): Promise<T | undefined> {
  const s = state(tx);
  if (s.level !== 0) throw new LockOrderError(`${table} row locked after other rows`);
  const [row] = await db().query<T>(`SELECT * FROM ${table} WHERE ${where} FOR NO KEY UPDATE`, { replacements, type: QueryTypes.SELECT, transaction: tx });
  s.level = 1;
  return row;
}

/**
 * Level 2: locks the given wallets (those not held yet must sort after every held one) and returns
 * all of them with their current balances, keyed by walletKey. A missing wallet is a bug.
 */
export async function lockWallets(tx: Transaction, keys: WalletKey[]): Promise<Map<string, LockedWallet>> {
  const s = state(tx);
  const unique = new Map<string, WalletKey>();
  for (const k of keys) unique.set(walletKey(k.userId, k.wallet), { userId: k.userId, wallet: k.wallet });
  if (unique.size === 0) return new Map();
  enterWallets(s, [...unique.values()].filter((k) => !isHeld(s, k)));
  const list = [...unique.values()].sort(compareWallets);
  const rows = await db().query<LockedWallet>(
    `SELECT w.id, w.user_id, w.wallet_type, w.balance, w.locked_balance
       FROM wallets w
       JOIN unnest(ARRAY[:userIds]::int[], ARRAY[:types]::varchar[]) AS k(user_id, wallet_type)
         ON w.user_id = k.user_id AND w.wallet_type = k.wallet_type
      ORDER BY w.user_id, w.wallet_type COLLATE "C"
      FOR NO KEY UPDATE OF w`,
    { replacements: { userIds: list.map((k) => k.userId), types: list.map((k) => k.wallet) }, type: QueryTypes.SELECT, transaction: tx },
  );
  for (const key of unique.keys()) s.wallets.add(key);
  const byKey = new Map(rows.map((r) => [walletKey(r.user_id, r.wallet_type), r]));
  for (const key of unique.keys()) if (!byKey.has(key)) throw new Error(`no ${key.split(':')[1]} wallet for user ${key.split(':')[0]}`);
  return byKey;
}

/**
 * Level 2 without a round trip: the wallets of one posting, whose single statement takes the row
 * locks itself in the same order (the ledger's ledger_post function). Only the bookkeeping here.
 */
export function claimWallets(tx: Transaction, keys: WalletKey[]): void {
  const s = state(tx);
  const fresh = new Map<string, WalletKey>();
  for (const k of keys) if (!isHeld(s, k)) fresh.set(walletKey(k.userId, k.wallet), { userId: k.userId, wallet: k.wallet });
  enterWallets(s, [...fresh.values()]);
  for (const key of fresh.keys()) s.wallets.add(key);
}

/**
 * Level 2 for a bulk posting: the given wallet types of many members (ids ascending, comma-joined
 * as in PackedCredits), in one statement. Returns how many wallet rows were locked and the id range.
 */
export async function lockMemberWallets(tx: Transaction, packedUserIds: string, types: readonly WalletType[]): Promise<{ count: number; minId: number; maxId: number }> {
  const s = state(tx);
  const userIds = new Set(packedUserIds.split(',').map(Number));
  const comma = packedUserIds.indexOf(',');
  const minId = Number(comma < 0 ? packedUserIds : packedUserIds.slice(0, comma));
  const maxId = Number(packedUserIds.slice(packedUserIds.lastIndexOf(',') + 1));
  const sortedTypes = [...types].sort();
  const ends = [
    { userId: minId, wallet: sortedTypes[0] },
    { userId: maxId, wallet: sortedTypes[sortedTypes.length - 1] },
  ];
  if (!ends.every((k) => isHeld(s, k))) enterWallets(s, ends);
  const [{ locked }] = await db().query<{ locked: number }>(
    `SELECT count(*)::int AS locked FROM (
       SELECT w.id FROM wallets w
        WHERE w.user_id BETWEEN :minId AND :maxId AND w.user_id = ANY(string_to_array(:userIds, ',')::int[]) AND w.wallet_type IN (:types)
        ORDER BY w.user_id, w.wallet_type COLLATE "C" FOR NO KEY UPDATE
     ) l`,
    { replacements: { userIds: packedUserIds, types: sortedTypes, minId, maxId }, type: QueryTypes.SELECT, transaction: tx },
  );
  s.bulk.push({ userIds, types: sortedTypes });
  return { count: locked, minId, maxId };
}

/** Level 3: member rows whose aggregates the unit changes (ids not held yet must follow every held one). */
export async function lockMembers(tx: Transaction, userIds: number[]): Promise<void> {
  const fresh = enterMembers(state(tx), userIds);
  if (fresh.length === 0) return;
  await db().query(`SELECT id FROM users WHERE id = ANY(ARRAY[:ids]::int[]) ORDER BY id FOR NO KEY UPDATE`, {
    replacements: { ids: fresh },
    type: QueryTypes.SELECT,
    transaction: tx,
  });
}

/** Level 3 may follow any level, and only with ids after every member row already held. Returns the new ids. */
function enterMembers(s: Held, userIds: number[]): number[] {
  const fresh = [...new Set(userIds)].filter((id) => !s.members.has(id)).sort((a, b) => a - b);
  if (fresh.length === 0) return fresh;
  if (fresh[0] <= s.maxMember) throw new LockOrderError(`member ${fresh[0]} locked after member ${s.maxMember}`);
  s.level = 3;
  for (const id of fresh) s.members.add(id);
  s.maxMember = fresh[fresh.length - 1];
  return fresh;
}

/**
 * Levels 2 and 3 taken by one statement of the caller's that locks exactly these wallets and then
 * these member rows, each in the order (an investment's first statement): only the bookkeeping here.
 */
export function claimLocked(tx: Transaction, wallets: WalletKey[], members: number[]): void {
  claimWallets(tx, wallets);
  enterMembers(state(tx), members);
}

/** Whether the unit already holds this member's row (level 3). */
export function holdsMember(tx: Transaction, userId: number): boolean {
  return state(tx).members.has(userId);
}

const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure
const ATTEMPTS = 3;

export function pgCode(error: unknown): string | undefined {
  const e = error as { parent?: { code?: string }; original?: { code?: string }; code?: string };
  return e?.parent?.code ?? e?.original?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
}

const ambient = new AsyncLocalStorage<Transaction>();

/** The unit the caller runs in, if any. */
export const ambientUnit = (): Transaction | undefined => ambient.getStore();

/** The driver's connection under a unit: the money paths talk to it directly, as prepared statements. */
export const clientOf = (tx: Transaction): pg.ClientBase => (tx as unknown as { connection: pg.ClientBase }).connection;

/**
 * A unit of one statement on a pool connection, outside any transaction block (it is atomic on its
 * own), retried like moneyUnit on a deadlock or serialization failure.
 */
export async function withClient<T>(work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  const manager = db().connectionManager;
  for (let attempt = 1; ; attempt++) {
    const client = (await manager.getConnection({ type: 'write' })) as pg.ClientBase;
    try {
      return await work(client);
    } catch (error) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(pgCode(error) ?? '')) throw error;
    } finally {
      manager.releaseConnection(client as never);
    }
    await sleep(5 + Math.random() * 20 * attempt);
  }
}

/**
 * One unit of work that writes money: a transaction whose locks follow the order above, run again
 * from the start (at most three times) if PostgreSQL still reports a deadlock or serialization
 * failure. Nothing outside the transaction may happen inside `work`: after-commit hooks (e-mail)
 * fire only for the attempt that commits.
 *
 * A unit started inside another (a money route opens one around its Idempotency-Key, then calls
 * the service) joins it, so the key, the money and the answer commit together. `detached` units
 * (staking batches) always commit on their own.
 */
export async function moneyUnit<T>(work: (tx: Transaction) => Promise<T>, opts: { detached?: boolean } = {}): Promise<T> {
  const outer = opts.detached ? undefined : ambient.getStore();
  if (outer) return work(outer);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().transaction((tx) => ambient.run(tx, () => work(tx)));
    } catch (error) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(pgCode(error) ?? '')) throw error;
      await sleep(5 + Math.random() * 20 * attempt);
    }
  }
}
