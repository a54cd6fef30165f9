import http from 'node:http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, testEnv } from './helpers/env.js';
import { createTestDatabase, type TestDatabase } from './helpers/server.js';
import { redisAnswers, spawnInstance, type Instance } from './helpers/instances.js';
import { eventually } from './helpers/smtp.js';
import { marketsBody } from './fixtures/coingecko.js';

/**
 * APP_ROLE proven with real processes: two web instances (A, B) and two workers on one PostgreSQL
 * and the machine's Redis (127.0.0.1:6379; `.ci/run` starts it). Skipped with a warning when no
 * Redis answers there.
 */

const redisUp = await redisAnswers(6379);
if (!redisUp) console.warn('cluster.test: no Redis on 127.0.0.1:6379 — skipping the multi-instance tests (start redis-server to run them)');

const METRICS_TOKEN = 'cluster-test-metrics-token';
let database: TestDatabase;
let a: Instance;
let b: Instance;
let workers: Instance[] = [];
// Everything spawned, so a failed start still stops what did start.
const started: Instance[] = [];
const spawnTracked = (env: NodeJS.ProcessEnv) => spawnInstance(env).then((i) => (started.push(i), i));
let feedCalls = 0;
const upstream = http.createServer((req, res) => {
  if (req.url?.startsWith('/api/v3/coins/markets')) feedCalls++;
  res.writeHead(200, { 'content-type': 'application/json' }).end(marketsBody());
});

interface Reply {
  status: number;
  body: any;
}
async function call(instance: Instance, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Reply> {
  const res = await fetch(instance.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function member(on: Instance, name: string, password = 'Str0ng-pass-word') {
  const username = `${name}_${randomBytes(3).toString('hex')}`;
  const reg = await call(on, 'POST', '/api/auth/register', { body: { username, email: `${username}@metax.test`, password, first_name: 'C', last_name: 'L' } });
  expect(reg.status).toBe(201);
  const login = await call(on, 'POST', '/api/auth/login', { body: { username, password } });
  return { username, password, token: login.body.access_token as string, id: login.body.user_info.id as number };
}

describe.skipIf(!redisUp)('several instances on one PostgreSQL and one Redis', () => {
  beforeAll(async () => {
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    database = await createTestDatabase();
    const env = testEnv({
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      // Our own keys on the shared Redis: other runs never see our counters.
      REDIS_KEY_PREFIX: `metax-test-${process.pid}-${randomBytes(4).toString('hex')}:`,
      RATE_LIMIT_LOGIN_MAX: '3',
      RATE_LIMIT_REGISTER_MAX: '1000',
      JOBS_PROCESS_EVERY: '300',
      METRICS_TOKEN,
      // Instances of one deployment share their secrets: a token from A is good on B.
      SECRET_KEY: randomBytes(32).toString('hex'),
      JWT_SECRET_KEY: randomBytes(32).toString('hex'),
      SHUTDOWN_TIMEOUT_MS: '15000',
      COINGECKO_API_URL: `http://127.0.0.1:${(upstream.address() as { port: number }).port}/api/v3`,
    });
    // A first (it migrates the clone's pending nothing and warms tsx's cache), then the rest together.
    a = await spawnTracked({ ...env, APP_ROLE: 'web' });
    [b, ...workers] = await Promise.all([spawnTracked({ ...env, APP_ROLE: 'web' }), spawnTracked({ ...env, APP_ROLE: 'worker' }), spawnTracked({ ...env, APP_ROLE: 'worker' })]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(started.map((i) => i.stop()));
    await database?.drop();
    upstream.close();
  });

  it('reports Redis in readiness on every instance', async () => {
    for (const i of [a, b, ...workers]) {
      const ready = await fetch(`${i.url}/readyz`).then((r) => r.json());
      expect(ready).toMatchObject({ status: 'ready', checks: { database: { state: 'up' }, redis: { state: 'up', required: true } } });
    }
    // A worker's metrics (its job runs) are on its health port, with the token only.
    expect((await fetch(`${workers[0].url}/metrics`)).status).toBe(404);
    const metrics = await fetch(`${workers[0].url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/# TYPE metax_job_runs_total counter/);
  });

  it('holds a login lockout reached through A on B', async () => {
    const m = await member(a, 'lock');
    for (let i = 0; i < 3; i++) expect((await call(a, 'POST', '/api/auth/login', { body: { username: m.username, password: 'wrong-password-1' } })).status).toBe(401);
    const onB = await call(b, 'POST', '/api/auth/login', { body: { username: m.username, password: m.password } });
    expect(onB.status).toBe(429);
    expect(onB.body.error.code).toBe('rate_limited');
  });

  it('revokes on B a token logged out on A', async () => {
    const m = await member(b, 'logout');
    expect((await call(b, 'GET', '/api/user/profile', { token: m.token })).status).toBe(200);
    expect((await call(a, 'POST', '/api/auth/logout', { token: m.token })).status).toBe(200);
    // A revokes at once; B hears it through PostgreSQL's change announcement a few milliseconds later.
    expect((await call(a, 'GET', '/api/user/profile', { token: m.token })).status).toBe(401);
    await eventually(async () => (await call(b, 'GET', '/api/user/profile', { token: m.token })).status === 401, 2_000, 'B to refuse the token');
  });

  it('shows on A a deposit approved on B', async () => {
    const m = await member(a, 'depositor');
    const dep = await call(a, 'POST', '/api/transactions/deposit', { token: m.token, body: { amount: '25' } });
    expect(dep.status).toBe(201);
    const admin = (await call(b, 'POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.access_token;
    expect((await call(b, 'POST', `/api/admin/transactions/${dep.body.transaction.id}/approve`, { token: admin, body: {} })).status).toBe(200);
    const balances = await call(a, 'GET', '/api/dashboard/balances', { token: m.token });
    expect(balances.body.available_fund).toBe('25.00000000');
    expect((await call(a, 'GET', `/api/transactions/${dep.body.transaction.id}`, { token: m.token })).body.transaction.status).toBe('completed');
  });

  it('runs scheduled jobs (staking, crypto feed) once across two workers', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const since = (await client.query('SELECT now() AS t')).rows[0].t;
      // The schedule comes due now, for both workers at once.
      const due = await client.query(`UPDATE agenda_jobs SET next_run_at = now() WHERE name IN ('daily-staking', 'crypto-feed-refresh') RETURNING name`);
      expect(due.rows.map((r) => r.name).sort()).toEqual(['crypto-feed-refresh', 'daily-staking']);
      const runs = () =>
        client.query(`SELECT job_name, count(*)::int AS n, array_agg(DISTINCT worker) AS workers FROM job_runs WHERE started_at >= $1 GROUP BY job_name`, [since]);
      await eventually(async () => (await runs()).rows.find((r) => r.job_name === 'daily-staking'), 30_000, 'the staking run');
      await eventually(async () => feedCalls > 0, 30_000, 'the feed fetch');
      // Several more polls of both workers: still one staking run, one fetch.
      await new Promise((r) => setTimeout(r, 2_500));
      const staking = (await runs()).rows.find((r) => r.job_name === 'daily-staking');
      expect(staking.n).toBe(1);
      expect(feedCalls).toBe(1);
      const perDay = await client.query(`SELECT reward_date, count(*)::int AS n FROM staking_runs GROUP BY reward_date HAVING count(*) > 1`);
      expect(perDay.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('finishes the requests in flight when a web instance gets SIGTERM under load', async () => {
    const m = await member(a, 'load');
    // Sign-ups are slow (argon2 hashing): 40 of them keep A busy while the signal arrives.
    const sent = Array.from({ length: 40 }, (_, i) => {
      const username = `${m.username.slice(0, 20)}_${i}`;
      return call(a, 'POST', '/api/auth/register', { body: { username, email: `${username}@metax.test`, password: m.password, first_name: 'L', last_name: 'D' } });
    });
    // How many A is serving right now (the scrape itself is one of them).
    let inFlight = 0;
    while (inFlight < 10) {
      const text = await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((r) => r.text());
      inFlight = Number(/^http_requests_in_flight (\d+)/m.exec(text)?.[1] ?? 1) - 1;
    }
    a.child.kill('SIGTERM');
    const settled = await Promise.allSettled(sent);
    const answered = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value.status] : []));
    // Every request A had accepted is answered, and answered well; only ones it never took may fail to connect.
    expect(answered.length).toBeGreaterThanOrEqual(inFlight);
    expect(new Set(answered)).toEqual(new Set([201]));
    expect(await a.exited).toBe(0);
    await expect(fetch(`${a.url}/healthz`)).rejects.toThrow();
    // B carries on.
    expect((await call(b, 'GET', '/api/user/profile', { token: m.token })).status).toBe(200);
  }, 90_000);
});
