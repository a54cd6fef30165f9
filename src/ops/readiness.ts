import type { Sequelize } from 'sequelize-typescript';
import { replicaStatus } from '../db/replica.js';
import { sharedState } from '../cluster/shared-state.js';

export type DependencyState = 'up' | 'down' | 'lagging';

export interface DependencyReport {
  state: DependencyState;
  required: boolean;
  latency_ms?: number;
  lag_seconds?: number | null;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready' | 'starting' | 'stopping';
  role: string;
  checks: Record<string, DependencyReport>;
}

const CHECK_TIMEOUT_MS = 2_000;

/** `/readyz` is public: it says what is down, never why (addresses, messages stay in the logs). */
async function timed(probe: () => Promise<unknown>): Promise<Pick<DependencyReport, 'state' | 'latency_ms'>> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { state: 'up', latency_ms: Date.now() - started };
  } catch {
    return { state: 'down', latency_ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness, per dependency: the database (always required), Redis (required when REDIS_URL is
 * set), the job backend (required where jobs run) and the replica (never required: reads fall back
 * to the primary). Nothing is cached: once a dependency is back, the next check says so.
 */
export function readiness(opts: {
  role: 'all' | 'web' | 'worker';
  sequelize: Sequelize;
  redisRequired: boolean;
  jobBackend: 'postgres' | 'mongodb';
  phase: () => 'starting' | 'running' | 'stopping';
}): () => Promise<ReadinessReport> {
  return async () => {
    const checks: Record<string, DependencyReport> = {};
    const runsJobs = opts.role !== 'web';
    const [database, redis, jobs] = await Promise.all([
      timed(() => opts.sequelize.query('SELECT 1')),
      opts.redisRequired ? timed(async () => {
        if (!(await sharedState().ping(CHECK_TIMEOUT_MS))) throw new Error('no PONG');
      }) : undefined,
      // The PostgreSQL backend keeps its jobs in agenda_jobs on the same server (asked through the
      // request pool: agenda's own small pool may be busy with its jobs).
      opts.jobBackend === 'postgres' ? timed(() => opts.sequelize.query('SELECT 1 FROM agenda_jobs LIMIT 1')) : undefined,
    ]);
    checks.database = { ...database, required: true };
    if (redis) checks.redis = { ...redis, required: true };
    if (jobs) checks.jobs = { ...jobs, required: runsJobs };
    const replica = replicaStatus();
    if (replica.configured) {
      checks.replica = {
        state: replica.state === 'up' ? 'up' : replica.state === 'lagging' ? 'lagging' : 'down',
        required: false,
        lag_seconds: replica.lag_seconds,
      };
    }
    const phase = opts.phase();
    const healthy = Object.values(checks).every((c) => !c.required || c.state === 'up');
    const status = phase === 'starting' ? 'starting' : phase === 'stopping' ? 'stopping' : healthy ? 'ready' : 'not_ready';
    return { status, role: opts.role, checks };
  };
}
