import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type AdminJS from 'adminjs';
import type { CurrentAdmin } from 'adminjs';
import { declaredRoutes } from '../src/http/route.js';
import { rolesFor, type Permission } from '../src/auth/permissions.js';
import type { FilterKind } from '../src/backoffice/list-filters.js';
import { upsertStaffUser } from '../src/users/users.service.js';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { signUp, startTestServer, type TestServer } from './helpers/server.js';

/**
 * Who may do what in the back-office, checked against the one permission table: every AdminJS
 * action is accessible to exactly the roles of its REST twin; refusals are real 403s; no list can
 * be filtered or sorted by a column outside its allow-list (no secret is a property at all); the
 * back-office sign-in shares the REST login's limiter and answers every name in the same time.
 */

let t: TestServer;
let admin: AdminJS;
// The back-office modules declare resources over models: loaded once the server has its database.
let declaredActions: typeof import('../admin/access.js').declaredActions;
let listSpecOf: typeof import('../admin/resource.js').listSpecOf;
const ROLES = ['member', 'support', 'finance', 'admin'] as const;
type Role = (typeof ROLES)[number];
const cookies: Partial<Record<Role, string>> = {};
const tokens: Partial<Record<Role, string>> = {};

async function backOfficeLogin(login: string, password: string) {
  return fetch(`${t.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: login, password }),
    redirect: 'manual',
  });
}

beforeAll(async () => {
  t = await startTestServer({ RATE_LIMIT_LOGIN_MAX: '3' });
  admin = (await import('../admin/admin.js')).createAdmin();
  ({ declaredActions } = await import('../admin/access.js'));
  ({ listSpecOf } = await import('../admin/resource.js'));
  for (const role of ['support', 'finance', 'admin'] as const) {
    const username = `${role}_acc_${randomBytes(3).toString('hex')}`;
    await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role });
    const res = await backOfficeLogin(username, ADMIN_PASSWORD);
    expect(res.status).toBe(302);
    cookies[role] = res.headers.get('set-cookie')!.split(';')[0];
    tokens[role] = (await t.request('POST', '/api/auth/login', { body: { username, password: ADMIN_PASSWORD } })).body.access_token;
  }
  tokens.member = (await signUp(t)).token;
});
afterAll(async () => t?.close());

const asAdmin = (role: Role): CurrentAdmin => ({ id: '1', email: `${role}@metax.test`, title: role, role });
const get = (role: Role, path: string) => fetch(`${t.url}${path}`, { headers: { cookie: cookies[role]!, 'sec-fetch-site': 'same-origin' }, redirect: 'manual' });

describe('one declaration per permission', () => {
  it('makes every back-office action accessible to exactly the roles of its REST twin', async () => {
    const checked: string[] = [];
    for (const resource of admin.resources) {
      const id = resource.decorate().id();
      for (const [name, action] of Object.entries(resource.decorate().actions)) {
        const allowed = ROLES.filter((role) => action.isAccessible(asAdmin(role)));
        if (allowed.length === 0) continue; // switched off for everyone (raw new/edit/delete)
        const capability = declaredActions().get(`${id}.${name}`);
        expect(capability, `${id}.${name} is accessible but declares no capability`).toBeDefined();
        expect(allowed, `${id}.${name}`).toEqual([...rolesFor(capability!)]);
        const twins = [...declaredRoutes()].filter(([, access]) => access === capability);
        expect(twins.length, `${id}.${name} (${capability}) has no REST twin`).toBeGreaterThan(0);
        checked.push(`${id}.${name}`);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['transactions.approve', 'users.adjustWallet', 'incomes.distribute', 'staking_runs.runStaking', 'configuration.save', 'staff.new', 'users.export']));
  });

  it('answers each capability’s REST twin with 403 exactly for the roles without it (checked before the body)', async () => {
    const capabilities = new Set([...declaredActions().values()]);
    for (const capability of capabilities) {
      const [route] = [...declaredRoutes()].filter(([, access]) => access === capability).map(([key]) => key.split(' '));
      const [method, path] = route;
      for (const role of ROLES) {
        const res = await t.request(method, path.replace(/:list/, 'transactions').replace(/:\w+/g, '2147483647'), { token: tokens[role], body: method === 'GET' ? undefined : {} });
        const refused = res.status === 403;
        expect(refused, `${method} ${path} as ${role}: ${res.status}`).toBe(!rolesFor(capability as Permission).includes(role as never));
      }
    }
  });

  it('refuses an action outside the role with a real 403, page and API alike; unknown names are 404', async () => {
    const m = await signUp(t);
    const dep = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '15' } });
    const id = dep.body.transaction.id;
    expect((await get('support', `/admin/api/resources/transactions/records/${id}/approve`)).status).toBe(403);
    expect((await get('support', `/admin/resources/transactions/records/${id}/approve`)).status).toBe(403);
    expect((await get('support', '/admin/api/resources/configuration/actions/list')).status).toBe(403);
    expect((await get('finance', `/admin/api/resources/transactions/records/${id}/approve`)).status).toBe(200);
    expect((await get('support', '/admin/api/resources/nope/actions/list')).status).toBe(404);
    expect((await get('support', '/admin/api/resources/users/actions/nope')).status).toBe(404);
    const post = await fetch(`${t.url}/admin/api/resources/transactions/records/${id}/approve`, {
      method: 'POST',
      headers: { cookie: cookies.support!, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ step: 'confirm' }),
    });
    expect(post.status).toBe(403);
    expect((await t.request('GET', `/api/admin/transactions/${id}`, { token: tokens.support })).body.transaction.status).toBe('pending');
  });
});

/** A valid value for each kind of filter, so an allowed filter answers 200. */
function sample(kind: FilterKind): [string, string] {
  switch (kind.kind) {
    case 'id':
      return ['', '1'];
    case 'enum':
      return ['', kind.values[0]];
    case 'bool':
      return ['', 'true'];
    case 'money':
      return ['~~from', '1'];
    case 'date':
      return ['~~from', '2020-01-01'];
    default:
      return ['', 'a'];
  }
}

describe('lists reveal nothing they do not show', () => {
  it('has no secret among the properties of any resource', () => {
    for (const resource of admin.resources) {
      const names = resource.decorate().getProperties({ where: 'list' }).concat(resource.decorate().getProperties({ where: 'show' })).map((p) => p.name());
      const raw = resource.properties().map((p) => p.name());
      for (const name of [...names, ...raw]) expect(name, `${resource.decorate().id()}.${name}`).not.toMatch(/password|token_version|secret|recovery|otp|reset_token/i);
    }
  });

  it('filters and sorts every resource only by its allow-list: every other column of its table is refused', async () => {
    const pool = t.server.database.pool;
    for (const resource of admin.resources) {
      const id = resource.decorate().id();
      const spec = listSpecOf(id)!;
      expect(spec, `${id} has no allow-list`).toBeDefined();
      const table = (resource as unknown as { SequelizeModel: { getTableName(): string } }).SequelizeModel.getTableName();
      const { rows } = await pool.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`, [table]);
      expect(rows.length, table).toBeGreaterThan(0);
      for (const { column_name: column } of rows) {
        const kind = spec.filters[column];
        const [suffix, value] = kind ? sample(kind) : ['', 'a'];
        const filter = await get('admin', `/admin/api/resources/${id}/actions/list?filters.${column}${suffix}=${encodeURIComponent(value)}`);
        const canFilter = Boolean(kind) && id !== 'configuration';
        expect(filter.status, `${id}: filter by ${column}`).toBe(canFilter ? 200 : 400);
        if (!canFilter) {
          const body = await filter.json();
          expect(body.error?.code, `${id}: ${column}`).toBe('validation_error');
          expect(body.meta, `${id}: ${column} must not count anything`).toBeUndefined();
        }
        const sort = await get('admin', `/admin/api/resources/${id}/actions/list?sortBy=${column}&direction=asc`);
        expect(sort.status, `${id}: sort by ${column}`).toBe(spec.sortable.includes(column) && id !== 'configuration' ? 200 : 400);
      }
    }
  });

  it('gives even an admin no way to probe a password hash', async () => {
    const res = await get('admin', '/admin/api/resources/users/actions/list?filters.password_hash=%24argon2');
    expect(res.status).toBe(400);
    const search = await get('support', '/admin/api/resources/users/actions/search/%24argon2');
    expect(await search.text()).not.toMatch(/argon2/);
  });
});

describe('back-office sign-in', () => {
  it('shares the REST login limiter per (IP, name): failures on the form lock out both paths', async () => {
    const username = `locked_${randomBytes(3).toString('hex')}`;
    await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role: 'support' });
    for (let i = 0; i < 3; i++) expect((await backOfficeLogin(username, 'wrong-password-1')).status).toBe(200);
    const blocked = await backOfficeLogin(username, ADMIN_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await blocked.text()).toMatch(/Too many failed sign-ins/);
    expect((await t.request('POST', '/api/auth/login', { body: { username, password: ADMIN_PASSWORD } })).status).toBe(429);
    // Another name from the same address is not affected.
    const other = `free_${randomBytes(3).toString('hex')}`;
    await upsertStaffUser({ username: other, email: `${other}@metax.test`, password: ADMIN_PASSWORD, role: 'support' });
    expect((await backOfficeLogin(other, ADMIN_PASSWORD)).status).toBe(302);
  });

  it('answers members, staff with a wrong password and unknown names in about the same time', async () => {
    const median = async (names: string[]) => {
      const times: number[] = [];
      for (const name of names) {
        const started = performance.now();
        expect((await backOfficeLogin(name, 'Wr0ng-password')).status).toBe(200);
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
    };
    const members = await Promise.all([1, 2, 3, 4, 5].map(() => signUp(t)));
    const staff = [];
    for (let i = 0; i < 5; i++) {
      const username = `timing_${i}_${randomBytes(2).toString('hex')}`;
      await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role: 'finance' });
      staff.push(username);
    }
    const member = await median(members.map((m) => m.user.username));
    const staffTime = await median(staff);
    const unknown = await median([1, 2, 3, 4, 5].map((i) => `nobody_${i}_${randomBytes(2).toString('hex')}`));
    // Each computes one password hash: the ratios stay near 1 (before, members answered 9× faster).
    for (const [a, b] of [[member, staffTime], [unknown, staffTime]]) {
      expect(a / b).toBeGreaterThan(0.33);
      expect(a / b).toBeLessThan(3);
    }
  });
});
