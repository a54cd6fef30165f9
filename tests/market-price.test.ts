import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, signUp, staffToken, type TestServer } from './helpers/server.js';

let t: TestServer;
let admin: string;
let support: string;
let member: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await staffToken(t, 'admin');
  support = await staffToken(t, 'support');
  member = (await signUp(t)).token;
});
afterAll(async () => t?.close());

const sql = (text: string, values: unknown[] = []) => t.server.database.pool.query(text, values);
const fullBody = {
  price: '0.00070000',
  market_cap: '16000000',
  volume_24h: 250000,
  holders: 13000,
  transactions_24h: 1300,
  rank: '#1200',
};

const token = {
  name: 'MetaX Coin',
  symbol: 'MXC',
  network: 'BSC (BEP-20)',
  contract_address: '0x742d35Cc6634C0532925a3b8D0b8EFd17d1F3456',
  total_supply: '1000000000.00000000',
  circulating_supply: '250000000.00000000',
};

describe('MXC price for members', () => {
  it('shows the seeded spec defaults, marked source seed, before any update', async () => {
    const res = await t.request('GET', '/api/dashboard/mxc-price', { token: member });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      price: '0.00065400',
      change_24h: '0.0000',
      change_amount: '0.00000000',
      market_cap: '15600000.00000000',
      volume_24h: '234500.00000000',
      holders: 12847,
      transactions_24h: 1247,
      rank: '#1247',
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      source: 'seed',
      token,
    });
  });

  it('needs a token', async () => {
    expect((await t.request('GET', '/api/dashboard/mxc-price')).status).toBe(401);
  });

  it('answers null fields and source unset when there is no price row at all, never invented values', async () => {
    await sql('DELETE FROM mxc_prices');
    const res = await t.request('GET', '/api/dashboard/mxc-price', { token: member });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      price: null, change_24h: null, change_amount: null, market_cap: null, volume_24h: null,
      holders: null, transactions_24h: null, rank: null, updated_at: null, source: 'unset', token,
    });
    const staff = await t.request('GET', '/api/admin/mxc-price', { token: support });
    expect(staff.body).toEqual({ current: null, history: { items: [], page: 1, per_page: 20, total: 0 } });
  });

  it('with no row to carry over from, asks for every market field (422), then accepts a full update', async () => {
    const partial = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: { price: '0.0007' } });
    expect(partial.status).toBe(422);
    expect(partial.body.error.code).toBe('price_fields_required');
    expect(partial.body.error.details.map((d: { field: string }) => d.field)).toEqual(['market_cap', 'volume_24h', 'holders', 'transactions_24h', 'rank']);

    const full = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: fullBody });
    expect(full.status).toBe(200);
    expect(full.body.mxc_price).toMatchObject({
      price: '0.00070000', change_24h: '0.0000', change_amount: '0.00000000', market_cap: '16000000.00000000',
      volume_24h: '250000.00000000', holders: 13000, transactions_24h: 1300, rank: '#1200', source: 'admin',
    });
    const shown = await t.request('GET', '/api/dashboard/mxc-price', { token: member });
    expect(shown.body).toMatchObject({ price: '0.00070000', source: 'admin', rank: '#1200', updated_at: full.body.mxc_price.created_at });
  });
});

describe('PUT /api/admin/mxc-price', () => {
  it.each([
    ['price', { price: 0 }],
    ['price', { price: '-0.1' }],
    ['price', { price: '0.000000001' }],
    ['price', { price: 'abc' }],
    ['price', { price: null }],
    ['price', {}],
    ['change_24h', { price: '1', change_24h: '1.23456' }],
    ['change_24h', { price: '1', change_24h: '-1000000' }],
    ['change_amount', { price: '1', change_amount: 'x' }],
    ['change_amount', { price: '1', change_amount: '0.000000001' }],
    ['market_cap', { price: '1', market_cap: '-5' }],
    ['volume_24h', { price: '1', volume_24h: '1.123456789' }],
    ['holders', { price: '1', holders: -1 }],
    ['holders', { price: '1', holders: 1.5 }],
    ['transactions_24h', { price: '1', transactions_24h: '12' }],
    ['rank', { price: '1', rank: '1247' }],
    ['rank', { price: '1', rank: '#12a' }],
    ['(body)', { price: '1', source: 'seed' }],
  ])('rejects an invalid %s with 400 naming it', async (field, body) => {
    const res = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('is admin-only: a member gets 403 even with a malformed body, support gets 403, support may read', async () => {
    expect((await t.request('PUT', '/api/admin/mxc-price', { token: member, body: { price: 'nonsense' } })).status).toBe(403);
    expect((await t.request('PUT', '/api/admin/mxc-price', { token: support, body: { price: '1' } })).status).toBe(403);
    expect((await t.request('GET', '/api/admin/mxc-price', { token: member })).status).toBe(403);
    expect((await t.request('GET', '/api/admin/mxc-price', { token: support })).status).toBe(200);
  });

  it('derives change_amount and change_24h from the price 24 h ago and carries the other fields over', async () => {
    // A record from 25 h ago is the reference ("the price 24 h ago").
    await sql(
      `INSERT INTO mxc_prices (price, change_24h, change_amount, market_cap, volume_24h, holders, transactions_24h, rank, source, created_at)
       VALUES (0.001, 0, 0, 1, 1, 1, 1, '#1', 'admin', now() - interval '25 hours')`,
    );
    const res = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: { price: '0.0011', holders: 13001 } });
    expect(res.status).toBe(200);
    expect(res.body.mxc_price).toMatchObject({
      price: '0.00110000', change_amount: '0.00010000', change_24h: '10.0000',
      market_cap: '16000000.00000000', volume_24h: '250000.00000000', holders: 13001, transactions_24h: 1300, rank: '#1200',
    });
    const down = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: { price: '0.00066667' } });
    expect(down.body.mxc_price).toMatchObject({ change_amount: '-0.00033333', change_24h: '-33.3330' });
  });

  it('keeps change fields given explicitly', async () => {
    const res = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: { price: 0.0012, change_24h: -2.5, change_amount: '-0.00003' } });
    expect(res.status).toBe(200);
    expect(res.body.mxc_price).toMatchObject({ price: '0.00120000', change_24h: '-2.5000', change_amount: '-0.00003000' });
  });

  it('refuses a derived change too large for the record (422)', async () => {
    const res = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: { price: '999999999999' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('change_out_of_range');
  });

  it('appends a chart point (source admin) at the record time with each update', async () => {
    const res = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: { price: '0.00123456', chart_volume: '500' } });
    const { rows } = await sql(`SELECT timestamp, price::text, volume::text, source, created_by FROM mxc_chart_data ORDER BY timestamp DESC LIMIT 1`);
    expect(rows[0]).toMatchObject({ price: '0.00123456', volume: '500.00000000', source: 'admin', created_by: res.body.mxc_price.updated_by });
    expect(new Date(rows[0].timestamp).toISOString()).toBe(res.body.mxc_price.created_at);
    const chart = await t.request('GET', '/api/dashboard/mxc-chart?timeframe=1h', { token: member });
    expect(chart.body.data_points.at(-1)).toMatchObject({ price: '0.00123456', source: 'admin' });
  });

  it('lists the history newest first with pagination; current is the newest', async () => {
    const first = await t.request('GET', '/api/admin/mxc-price?per_page=2', { token: support });
    expect(first.status).toBe(200);
    const { rows } = await sql(`SELECT id FROM mxc_prices ORDER BY created_at DESC, id DESC`);
    expect(first.body.history).toMatchObject({ page: 1, per_page: 2, total: rows.length });
    expect(first.body.history.items.map((i: { id: number }) => i.id)).toEqual(rows.slice(0, 2).map((r) => r.id));
    expect(first.body.current).toEqual(first.body.history.items[0]);
    expect(first.body.current.price).toBe('0.00123456');
    const second = await t.request('GET', '/api/admin/mxc-price?per_page=2&page=2', { token: support });
    expect(second.body.history.items.map((i: { id: number }) => i.id)).toEqual(rows.slice(2, 4).map((r) => r.id));
    const times = first.body.history.items.map((i: { created_at: string }) => i.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await t.request('GET', '/api/admin/mxc-price?per_page=101', { token: support })).status).toBe(400);
  });

  it('writes an audit row per update with the before and after records', async () => {
    const res = await t.request('PUT', '/api/admin/mxc-price', { token: admin, body: { price: '0.0013', reason: 'weekly review' } });
    const { rows } = await sql(`SELECT actor_id, actor_role, target_type, target_id, before, after, reason FROM audit_logs WHERE action = 'mxc_price.update' ORDER BY id DESC LIMIT 1`);
    expect(rows[0]).toMatchObject({ actor_id: res.body.mxc_price.updated_by, actor_role: 'admin', target_type: 'mxc_price', target_id: String(res.body.mxc_price.id), reason: 'weekly review' });
    expect(rows[0].after).toEqual(res.body.mxc_price);
    expect(rows[0].before.price).toBe('0.00123456');
    const { rows: counts } = await sql(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'mxc_price.update'`);
    const { rows: adminRows } = await sql(`SELECT count(*)::int AS n FROM mxc_prices WHERE source = 'admin' AND updated_by IS NOT NULL`);
    expect(counts[0].n).toBe(adminRows[0].n);
  });
});

describe('API document', () => {
  it('documents the market endpoints, including which price fields are derived', async () => {
    const res = await t.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    for (const path of ['/api/dashboard/mxc-price', '/api/dashboard/mxc-chart', '/api/admin/mxc-price', '/api/admin/mxc-chart', '/api/admin/mxc-chart/generate', '/api/crypto/prices']) {
      expect(res.body.paths[path], path).toBeDefined();
    }
    expect(res.body.paths['/api/admin/mxc-price'].put.description).toMatch(/Derived when left out: `change_amount`/);
    expect(res.body.paths['/api/admin/mxc-chart'].post.description).toMatch(/409 `duplicate_timestamp`/);
  });
});
