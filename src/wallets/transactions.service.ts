import { Op, QueryTypes, type Transaction, type WhereOptions } from 'sequelize';
import type { z } from 'zod';
import { db } from '../db/database.js';
import { getConfig } from '../config/config.service.js';
import { conflict, forbidden, notFound, unprocessable } from '../http/errors.js';
import { offsetOf, type Page } from '../http/pagination.js';
import { Decimal, formatMoney } from '../money/money.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import {
  notifyDepositApproved,
  notifyDepositReceived,
  notifyDepositRejected,
  notifyWithdrawalApproved,
  notifyWithdrawalRejected,
  notifyWithdrawalRequested,
} from '../notify/notifications.js';
import { post, postAlone, type Posted, type Posting, type TransactionRecord } from './ledger.service.js';
import { lockMembers, lockRecord, lockWallets, moneyUnit } from './lock-order.js';
import { adjustmentNeedsSecondPerson, approvalGate, requestAdjustment } from './dual-approval.service.js';
import { MoneyTransaction } from './transaction.model.js';
import { findMember } from '../users/users.service.js';
import type { WalletType } from './wallet-types.js';
import type { depositBody, historyQuery, staffListQuery, transferBody, withdrawBody } from './transactions.schemas.js';

export function toView(t: MoneyTransaction, opts: { staff: boolean } = { staff: false }) {
  return {
    id: t.id,
    user_id: t.user_id,
    transaction_type: t.transaction_type,
    wallet_type: t.wallet_type,
    to_wallet_type: t.to_wallet_type ?? null,
    amount: formatMoney(t.amount),
    fee: formatMoney(t.fee),
    net_amount: formatMoney(t.net_amount),
    status: t.status,
    description: t.description ?? null,
    reference: t.reference ?? null,
    wallet_address: t.wallet_address ?? null,
    tx_hash: t.tx_hash ?? null,
    // Staff-only fields: members see the outcome and a rejection's reason, not internal notes.
    admin_notes: opts.staff ? (t.admin_notes ?? null) : null,
    reason: t.reason ?? null,
    processed_by: opts.staff ? (t.processed_by ?? null) : null,
    created_at: t.created_at.toISOString(),
    processed_at: t.processed_at?.toISOString() ?? null,
  };
}

function notAllowed(field: string, wallet: string, allowed: readonly string[]) {
  return unprocessable('wallet_not_allowed', `${wallet} is not allowed here`, [{ field, message: `must be one of ${allowed.join(', ')}` }]);
}

/** A deposit request waits, credited only when staff approve it. */
export async function requestDeposit(userId: number, input: z.output<typeof depositBody>): Promise<MoneyTransaction> {
  const config = await getConfig(['deposit_wallets', 'min_deposit']);
  if (!(config.deposit_wallets as string[]).includes(input.wallet_type)) throw notAllowed('wallet_type', input.wallet_type, config.deposit_wallets);
  if (input.amount.lt(config.min_deposit)) {
    throw unprocessable('below_minimum', `The minimum deposit is ${config.min_deposit}`, [{ field: 'amount', message: `must be at least ${config.min_deposit}` }]);
  }
  return moneyUnit(async (tx) => {
    await lockMembers(tx, [userId]);
    await assertPendingRoom(tx, userId, 'deposit');
    const row = await MoneyTransaction.create(
      {
        user_id: userId,
        transaction_type: 'deposit',
        wallet_type: input.wallet_type,
        amount: input.amount.toFixed(8),
        fee: '0',
        net_amount: input.amount.toFixed(8),
        status: 'pending',
        reference: input.reference ?? null,
        description: `Deposit to ${input.wallet_type}`,
      },
      { transaction: tx },
    );
    await notifyDepositReceived(tx, notice(row));
    return row;
  });
}

/**
 * Open requests wait for staff: a member may keep only so many pending deposits, and separately
 * pending withdrawals, so one account cannot bury the queue. Called holding the member's row.
 */
async function assertPendingRoom(tx: Transaction, userId: number, type: 'deposit' | 'withdrawal'): Promise<void> {
  const { max_pending_per_member: max } = await getConfig(['max_pending_per_member'], tx);
  const [{ open }] = await db().query<{ open: number }>(
    `SELECT count(*)::int AS open FROM transactions WHERE user_id = :userId AND transaction_type = :type AND status = 'pending'`,
    { replacements: { userId, type }, type: QueryTypes.SELECT, transaction: tx },
  );
  if (open >= max) {
    throw unprocessable('too_many_pending', `You already have ${open} pending ${type}s: wait until staff process them`, [
      { field: 'amount', message: `at most ${max} pending ${type}s at a time` },
    ]);
  }
}

const notice = (row: MoneyTransaction) => ({ userId: row.user_id, amount: formatMoney(row.amount), transactionId: row.id });

/** The fee rounds up to 8 places: the platform never under-charges by a rounding remainder. */
export function withdrawalFee(amount: Decimal, fee: string, mode: 'percent' | 'flat'): Decimal {
  return mode === 'flat' ? new Decimal(fee) : amount.times(fee).dividedBy(100).toDecimalPlaces(8, Decimal.ROUND_UP);
}

/** Locks the gross amount at once (balance → locked) so it cannot be spent twice while pending. */
export async function requestWithdrawal(userId: number, input: z.output<typeof withdrawBody>): Promise<MoneyTransaction> {
  return moneyUnit(async (tx) => {
    const config = await getConfig(['withdrawal_wallets', 'min_withdrawal', 'withdrawal_fee', 'withdrawal_fee_mode'], tx);
    if (!(config.withdrawal_wallets as string[]).includes(input.wallet_type)) throw notAllowed('wallet_type', input.wallet_type, config.withdrawal_wallets);
    if (input.amount.lt(config.min_withdrawal)) {
      throw unprocessable('below_minimum', `The minimum withdrawal is ${config.min_withdrawal}`, [{ field: 'amount', message: `must be at least ${config.min_withdrawal}` }]);
    }
    const fee = withdrawalFee(input.amount, config.withdrawal_fee, config.withdrawal_fee_mode);
    if (fee.gte(input.amount)) {
      throw unprocessable('fee_exceeds_amount', 'The withdrawal fee would take the whole amount', [{ field: 'amount', message: `must exceed the fee of ${formatMoney(fee)}` }]);
    }
    await lockWallets(tx, [{ userId, wallet: input.wallet_type }]);
    await lockMembers(tx, [userId]);
    await assertPendingRoom(tx, userId, 'withdrawal');
    const row = await postRecorded(tx, {
      kind: 'withdrawal_lock',
      record: {
        user_id: userId,
        transaction_type: 'withdrawal',
        wallet_type: input.wallet_type,
        amount: input.amount.toFixed(8),
        fee: fee.toFixed(8),
        net_amount: input.amount.minus(fee).toFixed(8),
        status: 'pending',
        wallet_address: input.wallet_address,
        description: `Withdrawal from ${input.wallet_type} to ${input.wallet_address}`,
      },
      legs: [
        { userId, wallet: input.wallet_type, debit: input.amount },
        { userId, wallet: input.wallet_type, locked: true, credit: input.amount },
      ],
    });
    await notifyWithdrawalRequested(tx, { ...notice(row), fee: formatMoney(row.fee), netAmount: formatMoney(row.net_amount), walletAddress: input.wallet_address });
    return row;
  });
}

/**
 * A transfer between the member's own wallets completes at once if config allows the pair: one
 * posting, so one statement (postAlone).
 */
export async function transfer(userId: number, input: z.output<typeof transferBody>): Promise<MoneyTransaction> {
  const { transfer_rules } = await getConfig(['transfer_rules']);
  const allowed = transfer_rules.some((r) => r.from === input.from_wallet && r.to === input.to_wallet);
  if (!allowed || input.from_wallet === 'total_income' || input.from_wallet === 'my_investment') {
    throw unprocessable('transfer_not_allowed', `Transfers from ${input.from_wallet} to ${input.to_wallet} are not allowed`, [
      { field: 'to_wallet', message: 'this wallet pair is not allowed' },
    ]);
  }
  const posting: Posting & { record: TransactionRecord } = {
    kind: 'transfer',
    record: {
      user_id: userId,
      transaction_type: 'transfer',
      wallet_type: input.from_wallet,
      to_wallet_type: input.to_wallet,
      amount: input.amount.toFixed(8),
      fee: '0.00000000',
      net_amount: input.amount.toFixed(8),
      status: 'completed',
      processed_at: new Date(),
      description: `Transfer from ${input.from_wallet} to ${input.to_wallet}`,
    },
    legs: [
      { userId, wallet: input.from_wallet, debit: input.amount },
      { userId, wallet: input.to_wallet, credit: input.amount },
    ],
  };
  return recorded(posting, await postAlone(posting));
}

/** Posts a movement together with its new member-visible transactions row (one statement). */
async function postRecorded(tx: Transaction, posting: Posting & { record: TransactionRecord }): Promise<MoneyTransaction> {
  return recorded(posting, await post(tx, posting));
}

const recorded = (posting: Posting & { record: TransactionRecord }, { transactionId, createdAt }: Posted) =>
  MoneyTransaction.build({ ...posting.record, id: transactionId, created_at: createdAt }, { isNewRecord: false });

/** The record a decision is about, locked first (level 1 of the lock order). */
async function lockPending(tx: Transaction, where: string, replacements: Record<string, unknown>): Promise<MoneyTransaction> {
  const raw = await lockRecord<Record<string, unknown>>(tx, 'transactions', where, replacements);
  if (!raw) throw notFound('Transaction');
  const row = MoneyTransaction.build(raw, { isNewRecord: false, raw: true });
  if (row.status !== 'pending') throw conflict('not_pending', `Transaction is ${row.status}, not pending`);
  return row;
}

const DECIDABLE = `id = :id AND transaction_type IN ('deposit', 'withdrawal', 'adjustment')`;

/** The member may take back their own pending withdrawal: the locked amount returns. */
export async function cancelWithdrawal(userId: number, id: number): Promise<MoneyTransaction> {
  return moneyUnit(async (tx) => {
    const row = await lockPending(tx, 'id = :id AND user_id = :userId', { id, userId });
    if (row.transaction_type !== 'withdrawal') throw conflict('not_cancellable', 'Only pending withdrawals can be cancelled');
    await unlock(tx, row, null);
    return row.update({ status: 'cancelled', processed_at: new Date() }, { transaction: tx });
  });
}

async function unlock(tx: Transaction, row: MoneyTransaction, actor: Actor | null) {
  const amount = new Decimal(row.amount);
  const wallet = row.wallet_type as WalletType;
  await post(tx, {
    kind: 'withdrawal_unlock',
    transactionId: row.id,
    createdBy: actor?.id,
    legs: [
      { userId: row.user_id, wallet, locked: true, debit: amount },
      { userId: row.user_id, wallet, credit: amount },
    ],
  });
}

/**
 * Staff approval, only from pending. A deposit credits the wallet from platform cash; a withdrawal
 * releases its lock, pays the net amount out of cash and books the fee as revenue.
 */
export async function approve(actor: Actor, id: number, input: { admin_notes?: string; tx_hash?: string }): Promise<MoneyTransaction> {
  return moneyUnit(async (tx) => {
    const row = await lockPending(tx, DECIDABLE, { id });
    if (row.user_id === actor.id) throw forbidden('Staff cannot approve their own transactions');
    const before = toView(row, { staff: true });
    const gate = await approvalGate(tx, actor, row);
    if (!gate.execute) {
      await audit(actor, { action: 'transaction.approve_first', target: { type: 'transaction', id }, before, after: { approvers: gate.approvers }, reason: input.admin_notes }, tx);
      return row;
    }
    const amount = new Decimal(row.amount);
    const wallet = row.wallet_type as WalletType;
    if (row.transaction_type === 'deposit') {
      await post(tx, {
        kind: 'deposit',
        transactionId: row.id,
        createdBy: actor.id,
        legs: [
          { platform: 'cash', debit: amount },
          { userId: row.user_id, wallet, credit: amount },
        ],
      });
    } else if (row.transaction_type === 'adjustment') {
      await post(tx, { kind: 'adjustment', transactionId: row.id, createdBy: actor.id, legs: adjustmentLegs(row.user_id, wallet, amount.times(row.adjustment_sign ?? 1)) });
    } else {
      const fee = new Decimal(row.fee);
      await post(tx, {
        kind: 'withdrawal_payout',
        transactionId: row.id,
        createdBy: actor.id,
        legs: [
          { userId: row.user_id, wallet, locked: true, debit: amount },
          { platform: 'cash', credit: new Decimal(row.net_amount) },
          ...(fee.gt(0) ? [{ platform: 'withdrawalFees' as const, credit: fee }] : []),
        ],
      });
    }
    const updated = await row.update(
      { status: 'completed', processed_at: new Date(), processed_by: actor.id, admin_notes: input.admin_notes ?? null, tx_hash: input.tx_hash ?? null },
      { transaction: tx },
    );
    if (row.transaction_type === 'deposit') await notifyDepositApproved(tx, notice(updated));
    else if (row.transaction_type === 'withdrawal') await notifyWithdrawalApproved(tx, { ...notice(updated), txHash: updated.tx_hash });
    await audit(actor, { action: 'transaction.approve', target: { type: 'transaction', id }, before, after: toView(updated, { staff: true }), reason: input.admin_notes }, tx);
    return updated;
  });
}

/** Staff rejection, only from pending; a withdrawal's lock returns to the member. */
export async function reject(actor: Actor, id: number, input: { reason: string; admin_notes?: string }): Promise<MoneyTransaction> {
  return moneyUnit(async (tx) => {
    const row = await lockPending(tx, DECIDABLE, { id });
    const before = toView(row, { staff: true });
    if (row.transaction_type === 'withdrawal') await unlock(tx, row, actor);
    const updated = await row.update(
      { status: 'rejected', processed_at: new Date(), processed_by: actor.id, reason: input.reason, ...(input.admin_notes ? { admin_notes: input.admin_notes } : {}) },
      { transaction: tx },
    );
    if (row.transaction_type === 'deposit') await notifyDepositRejected(tx, { ...notice(updated), reason: input.reason });
    else if (row.transaction_type === 'withdrawal') await notifyWithdrawalRejected(tx, { ...notice(updated), reason: input.reason });
    await audit(actor, { action: 'transaction.reject', target: { type: 'transaction', id }, before, after: toView(updated, { staff: true }), reason: input.reason }, tx);
    return updated;
  });
}

/** A staff correction posted against the adjustments account — never a blind overwrite. */
export async function adjustWallet(actor: Actor, userId: number, input: { wallet_type: WalletType; amount: Decimal; reason: string }): Promise<MoneyTransaction> {
  // total_income follows income postings; my_investment follows investments (and users.total_investment).
  if (input.wallet_type === 'total_income' || input.wallet_type === 'my_investment') {
    throw unprocessable('wallet_not_allowed', `${input.wallet_type} cannot be adjusted by hand`, [{ field: 'wallet_type', message: 'cannot be adjusted' }]);
  }
  // Staff accounts hold no wallets: a staff id is not found here.
  await findMember(userId);
  return moneyUnit(async (tx) => {
    if (await adjustmentNeedsSecondPerson(input.amount, tx)) return requestAdjustment(tx, actor, userId, input);
    const amount = input.amount.abs();
    const credit = input.amount.isPositive();
    const row = await postRecorded(tx, {
      kind: 'adjustment',
      createdBy: actor.id,
      record: {
        user_id: userId,
        transaction_type: 'adjustment',
        wallet_type: input.wallet_type,
        amount: amount.toFixed(8),
        fee: '0.00000000',
        net_amount: amount.toFixed(8),
        status: 'completed',
        processed_at: new Date(),
        processed_by: actor.id,
        reason: input.reason,
        description: `Staff adjustment ${credit ? '+' : '-'}${formatMoney(amount)} ${input.wallet_type}`,
      },
      legs: adjustmentLegs(userId, input.wallet_type, input.amount),
    });
    await audit(
      actor,
      { action: 'wallet.adjust', target: { type: 'user', id: userId }, before: null, after: { wallet_type: input.wallet_type, amount: (credit ? '' : '-') + formatMoney(amount), transaction_id: row.id }, reason: input.reason },
      tx,
    );
    return row;
  });
}

/** A signed adjustment's posting: the member's wallet against the platform adjustments account. */
function adjustmentLegs(userId: number, wallet: WalletType, signed: Decimal): Posting['legs'] {
  const amount = signed.abs();
  const member = { userId, wallet };
  return signed.isPositive()
    ? [{ platform: 'adjustments', debit: amount }, { ...member, credit: amount }]
    : [{ ...member, debit: amount }, { platform: 'adjustments', credit: amount }];
}

function filters(q: z.output<typeof historyQuery>): WhereOptions<MoneyTransaction> {
  const where: Record<string | symbol, unknown> = {};
  if (q.wallet_type) where[Op.or] = [{ wallet_type: q.wallet_type }, { to_wallet_type: q.wallet_type }];
  if (q.status) where.status = q.status;
  if (q.type) where.transaction_type = q.type;
  if (q.from || q.to) where.created_at = { ...(q.from ? { [Op.gte]: q.from } : {}), ...(q.to ? { [Op.lte]: q.to } : {}) };
  return where as WhereOptions<MoneyTransaction>;
}

export async function history(userId: number, q: z.output<typeof historyQuery>): Promise<Page<ReturnType<typeof toView>>> {
  const { rows, count } = await MoneyTransaction.findAndCountAll({
    where: { ...filters(q), user_id: userId },
    order: [['created_at', 'DESC'], ['id', 'DESC']],
    limit: q.per_page,
    offset: offsetOf(q),
  });
  return { items: rows.map((r) => toView(r)), page: q.page, per_page: q.per_page, total: count };
}

export async function getOwn(userId: number, id: number): Promise<MoneyTransaction> {
  // Another member's id is indistinguishable from a missing one.
  const row = await MoneyTransaction.findOne({ where: { id, user_id: userId } });
  if (!row) throw notFound('Transaction');
  return row;
}

/** Staff queue: pending is listed oldest first (work the queue in order), everything else newest first. */
export async function listForStaff(q: z.output<typeof staffListQuery>): Promise<Page<ReturnType<typeof toView>>> {
  const where = { ...filters(q), ...(q.user_id ? { user_id: q.user_id } : {}) };
  const oldestFirst = q.sort ? q.sort === 'oldest' : q.status === 'pending';
  const direction = oldestFirst ? 'ASC' : 'DESC';
  const { rows, count } = await MoneyTransaction.findAndCountAll({
    where,
    order: [['created_at', direction], ['id', direction]],
    limit: q.per_page,
    offset: offsetOf(q),
  });
  return { items: rows.map((r) => toView(r, { staff: true })), page: q.page, per_page: q.per_page, total: count };
}

export async function getForStaff(id: number): Promise<MoneyTransaction> {
  const row = await MoneyTransaction.findByPk(id);
  if (!row) throw notFound('Transaction');
  return row;
}
