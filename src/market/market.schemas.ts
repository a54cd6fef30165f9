import { z } from 'zod';
import { moneyString, nonNegativeAmount, positiveAmount, signedAmountOrZero, type Decimal } from '../money/money.js';
import { CHART_SOURCES } from './mxc-chart.model.js';
import { dateTime, text } from '../http/input.js';
import { pageQuery as sharedPageQuery } from '../http/pagination.js';

// A percent change: an amount that also fits NUMERIC(10,4).
const percentChange = () =>
  signedAmountOrZero().pipe(
    z
      .custom<Decimal>()
      .refine((d) => d.decimalPlaces() <= 4, 'must have at most 4 decimal places')
      .refine((d) => d.abs().lt(1_000_000), 'must be below 1000000 percent'),
  );

const count = z.number().int('must be a whole number').min(0, 'must not be negative').max(2_147_483_647);
const reason = text({ max: 500, multiline: true });
export const rankText = z.string().trim().regex(/^#\d{1,9}$/, 'must look like #1247');

export const TIMEFRAMES = ['1h', '4h', '24h', '7d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];
const timeframe = z.enum(TIMEFRAMES, { message: 'must be one of 1h, 4h, 24h, 7d' });

/** The only fields a price update may write (no mass assignment). */
export const setPriceBody = z
  .object({
    price: positiveAmount(),
    change_24h: percentChange().optional().meta({ description: 'Percent; derived from the price 24 h ago when left out' }),
    change_amount: signedAmountOrZero().optional().meta({ description: 'Derived from the price 24 h ago when left out' }),
    market_cap: nonNegativeAmount().optional(),
    volume_24h: nonNegativeAmount().optional(),
    holders: count.optional(),
    transactions_24h: count.optional(),
    rank: rankText.optional(),
    chart_volume: nonNegativeAmount().optional().meta({ description: 'Volume of the chart point this update appends (default 0)' }),
    reason: reason.optional(),
  })
  .strict();
export type SetPriceInput = z.output<typeof setPriceBody>;

const isoTimestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 timestamp with a time zone' })
  .refine((v) => dateTime.safeParse(v).success, 'must be a real date-time between 1970-01-01 and 2999-12-31')
  .refine((v) => Date.parse(v) <= Date.now(), 'must not be in the future');

export const addChartPointBody = z
  .object({
    timestamp: isoTimestamp,
    price: positiveAmount(),
    volume: nonNegativeAmount().optional(),
    reason: reason.optional(),
  })
  .strict();
export type AddChartPointInput = z.output<typeof addChartPointBody>;

export const MAX_GENERATED_POINTS = 1000;
export const generateChartBody = z
  .object({
    timeframe: timeframe.default('24h'),
    data_points: z.number().int('must be a whole number').min(1).max(MAX_GENERATED_POINTS).default(24),
    seed: z.number().int('must be a whole number').min(0).max(4_294_967_295).optional(),
    reason: reason.optional(),
  })
  .strict();
export type GenerateChartInput = z.output<typeof generateChartBody>;

export const chartQuery = z.object({ timeframe: timeframe.default('24h') });

export const pageQuery = z.object(sharedPageQuery);

// ---- responses (for the OpenAPI document) ----

const nullableMoney = moneyString.nullable();
export const tokenInfo = z.object({
  name: z.string(),
  symbol: z.string(),
  network: z.string(),
  contract_address: z.string(),
  total_supply: moneyString,
  circulating_supply: moneyString,
});

export const priceFields = {
  price: nullableMoney,
  change_24h: z.string().nullable().meta({ description: 'Percent, 4 decimals' }),
  change_amount: nullableMoney,
  market_cap: nullableMoney,
  volume_24h: nullableMoney,
  holders: z.number().int().nullable(),
  transactions_24h: z.number().int().nullable(),
  rank: z.string().nullable(),
  updated_at: z.string().nullable(),
  source: z.enum(['admin', 'seed', 'unset']),
};
export const mxcPriceView = z.object({ ...priceFields, token: tokenInfo }).meta({ id: 'MxcPrice' });

export const priceRecord = z
  .object({
    id: z.number().int(),
    price: moneyString,
    change_24h: z.string(),
    change_amount: moneyString,
    market_cap: moneyString,
    volume_24h: moneyString,
    holders: z.number().int(),
    transactions_24h: z.number().int(),
    rank: z.string(),
    source: z.enum(['admin', 'seed']),
    updated_by: z.number().int().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'MxcPriceRecord' });

export const adminPriceView = z.object({
  current: priceRecord.nullable(),
  history: z.object({ items: z.array(priceRecord), page: z.number(), per_page: z.number(), total: z.number() }),
});

export const chartPoint = z
  .object({ id: z.string(), timestamp: z.string(), price: moneyString, volume: moneyString, source: z.enum(CHART_SOURCES), created_by: z.number().int().nullable() })
  .meta({ id: 'MxcChartPoint' });

export const chartView = z
  .object({
    timeframe,
    window_start: z.string(),
    window_end: z.string(),
    bucket_seconds: z.number().int(),
    data_points: z.array(
      z.object({
        timestamp: z.string().meta({ description: 'Start of the bucket' }),
        price: moneyString.meta({ description: 'Last price in the bucket' }),
        open: moneyString,
        high: moneyString,
        low: moneyString,
        volume: moneyString,
        points: z.number().int().meta({ description: 'Stored points in the bucket' }),
        source: z.enum(CHART_SOURCES).meta({ description: '`generated` if any point in the bucket is generated' }),
      }),
    ),
    open: nullableMoney,
    close: nullableMoney,
    high: nullableMoney,
    low: nullableMoney,
    volume: moneyString,
    change_amount: nullableMoney,
    change_percent: z.string().nullable(),
    high_24h: nullableMoney,
    low_24h: nullableMoney,
    volume_24h: moneyString,
  })
  .meta({ id: 'MxcChart' });

export const generatedView = z.object({
  timeframe,
  seed: z.number().int(),
  base_price: moneyString,
  requested: z.number().int(),
  created: z.number().int(),
  skipped: z.number().int().meta({ description: 'Timestamps that already held a point (left untouched)' }),
  data_points: z.array(chartPoint),
});
