export interface ErrorDetail {
  field: string;
  message: string;
}

/** An expected failure with a stable code; mapped to HTTP once, in the error handler. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) =>
  new AppError(400, 'validation_error', message, details);
export const unauthorized = (message = 'Authentication required') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'Not allowed') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string, details: ErrorDetail[] = []) =>
  new AppError(409, code, message, details);
/** A business rule said no (insufficient funds, below minimum, wallet not allowed). */
export const unprocessable = (code: string, message: string, details: ErrorDetail[] = []) =>
  new AppError(422, code, message, details);
