import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { closeSharedState, openSharedState } from '../src/cluster/shared-state.js';
import { redisAnswers } from './helpers/instances.js';

/** The one module other code asks for shared state: limiter stores and invalidation messages. */

const logger = pino({ level: 'silent' });
const redisUp = await redisAnswers(6379);
if (!redisUp) console.warn('shared-state.test: no Redis on 127.0.0.1:6379 — skipping the Redis cases');

describe('shared state', () => {
  it('without REDIS_URL, delivers messages and counts within the process', async () => {
    const state = await openSharedState({ prefix: 'x:', logger });
    expect(state.kind).toBe('memory');
    expect(state.redis()).toBeNull();
    const got: string[] = [];
    const unsubscribe = await state.subscribe('cache:users', (m) => got.push(m));
    await state.publish('cache:users', '42');
    await unsubscribe();
    await state.publish('cache:users', '43');
    expect(got).toEqual(['42']);
    await closeSharedState(state);
  });

  it.skipIf(!redisUp)('with REDIS_URL, two instances share limiter counters and invalidation messages', async () => {
    const prefix = `metax-test-${randomBytes(4).toString('hex')}:`;
    const one = await openSharedState({ url: 'redis://127.0.0.1:6379', prefix, logger });
    const two = await openSharedState({ url: 'redis://127.0.0.1:6379', prefix, logger });
    try {
      expect(one.kind).toBe('redis');
      const received: string[] = [];
      await two.subscribe('cache:users', (m) => received.push(m));
      await one.publish('cache:users', '7');
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual(['7']);

      const [a, b] = [one.limiterStore('login'), two.limiterStore('login')];
      const options = { windowMs: 60_000 } as never;
      await Promise.all([a.init?.(options), b.init?.(options)]);
      await a.increment('1.2.3.4|alice');
      await a.increment('1.2.3.4|alice');
      expect((await b.increment('1.2.3.4|alice')).totalHits).toBe(3);
      expect(await one.ping()).toBe(true);
      // Keys carry the prefix, so runs sharing one Redis never mix.
      expect(await one.redis()!.exists(`${prefix}rl:login:1.2.3.4|alice`)).toBe(1);
      await one.redis()!.del(`${prefix}rl:login:1.2.3.4|alice`);
    } finally {
      await closeSharedState(one);
      await closeSharedState(two);
    }
  });
});
