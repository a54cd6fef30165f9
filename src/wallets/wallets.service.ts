import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { formatMoney } from '../money/money.js';
import { WALLET_TYPES, type WalletType } from './wallet-types.js';

/** Opens the nine wallets at zero (no money moves, so this is not a ledger posting). */
export async function openWallets(userId: number, tx: Transaction): Promise<void> {
  await db().query(
    `INSERT INTO wallets (user_id, wallet_type) SELECT :userId, unnest(ARRAY[:types]::varchar[])`,
    { replacements: { userId, types: [...WALLET_TYPES] }, type: QueryTypes.INSERT, transaction: tx },
  );
}

export interface WalletView {
  wallet_type: WalletType;
  balance: string;
  locked_balance: string;
  updated_at: Date;
}

export async function listWallets(userId: number): Promise<WalletView[]> {
  const rows = await db().query<WalletView>(
    `SELECT wallet_type, balance, locked_balance, updated_at FROM wallets WHERE user_id = :userId`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  const order = new Map(WALLET_TYPES.map((t, i) => [t, i]));
  return rows
    .sort((a, b) => order.get(a.wallet_type)! - order.get(b.wallet_type)!)
    .map((r) => ({ ...r, balance: formatMoney(r.balance), locked_balance: formatMoney(r.locked_balance) }));
}

/** The dashboard's nine spendable balances, keyed by wallet type. */
export async function balancesOf(userId: number): Promise<Record<WalletType, string>> {
  const wallets = await listWallets(userId);
  return Object.fromEntries(wallets.map((w) => [w.wallet_type, w.balance])) as Record<WalletType, string>;
}
