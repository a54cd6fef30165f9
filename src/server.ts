import http from 'node:http';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { createExpressMiddleware } from 'agendash';
import { loadEnv, type Env } from './config/env.js';
import { openDatabase, type Database } from './db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrateAndSeed } from './db/migrate.js';
import { configureTokens } from './auth/tokens.js';
import { installJwtStrategy } from './auth/passport.js';
import { createJobs, type Jobs } from './jobs/agenda.js';
import { buildApp } from './app.js';
import { configureCoinGecko } from './feed/coingecko.client.js';
import { buildBackOffice } from '../admin/admin.js';

export interface RunningServer {
  env: Env;
  logger: Logger;
  database: Database;
  jobs: Jobs;
  /** Base URL of the HTTP server (absent for APP_ROLE=worker). */
  url?: string;
  close(): Promise<void>;
}

export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'NODE_ENV'>): Logger {
  return pino({ level: env.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}

/**
 * Process assembly: configuration → database → migrations and seeders → jobs → HTTP. `close()`
 * undoes it in reverse: stop accepting, drain jobs, close pools, stop the embedded PostgreSQL.
 */
export async function startServer(source: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const env = loadEnv(source);
  const logger = createLogger(env);
  if (env.generatedSecrets.length) {
    logger.warn({ generated: env.generatedSecrets }, 'secrets not set: generated development values (set them in production)');
  }

  let embedded: EmbeddedDatabase | undefined;
  let url = env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dir: path.join(env.DATA_DIR, 'pg'), port: env.EMBEDDED_PG_PORT, database: 'metax', logger });
    url = embedded.url;
  }
  const database = openDatabase(url, { poolMax: env.DB_POOL_MAX, logger });
  let ready = false;
  try {
    await migrateAndSeed(url, { sequelize: database.sequelize, env, logger });
  } catch (error) {
    await database.close();
    await embedded?.stop();
    throw error;
  }

  configureTokens({ secret: env.JWT_SECRET_KEY, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, expiresInSeconds: env.JWT_EXPIRES_SECONDS });
  installJwtStrategy();
  configureCoinGecko({ baseUrl: env.COINGECKO_API_URL, apiKey: env.COINGECKO_API_KEY, timeoutMs: env.COINGECKO_TIMEOUT_MS, retryLimit: env.COINGECKO_RETRY_LIMIT, retryBaseMs: env.COINGECKO_RETRY_BASE_MS, maxRetryAfterMs: env.COINGECKO_MAX_RETRY_AFTER_MS });

  const jobs = createJobs({ pool: database.pool, env, logger });
  let server: http.Server | undefined;
  let baseUrl: string | undefined;
  if (env.APP_ROLE !== 'worker') {
    const backOffice = buildBackOffice({ env, pool: database.pool, jobsDashboard: createExpressMiddleware(jobs.agenda) });
    const app = buildApp({
      env,
      logger,
      backOffice: backOffice.routers,
      isReady: async () => ready && (await database.sequelize.query('SELECT 1').then(() => true)),
    });
    server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(env.PORT, env.HOST, resolve);
    });
    const { port } = server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${port}`;
    logger.info({ url: baseUrl, api: `${baseUrl}/api/docs`, admin: `${baseUrl}/admin`, jobs: `${baseUrl}/admin/jobs` }, 'metax listening');
  }
  if (env.APP_ROLE !== 'web') await jobs.start();
  ready = true;

  let closing: Promise<void> | undefined;
  return {
    env,
    logger,
    database,
    jobs,
    url: baseUrl,
    close() {
      closing ??= (async () => {
        ready = false;
        if (server) {
          const closed = new Promise((resolve) => server!.close(resolve));
          server.closeIdleConnections();
          setTimeout(() => server!.closeAllConnections(), 2_000).unref();
          await closed;
        }
        await jobs.stop(env.SHUTDOWN_TIMEOUT_MS).catch((err) => logger.warn({ err }, 'job drain failed'));
        await database.close();
        await embedded?.stop();
        logger.info('metax stopped');
      })();
      return closing;
    },
  };
}
