import { z } from 'zod';
import { moneyString, positiveAmount } from '../money/money.js';
import { pageOf, pageQuery } from '../http/pagination.js';
import { dateTime, MAX_INT_ID, text } from '../http/input.js';
import { INCOME_TYPES } from './income-types.js';

const incomeType = z.enum(INCOME_TYPES, { message: `must be one of ${INCOME_TYPES.join(', ')}` });

export const historyQuery = z.object({
  ...pageQuery,
  type: incomeType.optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
});

const percent = positiveAmount().refine((v) => v.lte(100), 'must be at most 100');

export const distributeBody = z
  .object({
    income_type: incomeType,
    amount: positiveAmount().optional(),
    rate_percent: percent.optional(),
    user_ids: z.union([z.literal('all_active'), z.array(z.number().int().positive().max(MAX_INT_ID)).min(1).max(100_000)]),
    description: text({ min: 1, max: 500, multiline: true }),
  })
  .refine((b) => (b.amount === undefined) !== (b.rate_percent === undefined), { message: 'give exactly one of amount and rate_percent', path: ['amount'] });

export const distributePreviewReply = z.object({
  income_type: incomeType,
  members_paid: z.number().int(),
  members_skipped: z.number().int(),
  total: moneyString,
  first: z.array(z.object({ user_id: z.number().int(), username: z.string(), amount: moneyString })).meta({ description: 'The first recipients, by member id' }),
});

export const distributeReply = z.object({
  income_type: incomeType,
  members_paid: z.number().int(),
  members_skipped: z.number().int(),
  total: moneyString,
});

export const incomeHistoryReply = pageOf(
  z.object({
    id: z.number().int(),
    income_type: incomeType,
    amount: moneyString,
    from_user_id: z.number().int().nullable(),
    from_username: z.string().nullable(),
    level: z.number().int().nullable(),
    description: z.string().nullable(),
    status: z.enum(['completed', 'reversed']),
    investment_id: z.number().int().nullable(),
    created_at: z.string(),
  }),
);

export const incomeSummaryReply = z.object({
  by_type: z.array(z.object({ income_type: incomeType, total: moneyString, count: z.number().int() })),
  grand_total: moneyString,
  total_count: z.number().int(),
  today: moneyString,
  this_month: moneyString,
});
