import type { ConfigValue } from '../config/config.catalogue.js';
import { Decimal } from '../money/money.js';
import { down8, type IncomeCredit } from '../income/income.service.js';

export interface Upline {
  referrer_id: number;
  level: number;
  is_active: boolean;
}

/**
 * Commissions on one investment from the member's closure rows (levels 1-5). An inactive sponsor
 * earns nothing: without compression their level's share is simply not paid; with compression the
 * next active sponsors move up into the freed levels. Amounts truncate to 8 places.
 */
export function commissionsFor(
  input: { investorId: number; investmentId: number; amount: Decimal; investorName: string },
  uplines: Upline[],
  rates: ConfigValue<'referral_rates'>,
  compression: boolean,
): IncomeCredit[] {
  const sorted = [...uplines].sort((a, b) => a.level - b.level).filter((u) => u.referrer_id !== input.investorId);
  const earners = compression ? sorted.filter((u) => u.is_active).map((u, i) => ({ ...u, level: i + 1 })) : sorted.filter((u) => u.is_active);
  return earners
    .map((u): IncomeCredit => ({
      userId: u.referrer_id,
      type: u.level === 1 ? 'Direct Referral' : 'Level Bonus',
      amount: down8(input.amount.times(rates[String(u.level)]).dividedBy(100)),
      fromUserId: input.investorId,
      level: u.level,
      investmentId: input.investmentId,
      description: `${u.level === 1 ? 'Direct referral commission' : `Level ${u.level} bonus`} on ${input.investorName}'s investment of ${input.amount.toFixed(8)}`,
    }))
    .filter((c) => c.amount.gt(0));
}
