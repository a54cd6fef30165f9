import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import type { EmailOutbox } from './email-outbox.model.js';
import { notifySettings, queueEmail } from './outbox.service.js';
import { welcome } from './templates/welcome.js';
import { depositReceived } from './templates/deposit-received.js';
import { depositApproved } from './templates/deposit-approved.js';
import { depositRejected } from './templates/deposit-rejected.js';
import { withdrawalRequested } from './templates/withdrawal-requested.js';
import { withdrawalApproved } from './templates/withdrawal-approved.js';
import { withdrawalRejected } from './templates/withdrawal-rejected.js';
import { passwordChanged } from './templates/password-changed.js';
import { staffPasswordReset } from './templates/staff-password-reset.js';
import { ledgerAlert } from './templates/ledger-alert.js';
import { opsAlert } from './templates/ops-alert.js';

/*
 * One function per event. Each takes the caller's transaction: call it inside the transaction that
 * makes the change, and the mail is queued if and only if that change commits. Amounts are the
 * ledger's decimal strings ("10.00000000").
 */

interface Recipient {
  id: number;
  username: string;
  first_name: string;
  role: string;
}

async function recipient(tx: Transaction, userId: number): Promise<Recipient> {
  const [user] = await db().query<Recipient>(`SELECT id, username, first_name, role FROM users WHERE id = :userId`, {
    replacements: { userId },
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  if (!user) throw new Error(`notify: no user ${userId}`);
  return user;
}

export interface MoneyNotice {
  userId: number;
  amount: string;
  transactionId: number | string;
}

export async function notifyWelcome(tx: Transaction, input: { userId: number }): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  const referralLink = `${notifySettings().referralBaseUrl.replace(/\/+$/, '')}/Register/${encodeURIComponent(user.username)}`;
  return queueEmail(tx, { userId: user.id, template: welcome, data: { firstName: user.first_name, username: user.username, referralLink }, category: 'security' });
}

export async function notifyDepositReceived(tx: Transaction, input: MoneyNotice): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: depositReceived, data: { ...input, firstName: user.first_name }, category: 'transaction' });
}

export async function notifyDepositApproved(tx: Transaction, input: MoneyNotice): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: depositApproved, data: { ...input, firstName: user.first_name }, category: 'transaction' });
}

export async function notifyDepositRejected(tx: Transaction, input: MoneyNotice & { reason?: string | null }): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: depositRejected, data: { ...input, firstName: user.first_name }, category: 'transaction' });
}

export async function notifyWithdrawalRequested(
  tx: Transaction,
  input: MoneyNotice & { fee?: string; netAmount?: string; walletAddress?: string },
): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: withdrawalRequested, data: { ...input, firstName: user.first_name }, category: 'transaction' });
}

export async function notifyWithdrawalApproved(tx: Transaction, input: MoneyNotice & { txHash?: string | null }): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: withdrawalApproved, data: { ...input, firstName: user.first_name }, category: 'transaction' });
}

export async function notifyWithdrawalRejected(tx: Transaction, input: MoneyNotice & { reason: string }): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: withdrawalRejected, data: { ...input, firstName: user.first_name }, category: 'transaction' });
}

export async function notifyPasswordChanged(tx: Transaction, input: { userId: number }): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: passwordChanged, data: { firstName: user.first_name, username: user.username }, category: 'security' });
}

export async function notifyStaffPasswordReset(tx: Transaction, input: { userId: number }): Promise<EmailOutbox> {
  const user = await recipient(tx, input.userId);
  return queueEmail(tx, { userId: user.id, template: staffPasswordReset, data: { username: user.username, role: user.role }, category: 'staff' });
}

/** To every active admin and finance user; returns the queued rows (none when there is no such staff). */
export async function notifyLedgerAlert(tx: Transaction, input: { summary: string; details?: [string, string][] }): Promise<EmailOutbox[]> {
  const staff = await db().query<{ id: number }>(
    `SELECT id FROM users WHERE role IN ('admin', 'finance') AND is_active ORDER BY id`,
    { type: QueryTypes.SELECT, transaction: tx },
  );
  const checkedAt = new Date();
  const rows: EmailOutbox[] = [];
  for (const { id } of staff) {
    rows.push(await queueEmail(tx, { userId: id, template: ledgerAlert, data: { summary: input.summary, details: input.details ?? [], checkedAt }, category: 'staff' }));
  }
  return rows;
}

/** To every active admin (backups and other operations trouble); returns the queued rows. */
export async function notifyOpsAlert(tx: Transaction, input: { title: string; summary: string; action: string; details?: [string, string][] }): Promise<EmailOutbox[]> {
  const admins = await db().query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id`, {
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  const at = new Date();
  const rows: EmailOutbox[] = [];
  for (const { id } of admins) {
    rows.push(await queueEmail(tx, { userId: id, template: opsAlert, data: { ...input, details: input.details ?? [], at }, category: 'staff' }));
  }
  return rows;
}
