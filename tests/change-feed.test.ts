import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/database.js';
import { feedIsLive } from '../src/db/change-feed.js';
import { signUp, startTestServer, type TestServer } from './helpers/server.js';
import { eventually } from './helpers/smtp.js';

/**
 * Issue 12: token state and configuration are kept per instance and dropped at once by the
 * database's change announcements — whatever wrote the change, even plain SQL.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

const sql = (text: string, replacements: Record<string, unknown> = {}) => db().query(text, { replacements, type: QueryTypes.RAW });
const profile = (token: string) => t.request('GET', '/api/user/profile', { token });

describe('per-instance copies', () => {
  it('drop a token at once on logout or a password change through this instance', async () => {
    const a = await signUp(t);
    expect((await profile(a.token)).status).toBe(200);
    expect((await profile(a.token)).status).toBe(200); // now served from the copy
    expect((await t.request('POST', '/api/auth/logout', { token: a.token })).status).toBeLessThan(300);
    expect((await profile(a.token)).status).toBe(401);
    const b = await signUp(t);
    expect((await profile(b.token)).status).toBe(200);
    const changed = await t.request('POST', '/api/user/password', { token: b.token, body: { current_password: b.password, new_password: 'An0ther-pass-word' } });
    expect(changed.status).toBe(200);
    expect((await profile(b.token)).status).toBe(401);
  });

  it('drop a token when a change made elsewhere (another instance, plain SQL) is announced', async () => {
    const a = await signUp(t);
    expect((await profile(a.token)).status).toBe(200);
    const after = (status: number) => eventually(async () => (await profile(a.token)).status === status, 5_000, `status ${status}`);
    await sql(`UPDATE users SET is_active = false WHERE id = :id`, { id: a.user.id });
    await after(403);
    await sql(`UPDATE users SET is_active = true WHERE id = :id`, { id: a.user.id });
    await after(200);
    await sql(`UPDATE users SET token_version = token_version + 1 WHERE id = :id`, { id: a.user.id });
    await after(401);
  });

  it('apply a configuration change written by plain SQL to the next request', async () => {
    const m = await signUp(t);
    await sql(`UPDATE admin_configs SET value = '1000' WHERE key = 'max_pending_per_member'`);
    const deposit = (amount: string) => t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount } });
    expect((await deposit('10')).status).toBe(201);
    await sql(`UPDATE admin_configs SET value = '"50"' WHERE key = 'min_deposit'`);
    await eventually(async () => (await deposit('10')).body.error?.code === 'below_minimum', 5_000, 'the new minimum');
    await sql(`UPDATE admin_configs SET value = '"10"' WHERE key = 'min_deposit'`);
    await eventually(async () => (await deposit('10')).status === 201, 5_000, 'the old minimum');
  });

  it('stop being used while the feed is down, and start again once it listens', async () => {
    const m = await signUp(t);
    expect((await profile(m.token)).status).toBe(200);
    await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN metax_changes'`);
    await eventually(async () => !feedIsLive(), 5_000, 'the feed to notice');
    await sql(`UPDATE users SET is_active = false WHERE id = :id`, { id: m.user.id });
    expect((await profile(m.token)).status).toBe(403);
    await sql(`UPDATE users SET is_active = true WHERE id = :id`, { id: m.user.id });
    await eventually(async () => feedIsLive(), 10_000, 'the feed to listen again');
    expect((await profile(m.token)).status).toBe(200);
    await sql(`UPDATE users SET is_active = false WHERE id = :id`, { id: m.user.id });
    await eventually(async () => (await profile(m.token)).status === 403, 5_000, 'deactivation');
  });
});
