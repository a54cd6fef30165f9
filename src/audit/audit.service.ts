import { QueryTypes, type Transaction } from 'sequelize';
import type { z } from 'zod';
import { db } from '../db/database.js';
import { offsetOf } from '../http/pagination.js';
import type { auditQuery } from './audit.schemas.js';
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

/** The audit trail, filtered, newest first. */
export async function listAudit(q: z.output<typeof auditQuery>) {
  const conditions = ['true'];
  if (q.actor_id) conditions.push('actor_id = :actor_id');
  if (q.action) conditions.push('(action = :action OR action LIKE :actionPrefix)');
  if (q.target_type) conditions.push('target_type = :target_type');
  if (q.target_id) conditions.push('target_id = :target_id');
  if (q.from) conditions.push('created_at >= :from');
  if (q.to) conditions.push('created_at <= :to');
  const replacements = { ...q, actionPrefix: `${q.action}.%`, limit: q.per_page, offset: offsetOf(q) };
  const where = conditions.join(' AND ');
  const items = await db().query<Record<string, unknown>>(
    `SELECT id::int AS id, actor_id, actor_role, action, target_type, target_id, before, after, reason, request_id, created_at
       FROM audit_logs WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
    { replacements, type: QueryTypes.SELECT },
  );
  const [{ total }] = await db().query<{ total: number }>(`SELECT count(*)::int AS total FROM audit_logs WHERE ${where}`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  return { items: items.map((i) => ({ ...i, created_at: (i.created_at as Date).toISOString() })), page: q.page, per_page: q.per_page, total };
}
