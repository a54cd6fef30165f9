import type { ConfigValue } from '../config/config.catalogue.js';
import { Decimal, SCALE } from '../money/money.js';
import type { IncomeType } from './income-types.js';

/**
 * The compensation plan — the one home of its rules. Changing the number of levels also needs a
 * migration for the CHECK constraints that read PLAN_LEVELS (referrals.level, incomes.level).
 */

/** Upline levels that earn commission on an investment (and the depth of the referral tree). */
export const PLAN_LEVELS = 5;
export const PLAN_LEVEL_KEYS = Array.from({ length: PLAN_LEVELS }, (_, i) => String(i + 1));

/** The income type a commission from a given level is paid as. */
export const levelIncomeType = (level: number): IncomeType => (level === 1 ? 'Direct Referral' : 'Level Bonus');
export const COMMISSION_TYPES: readonly IncomeType[] = ['Direct Referral', 'Level Bonus'];

/** Who earns anything (commissions, staking, distributions, ranks): an active member, never staff. */
export const earnerSql = (alias: string) => `(${alias}.is_active AND ${alias}.role = 'member')`;

/** Truncates to 8 places: the platform never pays a rounding remainder it does not owe. */
export const down8 = (value: Decimal) => value.toDecimalPlaces(SCALE, Decimal.ROUND_DOWN);

export interface Upline {
  referrer_id: number;
  level: number;
  /** earnerSql of the upline. */
  is_earner: boolean;
}

export interface Commission {
  userId: number;
  type: IncomeType;
  level: number;
  amount: Decimal;
}

/**
 * Commissions on one investment from the member's closure rows. A sponsor who does not earn gets
 * nothing: without compression their level's share is simply not paid; with compression the next
 * earning sponsors move up into the freed levels. Amounts truncate to 8 places.
 */
export function commissionsFor(investorId: number, amount: Decimal, uplines: Upline[], rates: ConfigValue<'referral_rates'>, compression: boolean): Commission[] {
  const sorted = [...uplines].sort((a, b) => a.level - b.level).filter((u) => u.referrer_id !== investorId && u.level <= PLAN_LEVELS);
  const earners = compression ? sorted.filter((u) => u.is_earner).map((u, i) => ({ ...u, level: i + 1 })) : sorted.filter((u) => u.is_earner);
  return earners
    .map((u) => ({ userId: u.referrer_id, type: levelIncomeType(u.level), level: u.level, amount: down8(amount.times(rates[String(u.level)]).dividedBy(100)) }))
    .filter((c) => c.amount.gt(0));
}
