import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import type { JobSpec } from './job-spec.js';

/** Drops rows that can no longer matter: revoked tokens past expiry, expired back-office sessions. */
export const cleanupJob: JobSpec = {
  name: 'cleanup',
  every: '17 * * * *',
  async run() {
    const [, revoked] = (await db().query(`DELETE FROM revoked_tokens WHERE expires_at < now()`, { type: QueryTypes.DELETE, raw: true })) as unknown as [unknown, number];
    const [, sessions] = (await db().query(`DELETE FROM session WHERE expire < now()`, { type: QueryTypes.DELETE, raw: true })) as unknown as [unknown, number];
    return { revoked_tokens: revoked ?? 0, sessions: sessions ?? 0 };
  },
};
