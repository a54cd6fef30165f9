import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertStaffUser } from '../src/users/users.service.js';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { signUp, staffToken, startTestServer, type Reply, type TestServer } from './helpers/server.js';

/** Client-caused errors (bad encodings, absurd dates, hostile text, wrong targets) are 4xx with the error shape. */

let t: TestServer;
let admin: string;
let finance: string;
let member: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  t = await startTestServer();
  admin = await staffToken(t, 'admin');
  finance = await staffToken(t, 'finance');
  member = await signUp(t);
  const funded = await t.request('PUT', `/api/admin/users/${member.user.id}/wallets`, { token: finance, body: { wallet_type: 'available_fund', amount: '1000', reason: 'test funds' } });
  expect(funded.status).toBe(200);
});
afterAll(async () => t?.close());

function expectError(res: Reply | { status: number; body: any }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array), request_id: expect.any(String) } });
  if (code) expect(res.body.error.code).toBe(code);
}

async function raw(method: string, path: string, body: Buffer | string, headers: Record<string, string>) {
  const res = await fetch(t.url + path, { method, headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: res.status, body: await res.json() };
}

describe('paths and bodies a client can break', () => {
  it('answers a path parameter that is not valid UTF-8 with 400, signed in or not', async () => {
    for (const path of ['/api/transactions/%ff', '/api/transactions/%ED%A0%80', '/api/admin/transactions/%C0%AF/approve']) {
      expectError(await t.request('GET', path, { token: member.token }), 400, 'validation_error');
      expectError(await t.request('GET', path), 400, 'validation_error');
    }
  });

  it('answers a body that is not what its Content-Encoding says with 400, an unknown encoding with 415, and takes real gzip', async () => {
    const auth = { authorization: `Bearer ${member.token}`, 'content-type': 'application/json' };
    for (const encoding of ['gzip', 'deflate', 'br']) {
      expectError(await raw('POST', '/api/transactions/deposit', 'not compressed at all', { ...auth, 'content-encoding': encoding }), 400, 'validation_error');
    }
    expectError(await raw('POST', '/api/transactions/deposit', 'x', { ...auth, 'content-encoding': 'zstd-ish' }), 415, 'unsupported_media_type');
    const ok = await raw('POST', '/api/transactions/deposit', gzipSync(JSON.stringify({ amount: '12' })), { ...auth, 'content-encoding': 'gzip' });
    expect(ok.status).toBe(201);
    expect(ok.body.transaction.amount).toBe('12.00000000');
    // Access is still checked first: a member's broken body to a staff route is 403.
    expectError(await raw('PUT', '/api/admin/config', 'garbage', { ...auth, 'content-encoding': 'gzip' }), 403, 'forbidden');
  });

  it('refuses a body nested deeper than 32 levels with 400 before the Idempotency-Key is claimed', async () => {
    const deep = `{"amount":"10","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const headers = { authorization: `Bearer ${member.token}`, 'content-type': 'application/json', 'idempotency-key': 'deep-1' };
    const refused = await raw('POST', '/api/transactions/deposit', deep, headers);
    expectError(refused, 400, 'validation_error');
    expect(refused.body.error.message).toMatch(/nested deeper than 32/);
    // 32 levels are fine; the key was not used up by the refused request.
    const fine = await raw('POST', '/api/transactions/deposit', JSON.stringify({ amount: '10', x: JSON.parse(`${'['.repeat(31)}${']'.repeat(31)}`) }), headers);
    expect(fine.status).toBe(201);
  });
});

describe('dates', () => {
  const queries = [
    '/api/transactions/history?from=',
    '/api/transactions/history?to=',
    '/api/income/history?from=',
    '/api/income/history?to=',
  ];
  const staffQueries = ['/api/admin/transactions?from=', '/api/admin/audit?to=', '/api/admin/users?joined_from=', '/api/admin/users?joined_to='];

  it('refuses year 0, absurd years and impossible calendar dates in every date filter', async () => {
    for (const bad of ['0000-01-01', '0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '3000-01-01', '2021-02-29', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z']) {
      for (const q of queries) expectError(await t.request('GET', q + encodeURIComponent(bad), { token: member.token }), 400, 'validation_error');
      for (const q of staffQueries) expectError(await t.request('GET', q + encodeURIComponent(bad), { token: admin }), 400, 'validation_error');
    }
    for (const good of ['1970-01-01', '2024-02-29', '2026-11-24T10:00:00+05:30', '2999-12-31T23:59:59.999Z']) {
      expect((await t.request('GET', queries[0] + encodeURIComponent(good), { token: member.token })).status).toBe(200);
      expect((await t.request('GET', staffQueries[0] + encodeURIComponent(good), { token: admin })).status).toBe(200);
    }
  });

  it('refuses year-0 dates in bodies: a chart point and a staking run', async () => {
    for (const timestamp of ['0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '1900-01-01T00:00:00Z']) {
      expectError(await t.request('POST', '/api/admin/mxc-chart', { token: admin, body: { timestamp, price: '1' } }), 400, 'validation_error');
    }
    for (const date of ['0000-01-01', '1969-12-31', '2021-02-29']) {
      expectError(await t.request('POST', '/api/admin/staking/run', { token: finance, body: { date } }), 400, 'validation_error');
    }
  });
});

describe('stored text', () => {
  const NUL = 'a\u0000b';
  const LONE = 'a\ud800b';

  it('refuses NUL bytes and lone surrogates in every text a client can store or search', async () => {
    const deposit = await t.request('POST', '/api/transactions/deposit', { token: member.token, body: { amount: '10' } });
    const investment = await t.request('POST', '/api/investments', { token: member.token, body: { amount: '10' } });
    const cases: [string, string, string | undefined, (text: string) => unknown][] = [
      ['POST', '/api/transactions/deposit', member.token, (text) => ({ amount: '10', reference: text })],
      ['PUT', '/api/user/profile', member.token, (text) => ({ first_name: text })],
      ['POST', '/api/auth/register', undefined, (text) => ({ username: 'textcase', email: 'textcase@metax.test', password: 'Str0ng-pass-word', first_name: 'A', last_name: text })],
      ['POST', '/api/auth/login', undefined, (text) => ({ username: text, password: 'x' })],
      ['POST', `/api/admin/transactions/${deposit.body.transaction.id}/reject`, finance, (text) => ({ reason: text })],
      ['POST', `/api/admin/transactions/${deposit.body.transaction.id}/approve`, finance, (text) => ({ admin_notes: text })],
      ['PUT', `/api/admin/users/${member.user.id}/wallets`, finance, (text) => ({ wallet_type: 'main_balance', amount: '1', reason: text })],
      ['POST', `/api/admin/investments/${investment.body.investment.id}/reverse`, finance, (text) => ({ reason: text })],
      ['POST', '/api/admin/income/distribute', finance, (text) => ({ income_type: 'Level Bonus', amount: '1', user_ids: [member.user.id], description: text })],
      ['PUT', '/api/admin/config', admin, (text) => ({ token_name: text })],
      ['PUT', '/api/admin/config', admin, (text) => ({ rank_rules: [{ rank: text, min_personal_investment: '0', min_direct_referrals: 0, min_team_volume: '0', lifetime_reward: '0' }] })],
      ['PUT', '/api/admin/mxc-price', admin, (text) => ({ price: '1', reason: text })],
    ];
    for (const [method, path, token, body] of cases) {
      for (const text of [NUL, LONE, '\udc00', 'x\u0007y']) {
        const res = await t.request(method, path, { token, body: body(text), headers: { 'Idempotency-Key': `text-${Math.random()}` } });
        expect(res.status, `${method} ${path} with ${JSON.stringify(text)}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error.details.length).toBeGreaterThan(0);
      }
    }
    // Line breaks and tabs stay fine in notes; emoji (a valid surrogate pair) everywhere.
    const ok = await t.request('POST', `/api/admin/transactions/${deposit.body.transaction.id}/reject`, { token: finance, body: { reason: 'line one\n\tline two 😀' } });
    expect(ok.status).toBe(200);
    expect(ok.body.transaction.reason).toBe('line one\n\tline two 😀');
  });

  it('refuses them in search queries too', async () => {
    // Percent-encoded NUL and control characters (invalid UTF-8 in a query decodes to U+FFFD, which is fine text).
    for (const q of ['a%00b', 'x%07y', '%00']) {
      expectError(await t.request('GET', `/api/team/members?search=${q}`, { token: member.token }), 400, 'validation_error');
      expectError(await t.request('GET', `/api/admin/users?search=${q}`, { token: admin }), 400, 'validation_error');
      expectError(await t.request('GET', `/api/admin/audit?target_id=${q}`, { token: admin }), 400, 'validation_error');
    }
  });
});

describe('targets that are not what an action needs', () => {
  it('answers a staff money action aimed at a staff account like an unknown id: 404, nothing written', async () => {
    const me = await t.request('GET', '/api/admin/me', { token: finance });
    const adjustments = async () => (await t.request('GET', '/api/admin/transactions?type=adjustment', { token: finance })).body.total;
    const before = await adjustments();
    for (const id of [me.body.user_info.id, 1, 999_999]) {
      expectError(await t.request('PUT', `/api/admin/users/${id}/wallets`, { token: finance, body: { wallet_type: 'main_balance', amount: '5', reason: 'mistake' } }), 404, 'not_found');
      expectError(await t.request('GET', `/api/admin/users/${id}/wallets`, { token: finance }), 404, 'not_found');
    }
    expect(await adjustments()).toBe(before);
  });

  it('refuses registration under a deactivated sponsor with 422 sponsor_inactive', async () => {
    const sponsor = await signUp(t);
    await t.server.database.pool.query('UPDATE users SET is_active = false WHERE id = $1', [sponsor.user.id]);
    const body = (code: string) => ({ username: `under_${Math.random().toString(36).slice(2, 8)}`, email: `u${Math.random().toString(36).slice(2)}@metax.test`, password: 'Str0ng-pass-word', first_name: 'A', last_name: 'B', sponsor_code: code });
    expectError(await t.request('POST', '/api/auth/register', { body: body(sponsor.user.referral_code) }), 422, 'sponsor_inactive');
    expectError(await t.request('POST', '/api/auth/register', { body: body(sponsor.user.username) }), 422, 'sponsor_inactive');
    await t.server.database.pool.query('UPDATE users SET is_active = true WHERE id = $1', [sponsor.user.id]);
    expect((await t.request('POST', '/api/auth/register', { body: body(sponsor.user.referral_code) })).status).toBe(201);
  });

  it('answers unknown back-office resources, actions and pages with 404 for signed-in staff', async () => {
    const username = `support_nf_${Math.random().toString(36).slice(2, 8)}`;
    await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role: 'support' });
    const login = await fetch(`${t.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: username, password: ADMIN_PASSWORD }),
      redirect: 'manual',
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const get = async (path: string) => {
      const res = await fetch(t.url + path, { headers: { cookie }, redirect: 'manual' });
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
    };
    const resource = 'users'; // the members list
    const id = member.user.id;
    for (const path of [
      '/admin/api/resources/nope/actions/list',
      `/admin/api/resources/${resource}/actions/nope`,
      `/admin/api/resources/${resource}/records/${id}/nope`,
      `/admin/api/resources/${resource}/records/${id}/list`,
      `/admin/api/resources/${resource}/actions/show`,
      `/admin/api/resources/${resource}/bulk/nope?recordIds=${id}`,
      `/admin/api/resources/${resource}/bulk/show`,
      '/admin/api/resources/nope/search/x',
      '/admin/resources/nope',
      `/admin/resources/${resource}/actions/nope`,
      '/admin/api/pages/nope',
      '/admin/pages/nope',
    ]) {
      const res = await get(path);
      expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(404);
      if (path.startsWith('/admin/api/')) expect(typeof res.body, path).toBe('object');
    }
    expect([400, 404]).toContain((await get(`/admin/api/resources/${resource}/records/%ff/show`)).status);
    expect((await get(`/admin/api/resources/${resource}/actions/list`)).status).toBe(200);
    expect((await get(`/admin/resources/${resource}`)).status).toBe(200);
    // Signed out, AdminJS still sends visitors to its login page.
    const anonymous = await fetch(`${t.url}/admin/resources/nope`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
  });
});
