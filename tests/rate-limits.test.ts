import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { fund } from './helpers/money.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ RATE_LIMIT_API_MAX: '12', RATE_LIMIT_API_WINDOW_SECONDS: '600' });
});
afterAll(async () => t?.close());

describe('API-wide rate limit', () => {
  it('throttles reads past the limit with 429 and Retry-After, but never money writes', async () => {
    const m = await signUp(t);
    const finance = await staffToken(t, 'finance');
    await fund(t, m, finance, '100');
    const transfers = [];
    for (let i = 0; i < 20; i++) {
      transfers.push(await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '1', from_wallet: 'available_fund', to_wallet: 'main_balance' } }));
    }
    expect(transfers.map((r) => r.status)).toEqual(Array(20).fill(201));
    const reads = [];
    for (let i = 0; i < 15; i++) reads.push(await t.request('GET', '/api/dashboard/balances', { token: m.token }));
    const limited = reads.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body.error.code).toBe('rate_limited');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
