import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { badRequest, conflict } from './errors.js';

/** An answer as sent: status and the exact bytes of the JSON body. */
export interface Reply {
  status: number;
  body: string;
  replayed?: boolean;
}

export interface IdempotencyKey {
  userId: number;
  scope: string;
  key: string;
  hash: string;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The request's Idempotency-Key, scoped per (user, route), with a hash of what it asks for. */
export function idempotencyKeyOf(req: Request): IdempotencyKey | undefined {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255) throw badRequest('Idempotency-Key must be 1-255 characters', [{ field: 'Idempotency-Key', message: 'must be 1-255 characters' }]);
  const scope = `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`;
  const hash = createHash('sha256').update(`${scope}\n${canonical(req.params)}\n${canonical(req.body ?? {})}`).digest('hex');
  return { userId: req.user!.id, scope, key, hash };
}

/**
 * Claims the key inside the unit of work that does the request's work, so the claim, the money it
 * moves and the answer commit together or not at all: a request cut off by a crash left nothing
 * behind and its replay simply runs. Returns the stored answer when the key was used before.
 * A duplicate arriving while the first is still running gets 409 (the advisory lock says so)
 * instead of waiting on the first one's row.
 */
export async function claimKey(tx: Transaction, k: IdempotencyKey): Promise<Reply | undefined> {
  const [{ free }] = await db().query<{ free: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext(:scope || ' ' || :key), :userId) AS free`, {
    replacements: { ...k },
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  if (!free) throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed');
  const [stored] = await db().query<{ request_hash: string; response_status: number; response_body: string; expired: boolean }>(
    `SELECT request_hash, response_status, response_body, expires_at < now() AS expired FROM idempotency_keys
      WHERE user_id = :userId AND scope = :scope AND key = :key`,
    { replacements: { ...k }, type: QueryTypes.SELECT, transaction: tx },
  );
  if (!stored || stored.expired) return undefined;
  if (stored.request_hash.trim() !== k.hash) throw conflict('idempotency_key_reused', 'This Idempotency-Key was used with a different request');
  return { status: stored.response_status, body: stored.response_body, replayed: true };
}

/**
 * Keeps the answer for 24 hours: inside the unit for a success, or after the rollback for a
 * business refusal (4xx), which moved nothing and is replayed as it was.
 */
export async function rememberReply(k: IdempotencyKey, reply: Reply, tx?: Transaction): Promise<void> {
  await db().query(
    `INSERT INTO idempotency_keys (user_id, scope, key, request_hash, state, response_status, response_body)
     VALUES (:userId, :scope, :key, :hash, 'done', :status, :body)
     ON CONFLICT (user_id, scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
            response_body = EXCLUDED.response_body, created_at = now(), expires_at = now() + interval '24 hours'
      WHERE idempotency_keys.expires_at < now()`,
    { replacements: { ...k, status: reply.status, body: reply.body }, type: QueryTypes.INSERT, transaction: tx },
  );
}

export function sendReply(res: Response, reply: Reply): void {
  if (reply.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(reply.status).type('json').send(reply.body);
}

/**
 * For writes that pay many members at once (income distribution): without a key a double submit
 * would pay everyone twice, so the key is not optional there.
 */
export function requireIdempotencyKey(req: Request, _res: Response, next: (err?: unknown) => void): void {
  if (req.get('Idempotency-Key') === undefined) {
    throw badRequest('This request needs an Idempotency-Key header', [{ field: 'Idempotency-Key', message: 'is required' }]);
  }
  next();
}
