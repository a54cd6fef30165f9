import path from 'node:path';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { openDatabase, type Database } from './database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';

export interface Connection {
  url: string;
  database: Database;
  close(): Promise<void>;
}

/** DATABASE_URL when set, else the embedded PostgreSQL under DATA_DIR — the server's rule, for CLI scripts too. */
export async function connect(env: Env, logger: Logger): Promise<Connection> {
  let embedded: EmbeddedDatabase | undefined;
  let url = env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dir: path.join(env.DATA_DIR, 'pg'), port: env.EMBEDDED_PG_PORT, database: 'metax', logger });
    url = embedded.url;
  }
  const database = openDatabase(url, { poolMax: env.DB_POOL_MAX, logger, timeouts: { lockMs: env.DB_LOCK_TIMEOUT_MS, statementMs: env.DB_STATEMENT_TIMEOUT_MS } });
  return {
    url,
    database,
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}
