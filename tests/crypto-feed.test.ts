import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, signUp, staffToken, type TestServer } from './helpers/server.js';
import { marketsBody } from './fixtures/coingecko.js';
import { refreshCryptoFeed } from '../src/feed/crypto-feed.service.js';

/** A real HTTP server standing in for CoinGecko; each test sets how it answers. */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void;
let handler: Handler;
let hits: { url: string; headers: http.IncomingHttpHeaders; at: number }[] = [];
const upstream = http.createServer((req, res) => {
  hits.push({ url: req.url ?? '', headers: req.headers, at: Date.now() });
  handler(req, res, hits.length);
});

const json = (status: number, body: string, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};
const good = json(200, marketsBody());

let t: TestServer;
let member: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  t = await startTestServer({
    COINGECKO_API_URL: `http://127.0.0.1:${port}/api/v3`,
    COINGECKO_API_KEY: 'demo-key-123',
    COINGECKO_TIMEOUT_MS: '300',
    COINGECKO_RETRY_LIMIT: '2',
    COINGECKO_RETRY_BASE_MS: '20',
    COINGECKO_MAX_RETRY_AFTER_MS: '2000',
  });
  member = (await signUp(t)).token;
  // A long period keeps the scheduled job out of the way; tests drive refreshes themselves.
  await sql(`UPDATE admin_configs SET value = '3600' WHERE key = 'crypto_refresh_seconds'`);
});
afterAll(async () => {
  await t?.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});
beforeEach(() => {
  hits = [];
  handler = good;
});

const sql = (text: string, values: unknown[] = []) => t.server.database.pool.query(text, values);
const prices = (query = '') => t.request('GET', `/api/crypto/prices${query}`, { token: member });

describe('GET /api/crypto/prices', () => {
  it('before the first refresh: no items, stale, fetched_at null; needs a token', async () => {
    expect((await t.request('GET', '/api/crypto/prices')).status).toBe(401);
    const res = await prices();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], fetched_at: null, stale: true });
    expect(hits).toHaveLength(0);
  });

  it('stores a good CoinGecko answer exactly, without MXC, and serves it fresh', async () => {
    expect(await refreshCryptoFeed()).toEqual({ status: 'ok', count: 19 });
    expect(hits).toHaveLength(1);
    const url = new URL(hits[0].url, 'http://x');
    expect(url.pathname).toBe('/api/v3/coins/markets');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      vs_currency: 'usd', order: 'market_cap_desc', per_page: '20', page: '1', sparkline: 'false', price_change_percentage: '24h',
    });
    expect(hits[0].headers['x-cg-demo-api-key']).toBe('demo-key-123');

    const res = await prices();
    expect(res.status).toBe(200);
    expect(res.body.stale).toBe(false);
    expect(Date.now() - Date.parse(res.body.fetched_at)).toBeLessThan(10_000);
    expect(res.body.items).toHaveLength(19);
    expect(res.body.items.map((c: { symbol: string }) => c.symbol)).not.toContain('mxc');
    expect(res.body.items[0]).toEqual({
      id: 'bitcoin', symbol: 'btc', name: 'Bitcoin', image: 'https://coin-images.coingecko.com/coins/images/1/large/bitcoin.png?1696501400',
      current_price: '97123.45678912', market_cap: '999999000000.00000000', market_cap_rank: 1, total_volume: '45678901234.00000000',
      high_24h: '98000.12000000', low_24h: '95000.50000000', price_change_24h: '-1234.56789000', price_change_percentage_24h: '-1.2553',
      circulating_supply: '19790000.00000000', total_supply: '21000000.00000000', max_supply: null, last_updated: '2026-11-24T05:59:58.123Z',
    });
    expect(res.body.items.find((c: { id: string }) => c.id === 'shiba-inu').current_price).toBe('0.00001234');
  });

  it('filters by ids and limit, and validates both', async () => {
    const some = await prices('?ids=ethereum,bitcoin,unknown-coin');
    expect(some.body.items.map((c: { id: string }) => c.id)).toEqual(['bitcoin', 'ethereum']);
    expect((await prices('?limit=3')).body.items.map((c: { id: string }) => c.id)).toEqual(['bitcoin', 'ethereum', 'tether']);
    expect((await prices('?ids=tether&limit=1')).body.items).toHaveLength(1);
    for (const bad of ['?limit=0', '?limit=21', '?limit=abc', '?ids=bit%20coin', '?ids=,', `?ids=${Array.from({ length: 21 }, (_, i) => `c${i}`).join(',')}`]) {
      const res = await prices(bad);
      expect(res.status, bad).toBe(400);
    }
  });

  it('keeps the last good data on 500s (after retrying) and flags it stale; a later success clears it', async () => {
    const before = await prices();
    handler = json(500, '{"error":"internal"}');
    const result = await refreshCryptoFeed();
    expect(result).toMatchObject({ status: 'failed', error: 'CoinGecko answered HTTP 500' });
    expect(hits).toHaveLength(3); // one try and two retries
    // Backoff doubles from COINGECKO_RETRY_BASE_MS (20): lower bounds only, a busy machine adds to both gaps.
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(19);
    expect(hits[2].at - hits[1].at).toBeGreaterThanOrEqual(39);
    const after = await prices();
    expect(after.body).toEqual({ ...before.body, stale: true });
    const staff = await t.request('GET', '/api/admin/crypto-feed', { token: await staffToken(t, 'support') });
    expect(staff.body).toMatchObject({ refresh_seconds: 3600, count: 19, fetched_at: before.body.fetched_at, last_error: 'CoinGecko answered HTTP 500', stale: true });
    expect(Date.parse(staff.body.last_attempt_at)).toBeGreaterThan(Date.parse(before.body.fetched_at));
    expect((await t.request('GET', '/api/admin/crypto-feed', { token: member })).status).toBe(403);

    handler = good;
    expect((await refreshCryptoFeed()).status).toBe('ok');
    expect((await prices()).body.stale).toBe(false);
    expect((await sql('SELECT last_error FROM crypto_feed')).rows[0].last_error).toBeNull();
  });

  it('waits out a 429 Retry-After, then succeeds', async () => {
    handler = (req, res, hit) => (hit === 1 ? json(429, '{"status":{"error_code":429}}', { 'retry-after': '1' }) : good)(req, res, hit);
    expect((await refreshCryptoFeed()).status).toBe('ok');
    expect(hits).toHaveLength(2);
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(950);
  });

  it('does not wait a Retry-After longer than the bound: fails at once, data kept, stale', async () => {
    const before = await prices();
    handler = json(429, '{"status":{"error_code":429}}', { 'retry-after': '120' });
    const started = Date.now();
    expect((await refreshCryptoFeed()).status).toBe('failed');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(hits).toHaveLength(1);
    expect((await prices()).body).toEqual({ ...before.body, stale: true });
  });

  it('gives up on a response slower than the timeout; data kept, stale', async () => {
    handler = good;
    await refreshCryptoFeed();
    const before = await prices();
    hits = [];
    handler = (req, res, hit) => setTimeout(() => good(req, res, hit), 1_500);
    const result = await refreshCryptoFeed();
    expect(result.status).toBe('failed');
    expect(result).toMatchObject({ error: expect.stringMatching(/ETIMEDOUT/) });
    expect(hits).toHaveLength(3);
    expect((await prices()).body).toEqual({ ...before.body, stale: true });
  });

  it.each([
    ['truncated JSON', json(200, '[{"id":"bitcoin","symbol":')],
    ['an HTML error page', (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>')],
    ['an error object', json(200, '{"status":{"error_code":10002,"error_message":"API key missing"}}')],
    ['an empty list', json(200, '[]')],
    ['a price as a string', json(200, marketsBody().replace('"current_price":97123.45678912345', '"current_price":"97123.45"'))],
    ['a missing field', json(200, marketsBody().replace('"symbol":"eth",', ''))],
    ['a name as a number', json(200, marketsBody().replace('"name":"Tether"', '"name":42'))],
    ['a bad timestamp', json(200, marketsBody().replace('"last_updated":"2026-11-24T05:59:58.123Z"', '"last_updated":"yesterday"'))],
  ])('rejects %s, keeps the last good snapshot and flags it stale', async (_what, bad) => {
    handler = good;
    await refreshCryptoFeed();
    const before = await prices();
    expect(before.body.stale).toBe(false);
    handler = bad as Handler;
    const result = await refreshCryptoFeed();
    expect(result.status).toBe('failed');
    expect(hits).toHaveLength(2); // malformed bodies are not retried
    expect((await prices()).body).toEqual({ ...before.body, stale: true });
  });

  it('never waits on CoinGecko: answers at once while a refresh hangs upstream', async () => {
    handler = () => undefined; // never answers
    let settled = false;
    const refresh = refreshCryptoFeed().finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await prices();
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(200);
    }
    expect(settled).toBe(false);
    expect((await refresh).status).toBe('failed');
    upstream.closeAllConnections();
  });

  it('turns stale when the snapshot is older than three refresh periods', async () => {
    handler = good;
    await refreshCryptoFeed();
    // crypto_refresh_seconds is 3600 here: stale past 3 hours.
    await sql(`UPDATE crypto_feed SET fetched_at = now() - interval '2 hours 59 minutes'`);
    expect((await prices()).body.stale).toBe(false);
    await sql(`UPDATE crypto_feed SET fetched_at = now() - interval '3 hours 1 minute'`);
    expect((await prices()).body.stale).toBe(true);
    // The rule follows crypto_refresh_seconds as staff set it.
    await sql(`UPDATE admin_configs SET value = '600' WHERE key = 'crypto_refresh_seconds'`);
    await sql(`UPDATE crypto_feed SET fetched_at = now() - interval '29 minutes'`);
    expect((await prices()).body.stale).toBe(false);
    await sql(`UPDATE crypto_feed SET fetched_at = now() - interval '31 minutes'`);
    expect((await prices()).body.stale).toBe(true);
    await sql(`UPDATE admin_configs SET value = '3600' WHERE key = 'crypto_refresh_seconds'`);
  });
});

describe('crypto-feed-refresh job', () => {
  it('skips a refresh that is not due yet', async () => {
    await refreshCryptoFeed();
    hits = [];
    expect(await refreshCryptoFeed({ onlyIfDue: true })).toEqual({ status: 'skipped', reason: 'not_due' });
    expect(hits).toHaveLength(0);
  });

  it('refreshes the snapshot when run by Agenda', async () => {
    await sql('UPDATE crypto_feed SET last_attempt_at = NULL, fetched_at = NULL, items = \'[]\'');
    await t.server.jobs.agenda.now('crypto-feed-refresh');
    const deadline = Date.now() + 15_000;
    let res = await prices();
    while (res.body.items.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      res = await prices();
    }
    expect(res.body.items).toHaveLength(19);
    expect(res.body.stale).toBe(false);
    expect(hits.length).toBeGreaterThanOrEqual(1);
  });

  it('records a failed refresh as a failed run with its error, and leaves no row for ticks with nothing to do', async () => {
    const runs = async () => (await sql(`SELECT outcome, error FROM job_runs WHERE job_name = 'crypto-feed-refresh' ORDER BY id`)).rows;
    const before = (await runs()).length;
    // Not due (the period is an hour and a refresh just happened): the tick is idle.
    await t.server.jobs.agenda.now('crypto-feed-refresh');
    await new Promise((r) => setTimeout(r, 50));
    handler = json(500, '{"status":"down"}');
    await sql('UPDATE crypto_feed SET last_attempt_at = NULL');
    await t.server.jobs.agenda.now('crypto-feed-refresh');
    await expect.poll(async () => (await runs()).length, { timeout: 15_000 }).toBe(before + 1);
    const last = (await runs()).at(-1)!;
    expect(last.outcome).toBe('failed');
    expect(last.error).toMatch(/500/);
  });
});
