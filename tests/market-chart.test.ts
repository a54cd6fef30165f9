import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
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
const chart = (timeframe?: string) => t.request('GET', `/api/dashboard/mxc-chart${timeframe ? `?timeframe=${timeframe}` : ''}`, { token: member });
const dbNow = async () => new Date((await sql('SELECT now() AS now')).rows[0].now).getTime();
const insertPoint = (at: number, price: string, volume = '0', source = 'manual') =>
  sql(`INSERT INTO mxc_chart_data (timestamp, price, volume, source) VALUES ($1, $2, $3, $4)`, [new Date(at), price, volume, source]);

const FRAMES = [
  ['1h', 60, 60],
  ['4h', 300, 48],
  ['24h', 1800, 48],
  ['7d', 3600, 168],
] as const;

describe('GET /api/dashboard/mxc-chart', () => {
  it('answers an empty window with an empty list and null high/low — nothing invented', async () => {
    await sql('DELETE FROM mxc_chart_data');
    const res = await chart();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      timeframe: '24h', bucket_seconds: 1800, data_points: [], high: null, low: null, open: null, close: null,
      volume: '0.00000000', change_amount: null, change_percent: null, high_24h: null, low_24h: null, volume_24h: '0.00000000',
    });
    expect((await sql('SELECT count(*)::int AS n FROM mxc_chart_data')).rows[0].n).toBe(0);
  });

  it('refuses an unknown timeframe with 400 and needs a token', async () => {
    const res = await chart('2h');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('timeframe');
    expect((await t.request('GET', '/api/dashboard/mxc-chart')).status).toBe(401);
  });

  it.each(FRAMES)('%s: one bucket per %i s, at most %i buckets, epoch-aligned, oldest first', async (timeframe, step, buckets) => {
    await sql('DELETE FROM mxc_chart_data');
    // A point every step/5 seconds (at least every minute) over 8 days: every bucket of every window is filled.
    const every = Math.max(60, step / 5);
    await sql(
      `INSERT INTO mxc_chart_data (timestamp, price, volume, source)
       SELECT g, 1 + extract(epoch FROM g)::bigint % 97 / 100.0, 1, 'manual'
         FROM generate_series(now() - interval '8 days', now(), make_interval(secs => $1)) AS g`,
      [every],
    );
    const res = await chart(timeframe);
    expect(res.status).toBe(200);
    const points = res.body.data_points as { timestamp: string; points: number }[];
    // The current bucket may be empty if a bucket boundary passed since the insert.
    expect(points.length).toBeGreaterThanOrEqual(buckets - 1);
    expect(points.length).toBeLessThanOrEqual(buckets);
    const times = points.map((p) => Date.parse(p.timestamp));
    for (const [i, at] of times.entries()) {
      expect(at % (step * 1000)).toBe(0);
      if (i) expect(at - times[i - 1]).toBe(step * 1000);
    }
    expect(Date.parse(res.body.window_start)).toBe(times[0]);
    expect(Date.parse(res.body.window_end) - times[0]).toBeLessThanOrEqual(buckets * step * 1000);
    expect(res.body.bucket_seconds).toBe(step);
    const full = points.slice(0, -1);
    for (const p of full) expect(p.points).toBe(step / every);
  });

  it('a bucket carries open/high/low, the last price, summed volume and generated if any point is', async () => {
    await sql('DELETE FROM mxc_chart_data');
    const now = await dbNow();
    const bucket = Math.floor(now / 60_000) * 60_000 - 10 * 60_000;
    await insertPoint(bucket + 1_000, '1.00000000', '10', 'manual');
    await insertPoint(bucket + 20_000, '3.00000000', '5', 'generated');
    await insertPoint(bucket + 40_000, '0.50000000', '1.5', 'manual');
    await insertPoint(bucket + 50_000, '2.00000000', '0', 'admin');
    await insertPoint(bucket - 60 * 60_000 - 5_000, '99.00000000', '1000', 'manual'); // before the 1h window
    await insertPoint(bucket + 5 * 60_000 + 1_000, '1.50000000', '2', 'admin');
    const res = await chart('1h');
    expect(res.body.data_points).toEqual([
      { timestamp: new Date(bucket).toISOString(), open: '1.00000000', high: '3.00000000', low: '0.50000000', price: '2.00000000', volume: '16.50000000', points: 4, source: 'generated' },
      { timestamp: new Date(bucket + 5 * 60_000).toISOString(), open: '1.50000000', high: '1.50000000', low: '1.50000000', price: '1.50000000', volume: '2.00000000', points: 1, source: 'admin' },
    ]);
    expect(res.body).toMatchObject({
      open: '1.00000000', close: '1.50000000', high: '3.00000000', low: '0.50000000', volume: '18.50000000',
      change_amount: '0.50000000', change_percent: '50.0000',
      // The spec's 24h fields cover the 24h window, which also holds the older point.
      high_24h: '99.00000000', low_24h: '0.50000000', volume_24h: '1018.50000000',
    });
  });

  it('7d shows older points while the 24h fields cover the last day only', async () => {
    await sql('DELETE FROM mxc_chart_data');
    const now = await dbNow();
    await insertPoint(now - 3 * 86_400_000, '9.00000000', '7');
    await insertPoint(now - 3_600_000, '1.00000000', '1');
    const week = await chart('7d');
    expect(week.body.data_points).toHaveLength(2);
    expect(week.body).toMatchObject({ high: '9.00000000', low: '1.00000000', high_24h: '1.00000000', low_24h: '1.00000000', volume_24h: '1.00000000', change_percent: '-88.8889' });
    const day = await chart('24h');
    expect(day.body.data_points).toHaveLength(1);
    expect(day.body.high).toBe(day.body.high_24h);
  });
});

describe('POST /api/admin/mxc-chart', () => {
  it('adds a manual point, refuses the same timestamp again with 409 and audits', async () => {
    await sql('DELETE FROM mxc_chart_data');
    const timestamp = new Date(Date.now() - 5 * 60_000).toISOString();
    const res = await t.request('POST', '/api/admin/mxc-chart', { token: admin, body: { timestamp, price: '0.00071', volume: 1200 } });
    expect(res.status).toBe(201);
    expect(res.body.data_point).toMatchObject({ timestamp, price: '0.00071000', volume: '1200.00000000', source: 'manual' });
    const again = await t.request('POST', '/api/admin/mxc-chart', { token: admin, body: { timestamp, price: '0.0009' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_timestamp');
    const stored = await sql('SELECT price::text FROM mxc_chart_data');
    expect(stored.rows).toEqual([{ price: '0.00071000' }]);
    const audit = await sql(`SELECT actor_role, target_id, after FROM audit_logs WHERE action = 'mxc_chart.add'`);
    expect(audit.rows).toEqual([{ actor_role: 'admin', target_id: res.body.data_point.id, after: res.body.data_point }]);
  });

  it.each([
    ['timestamp', { timestamp: new Date(Date.now() + 60 * 60_000).toISOString(), price: '1' }],
    ['timestamp', { timestamp: 'yesterday', price: '1' }],
    ['timestamp', { timestamp: '2026-11-24T00:00:00', price: '1' }],
    ['price', { timestamp: '2026-01-01T00:00:00Z', price: 0 }],
    ['price', { timestamp: '2026-01-01T00:00:00Z', price: '-1' }],
    ['volume', { timestamp: '2026-01-01T00:00:00Z', price: '1', volume: -1 }],
  ])('rejects an invalid %s with 400', async (field, body) => {
    const res = await t.request('POST', '/api/admin/mxc-chart', { token: admin, body });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('is admin-only (member and support: 403)', async () => {
    const body = { timestamp: new Date(Date.now() - 1000).toISOString(), price: '1' };
    expect((await t.request('POST', '/api/admin/mxc-chart', { token: member, body })).status).toBe(403);
    expect((await t.request('POST', '/api/admin/mxc-chart', { token: support, body })).status).toBe(403);
    expect((await t.request('POST', '/api/admin/mxc-chart/generate', { token: member, body: {} })).status).toBe(403);
    expect((await t.request('POST', '/api/admin/mxc-chart/generate', { token: support, body: {} })).status).toBe(403);
  });
});

describe('POST /api/admin/mxc-chart/generate', () => {
  it('fills the window with generated points within ±5 % of the current price, ending at it, and audits', async () => {
    await sql('DELETE FROM mxc_chart_data');
    const current = new Decimal((await t.request('GET', '/api/dashboard/mxc-price', { token: member })).body.price);
    const res = await t.request('POST', '/api/admin/mxc-chart/generate', { token: admin, body: { timeframe: '24h', data_points: 24, seed: 42 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ timeframe: '24h', seed: 42, base_price: current.toFixed(8), requested: 24, created: 24, skipped: 0 });
    const points = res.body.data_points as { timestamp: string; price: string; source: string }[];
    expect(points).toHaveLength(24);
    for (const p of points) {
      expect(p.source).toBe('generated');
      const price = new Decimal(p.price);
      expect(price.gte(current.times(0.95))).toBe(true);
      expect(price.lte(current.times(1.05))).toBe(true);
    }
    expect(points.at(-1)!.price).toBe(current.toFixed(8));
    expect(new Set(points.map((p) => p.price)).size).toBeGreaterThan(1);

    const view = await chart('24h');
    expect(Date.parse(points[0].timestamp)).toBeGreaterThanOrEqual(Date.parse(view.body.window_start));
    expect(Date.parse(points.at(-1)!.timestamp)).toBeLessThanOrEqual(Date.parse(view.body.window_end));
    expect(view.body.data_points).toHaveLength(24);
    expect(view.body.data_points.every((p: { source: string }) => p.source === 'generated')).toBe(true);

    const audit = await sql(`SELECT actor_role, after FROM audit_logs WHERE action = 'mxc_chart.generate'`);
    expect(audit.rows).toEqual([{ actor_role: 'admin', after: expect.objectContaining({ seed: 42, requested: 24, created: 24, timeframe: '24h' }) }]);
  });

  it('repeats the same walk for the same seed, and picks and returns a seed when none is given', async () => {
    await sql('DELETE FROM mxc_chart_data');
    const a = await t.request('POST', '/api/admin/mxc-chart/generate', { token: admin, body: { timeframe: '1h', data_points: 50, seed: 7 } });
    await sql('DELETE FROM mxc_chart_data');
    const b = await t.request('POST', '/api/admin/mxc-chart/generate', { token: admin, body: { timeframe: '1h', data_points: 50, seed: 7 } });
    expect(b.body.data_points.map((p: { price: string }) => p.price)).toEqual(a.body.data_points.map((p: { price: string }) => p.price));
    await sql('DELETE FROM mxc_chart_data');
    const c = await t.request('POST', '/api/admin/mxc-chart/generate', { token: admin, body: {} });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ timeframe: '24h', requested: 24, created: 24 });
    expect(Number.isInteger(c.body.seed)).toBe(true);
  });

  it('stays inside ±5 % over 1000 points on a 7d window', async () => {
    await sql('DELETE FROM mxc_chart_data');
    const res = await t.request('POST', '/api/admin/mxc-chart/generate', { token: admin, body: { timeframe: '7d', data_points: 1000, seed: 123456 } });
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(1000);
    const base = new Decimal(res.body.base_price);
    const prices = res.body.data_points.map((p: { price: string }) => new Decimal(p.price));
    expect(Decimal.max(...prices).lte(base.times(1.05))).toBe(true);
    expect(Decimal.min(...prices).gte(base.times(0.95))).toBe(true);
    const view = await chart('7d');
    expect(view.body.data_points.length).toBeLessThanOrEqual(168);
  });

  it.each([
    ['data_points', { data_points: 0 }],
    ['data_points', { data_points: 1001 }],
    ['data_points', { data_points: 2.5 }],
    ['timeframe', { timeframe: '2d' }],
    ['seed', { seed: -1 }],
  ])('rejects an invalid %s with 400', async (field, body) => {
    const res = await t.request('POST', '/api/admin/mxc-chart/generate', { token: admin, body });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('refuses to generate without a current price (422)', async () => {
    await sql('DELETE FROM mxc_prices');
    const res = await t.request('POST', '/api/admin/mxc-chart/generate', { token: admin, body: {} });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no_current_price');
  });
});
