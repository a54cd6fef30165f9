import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { badRequest, conflict } from './errors.js';

interface StoredKey {
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_body: unknown;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Idempotency-Key for money POSTs, scoped per (user, route). The key is claimed before the work
 * runs (a concurrent duplicate gets 409), and the first answer is stored before it is sent, so a
 * replay returns exactly that answer — a 5xx too, since the money may have moved before the
 * failure. A key whose request died mid-flight stays claimed rather than risk paying twice; the
 * client retries such a request under a new key after checking its history.
 */
export async function idempotency(req: Request, res: Response, next: NextFunction): Promise<void> {
  const key = req.get('Idempotency-Key');
  if (key === undefined) return next();
  if (key.length < 1 || key.length > 255) throw badRequest('Idempotency-Key must be 1-255 characters', [{ field: 'Idempotency-Key', message: 'must be 1-255 characters' }]);
  const userId = req.user!.id;
  const scope = `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`;
  const hash = createHash('sha256').update(`${scope}\n${canonical(req.params)}\n${canonical(req.body ?? {})}`).digest('hex');
  const ids = { userId, scope, key };

  const claimed = await db().query(
    `INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES (:userId, :scope, :key, :hash)
     ON CONFLICT (user_id, scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, state = 'in_flight',
            response_status = NULL, response_body = NULL, created_at = now(), expires_at = now() + interval '24 hours'
       WHERE idempotency_keys.expires_at < now()
     RETURNING 1`,
    { replacements: { ...ids, hash }, type: QueryTypes.SELECT },
  );
  if (claimed.length === 0) {
    const [stored] = await db().query<StoredKey>(
      `SELECT request_hash, state, response_status, response_body FROM idempotency_keys WHERE user_id = :userId AND scope = :scope AND key = :key`,
      { replacements: ids, type: QueryTypes.SELECT },
    );
    if (!stored) throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is being processed');
    if (stored.request_hash.trim() !== hash) throw conflict('idempotency_key_reused', 'This Idempotency-Key was used with a different request');
    if (stored.state !== 'done') throw conflict('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed');
    res.setHeader('Idempotent-Replayed', 'true');
    res.status(stored.response_status!).json(stored.response_body);
    return;
  }

  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    const status = res.statusCode;
    const store = db().query(
      `UPDATE idempotency_keys SET state = 'done', response_status = :status, response_body = CAST(:body AS jsonb)
        WHERE user_id = :userId AND scope = :scope AND key = :key`,
      { replacements: { ...ids, status, body: JSON.stringify(body ?? null) }, type: QueryTypes.UPDATE },
    );
    store.then(
      () => send(body),
      (err) => {
        req.log?.error({ err }, 'could not store idempotent response');
        send(body);
      },
    );
    return res;
  };
  next();
}

/**
 * For writes that pay many members at once (income distribution): without a key a double submit
 * would pay everyone twice, so the key is not optional there.
 */
export function requireIdempotencyKey(req: Request, _res: Response, next: NextFunction): void {
  if (req.get('Idempotency-Key') === undefined) {
    throw badRequest('This request needs an Idempotency-Key header', [{ field: 'Idempotency-Key', message: 'is required' }]);
  }
  next();
}
