import { z } from 'zod';
import { Decimal, formatMoney } from '../money/money.js';
import { NUMBER_MARK } from './exact-json.js';

// A JSON number from parseExactJson: its exact text, as a Decimal.
const number = z
  .string()
  .refine((s) => s.startsWith(NUMBER_MARK), 'must be a number')
  .transform((s) => new Decimal(s.slice(NUMBER_MARK.length)));
const optionalNumber = number.nullable().optional();
// A JSON string (a number in a string-typed field is refused).
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !s.startsWith(NUMBER_MARK), 'must be a string');

/** One coin of CoinGecko's /coins/markets, checked strictly: anything off rejects the whole payload. */
export const coinMarket = z.object({
  id: text(100).pipe(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a CoinGecko id')),
  symbol: text(32),
  name: text(200),
  image: text(2000).pipe(z.url()).nullable().optional(),
  current_price: number,
  market_cap: optionalNumber,
  market_cap_rank: number.refine((d) => d.isInteger() && d.gte(1), 'must be a positive integer').nullable().optional(),
  total_volume: optionalNumber,
  high_24h: optionalNumber,
  low_24h: optionalNumber,
  price_change_24h: optionalNumber,
  price_change_percentage_24h: optionalNumber,
  circulating_supply: optionalNumber,
  total_supply: optionalNumber,
  max_supply: optionalNumber,
  last_updated: text(40).pipe(z.iso.datetime({ offset: true })),
});
export type CoinMarket = z.output<typeof coinMarket>;

export const coinMarkets = z.array(coinMarket).min(1, 'must list at least one coin').max(250);

const money = (d: Decimal | null | undefined) => (d == null ? null : formatMoney(d));

/** The stored and served form of a coin: amounts as 8-decimal strings, percent with 4 decimals. */
export function toCryptoItem(c: CoinMarket) {
  return {
    id: c.id,
    symbol: c.symbol,
    name: c.name,
    image: c.image ?? null,
    current_price: formatMoney(c.current_price),
    market_cap: money(c.market_cap),
    market_cap_rank: c.market_cap_rank == null ? null : c.market_cap_rank.toNumber(),
    total_volume: money(c.total_volume),
    high_24h: money(c.high_24h),
    low_24h: money(c.low_24h),
    price_change_24h: money(c.price_change_24h),
    price_change_percentage_24h: c.price_change_percentage_24h == null ? null : c.price_change_percentage_24h.toFixed(4, Decimal.ROUND_HALF_UP),
    circulating_supply: money(c.circulating_supply),
    total_supply: money(c.total_supply),
    max_supply: money(c.max_supply),
    last_updated: new Date(c.last_updated).toISOString(),
  };
}
export type CryptoItem = ReturnType<typeof toCryptoItem>;

const nullableString = z.string().nullable();
export const cryptoItemView = z
  .object({
    id: z.string(),
    symbol: z.string(),
    name: z.string(),
    image: nullableString,
    current_price: z.string(),
    market_cap: nullableString,
    market_cap_rank: z.number().int().nullable(),
    total_volume: nullableString,
    high_24h: nullableString,
    low_24h: nullableString,
    price_change_24h: nullableString,
    price_change_percentage_24h: nullableString,
    circulating_supply: nullableString,
    total_supply: nullableString,
    max_supply: nullableString,
    last_updated: z.string(),
  })
  .meta({ id: 'CryptoPrice' });

export const cryptoPricesQuery = z.object({
  ids: z
    .string()
    .max(2000)
    .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be CoinGecko ids separated by commas')).min(1, 'must name at least one id').max(20))
    .optional()
    .meta({ description: 'Comma-separated CoinGecko ids, e.g. bitcoin,ethereum (ids not in the snapshot are simply absent)' }),
  limit: z.coerce.number().int().min(1).max(20).default(20),
});
