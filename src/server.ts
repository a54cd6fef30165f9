import http from 'node:http';
import pino, { type Logger } from 'pino';
import { loadEnv, type Env } from './config/env.js';
import type { Database } from './db/database.js';
import { connect } from './db/connect.js';
import { migrateAndSeed } from './db/migrate.js';
import { configureTokens } from './auth/tokens.js';
import { installJwtStrategy } from './auth/passport.js';
import { createJobs, type Jobs } from './jobs/agenda.js';
import { buildApp } from './app.js';
import { requestContext } from './http/request-context.js';
import { healthOnly } from './http/health.js';
import { readiness, type ReadinessReport } from './ops/readiness.js';
import { startMetricsServer } from './ops/metrics.js';
import { closeSharedState, openSharedState } from './cluster/shared-state.js';
import { setupNotifications } from './notify/setup.js';
import { configureCoinGecko } from './feed/coingecko.client.js';
import { rateLimits } from './http/rate-limits.js';
import { configureStaking, markInterruptedRuns } from './staking/staking.service.js';
import { startChangeFeed, stopChangeFeed } from './db/change-feed.js';
import { configureConfigLog } from './config/config.service.js';

export interface RunningServer {
  env: Env;
  logger: Logger;
  database: Database;
  jobs: Jobs;
  /** Base URL of the HTTP server (for APP_ROLE=worker it serves only /healthz, /readyz and /metrics). */
  url: string;
  /** http://127.0.0.1:METRICS_PORT/metrics when METRICS_PORT is set. */
  metricsUrl?: string;
  readiness: () => Promise<ReadinessReport>;
  close(): Promise<void>;
}

export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'NODE_ENV'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: env.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    // Every line written while serving a request carries its id, whichever logger wrote it.
    mixin: () => {
      const context = requestContext();
      return context ? { request_id: context.requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Process assembly: configuration → database → migrations and seeders → jobs → HTTP. `close()`
 * undoes it in reverse: stop accepting, drain jobs, close pools, stop the embedded PostgreSQL. A
 * start that fails part-way undoes what it had done the same way, so it never leaves an embedded
 * postmaster (or a pool, or a listening socket) behind.
 */
export async function startServer(source: NodeJS.ProcessEnv = process.env, opts: { logDestination?: pino.DestinationStream } = {}): Promise<RunningServer> {
  const env = loadEnv(source);
  const logger = createLogger(env, opts.logDestination);
  configureConfigLog(logger);
  if (env.generatedSecrets.length) {
    logger.warn({ generated: env.generatedSecrets }, 'secrets not set: generated development values (set them in production)');
  }

  // What has been started so far, undone in reverse order by close() or by a failed start.
  const undo: { what: string; run: () => Promise<unknown> | void }[] = [];
  const undoAll = async () => {
    for (const step of undo.splice(0).reverse()) {
      await Promise.resolve()
        .then(step.run)
        .catch((err) => logger.warn({ err, step: step.what }, 'shutdown step failed'));
      logger.debug(`shutdown: ${step.what} closed`);
    }
  };
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  try {
    const connection = await connect(env, logger);
    undo.push({ what: 'database', run: () => connection.close() });
    const { database } = connection;
    await migrateAndSeed(connection.url, { sequelize: database.sequelize, env, logger, firstAdmin: true });
    await startChangeFeed(connection.url, logger);
    undo.push({ what: 'change feed', run: () => stopChangeFeed() });
    const interrupted = await markInterruptedRuns();
    if (interrupted) logger.warn({ interrupted }, 'staking runs whose process stopped were marked interrupted; their days stay owed');
    // Before the app is built: rate limiters take their stores from it.
    const shared = await openSharedState({ url: env.REDIS_URL, prefix: env.REDIS_KEY_PREFIX, logger });
    undo.push({ what: 'shared state', run: () => closeSharedState(shared) });

    configureStaking({ batchSize: env.STAKING_BATCH_SIZE });
    configureTokens({ secret: env.JWT_SECRET_KEY, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, expiresInSeconds: env.JWT_EXPIRES_SECONDS });
    installJwtStrategy();
    configureCoinGecko({ baseUrl: env.COINGECKO_API_URL, apiKey: env.COINGECKO_API_KEY, timeoutMs: env.COINGECKO_TIMEOUT_MS, retryLimit: env.COINGECKO_RETRY_LIMIT, retryBaseMs: env.COINGECKO_RETRY_BASE_MS, maxRetryAfterMs: env.COINGECKO_MAX_RETRY_AFTER_MS });

    const jobs = await createJobs({ pool: database.pool, env, logger });
    undo.push({ what: 'jobs', run: () => jobs.stop(env.SHUTDOWN_TIMEOUT_MS) });
    const mailer = setupNotifications({ env, logger, agenda: jobs.agenda });
    // Undone after the jobs step: running jobs (send-email among them) drain before the mailer closes.
    undo.splice(undo.length - 1, 0, { what: 'mailer', run: () => mailer.close() });
    const readinessReport = readiness({
      role: env.APP_ROLE,
      sequelize: database.sequelize,
      redisRequired: Boolean(env.REDIS_URL),
      jobBackend: env.MONGODB_URL ? 'mongodb' : 'postgres',
      phase: () => phase,
    });
    // A worker keeps a tiny HTTP server for /healthz, /readyz and /metrics only.
    let handler: http.RequestListener = healthOnly(readinessReport, env.METRICS_TOKEN);
    let backOfficeReady: Promise<void> | undefined;
    if (env.APP_ROLE !== 'worker') {
      // Loaded only where used: a worker never pays for AdminJS and agendash at start-up.
      const [{ buildBackOffice }, { createExpressMiddleware }] = await Promise.all([import('../admin/admin.js'), import('agendash')]);
      const limits = rateLimits(env);
      const backOffice = buildBackOffice({ env, pool: database.pool, jobsDashboard: createExpressMiddleware(jobs.agenda), loginLimiter: limits.login });
      backOfficeReady = backOffice.ready;
      handler = buildApp({ env, logger, backOffice: backOffice.routers, readiness: readinessReport, limits });
    }
    const server = http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(env.PORT, env.HOST, resolve);
    });
    undo.push({
      what: 'http',
      // Stop accepting; requests already in flight finish (up to SHUTDOWN_TIMEOUT_MS), idle keep-alives close now.
      run: async () => {
        const closed = new Promise((resolve) => server.close(resolve));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), env.SHUTDOWN_TIMEOUT_MS).unref();
        await closed;
      },
    });
    const { port } = server.address() as { port: number };
    const baseUrl = `http://127.0.0.1:${port}`;
    const metricsServer = env.METRICS_PORT !== undefined ? await startMetricsServer(env.METRICS_PORT, logger) : undefined;
    if (metricsServer) undo.push({ what: 'metrics', run: () => void metricsServer.close() });
    const metricsUrl = metricsServer ? `http://127.0.0.1:${(metricsServer.address() as { port: number }).port}/metrics` : undefined;
    if (env.APP_ROLE === 'worker') {
      logger.info({ url: baseUrl, role: env.APP_ROLE, worker: jobs.worker, metrics: metricsUrl }, 'metax worker listening (health only)');
    } else {
      logger.info({ url: baseUrl, role: env.APP_ROLE, api: `${baseUrl}/api/docs`, admin: `${baseUrl}/admin`, jobs: `${baseUrl}/admin/jobs`, metrics: metricsUrl }, 'metax listening');
    }
    if (backOfficeReady) await backOfficeReady;
    // APP_ROLE=web schedules jobs (e.g. send-email after a commit) but never runs them.
    if (env.APP_ROLE !== 'web') await jobs.start();
    phase = 'running';

    let closing: Promise<void> | undefined;
    return {
      env,
      logger,
      database,
      jobs,
      url: baseUrl,
      metricsUrl,
      readiness: readinessReport,
      close() {
        closing ??= (async () => {
          phase = 'stopping';
          await undoAll();
          logger.info('metax stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    phase = 'stopping';
    await undoAll();
    throw error;
  }
}
