import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { ADMIN_PASSWORD } from './helpers/env.js';

let t: TestServer;
let adminCookie: string;
let supportCookie: string;

/** Signs in to the back-office with its own login form; returns the session cookie. */
async function backOfficeLogin(email: string, password: string): Promise<string> {
  const res = await t.request('POST', '/admin/login', {
    raw: new URLSearchParams({ email, password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const cookie = res.headers.get('set-cookie');
  if (res.status !== 302 || !cookie) throw new Error(`back-office login failed: ${res.status}`);
  return cookie.split(';')[0];
}

const form = (cookie: string, resource: string, fields: Record<string, string>) =>
  t.request('POST', `/admin/api/resources/${resource}/actions/new`, {
    raw: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
const sql = (text: string, values: unknown[] = []) => t.server.database.pool.query(text, values);

beforeAll(async () => {
  t = await startTestServer();
  adminCookie = await backOfficeLogin('admin', ADMIN_PASSWORD);
  const { upsertStaffUser } = await import('../src/users/users.service.js');
  await upsertStaffUser({ username: 'support_bo', email: 'support_bo@metax.test', password: ADMIN_PASSWORD, role: 'support' });
  supportCookie = await backOfficeLogin('support_bo', ADMIN_PASSWORD);
});
afterAll(async () => t?.close());

describe('back-office market forms', () => {
  it('renders the forms with their fields and labels', async () => {
    const page = await t.request('GET', '/admin/resources/MXCChartGenerate/actions/new', { headers: { cookie: adminCookie } });
    expect(page.status).toBe(200);
    const html = String(page.body);
    for (const text of ['Set MXC price', 'Add chart point', 'Generate chart points', '"timeframe"', '"data_points"', '"availableValues"']) {
      expect(html, text).toContain(text);
    }
  });

  it('"Set MXC price" runs the same service as the REST route: history row, chart point, audit', async () => {
    const res = await form(adminCookie, 'MXCPrice', { price: '0.00081', holders: '14000', change_24h: '', reason: 'from the back-office' });
    expect(res.status).toBe(200);
    expect(res.body.notice).toEqual({ message: 'MXC price set to 0.00081000', type: 'success' });
    const { rows } = await sql(`SELECT price::text, holders, rank, source, updated_by FROM mxc_prices ORDER BY created_at DESC, id DESC LIMIT 1`);
    const admin = (await sql(`SELECT id FROM users WHERE username = 'admin'`)).rows[0].id;
    expect(rows[0]).toEqual({ price: '0.00081000', holders: 14000, rank: '#1247', source: 'admin', updated_by: admin });
    const chart = await sql(`SELECT price::text, source FROM mxc_chart_data ORDER BY timestamp DESC LIMIT 1`);
    expect(chart.rows[0]).toEqual({ price: '0.00081000', source: 'admin' });
    const audit = await sql(`SELECT actor_id, reason FROM audit_logs WHERE action = 'mxc_price.update'`);
    expect(audit.rows).toEqual([{ actor_id: admin, reason: 'from the back-office' }]);
  });

  it('shows validation errors beside the fields and writes nothing', async () => {
    const before = (await sql('SELECT count(*)::int AS n FROM mxc_prices')).rows[0].n;
    const res = await form(adminCookie, 'MXCPrice', { price: 'abc', holders: '-3', rank: 'top' });
    expect(res.status).toBe(200);
    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors).sort()).toEqual(['holders', 'price', 'rank']);
    expect((await sql('SELECT count(*)::int AS n FROM mxc_prices')).rows[0].n).toBe(before);
  });

  it('"Add chart point" adds a manual point and reports a duplicate timestamp', async () => {
    const timestamp = new Date(Date.now() - 120_000).toISOString();
    const ok = await form(adminCookie, 'MXCChartData', { timestamp, price: '0.0008', volume: '10' });
    expect(ok.body.notice.type).toBe('success');
    const dup = await form(adminCookie, 'MXCChartData', { timestamp, price: '0.0009' });
    expect(dup.body.notice).toEqual({ message: 'A chart point already exists at this timestamp', type: 'error' });
    expect(dup.body.record.errors.timestamp.message).toBe('already has a point');
    const { rows } = await sql(`SELECT price::text, source FROM mxc_chart_data WHERE timestamp = $1`, [timestamp]);
    expect(rows).toEqual([{ price: '0.00080000', source: 'manual' }]);
    expect((await sql(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'mxc_chart.add'`)).rows[0].n).toBe(1);
  });

  it('"Generate chart points" generates, audits, and its list shows generated points only', async () => {
    const res = await form(adminCookie, 'MXCChartGenerate', { timeframe: '4h', data_points: '12', seed: '5' });
    expect(res.body.notice).toEqual({ message: 'Generated 12 chart points (seed 5)', type: 'success' });
    expect((await sql(`SELECT count(*)::int AS n FROM mxc_chart_data WHERE source = 'generated'`)).rows[0].n).toBe(12);
    expect((await sql(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'mxc_chart.generate'`)).rows[0].n).toBe(1);
    const list = await t.request('GET', '/admin/api/resources/MXCChartGenerate/actions/list?perPage=50', { headers: { cookie: supportCookie } });
    expect(list.status).toBe(200);
    expect(list.body.records).toHaveLength(12);
    expect(list.body.records.every((r: { params: { source: string } }) => r.params.source === 'generated')).toBe(true);
    const bad = await form(adminCookie, 'MXCChartGenerate', { data_points: '5000' });
    expect(bad.body.record.errors.data_points).toBeDefined();
  });

  it('lets support read the lists but not use the forms', async () => {
    const list = await t.request('GET', '/admin/api/resources/MXCPrice/actions/list', { headers: { cookie: supportCookie } });
    expect(list.status).toBe(200);
    expect(list.body.records.length).toBeGreaterThan(0);
    const before = (await sql('SELECT count(*)::int AS n FROM mxc_prices')).rows[0].n;
    for (const [resource, fields] of [
      ['MXCPrice', { price: '0.5' }],
      ['MXCChartData', { timestamp: new Date(Date.now() - 1000).toISOString(), price: '0.5' }],
      ['MXCChartGenerate', {}],
    ] as const) {
      const res = await form(supportCookie, resource, fields);
      // A refused action is a real 403 (issue 9), answered before AdminJS runs anything.
      expect(res.status, resource).toBe(403);
      expect(res.body.error.code, resource).toBe('forbidden');
    }
    expect((await sql('SELECT count(*)::int AS n FROM mxc_prices')).rows[0].n).toBe(before);
    expect((await sql(`SELECT count(*)::int AS n FROM audit_logs WHERE actor_role = 'support'`)).rows[0].n).toBe(0);
  });
});
