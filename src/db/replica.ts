import pg from 'pg';
import type { Options } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { Logger } from 'pino';
import { requestContext, withContext } from '../http/request-context.js';
import { rawPool } from './database.js';

/**
 * Read routing for DATABASE_REPLICA_URL, in one place. Everything reads from the primary unless a
 * route opts in (defineRoute `reads: 'replica'`: staff lists, reports, team views, exports). Inside
 * such a request, plain SELECTs outside a transaction go to the replica — but only while the
 * replica answers and its replay lag is within `replica_max_lag_seconds` (config); otherwise they
 * go back to the primary. Writes, transactions and every other read stay on the primary, so a
 * member always reads their own latest write.
 */

export type ReplicaState = 'up' | 'lagging' | 'down' | 'unchecked';

interface Replica {
  pool: pg.Pool;
  state: ReplicaState;
  lagSeconds: number | null;
  maxLagSeconds: number;
  error: string | null;
  checkedAt: Date | null;
  timer?: NodeJS.Timeout;
}

let replica: Replica | undefined;

function connectionOf(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

/** Sequelize options for a primary + one read replica (Sequelize's own read/write pools). */
export function replicationOptions(primaryUrl: string, replicaUrl: string): Pick<Options, 'replication'> {
  return { replication: { write: connectionOf(primaryUrl), read: [connectionOf(replicaUrl)] } };
}

/** Whether reads issued now may use the replica: an opted-in request and a healthy replica. */
export function replicaReadsNow(): boolean {
  return replica?.state === 'up' && requestContext()?.replicaReads === true;
}

/** Sends every acquisition to the primary unless replicaReadsNow(). */
export function routeReads(sequelize: Sequelize): void {
  sequelize.addHook('beforePoolAcquire', (options?: { useMaster?: boolean }) => {
    if (options && !replicaReadsNow()) options.useMaster = true;
  });
}

/** The plain pg pool for a big read: the replica's when allowed now, else the primary's. */
export function readPool(): pg.Pool {
  return replicaReadsNow() ? replica!.pool : rawPool();
}

/** Runs `work` as a replica-eligible read (defineRoute does this for `reads: 'replica'`). */
export function replicaReads<T>(work: () => T): T {
  return withContext({ replicaReads: true }, work);
}

export function replicaStatus(): { configured: boolean; state: ReplicaState; lag_seconds: number | null; max_lag_seconds: number | null; error: string | null } {
  if (!replica) return { configured: false, state: 'down', lag_seconds: null, max_lag_seconds: null, error: null };
  return { configured: true, state: replica.state, lag_seconds: replica.lagSeconds, max_lag_seconds: replica.maxLagSeconds, error: replica.error };
}

export function replicaPools(): Record<string, pg.Pool> {
  return replica ? { replica_pg: replica.pool } : {};
}

/**
 * Lag is measured against the primary's current WAL position: a replica whose replay is paused or
 * whose WAL stream broke counts as behind by the time since it last replayed a transaction.
 */
async function measure(primary: pg.Pool, standby: pg.Pool): Promise<{ lag: number; error: string | null }> {
  const { rows: [p] } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const { rows: [r] } = await standby.query<{ in_recovery: boolean; behind: string | null; since_replay: number | null }>(
    `SELECT pg_is_in_recovery() AS in_recovery,
            pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::text AS behind,
            extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS since_replay`,
    [p.lsn],
  );
  if (!r.in_recovery) return { lag: Infinity, error: 'DATABASE_REPLICA_URL is not a standby (pg_is_in_recovery() is false)' };
  if (r.behind === null || Number(r.behind) <= 0) return { lag: 0, error: null };
  return { lag: r.since_replay ?? Infinity, error: null };
}

export function startReplicaMonitor(opts: { url: string; checkMs: number; maxLagSeconds: () => Promise<number>; logger: Logger }): { stop(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: opts.url, max: 3, connectionTimeoutMillis: 2_000 });
  pool.on('error', (err) => opts.logger.warn({ err }, 'replica pool error'));
  const state: Replica = { pool, state: 'unchecked', lagSeconds: null, maxLagSeconds: 5, error: null, checkedAt: null };
  replica = state;
  let stopped = false;
  const check = async () => {
    try {
      state.maxLagSeconds = await opts.maxLagSeconds().catch(() => state.maxLagSeconds);
      const { lag, error } = await measure(rawPool(), pool);
      state.lagSeconds = Number.isFinite(lag) ? Math.round(lag * 1000) / 1000 : null;
      state.error = error;
      const next: ReplicaState = error ? 'down' : lag > state.maxLagSeconds ? 'lagging' : 'up';
      if (next !== state.state) opts.logger.info({ replica: next, lag: state.lagSeconds, max: state.maxLagSeconds }, 'replica state changed');
      state.state = next;
    } catch (err) {
      if (state.state !== 'down') opts.logger.warn({ err }, 'replica unreachable: reads go to the primary');
      state.state = 'down';
      state.error = (err as Error).message;
    }
    state.checkedAt = new Date();
    if (!stopped) state.timer = setTimeout(() => void check(), opts.checkMs).unref();
  };
  void check();
  return {
    async stop() {
      stopped = true;
      clearTimeout(state.timer);
      if (replica === state) replica = undefined;
      await pool.end().catch(() => undefined);
    },
  };
}
