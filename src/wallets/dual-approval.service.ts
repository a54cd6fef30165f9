import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { getConfigValue } from '../config/config.service.js';
import { conflict, forbidden } from '../http/errors.js';
import { Decimal, formatMoney } from '../money/money.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { MoneyTransaction } from './transaction.model.js';
import type { WalletType } from './wallet-types.js';

/**
 * Four-eyes on large amounts, in one place. A withdrawal of at least `dual_approval_threshold`
 * and a wallet adjustment of at least that much either way need two different staff members:
 * - a withdrawal: the first approval is recorded and the withdrawal stays pending; the second,
 *   by someone else, executes it;
 * - an adjustment: the staff member who asks for it is the first pair of eyes (it waits, pending,
 *   and moves nothing); another staff member's approval executes it; the requester never does.
 * Rejection needs one person. REST and the back-office both reach this through the same
 * transactions service (approve, adjustWallet).
 */

export const APPROVALS_REQUIRED = 2;

export async function threshold(tx?: Transaction): Promise<Decimal> {
  return new Decimal(await getConfigValue('dual_approval_threshold', tx));
}

/** Whether an adjustment of this signed amount must wait for a second person. */
export async function adjustmentNeedsSecondPerson(amount: Decimal, tx?: Transaction): Promise<boolean> {
  return amount.abs().gte(await threshold(tx));
}

/**
 * Records an adjustment request instead of posting it: a pending `adjustment` row that moves no
 * money until another staff member approves it.
 */
export async function requestAdjustment(
  tx: Transaction,
  actor: Actor,
  userId: number,
  input: { wallet_type: WalletType; amount: Decimal; reason: string },
): Promise<MoneyTransaction> {
  const amount = input.amount.abs();
  const sign = input.amount.isNegative() ? -1 : 1;
  const row = await MoneyTransaction.create(
    {
      user_id: userId,
      transaction_type: 'adjustment',
      wallet_type: input.wallet_type,
      amount: amount.toFixed(8),
      fee: '0',
      net_amount: amount.toFixed(8),
      status: 'pending',
      reason: input.reason,
      requested_by: actor.id,
      adjustment_sign: sign,
      description: `Staff adjustment ${sign > 0 ? '+' : '-'}${formatMoney(amount)} ${input.wallet_type} (awaiting a second approval)`,
    },
    { transaction: tx },
  );
  await audit(
    actor,
    {
      action: 'wallet.adjust_request',
      target: { type: 'user', id: userId },
      after: { wallet_type: input.wallet_type, amount: (sign > 0 ? '' : '-') + formatMoney(amount), transaction_id: row.id, approvals_required: APPROVALS_REQUIRED },
      reason: input.reason,
    },
    tx,
  );
  return row;
}

export interface ApprovalGate {
  /** True when this approval completes the decision: the caller executes it now. */
  execute: boolean;
  /** Staff ids who have approved so far, this one included. */
  approvers: number[];
}

/**
 * Called by approve() with the pending row already locked (level 1 of the lock order), so two approvals of the
 * same transaction are decided one after the other. Records this approval when two people are
 * needed and says whether to execute now.
 */
export async function approvalGate(tx: Transaction, actor: Actor, row: MoneyTransaction): Promise<ApprovalGate> {
  const isAdjustment = row.transaction_type === 'adjustment';
  if (isAdjustment && row.requested_by === actor.id) {
    throw forbidden('The staff member who asked for an adjustment cannot approve it: another person must');
  }
  const large = isAdjustment || (row.transaction_type === 'withdrawal' && new Decimal(row.amount).gte(await threshold(tx)));
  if (!large) return { execute: true, approvers: [actor.id] };

  const inserted = await db().query<{ staff_id: number }>(
    `INSERT INTO transaction_approvals (transaction_id, staff_id) VALUES (:id, :staff) ON CONFLICT DO NOTHING RETURNING staff_id`,
    { replacements: { id: row.id, staff: actor.id }, type: QueryTypes.SELECT, transaction: tx },
  );
  if (!inserted.length) throw conflict('already_approved', 'You have already approved this transaction: a different staff member must give the second approval');
  const approvers = await approversOf(row.id, tx);
  // An adjustment's requester counts as the first person.
  const people = isAdjustment ? approvers.length + 1 : approvers.length;
  return { execute: people >= APPROVALS_REQUIRED, approvers };
}

export async function approversOf(transactionId: number, tx?: Transaction): Promise<number[]> {
  const rows = await db().query<{ staff_id: number }>(
    `SELECT staff_id FROM transaction_approvals WHERE transaction_id = :id ORDER BY created_at, staff_id`,
    { replacements: { id: transactionId }, type: QueryTypes.SELECT, transaction: tx },
  );
  return rows.map((r) => r.staff_id);
}

/** Who approved a transaction and when, with names (REST views and the back-office). */
export async function approvalsOf(transactionId: number) {
  const rows = await db().query<{ staff_id: number; username: string; created_at: Date }>(
    `SELECT a.staff_id, u.username, a.created_at FROM transaction_approvals a JOIN users u ON u.id = a.staff_id
      WHERE a.transaction_id = :id ORDER BY a.created_at, a.staff_id`,
    { replacements: { id: transactionId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ staff_id: r.staff_id, username: r.username, approved_at: new Date(r.created_at).toISOString() }));
}
