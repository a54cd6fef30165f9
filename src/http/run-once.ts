import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { AppError, badRequest, conflict } from './errors.js';

/**
 * Runs `work` at most once per (staff member, scope, token): the back-office's answer to a double
 * click. Claims live in the same table as REST's Idempotency-Key (24 h). A repeat of a finished
 * token returns the first result; a repeat while it runs is a 409; another input under the same
 * token is a 409. A refusal (an AppError: nothing happened) releases the token so the corrected
 * form can be sent again; any other failure keeps it claimed, as REST does, rather than risk
 * running twice.
 */
export async function runOnce<T>(userId: number, scope: string, token: unknown, input: unknown, work: () => Promise<T>): Promise<{ result: T; replayed: boolean }> {
  if (typeof token !== 'string' || token.length < 8 || token.length > 255) throw badRequest('This form has no valid token: reload the page', [{ field: 'form_token', message: 'is missing' }]);
  const ids = { userId, scope: `panel:${scope}`, key: token };
  const hash = createHash('sha256').update(JSON.stringify(input ?? null)).digest('hex');
  const claimed = await db().query(
    `INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES (:userId, :scope, :key, :hash)
     ON CONFLICT (user_id, scope, key) DO NOTHING RETURNING 1`,
    { replacements: { ...ids, hash }, type: QueryTypes.SELECT },
  );
  if (!claimed.length) {
    const [stored] = await db().query<{ request_hash: string; state: string; response_body: T }>(
      `SELECT request_hash, state, response_body FROM idempotency_keys WHERE user_id = :userId AND scope = :scope AND key = :key`,
      { replacements: ids, type: QueryTypes.SELECT },
    );
    if (!stored || stored.state !== 'done') throw conflict('already_submitted', 'This form was already sent and is still being processed');
    if (stored.request_hash.trim() !== hash) throw conflict('form_reused', 'This form was already sent with other values: reload the page to start a new one');
    return { result: stored.response_body, replayed: true };
  }
  try {
    const result = await work();
    await db().query(
      `UPDATE idempotency_keys SET state = 'done', response_status = 200, response_body = CAST(:body AS jsonb) WHERE user_id = :userId AND scope = :scope AND key = :key`,
      { replacements: { ...ids, body: JSON.stringify(result ?? null) }, type: QueryTypes.UPDATE },
    );
    return { result, replayed: false };
  } catch (error) {
    if (error instanceof AppError) {
      await db().query(`DELETE FROM idempotency_keys WHERE user_id = :userId AND scope = :scope AND key = :key`, { replacements: ids, type: QueryTypes.DELETE });
    }
    throw error;
  }
}
