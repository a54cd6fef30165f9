import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../src/db/embedded.js';
import { spawnServer as spawnChild, waitReady, type Child } from './helpers/child.js';

/**
 * The real entry point (src/main.ts) as a child process: embedded PostgreSQL under a temp
 * DATA_DIR, restarts, crash recovery, signals and configuration errors.
 */

let dataDir: string;

/** Spawns the server on this test's DATA_DIR with the admin password the tests use. */
const spawnServer = (env: Record<string, string> = {}) => spawnChild({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'Adm1n-process-test', ...env });

async function stop(child: Child): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  child.proc.kill('SIGTERM');
  const code = await Promise.race([child.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
  if (code === 'timeout') {
    child.proc.kill('SIGKILL');
    throw new Error(`no exit within 10 s of SIGTERM:\n${child.output()}`);
  }
  return { code, ms: Date.now() - started };
}

function api(child: Child, method: string, route: string, body?: unknown, token?: string) {
  return fetch(`http://127.0.0.1:${child.port}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
}


/** The pid of the postmaster running this test's cluster, if any. */
function postmasterPid(): number | undefined {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-process-'));
  // The postgres user (embedded PostgreSQL as root) must be able to enter it.
  fs.chmodSync(dataDir, 0o755);
});

afterAll(async () => {
  // Never leave a postmaster behind, whatever happened above.
  const pid = postmasterPid();
  if (pid) {
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the server process', () => {
  const member = { username: 'survivor', email: 'survivor@metax.test', password: 'Surv1ve-restarts', first_name: 'Sur', last_name: 'Vivor' };

  it('starts an embedded PostgreSQL, keeps data across a restart, and exits 0 on SIGTERM', async () => {
    const first = await spawnServer();
    const readyMs = await waitReady(first);
    console.info(`process test: cold start (initdb + migrations) ready in ${readyMs} ms`);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect((await api(first, 'POST', '/api/auth/register', member)).status).toBe(201);
    const token = (await api(first, 'POST', '/api/auth/login', { username: member.username, password: member.password })).body.access_token;
    // A second server on the same DATA_DIR must not take the running cluster away from the first.
    const intruder = await spawnServer();
    expect(await intruder.exited).toBe(1);
    expect(intruder.output()).toMatch(new RegExp(`in use by process ${first.proc.pid}`));
    expect((await api(first, 'GET', '/api/user/profile', undefined, token)).status).toBe(200);
    const stopped = await stop(first);
    expect(stopped.code, first.output()).toBe(0);
    expect(stopped.ms).toBeLessThan(5_000);
    expect(postmasterPid()).toBeUndefined();

    const second = await spawnServer();
    await waitReady(second);
    const login = await api(second, 'POST', '/api/auth/login', { username: member.username, password: member.password });
    expect(login.status).toBe(200);
    // Development secrets persist under DATA_DIR, so a token outlives the restart too.
    expect((await api(second, 'GET', '/api/user/profile', undefined, token)).status).toBe(200);
    expect((await stop(second)).code).toBe(0);
  }, 90_000);

  it('recovers after a SIGKILL left the postmaster running', async () => {
    const crashed = await spawnServer();
    await waitReady(crashed);
    const orphan = postmasterPid();
    expect(orphan).toBeDefined();
    crashed.proc.kill('SIGKILL');
    await crashed.exited;
    expect(isAlive(orphan!)).toBe(true);

    const next = await spawnServer();
    await waitReady(next);
    expect(isAlive(orphan!)).toBe(false);
    expect((await api(next, 'POST', '/api/auth/login', { username: member.username, password: member.password })).status).toBe(200);
    expect((await stop(next)).code).toBe(0);
    expect(postmasterPid()).toBeUndefined();
  }, 90_000);

  // These two never reach the database: run them side by side.
  it.concurrent('refuses to start in production without secrets, naming the variable', async () => {
    const child = await spawnServer({ NODE_ENV: 'production' });
    expect(await child.exited).toBe(1);
    expect(child.output()).toMatch(/SECRET_KEY: must be set/);
    expect(child.output()).not.toMatch(/at .*\.ts:\d+/);
  }, 30_000);

  it.concurrent('stops on a bad value with a message naming the variable', async () => {
    const child = await spawnServer({ PORT: 'abc', MAIL_USE_TLS: 'maybe' });
    expect(await child.exited).toBe(1);
    expect(child.output()).toMatch(/Invalid environment/);
    expect(child.output()).toMatch(/PORT:/);
    expect(child.output()).toMatch(/MAIL_USE_TLS:/);
  }, 30_000);
});
