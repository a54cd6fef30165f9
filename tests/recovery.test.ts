import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { startServer, type RunningServer } from '../src/server.js';
import { testEnv } from './helpers/env.js';
import { REDIS_SERVER, freePort, startRedis } from './helpers/instances.js';
import { eventually } from './helpers/smtp.js';

/**
 * Dependencies going away under traffic and coming back: a PostgreSQL and a redis-server of this
 * test's own (never the machine's shared ones), stopped and started again while requests run.
 * While one is down, requests answer 503 in the error shape and /readyz names it; once it is back,
 * the same server process serves again without a restart.
 */

if (!REDIS_SERVER) console.warn('recovery.test: redis-server is not installed — skipping the outage tests');

describe.skipIf(!REDIS_SERVER)('recovery without a restart', () => {
  const logger = pino({ level: 'warn' });
  let dir: string;
  let pgPort: number;
  let redisPort: number;
  let postgres: EmbeddedDatabase | undefined;
  let redis: { url: string; stop(): Promise<void> } | undefined;
  let server: RunningServer;
  let token: string;

  const startPostgres = async () => {
    postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: pgPort, database: 'metax', logger });
  };
  const profile = () =>
    fetch(`${server.url}/api/user/profile`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const ready = () => fetch(`${server.url}/readyz`).then(async (r) => ({ status: r.status, body: await r.json() }));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-recovery-'));
    fs.chmodSync(dir, 0o755);
    [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);
    await startPostgres();
    redis = await startRedis(redisPort);
    server = await startServer(
      testEnv({ DATABASE_URL: postgres!.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'recovery:', DATA_DIR: path.join(dir, 'data'), APP_ROLE: 'all' }),
    );
    const body = { username: 'steady', email: 'steady@metax.test', password: 'Str0ng-pass-word', first_name: 'S', last_name: 'T' };
    const post = (p: string, b: unknown) => fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) }).then((r) => r.json());
    await post('/api/auth/register', body);
    token = (await post('/api/auth/login', { username: 'steady', password: body.password })).access_token;
  }, 120_000);

  afterAll(async () => {
    const bounded = (work: Promise<unknown> | undefined, what: string) =>
      Promise.race([work, new Promise((resolve) => setTimeout(() => resolve(console.warn(`recovery.test: ${what} did not finish in 15 s`)), 15_000).unref())]);
    await bounded(server?.close().catch(() => undefined), 'server.close()');
    await redis?.stop();
    await bounded(postgres?.stop().catch(() => undefined), 'stopping PostgreSQL');
    // Never leave a postmaster behind, whatever happened above.
    const pidFile = path.join(dir, 'pg', 'postmaster.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGQUIT');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 while Redis is down, then serves again once it is back', async () => {
    expect((await profile()).status).toBe(200);
    await redis!.stop();
    const down = await eventually(async () => {
      const r = await profile();
      return r.status === 503 ? r : undefined;
    }, 10_000, '503 with Redis down');
    expect(down.body.error).toMatchObject({ code: 'service_unavailable', request_id: expect.any(String) });
    const notReady = await ready();
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ status: 'not_ready', checks: { redis: { state: 'down', required: true }, database: { state: 'up' } } });
    // Liveness stays green: the process itself is fine, restarting it would not help.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    redis = await startRedis(redisPort);
    await eventually(async () => (await profile()).status === 200, 15_000, 'requests to succeed again');
    expect((await ready()).status).toBe(200);
  });

  it('answers 503 while PostgreSQL is down, then serves again once it is back', async () => {
    expect((await profile()).status).toBe(200);
    await postgres!.stop();
    postgres = undefined;
    const down = await eventually(async () => {
      const r = await profile();
      return r.status === 503 ? r : undefined;
    }, 15_000, '503 with PostgreSQL down');
    expect(down.body.error.code).toBe('service_unavailable');
    const notReady = await ready();
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.database).toMatchObject({ state: 'down', required: true });

    await startPostgres();
    await eventually(async () => (await profile()).status === 200, 20_000, 'requests to succeed again');
    await eventually(async () => (await ready()).status === 200, 10_000, 'ready again');
  });
});
