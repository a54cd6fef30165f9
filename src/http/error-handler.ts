import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, notFound } from './errors.js';
import { fieldErrors } from './validate.js';
import { fromDatabaseError } from './db-errors.js';
import { isDependencyDown } from './unavailable.js';

interface HttpishError {
  status?: number;
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
  let error: AppError;
  const fromDatabase = fromDatabaseError(err);
  if (err instanceof AppError) error = err;
  else if (fromDatabase) {
    req.log?.warn({ err }, `database refused the request: ${fromDatabase.code}`);
    error = fromDatabase;
  } else if (err instanceof z.ZodError) error = new AppError(400, 'validation_error', 'Request is invalid', fieldErrors(err));
  else if ((err as HttpishError)?.type === 'entity.too.large') error = new AppError(413, 'payload_too_large', 'Request body is too large');
  else if ((err as HttpishError)?.type === 'entity.parse.failed') error = new AppError(400, 'validation_error', 'Request body is not valid JSON');
  else if ((err as HttpishError)?.type === 'charset.unsupported' || (err as HttpishError)?.type === 'encoding.unsupported') {
    error = new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  } else if (isDependencyDown(err)) {
    req.log?.warn({ err: { message: (err as Error)?.message, name: (err as Error)?.name } }, 'dependency unavailable');
    error = new AppError(503, 'service_unavailable', 'A service this request needs is unavailable; try again shortly', [], { 'Retry-After': '5' });
  } else {
    req.log?.error({ err }, 'unhandled error');
    error = new AppError(500, 'internal_error', 'Something went wrong');
  }
  return error;
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound('Route'));
