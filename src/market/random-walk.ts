import { Decimal } from '../money/money.js';

const TWO_POW_32 = new Decimal(2).pow(32);

/** mulberry32: a tiny seeded generator of unsigned 32-bit integers (repeatable, not for secrets). */
export function seededIntegers(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface WalkPoint {
  price: Decimal;
  volume: Decimal;
}

/**
 * A random walk of `count` prices ending exactly at `base`, each step moving at most ±1 %, every
 * price clamped to base ±5 % (rounded inwards to 8 places, so rounding can never leave the band).
 * Walked backwards from the current price so the chart meets it. Integers from the generator
 * become exact decimals: no floating point touches a price.
 */
export function randomWalk(base: Decimal, count: number, seed: number): WalkPoint[] {
  const next = seededIntegers(seed);
  const low = base.times('0.95').toDecimalPlaces(8, Decimal.ROUND_UP);
  const high = base.times('1.05').toDecimalPlaces(8, Decimal.ROUND_DOWN);
  const points: WalkPoint[] = new Array(count);
  let price = base;
  for (let i = count - 1; i >= 0; i--) {
    // Spec's sample volumes: whole units between 10 000 and 50 000.
    const volume = new Decimal(10_000 + (next() % 40_001));
    points[i] = { price, volume };
    const step = new Decimal(next()).div(TWO_POW_32).minus('0.5').times('0.02');
    price = Decimal.min(high, Decimal.max(low, price.times(step.plus(1)).toDecimalPlaces(8, Decimal.ROUND_HALF_UP)));
  }
  return points;
}
