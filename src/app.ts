import express, { type Express, type RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import passport from 'passport';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { Logger } from 'pino';
import type { Env } from './config/env.js';
import { authRoutes } from './auth/auth.routes.js';
import { userRoutes } from './users/users.routes.js';
import { walletRoutes } from './wallets/wallets.routes.js';
import { transactionRoutes } from './wallets/transactions.routes.js';
import { staffMoneyRoutes } from './wallets/staff-money.routes.js';
import { staffUserRoutes } from './users/staff-users.routes.js';
import { staffRoutes } from './users/staff.routes.js';
import { backOfficeRoutes } from './backoffice/backoffice.routes.js';
import { configRoutes } from './config/config.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { jobRunRoutes } from './jobs/job-runs.routes.js';
import { emailRoutes } from './notify/emails.routes.js';
import { marketRoutes } from './market/market.routes.js';
import { cryptoRoutes } from './feed/crypto.routes.js';
import { investmentRoutes } from './investments/investments.routes.js';
import { incomeRoutes } from './income/income.routes.js';
import { stakingRoutes } from './staking/staking.routes.js';
import { teamRoutes } from './team/team.routes.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { openApiDocument } from './http/openapi.js';
import { rateLimits, type RateLimits } from './http/rate-limits.js';
import { moneyGate } from './http/money-gate.js';
import { redactUrl } from './http/redact.js';
import { MAX_JSON_DEPTH, nestedDeeperThan, TOO_DEEP, unusableBody } from './http/body.js';
import { requestIdFor, withRequestContext } from './http/request-context.js';
import { unknownMethod } from './http/route.js';
import { metricsAllowed, requestMetrics, sendMetrics } from './ops/metrics.js';
import type { ReadinessReport } from './ops/readiness.js';

export interface AppParts {
  env: Env;
  logger: Logger;
  /** Back-office routers (agendash first, then AdminJS), mounted before the JSON body parser. */
  backOffice?: { path: string; router: RequestHandler }[];
  readiness: () => Promise<ReadinessReport>;
  /** Rate limits shared with the back-office (one sign-in limiter for every login path). */
  limits?: RateLimits;
}

/** The REST API under /api, each domain registering its own routes. */
function apiRouter(env: Env, limits: RateLimits): express.Router {
  const router = express.Router();
  router.use(unknownMethod);
  router.use(limits.api);
  authRoutes(router, limits);
  userRoutes(router);
  walletRoutes(router);
  transactionRoutes(router);
  staffUserRoutes(router);
  staffRoutes(router);
  backOfficeRoutes(router);
  staffMoneyRoutes(router);
  configRoutes(router);
  auditRoutes(router);
  jobRunRoutes(router);
  emailRoutes(router);
  marketRoutes(router);
  cryptoRoutes(router);
  investmentRoutes(router);
  incomeRoutes(router);
  stakingRoutes(router);
  teamRoutes(router, env.REFERRAL_BASE_URL);
  router.get('/openapi.json', (_req, res) => res.json(openApiDocument()));
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/api/openapi.json' } }));
  router.use(notFoundHandler);
  return router;
}

/**
 * JSON bodies, with a body the route cannot use (not JSON, not decodable for its Content-Encoding,
 * nested deeper than MAX_JSON_DEPTH) held back until the route has checked access: a member's
 * malformed body to a staff route is 403, not 400. Too large (413) and unknown encodings (415) answer at once.
 */
function jsonBody(limit: string): RequestHandler {
  const parseJson = express.json({ limit, strict: true });
  return (req, res, next) =>
    parseJson(req, res, (err?: unknown) => {
      const problem = err ? unusableBody(err) : req.body !== undefined && nestedDeeperThan(req.body, MAX_JSON_DEPTH) ? TOO_DEEP : undefined;
      if (err && !problem) return next(err);
      if (problem) {
        req.body = undefined;
        (req as { malformedBody?: string }).malformedBody = problem;
      }
      next();
    });
}

export function buildApp(parts: AppParts): Express {
  const { env, logger } = parts;
  const app = express();
  app.disable('x-powered-by');
  const limits = parts.limits ?? rateLimits(env);
  // Every money route passes these (see defineRoute): the member's write limit, then the gate that
  // bounds concurrent money writes per account and in all, keeping pool connections for reads.
  const gate = moneyGate({ perAccount: env.MONEY_CONCURRENCY_PER_ACCOUNT, total: Math.max(1, env.DB_POOL_MAX - 2), waitMs: env.MONEY_QUEUE_WAIT_MS, maxQueue: 256 });
  app.locals.moneyGuards = ((req, res, next) => limits.money(req, res, (err?: unknown) => (err ? next(err) : gate(req, res, next)))) satisfies RequestHandler;
  if (env.TRUST_PROXY) app.set('trust proxy', /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY);

  app.use(requestMetrics);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = requestIdFor(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      // One short line per request: headers (cookies, tokens, helmet's list) are noise and risk, and
      // secrets sent in a query string by mistake are redacted.
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url === undefined ? undefined : redactUrl(req.url) }),
        res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      },
    }),
    withRequestContext,
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await parts.readiness().catch(() => ({ status: 'not_ready', checks: {} }));
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  // Not public: with the right bearer token only, else it does not exist (METRICS_PORT serves it locally).
  app.get('/metrics', (req, res, next) => {
    if (!metricsAllowed(env.METRICS_TOKEN, req.headers.authorization)) return next();
    sendMetrics(res).catch(next);
  });

  // AdminJS and agendash parse their own bodies and serve their own scripts: mount them first.
  for (const { path, router } of parts.backOffice ?? []) app.use(path, router);

  app.use(
    '/api',
    helmet({ contentSecurityPolicy: false }),
    cors({ origin: env.CORS_ORIGINS.length ? env.CORS_ORIGINS : false, credentials: false, maxAge: 600 }),
    jsonBody(env.BODY_LIMIT),
    passport.initialize(),
    apiRouter(env, limits),
  );
  app.get('/', (_req, res) => res.redirect('/api/docs'));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
