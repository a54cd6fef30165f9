import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { authenticate, type AuthUser } from '../auth/passport.js';
import { can, type Permission } from '../auth/permissions.js';
import { badRequest, forbidden, notFound } from './errors.js';
import { declaredTag, errorSchema, registry } from './openapi.js';
import { parse } from './validate.js';
import { claimKey, idempotencyKeyOf, rememberReply, requireIdempotencyKey, sendReply, type Reply } from './idempotency.js';
import { errorBody, toAppError } from './error-handler.js';
import { moneyUnit } from '../wallets/lock-order.js';
import { replicaReads } from '../db/replica.js';

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
  /** The success status and body schema (for the document; every route documents its answer). */
  status?: number;
  response: z.ZodType;
  /** The success body's media type when it is not JSON (a CSV download). */
  contentType?: string;
  /** Extra middleware after authentication (e.g. a rate limit). */
  before?: RequestHandler[];
  /**
   * A money write: honours Idempotency-Key and is exempt from the API-wide rate limit;
   * 'key-required' refuses a request without the key (writes that pay many members at once).
   */
  money?: boolean | 'key-required';
  /** Error statuses this route answers beyond the ones its access and body imply (e.g. login's 401). */
  errors?: number[];
  /** 'replica': plain reads may come from DATABASE_REPLICA_URL (staff lists, reports, team views, exports). */
  reads?: 'replica';
  /** Stable operation id for generated clients; derived from method and path when left out. */
  operationId?: string;
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
  413: 'Request body larger than BODY_LIMIT',
  415: 'Unsupported body encoding',
  422: 'A business rule refused it',
  429: 'Rate limited',
  500: 'Unexpected error (a bug; the request id identifies it in the logs)',
  503: 'A dependency (database, Redis) is unavailable; retry shortly',
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
  const template = '/api' + spec.path;
  const guards: RequestHandler[] = [
    (_req, res, next) => {
      res.locals.routeTemplate = template;
      next();
    },
  ];
  if (spec.access !== 'public') guards.push(authenticate);
  if (spec.access === 'member') guards.push(requireMember);
  else if (spec.access !== 'public' && spec.access !== 'user') guards.push(requirePermission(spec.access));

  // After the access check (403 before 400), before the idempotency key is claimed (a 400 is not stored).
  guards.push(refuseUnusableBody);
  if (spec.money) {
    if (spec.money === 'key-required') guards.push(requireIdempotencyKey);
    // Per-account rate limit and concurrency gate, built per app from its settings.
    guards.push((req, res, next) => (req.app.locals.moneyGuards as RequestHandler)(req, res, next));
    moneyRoutes.push({ method: spec.method.toUpperCase(), pattern: new RegExp(`^${spec.path.replace(/:\w+/g, '[^/]+')}/?$`) });
  }

  router[spec.method](spec.path, ...guards, ...(spec.before ?? []), async (req: Request, res: Response) => {
    const body = spec.body ? parse(spec.body, req.body ?? {}) : req.body;
    const query = (spec.query ? parse(spec.query, req.query, 'Query') : req.query) as z.output<Q>;
    const params = (spec.params ? parse(spec.params, req.params, 'Path') : req.params) as z.output<P>;
    const input = { body, query, params, user: req.user as AuthUser, req, res };
    const run = async () => (spec.reads === 'replica' ? replicaReads(() => handler(input)) : handler(input));
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
          await rememberReply(key, { status: error.status, body: JSON.stringify(errorBody(error, String(req.id ?? ''))) });
        }
        throw error;
      }
      sendReply(res, reply);
    } finally {
      (res.locals.releaseMoneySlot as (() => void) | undefined)?.();
    }
  });
  methodsByPath.set(spec.path, [...(methodsByPath.get(spec.path) ?? []), spec.method.toUpperCase()]);

  declared.set(`${spec.method.toUpperCase()} /api${spec.path}`, spec.access);
  registerDocument(spec, status);
}

const methodsByPath = new Map<string, string[]>();

/**
 * A known path asked with a method it does not have is an unknown route (404, as for any unknown
 * path) — before a parameter route such as GET /transactions/:id could read `deposit` as an id and
 * answer 400.
 */
export function unknownMethod(req: Request, _res: Response, next: NextFunction): void {
  const methods = methodsByPath.get(req.path.replace(/\/+$/, '') || '/');
  if (!methods || methods.includes(req.method) || (req.method === 'HEAD' && methods.includes('GET')) || req.method === 'OPTIONS') return next();
  next(notFound('Route'));
}

const declared = new Map<string, Access>();

/** Every declared route (`METHOD /api/path`) with its access: the REST side of the permission table. */
export function declaredRoutes(): ReadonlyMap<string, Access> {
  return declared;
}

const moneyRoutes: { method: string; pattern: RegExp }[] = [];

/** Money writes are never throttled by the API-wide limit (they have their own per member); paths are relative to /api. */
export function isMoneyRequest(req: Request): boolean {
  return moneyRoutes.some((r) => r.method === req.method && r.pattern.test(req.path));
}

function refuseUnusableBody(req: Request, _res: Response, next: NextFunction): void {
  const problem = (req as { malformedBody?: string }).malformedBody;
  next(problem ? badRequest(problem, [{ field: '(body)', message: problem }]) : undefined);
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
const idempotencyHeader = (required: boolean) =>
  z.object({
    'Idempotency-Key': (required ? z.string().min(1).max(255) : z.string().min(1).max(255).optional()).meta({
      description: required
        ? 'Required: a double submit without it would pay everyone twice. Replays return the first answer; another body with the same key is 409'
        : 'Replays return the first answer; another body with the same key is 409',
    }),
  });

const ACCESS_TEXT: Record<string, string> = {
  public: 'Public: no token.',
  user: 'Any signed-in account (member or staff).',
  member: 'Member accounts only (staff tokens get 403); acts on the member in the token.',
};

/** `get /admin/users/:id/wallets` → `getAdminUsersByIdWallets`. */
function derivedOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[-_]/))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return method + words.join('');
}

function registerDocument(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>, status: number): void {
  // The app may be built more than once per process (tests): document each route once.
  const key = `${spec.method} ${spec.path}`;
  if (documented.has(key)) return;
  documented.add(key);
  for (const tag of spec.tags) declaredTag(tag);
  const errorCodes = new Set([
    400,
    // Any token can belong to a deactivated account (403), whatever the route's access.
    ...(spec.access === 'public' ? [] : [401, 403]),
    404,
    409,
    ...(spec.body || spec.method !== 'get' ? [413, 415] : []),
    422,
    429,
    500,
    503,
    ...(spec.errors ?? []),
  ]);
  const responses: Record<string, object> = {
    [status]: { description: 'Success', content: { [spec.contentType ?? 'application/json']: { schema: spec.response } } },
  };
  for (const code of [...errorCodes].sort()) {
    responses[code] = { description: STATUS_TEXT[code] ?? 'Error', content: { 'application/json': { schema: errorSchema } } };
  }
  const access = ACCESS_TEXT[spec.access] ?? `Staff holding the \`${spec.access}\` permission.`;
  registry.registerPath({
    method: spec.method,
    path: '/api' + spec.path.replace(/:(\w+)/g, '{$1}'),
    operationId: spec.operationId ?? derivedOperationId(spec.method, spec.path),
    summary: spec.summary,
    description: [spec.description, `Access: ${access}`].filter(Boolean).join('\n\n'),
    tags: spec.tags,
    security: spec.access === 'public' ? [] : [{ bearer: [] }],
    // Who may call it: public, user (anyone signed in), member, or the staff permission required.
    'x-access': spec.access,
    request: {
      ...(spec.body ? { body: { required: !spec.body.safeParse({}).success, content: { 'application/json': { schema: spec.body } } } } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.money ? { headers: idempotencyHeader(spec.money === 'key-required') as never } : {}),
    },
    responses,
  });
}
