import type { AgendaBackend } from 'agenda';
import {
  PostgresBackend,
  getCreateIndexesSQL,
  getCreateLogsIndexesSQL,
  getCreateLogsTableSQL,
  getCreateTableSQL,
  getUpdateTimestampTriggerSQL,
} from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { Logger } from 'pino';

// A variable specifier keeps tsc and bundlers from resolving a package that is not installed.
const MONGO_BACKEND = '@agendajs/mongo-backend';

/**
 * Where Agenda keeps its jobs: the app's own PostgreSQL (default, tested), or MongoDB when
 * MONGODB_URL is set. The MongoDB path is untested here (no MongoDB server can run on these
 * machines) and needs `npm install @agendajs/mongo-backend`; job_runs and the outbox stay in
 * PostgreSQL either way.
 */
export async function createBackend(opts: { pool: pg.Pool; mongoUrl?: string; logger: Logger }): Promise<AgendaBackend> {
  if (opts.mongoUrl) {
    let mod: { MongoBackend: new (config: { address: string }) => AgendaBackend };
    try {
      mod = await import(MONGO_BACKEND);
    } catch (error) {
      throw new Error(
        `MONGODB_URL is set but ${MONGO_BACKEND} cannot be loaded (${(error as Error).message}). ` +
          `Install it with "npm install ${MONGO_BACKEND}", or unset MONGODB_URL to keep jobs in PostgreSQL.`,
        { cause: error },
      );
    }
    opts.logger.warn('agenda: using the MongoDB backend (MONGODB_URL); this path is not covered by the test suite');
    return new mod.MongoBackend({ address: opts.mongoUrl });
  }
  const backend = new PostgresBackend({ pool: opts.pool, tableName: 'agenda_jobs' });
  // The LISTEN connection errors when Postgres stops first during shutdown; log, don't crash.
  backend.notificationChannel?.on?.('error', (err: unknown) => opts.logger.warn({ err }, 'agenda notification channel error'));
  return backend;
}

/**
 * The DDL the PostgreSQL backend runs on connect for its own tables (not in migrations/: the
 * library owns them). A restore creates them before loading their rows.
 */
export function jobBackendTablesSql(): Record<string, string[]> {
  return {
    agenda_jobs: [getCreateTableSQL('agenda_jobs'), ...getCreateIndexesSQL('agenda_jobs'), getUpdateTimestampTriggerSQL('agenda_jobs')],
    agenda_logs: [getCreateLogsTableSQL('agenda_logs'), ...getCreateLogsIndexesSQL('agenda_logs')],
  };
}
