import { timingSafeEqual, createHash } from 'node:crypto';
import http from 'node:http';
import type { RequestHandler } from 'express';
import client from 'prom-client';
import { QueryTypes } from 'sequelize';
import type { Logger } from 'pino';
import { db, rawPool } from '../db/database.js';
import { replicaPools } from '../db/replica.js';

/**
 * Prometheus metrics of this process (prom-client). Request and job-run metrics are counted where
 * they happen (so each instance reports its own); the platform gauges (pending money, outbox, feed
 * age, ledger and backup checks) are read from PostgreSQL at scrape time, so every instance reports
 * the same values.
 */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const registers = [registry];

export const httpDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

export const httpInFlight = new client.Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being served', registers });

export const jobRuns = new client.Counter({
  name: 'metax_job_runs_total',
  help: 'Job runs finished by this process, by job and outcome',
  labelNames: ['job', 'outcome'] as const,
  registers,
});

export const jobRunDuration = new client.Histogram({
  name: 'metax_job_run_duration_seconds',
  help: 'Job run duration by job and outcome (this process)',
  labelNames: ['job', 'outcome'] as const,
  buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  registers,
});

/** A gauge that is absent (no sample) until set: "never happened" must not read as 0. */
class OptionalGauge extends client.Gauge {
  private present = false;
  setPresent(value: number): void {
    this.present = true;
    this.set(value);
  }
  clear(): void {
    this.present = false;
  }
  override async get() {
    const metric = await super.get();
    return this.present ? metric : { ...metric, values: [] };
  }
}
const optional = (name: string, help: string) => new OptionalGauge({ name, help, registers });

const pendingCount = new client.Gauge({ name: 'metax_pending_transactions', help: 'Pending deposits and withdrawals', labelNames: ['type'] as const, registers });
const pendingAmount = new client.Gauge({ name: 'metax_pending_transactions_amount', help: 'Sum of pending deposits and withdrawals (MXC)', labelNames: ['type'] as const, registers });
const outbox = new client.Gauge({ name: 'metax_email_outbox', help: 'Email outbox rows by status', labelNames: ['status'] as const, registers });
const feedAge = optional('metax_crypto_feed_age_seconds', 'Age of the last good CoinGecko snapshot (absent before the first)');
const lastJob = new client.Gauge({
  name: 'metax_job_last_finished_timestamp_seconds',
  help: 'When each job last finished, by outcome (any instance)',
  labelNames: ['job', 'outcome'] as const,
  registers,
});
const ledgerOk = optional('metax_ledger_verification_ok', '1 when the last ledger verification found the books balanced, 0 when not');
const ledgerAt = optional('metax_ledger_verification_timestamp_seconds', 'When the ledger was last verified');
const backupAt = optional('metax_backup_last_success_timestamp_seconds', 'When the last backup succeeded');
const backupVerifyOk = optional('metax_backup_verification_ok', '1 when the last backup verification restored and checked out, 0 when it failed');
const backupVerifyAt = optional('metax_backup_verification_timestamp_seconds', 'When a backup was last verified');
const poolConnections = new client.Gauge({
  name: 'metax_db_pool_connections',
  help: 'Database pool connections by pool and state (in_use, idle, waiting = requests waiting for one)',
  labelNames: ['pool', 'state'] as const,
  registers,
});
const scrapeDbUp = new client.Gauge({ name: 'metax_metrics_database_up', help: '1 when the database answered the metrics queries', registers });

/** The route template of a request, for a bounded label set. */
export function routeLabel(req: { route?: { path?: unknown }; baseUrl?: string; path: string }, template?: string): string {
  if (template) return template;
  if (req.route && typeof req.route.path === 'string') return `${req.baseUrl ?? ''}${req.route.path}`;
  if (req.path.startsWith('/admin')) return '/admin/*';
  return 'unmatched';
}

/** Times every request; routes defined with defineRoute leave their template in res.locals.routeTemplate. */
export const requestMetrics: RequestHandler = (req, res, next) => {
  const end = httpDuration.startTimer();
  httpInFlight.inc();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    httpInFlight.dec();
    end({ method: req.method, route: routeLabel(req, res.locals.routeTemplate as string | undefined), status: String(res.statusCode) });
  };
  res.once('finish', finish);
  res.once('close', finish);
  next();
};

function setPool(name: string, stats: { inUse: number; idle: number; waiting: number }): void {
  poolConnections.set({ pool: name, state: 'in_use' }, stats.inUse);
  poolConnections.set({ pool: name, state: 'idle' }, stats.idle);
  poolConnections.set({ pool: name, state: 'waiting' }, stats.waiting);
}

interface SequelizePool {
  size: number;
  available: number;
  using: number;
  waiting: number;
}

function collectPools(): void {
  try {
    const pool = (db().connectionManager as unknown as { pool: SequelizePool | { read: SequelizePool; write: SequelizePool } }).pool;
    const write = 'write' in pool ? pool.write : pool;
    setPool('primary', { inUse: write.using, idle: write.available, waiting: write.waiting });
    if ('read' in pool) setPool('replica', { inUse: pool.read.using, idle: pool.read.available, waiting: pool.read.waiting });
    const raw = rawPool();
    setPool('primary_pg', { inUse: raw.totalCount - raw.idleCount, idle: raw.idleCount, waiting: raw.waitingCount });
    for (const [name, p] of Object.entries(replicaPools())) setPool(name, { inUse: p.totalCount - p.idleCount, idle: p.idleCount, waiting: p.waitingCount });
  } catch {
    /* database not open (yet) */
  }
}

interface PlatformRow {
  pending: { type: string; n: number; total: string }[] | null;
  outbox: { status: string; n: number }[] | null;
  feed_age: number | null;
  jobs: { job: string; outcome: string; at: number }[] | null;
  ledger: { ok: boolean | null; at: number } | null;
  backup_at: number | null;
  backup_verify: { ok: boolean; at: number } | null;
}

/** One round trip for every platform gauge; `job_runs` is indexed by (job_name, started_at). */
const PLATFORM_SQL = `
SELECT
  (SELECT json_agg(json_build_object('type', transaction_type, 'n', n, 'total', total)) FROM (
     SELECT transaction_type, count(*)::int AS n, coalesce(sum(amount), 0)::text AS total
       FROM transactions WHERE status = 'pending' AND transaction_type IN ('deposit', 'withdrawal') GROUP BY transaction_type) p) AS pending,
  (SELECT json_agg(json_build_object('status', status, 'n', n)) FROM (SELECT status, count(*)::int AS n FROM email_outbox GROUP BY status) o) AS outbox,
  (SELECT extract(epoch FROM now() - fetched_at)::float8 FROM crypto_feed WHERE id = 1) AS feed_age,
  (SELECT json_agg(json_build_object('job', job_name, 'outcome', outcome, 'at', extract(epoch FROM at))) FROM (
     SELECT job_name, outcome, max(finished_at) AS at FROM job_runs
      WHERE finished_at > now() - interval '30 days' GROUP BY job_name, outcome) j) AS jobs,
  (SELECT json_build_object('ok', (counts->>'ok')::boolean, 'at', extract(epoch FROM finished_at)) FROM job_runs
    WHERE job_name = 'ledger-verify' AND outcome IN ('success', 'failed') ORDER BY finished_at DESC LIMIT 1) AS ledger,
  (SELECT extract(epoch FROM max(finished_at))::float8 FROM job_runs WHERE job_name = 'backup' AND outcome = 'success') AS backup_at,
  (SELECT json_build_object('ok', outcome = 'success' AND coalesce((counts->>'ok')::boolean, false), 'at', extract(epoch FROM finished_at)) FROM job_runs
    WHERE job_name = 'backup-verify' AND outcome IN ('success', 'failed') ORDER BY finished_at DESC LIMIT 1) AS backup_verify`;

async function collectPlatform(): Promise<void> {
  for (const g of [pendingCount, pendingAmount, outbox, lastJob]) g.reset();
  for (const g of [feedAge, ledgerOk, ledgerAt, backupAt, backupVerifyOk, backupVerifyAt]) g.clear();
  let row: PlatformRow;
  try {
    [row] = await db().query<PlatformRow>(PLATFORM_SQL, { type: QueryTypes.SELECT });
  } catch {
    scrapeDbUp.set(0);
    return;
  }
  scrapeDbUp.set(1);
  for (const type of ['deposit', 'withdrawal']) {
    const found = row.pending?.find((p) => p.type === type);
    pendingCount.set({ type }, found?.n ?? 0);
    // A gauge is a float: fine for a dashboard; the exact figure is in the back-office.
    pendingAmount.set({ type }, Number(found?.total ?? 0));
  }
  for (const status of ['pending', 'sending', 'sent', 'failed', 'skipped']) outbox.set({ status }, row.outbox?.find((o) => o.status === status)?.n ?? 0);
  if (row.feed_age !== null) feedAge.setPresent(row.feed_age);
  for (const j of row.jobs ?? []) lastJob.set({ job: j.job, outcome: j.outcome }, j.at);
  if (row.ledger) {
    ledgerOk.setPresent(row.ledger.ok ? 1 : 0);
    ledgerAt.setPresent(row.ledger.at);
  }
  if (row.backup_at !== null) backupAt.setPresent(row.backup_at);
  if (row.backup_verify) {
    backupVerifyOk.setPresent(row.backup_verify.ok ? 1 : 0);
    backupVerifyAt.setPresent(row.backup_verify.at);
  }
}

/** The exposition text, after refreshing the gauges read from the database. */
export async function metricsText(): Promise<string> {
  collectPools();
  await collectPlatform();
  return registry.metrics();
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!given) return false;
  // Compare digests: equal length, constant time.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * `GET /metrics` on the main port: only with `Authorization: Bearer $METRICS_TOKEN`; without a
 * token configured, or with a wrong one, it does not exist (404 like any unknown path).
 */
export function metricsAllowed(token: string | undefined, authorization: string | undefined): boolean {
  return Boolean(token) && tokenMatches(authorization, token!);
}

export async function sendMetrics(res: http.ServerResponse): Promise<void> {
  const text = await metricsText();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(text);
}

/** METRICS_PORT: a listener on 127.0.0.1 only, serving /metrics without a token (local scrapers). */
export async function startMetricsServer(port: number, logger: Logger): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      sendMetrics(res).catch((err) => {
        logger.warn({ err }, 'metrics failed');
        res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Only /metrics' } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}
