import type { ErrorRequestHandler, RequestHandler } from 'express';
import pg from 'pg';
import { z } from 'zod';
import { AppError, notFound } from './errors.js';
import { fieldErrors } from './validate.js';

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: string;
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

/**
 * PostgreSQL data exceptions that only a value from the request can cause (text it cannot store,
 * a date or number in a form it cannot read). Schemas refuse these first; this is the safety net.
 * 22003 (numeric out of range) is a business rule with its own mapping, not a malformed request.
 */
const CLIENT_DATA_SQLSTATES = new Set(['22001', '22007', '22008', '22021', '22P02', '22P05']);

/** The SQLSTATE of a PostgreSQL error, raw or wrapped by Sequelize. */
function sqlState(err: unknown): string | undefined {
  const pgError = err instanceof pg.DatabaseError ? err : (err as { parent?: unknown })?.parent;
  return pgError instanceof pg.DatabaseError ? pgError.code : undefined;
}

function clientStatus(err: HttpishError): number | undefined {
  const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 ? status : undefined;
}

/** Turns anything thrown into an AppError; undefined means a real bug (500). */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return new AppError(400, 'validation_error', 'Request is invalid', fieldErrors(err));
  const type = (err as HttpishError)?.type;
  if (type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'Request body is too large');
  if (type === 'entity.parse.failed') return new AppError(400, 'validation_error', 'Request body is not valid JSON');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  // Express decodes path parameters with decodeURIComponent: `%ff` throws a URIError (status 400).
  if (err instanceof URIError) {
    return new AppError(400, 'validation_error', 'The URL is not valid percent-encoded UTF-8', [{ field: '(path)', message: 'is not valid percent-encoded UTF-8' }]);
  }
  const status = clientStatus(err as HttpishError);
  if (status !== undefined) {
    const [code, message] = CLIENT_ERROR_CODES[status] ?? ['client_error', 'The request was refused'];
    return new AppError(status, code, message);
  }
  const state = sqlState(err);
  if (state && CLIENT_DATA_SQLSTATES.has(state)) return new AppError(400, 'invalid_value', 'A value in the request cannot be stored or compared');
  return undefined;
}

/** Maps every error to the JSON shape of API.md: no stack traces, SQL or HTML ever leave. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let error = toAppError(err);
  if (!error) {
    req.log?.error({ err }, 'unhandled error');
    error = new AppError(500, 'internal_error', 'Something went wrong');
  } else if (!(err instanceof AppError) && sqlState(err)) {
    // A schema let through something the database refused: answered 400, logged so the schema gets fixed.
    req.log?.warn({ sqlState: sqlState(err) }, 'database refused a request value that validation let through');
  }
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
};

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound('Route'));
