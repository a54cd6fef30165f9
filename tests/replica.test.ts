import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { ADMIN_PASSWORD, testEnv } from './helpers/env.js';
import { freePort } from './helpers/instances.js';
import { HAS_PG_TOOLS, primaryWithReplica, type Cluster } from './helpers/pg-cluster.js';
import { eventually } from './helpers/smtp.js';

/**
 * DATABASE_REPLICA_URL against a real physical streaming replica (the machine's PostgreSQL 15
 * tools: initdb, pg_basebackup, pg_ctl): staff lists read from it, a member's own reads and every
 * write stay on the primary, and a replica that lags or dies sends reads back to the primary.
 */

if (!HAS_PG_TOOLS) console.warn('replica.test: PostgreSQL 15 tools (/usr/lib/postgresql/15/bin) are missing — skipping the replica tests');

describe.skipIf(!HAS_PG_TOOLS)('reads from a streaming replica', () => {
  let root: string;
  let primary: Cluster;
  let replica: Cluster;
  let server: RunningServer;
  let admin: string;

  const call = async (method: string, route: string, opts: { token?: string; body?: unknown } = {}) => {
    const res = await fetch(server.url + route, {
      method,
      headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    return { status: res.status, body: await res.json() };
  };
  const onReplica = async (sql: string) => {
    const client = new pg.Client({ connectionString: replica.url('metax') });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const replicaCheck = async () => (await call('GET', '/readyz')).body.checks.replica;
  const staffSees = async (username: string) => (await call('GET', `/api/admin/users?search=${username}`, { token: admin })).body.total as number;
  const register = async (username: string) => {
    const password = 'Str0ng-pass-word';
    expect((await call('POST', '/api/auth/register', { body: { username, email: `${username}@metax.test`, password, first_name: 'R', last_name: 'P' } })).status).toBe(201);
    return (await call('POST', '/api/auth/login', { body: { username, password } })).body.access_token as string;
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-replica-'));
    ({ primary, replica } = await primaryWithReplica(root, { primary: await freePort(), replica: await freePort() }));
    const client = new pg.Client({ connectionString: primary.url('postgres') });
    await client.connect();
    await client.query('CREATE DATABASE metax');
    await client.end();
    server = await startServer(
      testEnv({ DATABASE_URL: primary.url('metax'), DATABASE_REPLICA_URL: replica.url('metax'), DB_REPLICA_CHECK_MS: '200', DATA_DIR: path.join(root, 'data') }),
    );
    admin = (await call('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.access_token;
    await eventually(async () => (await replicaCheck())?.state === 'up', 20_000, 'the replica to catch up');
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await replica?.stop();
    await primary?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves staff lists from the replica, and the member their own write from the primary', async () => {
    expect(await replicaCheck()).toMatchObject({ state: 'up', required: false, lag_seconds: 0 });
    // Freeze the replica: whatever is written now exists only on the primary.
    await onReplica('SELECT pg_wal_replay_pause()');
    expect((await call('PUT', '/api/admin/config', { token: admin, body: { replica_max_lag_seconds: 3600 } })).status).toBe(200);
    const token = await register('fresh_member');
    // Their own profile and balances: the primary, at once.
    expect((await call('GET', '/api/user/profile', { token })).body.user_info.username).toBe('fresh_member');
    expect((await call('GET', '/api/dashboard/balances', { token })).status).toBe(200);
    // The staff list comes from the (frozen) replica: not there yet.
    expect(await staffSees('fresh_member')).toBe(0);
    expect(await onReplica(`SELECT 1 FROM users WHERE username = 'fresh_member'`)).toEqual([]);

    // Lag above the threshold: reads go back to the primary.
    expect((await call('PUT', '/api/admin/config', { token: admin, body: { replica_max_lag_seconds: 0 } })).status).toBe(200);
    await eventually(async () => (await replicaCheck()).state === 'lagging', 10_000, 'the replica to count as lagging');
    expect((await call('GET', '/readyz')).status).toBe(200);
    expect(await staffSees('fresh_member')).toBe(1);

    // Replay resumes, the replica catches up and serves again.
    await onReplica('SELECT pg_wal_replay_resume()');
    await eventually(async () => (await replicaCheck()).state === 'up', 20_000, 'the replica to catch up');
    expect(await staffSees('fresh_member')).toBe(1);
  });

  it('keeps serving from the primary while the replica is down', async () => {
    await replica.stop();
    await eventually(async () => (await replicaCheck()).state === 'down', 10_000, 'the replica to count as down');
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    await register('while_replica_down');
    expect(await staffSees('while_replica_down')).toBe(1);
    expect((await call('GET', '/api/admin/ledger/trial-balance', { token: admin })).body.balanced).toBe(true);
    await replica.start();
    await eventually(async () => (await replicaCheck()).state === 'up', 30_000, 'the replica to be back');
    expect(await staffSees('while_replica_down')).toBe(1);
  });
});
