import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Router } from 'express';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import { testEnv } from './helpers/env.js';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ RATE_LIMIT_REGISTER_MAX: '1000', BODY_LIMIT: '10kb' });
});
afterAll(async () => t?.close());

describe('profile', () => {
  it('returns the signed-in member as user_info', async () => {
    const m = await signUp(t);
    const res = await t.request('GET', '/api/user/profile', { token: m.token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.user_info).sort()).toEqual(
      ['created_at', 'email', 'first_name', 'id', 'is_active', 'last_name', 'rank', 'referral_code', 'role', 'username'].sort(),
    );
    expect(res.body.user_info).toMatchObject({ id: m.user.id, username: m.user.username, role: 'member' });
    expect(res.body.user_info.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('updates names and ignores role, rank, is_active, sponsor_id and balances', async () => {
    const sponsor = await signUp(t);
    const m = await signUp(t);
    const res = await t.request('PUT', '/api/user/profile', {
      token: m.token,
      body: {
        first_name: 'Grace', last_name: 'Hopper', role: 'admin', rank: 'Diamond', is_active: false, sponsor_id: sponsor.user.id,
        total_investment: '1000', balance: '999', main_balance: '999', token_version: 7, id: 1,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.user_info).toMatchObject({ id: m.user.id, first_name: 'Grace', last_name: 'Hopper', role: 'member', rank: 'Bronze', is_active: true });
    const row = await t.server.database.pool.query('SELECT role, rank, is_active, sponsor_id, total_investment, token_version FROM users WHERE id = $1', [m.user.id]);
    expect(row.rows[0]).toEqual({ role: 'member', rank: 'Bronze', is_active: true, sponsor_id: null, total_investment: '0.00000000', token_version: 0 });
    const wallets = await t.request('GET', '/api/dashboard/balances', { token: m.token });
    expect(Object.values(wallets.body).every((v) => v === '0.00000000')).toBe(true);
  });

  it('changes the email only with the current password', async () => {
    const m = await signUp(t);
    const newEmail = `${m.user.username}.new@metax.test`;
    const without = await t.request('PUT', '/api/user/profile', { token: m.token, body: { email: newEmail } });
    expect(without.status).toBe(422);
    expect(without.body.error.details[0].field).toBe('current_password');
    const wrong = await t.request('PUT', '/api/user/profile', { token: m.token, body: { email: newEmail, current_password: 'Wrong-pass-1' } });
    expect(wrong.status).toBe(422);
    const right = await t.request('PUT', '/api/user/profile', { token: m.token, body: { email: newEmail, current_password: m.password } });
    expect(right.status).toBe(200);
    expect(right.body.user_info.email).toBe(newEmail);
    const login = await t.request('POST', '/api/auth/login', { body: { email: newEmail, password: m.password } });
    expect(login.status).toBe(200);
  });

  it('answers 409 when the new email belongs to someone else (any case)', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const res = await t.request('PUT', '/api/user/profile', {
      token: b.token,
      body: { email: `${a.user.username}@METAX.test`, current_password: b.password },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details[0].field).toBe('email');
  });

  it.each([
    ['first_name', { first_name: '' }],
    ['last_name', { last_name: 'x'.repeat(101) }],
    ['first_name', { first_name: '<script>' }],
    ['email', { email: 'nope', current_password: 'x' }],
  ])('rejects an invalid %s with 400 naming it', async (field, body) => {
    const m = await signUp(t);
    const res = await t.request('PUT', '/api/user/profile', { token: m.token, body });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

describe('settings', () => {
  it('starts from defaults and stores changes per member', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const initial = await t.request('GET', '/api/user/settings', { token: a.token });
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ settings: { email_notifications: true, language: 'en', timezone: 'UTC' } });
    const put = await t.request('PUT', '/api/user/settings', {
      token: a.token,
      body: { email_notifications: false, language: 'pt-BR', timezone: 'Europe/Berlin', user_id: b.user.id },
    });
    expect(put.status).toBe(200);
    expect(put.body.settings).toEqual({ email_notifications: false, language: 'pt-BR', timezone: 'Europe/Berlin' });
    expect((await t.request('GET', '/api/user/settings', { token: a.token })).body.settings.timezone).toBe('Europe/Berlin');
    expect((await t.request('GET', '/api/user/settings', { token: b.token })).body.settings).toEqual({ email_notifications: true, language: 'en', timezone: 'UTC' });
  });

  it('changes only the fields given', async () => {
    const m = await signUp(t);
    await t.request('PUT', '/api/user/settings', { token: m.token, body: { timezone: 'Asia/Tokyo' } });
    const res = await t.request('PUT', '/api/user/settings', { token: m.token, body: { language: 'de' } });
    expect(res.body.settings).toEqual({ email_notifications: true, language: 'de', timezone: 'Asia/Tokyo' });
  });

  it.each([
    ['timezone', { timezone: 'Mars/Olympus' }],
    ['language', { language: 'english' }],
    ['email_notifications', { email_notifications: 'yes' }],
  ])('rejects an invalid %s with 400 naming it', async (field, body) => {
    const m = await signUp(t);
    const res = await t.request('PUT', '/api/user/settings', { token: m.token, body });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
  });

  it('needs a token', async () => {
    expect((await t.request('GET', '/api/user/settings')).status).toBe(401);
    expect((await t.request('PUT', '/api/user/settings', { body: { language: 'de' } })).status).toBe(401);
  });
});

describe('password change', () => {
  it('revokes every earlier token and returns a working new one', async () => {
    const m = await signUp(t);
    const second = (await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: m.password } })).body.access_token;
    const res = await t.request('POST', '/api/user/password', { token: m.token, body: { current_password: m.password, new_password: 'N3w-pass-word' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', user_info: { id: m.user.id } });
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).status).toBe(401);
    expect((await t.request('GET', '/api/user/profile', { token: second })).status).toBe(401);
    expect((await t.request('GET', '/api/user/profile', { token: res.body.access_token })).status).toBe(200);
    expect((await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: m.password } })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: 'N3w-pass-word' } })).status).toBe(200);
  });

  it('answers a wrong current password with 401 and changes nothing', async () => {
    const m = await signUp(t);
    const res = await t.request('POST', '/api/user/password', { token: m.token, body: { current_password: 'Wrong-pass-1', new_password: 'N3w-pass-word' } });
    expect(res.status).toBe(401);
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).status).toBe(200);
  });

  it('applies the password rules to the new password', async () => {
    const m = await signUp(t);
    for (const weak of ['short1', 'lettersonly', 'Password123']) {
      const res = await t.request('POST', '/api/user/password', { token: m.token, body: { current_password: m.password, new_password: weak } });
      expect(res.status, weak).toBe(400);
      expect(res.body.error.details[0].field).toBe('new_password');
    }
  });
});

describe('staff routes', () => {
  it('refuses a member on /api/admin/* with 403 and an anonymous caller with 401', async () => {
    const m = await signUp(t);
    const res = await t.request('GET', '/api/admin/me', { token: m.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await t.request('GET', '/api/admin/me')).status).toBe(401);
  });

  it.each(['support', 'finance', 'admin'] as const)('lets %s read /api/admin/me', async (role) => {
    const token = await staffToken(t, role);
    const res = await t.request('GET', '/api/admin/me', { token });
    expect(res.status).toBe(200);
    expect(res.body.user_info.role).toBe(role);
  });
});

describe('HTTP plumbing', () => {
  it('answers /healthz and /readyz', async () => {
    const health = await t.request('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await t.request('GET', '/readyz');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('answers an unknown /api route with a 404 JSON error', async () => {
    for (const [method, path] of [['GET', '/api/nope'], ['POST', '/api/user/nope'], ['DELETE', '/api/user/profile']]) {
      const res = await t.request(method, path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('answers an oversized body with a 413 JSON error', async () => {
    const res = await t.request('POST', '/api/auth/login', { body: { username: 'x', password: 'y'.repeat(20_000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('echoes a given request id and makes one up otherwise', async () => {
    const given = await t.request('GET', '/api/nope', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await t.request('GET', '/api/nope', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the interactive docs', async () => {
    const res = await fetch(`${t.url}/api/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  });
});

/** Every route registered on the /api router, as "get /api/user/profile". */
function registeredApiRoutes(): string[] {
  const app = buildApp({ env: loadEnv(testEnv({ DATABASE_URL: 'postgres://x@127.0.0.1/x' })), logger: pino({ level: 'silent' }), readiness: async () => ({ status: 'ready', role: 'all', checks: {} }) });
  const routes: string[] = [];
  const walk = (stack: Router['stack'], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys((layer.route as unknown as { methods: Record<string, boolean> }).methods)) {
          routes.push(`${method} ${prefix}${layer.route.path}`);
        }
      } else if ((layer.handle as unknown as Router)?.stack) {
        walk((layer.handle as unknown as Router).stack, prefix);
      }
    }
  };
  const appRouter = (app as unknown as { router: Router }).router;
  // The API router is the one nested router whose own routes live below /api.
  for (const layer of appRouter.stack) {
    const nested = (layer.handle as unknown as Router)?.stack;
    if (nested?.some((l) => l.route)) walk(nested, '/api');
  }
  return routes;
}

describe('OpenAPI document', () => {
  it('lists every registered /api route', async () => {
    const doc = await t.request('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) documented.add(`${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const registered = registeredApiRoutes().filter((r) => r !== 'get /api/openapi.json');
    expect(registered.length).toBeGreaterThanOrEqual(9);
    expect(registered).toContain('get /api/admin/me');
    for (const route of registered) expect(documented, route).toContain(route);
  });
});
