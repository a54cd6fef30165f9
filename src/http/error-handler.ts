import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, notFound } from './errors.js';
import { fieldErrors } from './validate.js';
import { fromDatabaseError } from './db-errors.js';
import { isDependencyDown } from './unavailable.js';

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: string;
}

/** Maps every error to the API's error shape (README, API overview): no stack traces, SQL or HTML ever leave. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const error = toAppError(err, req);
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json(errorBody(error, String(req.id ?? '')));
};

/** `request_id` names the request that produced the answer (a replayed answer keeps the first one's). */
export const errorBody = (error: AppError, requestId: string) => ({
  error: { code: error.code, message: error.message, details: error.details, request_id: requestId },
});

/** Every error as the AppError a client sees (logging the ones that are not the client's doing). */
export function toAppError(err: unknown, req: Request): AppError {
  if (err instanceof AppError) return err;
  const fromDatabase = fromDatabaseError(err);
  if (fromDatabase) {
    req.log?.warn({ err }, `database refused the request: ${fromDatabase.code}`);
    return fromDatabase;
  }
  const fromClient = clientError(err);
  if (fromClient) return fromClient;
  if (isDependencyDown(err)) {
    req.log?.warn({ err: { message: (err as Error)?.message, name: (err as Error)?.name } }, 'dependency unavailable');
    return new AppError(503, 'service_unavailable', 'A service this request needs is unavailable; try again shortly', [], { 'Retry-After': '5' });
  }
  req.log?.error({ err }, 'unhandled error');
  return new AppError(500, 'internal_error', 'Something went wrong');
}

/** Codes for 4xx errors raised by Express, body-parser and other middleware (http-errors style). */
const CLIENT_ERROR_CODES: Record<number, [code: string, message: string]> = {
  400: ['bad_request', 'The request is malformed'],
  404: ['not_found', 'Not found'],
  405: ['method_not_allowed', 'Method not allowed'],
  408: ['request_timeout', 'The request took too long to arrive'],
  413: ['payload_too_large', 'Request body is too large'],
  414: ['uri_too_long', 'The URL is too long'],
  415: ['unsupported_media_type', 'Unsupported body encoding'],
  431: ['headers_too_large', 'Request headers are too large'],
};

/** Errors the request itself caused before any handler ran (parsing, decoding); undefined for anything else. */
function clientError(err: unknown): AppError | undefined {
  if (err instanceof z.ZodError) return new AppError(400, 'validation_error', 'Request is invalid', fieldErrors(err));
  const { type, status, statusCode } = (err ?? {}) as HttpishError;
  if (type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'Request body is too large');
  if (type === 'entity.parse.failed') return new AppError(400, 'validation_error', 'Request body is not valid JSON');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  // Express decodes path parameters with decodeURIComponent: `%ff` throws a URIError (status 400).
  if (err instanceof URIError) {
    return new AppError(400, 'validation_error', 'The URL is not valid percent-encoded UTF-8', [{ field: '(path)', message: 'is not valid percent-encoded UTF-8' }]);
  }
  // Other http-errors from middleware (a body that cannot be read, an aborted request, …): their
  // own 4xx status, with a fixed message (theirs may name internals).
  const code = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  if (code !== undefined && code >= 400 && code < 500) {
    const [name, message] = CLIENT_ERROR_CODES[code] ?? ['client_error', 'The request was refused'];
    return new AppError(code, name, message);
  }
  return undefined;
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound('Route'));
