import { Decimal } from 'decimal.js';
import { z } from 'zod';

// 20 significant digits for NUMERIC(20,8) plus headroom for intermediate products.
Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export { Decimal };
export const SCALE = 8;
export const MAX_INTEGER_DIGITS = 12;
export const ZERO = new Decimal(0);
/** The largest NUMERIC(20,8): 12 integer digits, 8 decimals. */
export const MAX_AMOUNT = new Decimal('999999999999.99999999');

/** Money in JSON: a decimal string with exactly 8 places. */
export function formatMoney(value: Decimal.Value): string {
  return new Decimal(value).toFixed(SCALE, Decimal.ROUND_DOWN);
}

export function toDecimal(value: Decimal.Value): Decimal {
  return new Decimal(value);
}

/**
 * A JSON number reaches us already rounded to a double: only up to 15 significant digits is its
 * text guaranteed to be what the client wrote. Longer amounts must come as strings.
 */
export const MAX_EXACT_NUMBER_DIGITS = 15;
export function isExactNumber(value: number): boolean {
  return Number.isFinite(value) && new Decimal(String(value)).sd() <= MAX_EXACT_NUMBER_DIGITS;
}

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function checkMoney(value: string | number, ctx: z.RefinementCtx, opts: { allowZero: boolean; signed: boolean }) {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (typeof value === 'number' && !Number.isFinite(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be a finite number' });
    return z.NEVER;
  }
  if (typeof value === 'number' && !isExactNumber(value)) {
    ctx.addIssue({ code: 'custom', message: `as a JSON number it may carry at most ${MAX_EXACT_NUMBER_DIGITS} significant digits: send it as a string` });
    return z.NEVER;
  }
  if (!DECIMAL_TEXT.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'must be a decimal number' });
    return z.NEVER;
  }
  const amount = new Decimal(text);
  if (amount.decimalPlaces() > SCALE) {
    ctx.addIssue({ code: 'custom', message: `must have at most ${SCALE} decimal places` });
    return z.NEVER;
  }
  if (amount.abs().gte(new Decimal(10).pow(MAX_INTEGER_DIGITS))) {
    ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_INTEGER_DIGITS} integer digits` });
    return z.NEVER;
  }
  if (!opts.signed && amount.isNegative() && !amount.isZero()) {
    ctx.addIssue({ code: 'custom', message: 'must not be negative' });
    return z.NEVER;
  }
  if (!opts.allowZero && amount.isZero()) {
    ctx.addIssue({ code: 'custom', message: opts.signed ? 'must not be zero' : 'must be greater than zero' });
    return z.NEVER;
  }
  return amount.plus(0); // normalises -0
}

const moneyLike = z.union([z.string().max(64), z.number()]);

/** A positive amount from a JSON string or number, exact to 8 places. */
export const positiveAmount = () =>
  moneyLike
    .transform((v, ctx) => checkMoney(v, ctx, { allowZero: false, signed: false }))
    .meta({ description: 'Decimal string (or number), > 0, at most 8 decimals', example: '100.00000000' });

/** Zero or more (configuration values such as fees and minimums). */
export const nonNegativeAmount = () =>
  moneyLike
    .transform((v, ctx) => checkMoney(v, ctx, { allowZero: true, signed: false }))
    .meta({ description: 'Decimal string (or number), >= 0, at most 8 decimals', example: '10.00000000' });

/** A signed, non-zero amount (staff adjustments). */
export const signedAmount = () =>
  moneyLike
    .transform((v, ctx) => checkMoney(v, ctx, { allowZero: false, signed: true }))
    .meta({ description: 'Signed decimal string (or number), non-zero, at most 8 decimals', example: '-5.00000000' });

/** A signed amount where zero is fine too (differences, such as a price change). */
export const signedAmountOrZero = () =>
  moneyLike
    .transform((v, ctx) => checkMoney(v, ctx, { allowZero: true, signed: true }))
    .meta({ description: 'Signed decimal string (or number), at most 8 decimals', example: '-0.00001200' });

/** The response form of an amount. */
export const moneyString = z.string().meta({ description: 'Decimal string with 8 places', example: '12.50000000' });
