import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { authenticate, type AuthUser } from '../auth/passport.js';
import { can, type Permission } from '../auth/permissions.js';
import { badRequest, forbidden } from './errors.js';
import { errorSchema, registry } from './openapi.js';
import { parse } from './validate.js';
import { claimKey, idempotencyKeyOf, rememberReply, sendReply, type Reply } from './idempotency.js';
import { errorBody, toAppError } from './error-handler.js';
import { moneyUnit } from '../wallets/lock-order.js';

/**
 * public: no token; user: anyone signed in (profile, settings, password, logout); member: a member
 * account (staff hold no wallets or team); a permission: a staff role holding it.
 */
export type Access = 'public' | 'user' | 'member' | Permission;

type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  /** Express-style path below /api, e.g. `/transactions/:id`. */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** The success status and body schema (for the document). */
  status?: number;
  response?: z.ZodType;
  /** Extra middleware after authentication (e.g. a rate limit). */
  before?: RequestHandler[];
  /** A money write: honours Idempotency-Key and is exempt from the API-wide rate limit. */
  money?: boolean;
  description?: string;
}

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  user: AuthUser;
  req: Request;
  res: Response;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed input',
  401: 'Missing, invalid, expired or revoked token',
  403: 'Signed in, but not allowed',
  404: 'Not found (or not yours)',
  409: 'Conflict with the current state',
  422: 'A business rule refused it',
  429: 'Rate limited',
};

/**
 * Defines one API route: access check first (so a member's malformed body to a staff route is
 * 403, not 400), then input parsing, then the handler — and registers it in the OpenAPI document.
 */
export function defineRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
  router: Router,
  spec: RouteSpec<B, Q, P>,
  handler: (input: RouteInput<z.output<B>, z.output<Q>, z.output<P>>) => Promise<unknown>,
): void {
  const status = spec.status ?? (spec.method === 'post' ? 201 : 200);
  const guards: RequestHandler[] = [];
  if (spec.access !== 'public') guards.push(authenticate);
  if (spec.access === 'member') guards.push(requireMember);
  else if (spec.access !== 'public' && spec.access !== 'user') guards.push(requirePermission(spec.access));

  if (spec.money) {
    // Per-account rate limit and concurrency gate, built per app from its settings.
    guards.push((req, res, next) => (req.app.locals.moneyGuards as RequestHandler)(req, res, next));
    moneyRoutes.push({ method: spec.method.toUpperCase(), pattern: new RegExp(`^${spec.path.replace(/:\w+/g, '[^/]+')}/?$`) });
  }

  router[spec.method](spec.path, ...guards, ...(spec.before ?? []), async (req: Request, res: Response) => {
    if ((req as { malformedBody?: boolean }).malformedBody) throw badRequest('Request body is not valid JSON');
    const body = spec.body ? parse(spec.body, req.body ?? {}) : req.body;
    const query = (spec.query ? parse(spec.query, req.query, 'Query') : req.query) as z.output<Q>;
    const params = (spec.params ? parse(spec.params, req.params, 'Path') : req.params) as z.output<P>;
    const run = async () => handler({ body, query, params, user: req.user as AuthUser, req, res });
    try {
      const key = spec.money ? idempotencyKeyOf(req) : undefined;
      if (!key) {
        const result = await run();
        if (!res.headersSent) res.status(status).json(result);
        return;
      }
      let reply: Reply;
      try {
        reply = await moneyUnit(async (tx) => {
          const stored = await claimKey(tx, key);
          if (stored) return stored;
          const fresh = { status, body: JSON.stringify(await run()) };
          await rememberReply(key, fresh, tx);
          return fresh;
        });
      } catch (err) {
        const error = toAppError(err, req);
        // A refusal moved nothing and is replayed as it was; a busy or failed unit is retried.
        if (error.status >= 400 && error.status < 500 && error.status !== 429 && !error.code.startsWith('idempotency_')) {
          await rememberReply(key, { status: error.status, body: JSON.stringify(errorBody(error)) });
        }
        throw error;
      }
      sendReply(res, reply);
    } finally {
      (res.locals.releaseMoneySlot as (() => void) | undefined)?.();
    }
  });

  declared.set(`${spec.method.toUpperCase()} /api${spec.path}`, spec.access);
  registerDocument(spec, status);
}

const declared = new Map<string, Access>();

/** Every declared route (`METHOD /api/path`) with its access: the REST side of the permission table. */
export function declaredRoutes(): ReadonlyMap<string, Access> {
  return declared;
}

const moneyRoutes: { method: string; pattern: RegExp }[] = [];

/** Money writes are never throttled by the API-wide limit (API.md); paths are relative to /api. */
export function isMoneyRequest(req: Request): boolean {
  return moneyRoutes.some((r) => r.method === req.method && r.pattern.test(req.path));
}

function requireMember(req: Request, _res: Response, next: NextFunction): void {
  next(req.user?.role === 'member' ? undefined : forbidden('Only member accounts can do this'));
}

function requirePermission(permission: Permission): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    next(can(req.user?.role, permission) ? undefined : forbidden(`Requires the ${permission} permission`));
  };
}

const documented = new Set<string>();
const idempotencyHeader = z.object({
  'Idempotency-Key': z.string().min(1).max(255).optional().meta({ description: 'Replays return the first answer; another body with the same key is 409' }),
});

function registerDocument(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>, status: number): void {
  // The app may be built more than once per process (tests): document each route once.
  const key = `${spec.method} ${spec.path}`;
  if (documented.has(key)) return;
  documented.add(key);
  const errorCodes = [400, ...(spec.access === 'public' ? [] : [401]), ...(spec.access !== 'public' && spec.access !== 'user' ? [403] : []), 404, 409, 422, 429];
  const responses: Record<string, object> = {
    [status]: {
      description: 'Success',
      ...(spec.response ? { content: { 'application/json': { schema: spec.response } } } : {}),
    },
  };
  for (const code of errorCodes) {
    responses[code] = { description: STATUS_TEXT[code], content: { 'application/json': { schema: errorSchema } } };
  }
  registry.registerPath({
    method: spec.method,
    path: '/api' + spec.path.replace(/:(\w+)/g, '{$1}'),
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    security: spec.access === 'public' ? [] : [{ bearer: [] }],
    request: {
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.money ? { headers: idempotencyHeader as never } : {}),
    },
    responses,
  });
}
