import { z } from 'zod';
import { badRequest } from './errors.js';

export function fieldErrors(error: z.ZodError) {
  return error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
}

/** Parses input against a schema or throws a 400 naming every offending field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'Request body'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw badRequest(`${what} is invalid`, fieldErrors(result.error));
  return result.data;
}
