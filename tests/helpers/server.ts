import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { ADMIN_PASSWORD, testEnv } from './env.js';
import { checkContract } from './contract.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated, seeded template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `metax_t_${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
      break;
    } catch (error) {
      // Another file cloning the template at the same instant: retry shortly.
      if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  return { name, url: withDatabase(inject('pgAdminUrl'), name), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestServer {
  url: string;
  server: RunningServer;
  database: TestDatabase;
  request<T = any>(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<Reply<T>>;
  close(): Promise<void>;
}

/** A real server on a free port against its own database; close() drops the database. */
export async function startTestServer(overrides: Record<string, string | undefined> = {}, opts: Parameters<typeof startServer>[1] = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const server = await startServer(testEnv({ DATABASE_URL: database.url, ...overrides }), opts);
  const url = server.url!;
  return {
    url,
    server,
    database,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(opts.body);
      } else if (opts.raw !== undefined) {
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body, redirect: 'manual' });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* non-JSON body (HTML pages) stays text */
      }
      checkContract(method, path, res.status, res.headers.get('content-type'), parsed);
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async close() {
      await server.close();
      await database.drop();
    },
  };
}

let counter = 0;
/** Registers a member (optionally under a sponsor) and signs in; returns the token and user_info. */
export async function signUp(t: TestServer, opts: { username?: string; sponsor_code?: string; password?: string } = {}) {
  const username = opts.username ?? `m${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  const password = opts.password ?? 'Str0ng-pass-word';
  const reg = await t.request('POST', '/api/auth/register', {
    body: { username, email: `${username}@metax.test`, password, first_name: 'Test', last_name: 'Member', sponsor_code: opts.sponsor_code },
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await t.request('POST', '/api/auth/login', { body: { username, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { token: login.body.access_token as string, user: login.body.user_info as { id: number; username: string; referral_code: string }, password };
}

/** Creates (or resets) a staff user with a role and signs in over REST. */
export async function staffToken(t: TestServer, role: 'support' | 'finance' | 'admin' = 'admin') {
  if (role === 'admin') {
    const login = await t.request('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    return login.body.access_token as string;
  }
  const { upsertStaffUser } = await import('../../src/users/users.service.js');
  const username = `${role}_${randomBytes(3).toString('hex')}`;
  await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role });
  const login = await t.request('POST', '/api/auth/login', { body: { username, password: ADMIN_PASSWORD } });
  return login.body.access_token as string;
}
