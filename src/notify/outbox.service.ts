import { QueryTypes, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import { db, inTransaction } from '../db/database.js';
import { audit } from '../audit/audit.service.js';
import type { Actor } from '../audit/actor.js';
import { offsetOf } from '../http/pagination.js';
import { conflict, notFound } from '../http/errors.js';
import { EmailOutbox, type EmailCategory } from './email-outbox.model.js';
import type { Mailer } from './mailer.js';
import type { EmailTemplate } from './templates/compose.js';

export interface NotifySettings {
  referralBaseUrl: string;
  /** Queues the send-email job for one outbox row (Agenda); absent in scripts without jobs. */
  enqueue?: (id: string) => Promise<unknown>;
  mailer?: Mailer;
  /** How long a claimed ('sending') row is reserved before the sweep may hand it out again. */
  leaseMs: number;
  logger?: Logger;
}

let settings: NotifySettings = { referralBaseUrl: 'https://metaxcoin.cloud', leaseMs: 10 * 60_000 };

export function configureNotify(next: Partial<NotifySettings>): void {
  settings = { ...settings, ...next };
}

export function notifySettings(): NotifySettings {
  return settings;
}

/** A pending row older than this with no delivery is treated as lost (e.g. a crash before enqueue). */
export const SWEEP_GRACE_MS = 2 * 60_000;

export interface QueueInput<Data> {
  /** The member or staff user the mail is about; its address is used unless `to` is given. */
  userId?: number | null;
  to?: string;
  template: EmailTemplate<Data>;
  data: Data;
  category: EmailCategory;
}

/**
 * Renders a message and writes its outbox row in the caller's transaction, so the mail exists
 * exactly when the event it reports commits. Delivery happens after commit, in the send-email job:
 * never SMTP inside a transaction. Transaction mail to a member who switched it off is kept as
 * 'skipped' (a record that it was not sent).
 */
export async function queueEmail<Data>(tx: Transaction, input: QueueInput<Data>): Promise<EmailOutbox> {
  let to = input.to;
  let optedOut = false;
  if (input.userId != null) {
    const [user] = await db().query<{ email: string; email_notifications: boolean }>(
      `SELECT u.email, coalesce(s.email_notifications, true) AS email_notifications
         FROM users u LEFT JOIN user_settings s ON s.user_id = u.id WHERE u.id = :id`,
      { replacements: { id: input.userId }, type: QueryTypes.SELECT, transaction: tx },
    );
    if (!user) throw new Error(`queueEmail: no user ${input.userId}`);
    to ??= user.email;
    optedOut = input.category === 'transaction' && !user.email_notifications;
  }
  if (!to) throw new Error('queueEmail needs userId or to');
  const rendered = input.template.render(input.data);
  const row = await EmailOutbox.create(
    {
      user_id: input.userId ?? null,
      to_address: to,
      template: input.template.name,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      category: input.category,
      status: optedOut ? 'skipped' : 'pending',
      next_attempt_at: optedOut ? null : new Date(),
    },
    { transaction: tx },
  );
  if (!optedOut) tx.afterCommit(() => enqueueAfterCommit(row.id));
  return row;
}

/**
 * Runs after commit, inside the caller's commit promise: it must never throw, or a committed
 * request would answer 500. A row that could not be queued is found by the sweep.
 */
async function enqueueAfterCommit(id: string): Promise<void> {
  if (!settings.enqueue) return;
  try {
    await settings.enqueue(id);
  } catch (err) {
    settings.logger?.warn({ err, emailId: id }, 'could not queue send-email; the outbox sweep will pick it up');
  }
}

export type ClaimedEmail = Pick<EmailOutbox, 'id' | 'to_address' | 'subject' | 'text' | 'html' | 'attempts'>;

/** Takes one row for delivery; null when it is sent, skipped, or being sent by someone else. */
export async function claimEmail(id: string): Promise<ClaimedEmail | null> {
  const rows = await db().query<ClaimedEmail>(
    `UPDATE email_outbox
        SET status = 'sending', attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => :leaseSeconds)
      WHERE id = :id AND (status IN ('pending', 'failed') OR (status = 'sending' AND next_attempt_at <= now()))
      RETURNING id, to_address, subject, text, html, attempts`,
    { replacements: { id, leaseSeconds: settings.leaseMs / 1000 }, type: QueryTypes.SELECT },
  );
  return rows[0] ?? null;
}

export async function markSent(id: string): Promise<void> {
  await db().query(`UPDATE email_outbox SET status = 'sent', sent_at = now(), next_attempt_at = NULL WHERE id = :id`, {
    replacements: { id },
    type: QueryTypes.UPDATE,
  });
}

/** After a failed try: back to pending until the retry is due, or failed for good. */
export async function markFailed(id: string, error: string, retryDelayMs: number | null): Promise<void> {
  await db().query(
    `UPDATE email_outbox
        SET status = CASE WHEN :final THEN 'failed' ELSE 'pending' END,
            last_error = :error,
            next_attempt_at = CASE WHEN :final THEN NULL ELSE now() + make_interval(secs => :delaySeconds) END
      WHERE id = :id`,
    { replacements: { id, error: error.slice(0, 2000), final: retryDelayMs === null, delaySeconds: (retryDelayMs ?? 0) / 1000 }, type: QueryTypes.UPDATE },
  );
}

/**
 * Re-queues rows whose delivery was lost: pending well past their due time (the process died
 * before or between tries) or claimed by a worker whose lease ran out.
 */
export async function sweepOutbox(limit = 500): Promise<{ requeued: number }> {
  const rows = await db().query<{ id: string }>(
    `UPDATE email_outbox SET status = 'pending', next_attempt_at = now()
      WHERE id IN (
        SELECT id FROM email_outbox
         WHERE (status = 'pending' AND next_attempt_at < now() - make_interval(secs => :graceSeconds))
            OR (status = 'sending' AND next_attempt_at < now())
         ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    { replacements: { graceSeconds: SWEEP_GRACE_MS / 1000, limit }, type: QueryTypes.SELECT },
  );
  for (const { id } of rows) await enqueueAfterCommit(String(id));
  return { requeued: rows.length };
}

/** Staff re-queue of a failed mail (back-office "Retry"): a fresh round of attempts. */
export async function retryEmail(id: string, actor: Actor): Promise<EmailOutbox> {
  return inTransaction(async (tx) => {
    const row = await EmailOutbox.findByPk(id, { transaction: tx, lock: tx.LOCK.UPDATE });
    if (!row) throw notFound('Email');
    if (row.status !== 'failed') throw conflict('not_failed', `Only failed emails can be retried (this one is ${row.status})`);
    await row.update({ status: 'pending', next_attempt_at: new Date() }, { transaction: tx });
    await audit(actor, { action: 'email.retry', target: { type: 'email_outbox', id }, before: { status: 'failed', attempts: row.attempts } }, tx);
    tx.afterCommit(() => enqueueAfterCommit(id));
    return row;
  });
}

/** The ops view of the outbox, newest first. */
export async function listEmails(q: { page: number; per_page: number; status?: string; category?: string; user_id?: number }) {
  const where: Record<string, unknown> = {};
  if (q.status) where.status = q.status;
  if (q.category) where.category = q.category;
  if (q.user_id) where.user_id = q.user_id;
  const { rows, count } = await EmailOutbox.findAndCountAll({ where, order: [['id', 'DESC']], limit: q.per_page, offset: offsetOf(q) });
  return { rows, total: count };
}
