import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { parseExactJson, NUMBER_MARK as M } from '../src/feed/exact-json.js';
import { randomWalk } from '../src/market/random-walk.js';
import { chartWindow } from '../src/market/chart-window.js';

describe('parseExactJson', () => {
  it('keeps every number as its exact text, tagged, and strings as strings', () => {
    expect(parseExactJson('{"a": 97123.45678912345, "b": "x1", "c": [-2e-3, 0, 1.10], "d": "q\\"1, 2", "e": true, "f": null}')).toEqual({
      a: `${M}97123.45678912345`,
      b: 'x1',
      c: [`${M}-2e-3`, `${M}0`, `${M}1.10`],
      d: 'q"1, 2',
      e: true,
      f: null,
    });
  });

  it('still refuses what JSON refuses', () => {
    for (const bad of ['01', '[1.]', '{"a": .5}', '[+1]', '{"a":', '<html>', '[1 2]', '"\\u00']) {
      expect(() => parseExactJson(bad), bad).toThrow(SyntaxError);
    }
  });
});

describe('randomWalk', () => {
  it('ends at the base price, stays within ±5 % with 8 decimals, and repeats for a seed', () => {
    for (const base of ['0.000654', '0.00000001', '123.45678901']) {
      const b = new Decimal(base);
      const walk = randomWalk(b, 1000, 99);
      expect(walk.at(-1)!.price.eq(b)).toBe(true);
      for (const p of walk) {
        expect(p.price.gte(b.times('0.95')) && p.price.lte(b.times('1.05'))).toBe(true);
        expect(p.price.decimalPlaces()).toBeLessThanOrEqual(8);
        expect(p.volume.gte(10_000) && p.volume.lte(50_000) && p.volume.isInteger()).toBe(true);
      }
      expect(randomWalk(b, 1000, 99).map((p) => p.price.toFixed())).toEqual(walk.map((p) => p.price.toFixed()));
    }
    expect(randomWalk(new Decimal(1), 50, 1).map((p) => p.price.toFixed())).not.toEqual(randomWalk(new Decimal(1), 50, 2).map((p) => p.price.toFixed()));
  });
});

describe('chartWindow', () => {
  it('ends now and starts at the oldest of N epoch-aligned buckets', () => {
    const now = new Date('2026-11-24T10:17:42.500Z');
    expect(chartWindow('1h', now)).toEqual({ start: new Date('2026-11-24T09:18:00.000Z'), end: now, bucketSeconds: 60, buckets: 60 });
    expect(chartWindow('4h', now).start).toEqual(new Date('2026-11-24T06:20:00.000Z'));
    expect(chartWindow('24h', now).start).toEqual(new Date('2026-11-23T10:30:00.000Z'));
    expect(chartWindow('7d', now).start).toEqual(new Date('2026-11-17T11:00:00.000Z'));
  });
});
