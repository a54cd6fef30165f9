import pg from 'pg';
import { Sequelize } from 'sequelize-typescript';
import type { Transaction } from 'sequelize';
import type { Logger } from 'pino';
import { models } from './models.js';

// NUMERIC and BIGINT stay strings (exact); we convert with decimal.js where needed.
let current: Sequelize | undefined;
let currentPool: pg.Pool | undefined;

export interface Database {
  sequelize: Sequelize;
  /** Plain pg pool for Agenda and the session store, which want one of their own. */
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface Timeouts {
  /** Longest wait for a row lock before the statement fails (a pile-up answers 503, not a stall). */
  lockMs: number;
  /** Longest statement; jobs that scan everything lift it for their own transaction (see unbounded). */
  statementMs: number;
}

export function openDatabase(url: string, opts: { poolMax: number; logger: Logger; timeouts?: Timeouts }): Database {
  const sequelize = new Sequelize(url, {
    dialect: 'postgres',
    logging: false,
    models,
    // Set once per connection (no round trip per transaction); 0 = no limit.
    dialectOptions: opts.timeouts ? { lock_timeout: opts.timeouts.lockMs, statement_timeout: opts.timeouts.statementMs } : {},
    pool: { max: opts.poolMax, min: 0, idle: 10_000 },
    define: { underscored: true, timestamps: false },
  });
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  // A pool error (e.g. Postgres stopping under us during shutdown) must not crash the process.
  pool.on('error', (err) => opts.logger.warn({ err }, 'pg pool error'));
  current = sequelize;
  currentPool = pool;
  return {
    sequelize,
    pool,
    async close() {
      await sequelize.close();
      await pool.end();
      if (current === sequelize) current = undefined;
      if (currentPool === pool) currentPool = undefined;
    },
  };
}

/**
 * The plain pg pool, for reads that return very many rows (the team tree): pg's rows go out as
 * they are, without Sequelize's per-row handling.
 */
export function rawPool(): pg.Pool {
  if (!currentPool) throw new Error('database is not open');
  return currentPool;
}

export function db(): Sequelize {
  if (!current) throw new Error('database is not open');
  return current;
}

/** Lifts the statement timeout for the rest of a job's transaction (a scan of every member). */
export async function unbounded(tx: Transaction): Promise<void> {
  await db().query(`SET LOCAL statement_timeout = 0`, { transaction: tx });
}

/** Runs `work` in a new transaction, or inside `outer` when the caller already has one. */
export function inTransaction<T>(work: (tx: Transaction) => Promise<T>, outer?: Transaction): Promise<T> {
  return outer ? work(outer) : db().transaction((tx) => work(tx));
}
