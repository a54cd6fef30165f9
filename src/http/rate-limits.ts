import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { Env } from '../config/env.js';
import { AppError } from './errors.js';
import { isMoneyRequest } from './route.js';
import { sharedState } from '../cluster/shared-state.js';

/**
 * Every limiter of the server is defined in this file. Counters live in the shared state (Redis
 * with REDIS_URL, so a lockout reached through one instance holds on all; in-process without);
 * `name` keeps each limiter's counters apart. When Redis is unreachable the request fails with 503
 * rather than going unthrottled.
 */
interface LimiterOptions {
  name: string;
  windowSeconds: number;
  max: number;
  key?: (req: Request) => string;
  skipSuccessful?: boolean;
  /** What counts as a success when `skipSuccessful` (default: status below 400). */
  succeeded?: (req: Request, res: Response) => boolean;
  skip?: (req: Request) => boolean;
}

function limiter(opts: LimiterOptions): RequestHandler {
  return rateLimit({
    store: sharedState().limiterStore(opts.name),
    windowMs: opts.windowSeconds * 1000,
    limit: opts.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: opts.skipSuccessful ?? false,
    ...(opts.succeeded ? { requestWasSuccessful: opts.succeeded } : {}),
    skip: opts.skip,
    keyGenerator: opts.key ?? ((req) => ipKeyGenerator(req.ip ?? '')),
    handler: (_req: Request, res: Response, next, options) => {
      const retryAfter = String(Math.ceil(options.windowMs / 1000));
      next(new AppError(429, 'rate_limited', 'Too many requests, try again later', [], { 'Retry-After': res.getHeader('Retry-After')?.toString() ?? retryAfter }));
    },
  });
}

export interface RateLimits {
  api: RequestHandler;
  register: RequestHandler;
  login: RequestHandler;
  /** Money writes per member account (staff act on many members and are audited instead). */
  money: RequestHandler;
}

/** The back-office sign-in form (AdminJS, parsed by express-formidable) names the login `email`. */
interface FormRequest {
  fields?: Record<string, unknown>;
}

/**
 * Limits a real sign-up page never hits; logins count failures only, per (IP, login name), so a
 * guesser is stopped without locking the member out from elsewhere. The one `login` limiter guards
 * every sign-in path — POST /api/auth/login and the back-office form at /admin/login — so both
 * share one count per (IP, name): failures on either lock out both.
 */
export function rateLimits(env: Env): RateLimits {
  return {
    api: limiter({ name: 'api', windowSeconds: env.RATE_LIMIT_API_WINDOW_SECONDS, max: env.RATE_LIMIT_API_MAX, skip: isMoneyRequest }),
    register: limiter({ name: 'register', windowSeconds: env.RATE_LIMIT_REGISTER_WINDOW_SECONDS, max: env.RATE_LIMIT_REGISTER_MAX }),
    money: limiter({
      name: 'money',
      windowSeconds: env.RATE_LIMIT_MONEY_WINDOW_SECONDS,
      max: env.RATE_LIMIT_MONEY_MAX,
      key: (req) => `member:${req.user!.id}`,
      skip: (req) => req.user?.role !== 'member',
    }),
    login: limiter({
      name: 'login',
      windowSeconds: env.RATE_LIMIT_LOGIN_WINDOW_SECONDS,
      max: env.RATE_LIMIT_LOGIN_MAX,
      skipSuccessful: true,
      // The back-office form answers a success with a redirect and a failure with the form (200).
      succeeded: (req, res) => ((req as FormRequest).fields ? res.statusCode === 302 : res.statusCode < 400),
      key: (req) => {
        const form = (req as FormRequest).fields;
        const name = String((form ? form.email : (req.body?.username ?? req.body?.email)) ?? '').trim().toLowerCase().slice(0, 255);
        return `${ipKeyGenerator(req.ip ?? '')}|${name}`;
      },
    }),
  };
}
