import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import type { Actor } from './actor.js';

export interface AuditEntry {
  /** Dotted name: `transaction.approve`, `wallet.adjust`, `config.update`, `mxc_price.update`, … */
  action: string;
  target: { type: string; id?: string | number | null };
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** Appends one audit row inside the caller's transaction, so the change and its record commit together. */
export async function audit(actor: Actor | null, entry: AuditEntry, tx?: Transaction): Promise<void> {
  await db().query(
    `INSERT INTO audit_logs (actor_id, actor_role, action, target_type, target_id, before, after, reason, request_id)
     VALUES (:actorId, :actorRole, :action, :targetType, :targetId, CAST(:before AS jsonb), CAST(:after AS jsonb), :reason, :requestId)`,
    {
      replacements: {
        actorId: actor?.id ?? null,
        actorRole: actor?.role ?? null,
        action: entry.action,
        targetType: entry.target.type,
        targetId: entry.target.id == null ? null : String(entry.target.id),
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        reason: entry.reason ?? null,
        requestId: actor?.requestId ?? null,
      },
      type: QueryTypes.INSERT,
      transaction: tx,
    },
  );
}
