import { z } from 'zod';

/** `page` from 1, `per_page` 1-100 (default 20), as the API's list convention says. */
export const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
};

export interface Page<T> {
  items: T[];
  page: number;
  per_page: number;
  total: number;
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), per_page: z.number().int(), total: z.number().int() });

export const offsetOf = (q: { page: number; per_page: number }) => (q.page - 1) * q.per_page;
