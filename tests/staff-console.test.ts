import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { balances, expectBooksBalanced, fund } from './helpers/money.js';
import { ADMIN_PASSWORD } from './helpers/env.js';

/** The REST side of the staff console: dashboard, member page, activation, staff, previews, exports. */

let t: TestServer;
let admin: string;
let finance: string;
let support: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await staffToken(t, 'admin');
  finance = await staffToken(t, 'finance');
  support = await staffToken(t, 'support');
});
afterAll(async () => t?.close());

const sql = (text: string, values: unknown[] = []) => t.server.database.pool.query(text, values);

describe('dashboard', () => {
  it('counts and sums the pending queue exactly, with the age of the oldest request', async () => {
    const before = (await t.request('GET', '/api/admin/dashboard', { token: support })).body;
    const deposits = before.pending.find((q: { transaction_type: string }) => q.transaction_type === 'deposit');
    const m = await signUp(t);
    await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '10.12345678' } });
    await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '20.00000001' } });
    const after = (await t.request('GET', '/api/admin/dashboard', { token: support })).body;
    const queue = after.pending.find((q: { transaction_type: string }) => q.transaction_type === 'deposit');
    expect(queue.count).toBe(deposits.count + 2);
    expect(queue.sum).toMatch(/^\d+\.\d{8}$/);
    expect(Number(queue.sum) - Number(deposits.sum)).toBeCloseTo(30.12345679, 8);
    expect(queue.oldest_at).not.toBeNull();
    expect(after.can).toEqual([]);
    expect(after.wallets).toHaveLength(9);
    expect(after.jobs.map((j: { job_name: string }) => j.job_name)).toContain('daily-staking');
    expect(after.trial_balance.balanced).toBe(true);
    expect((await t.request('GET', '/api/admin/dashboard', { token: finance })).body.can).toContain('income.distribute');
    expect((await t.request('GET', '/api/admin/dashboard', { token: m.token })).status).toBe(403);
  });
});

describe('member page', () => {
  it('shows profile, sponsor by name, nine wallets, movements, downline and tree', async () => {
    const upline = await signUp(t);
    const m = await signUp(t, { sponsor_code: upline.user.referral_code });
    await fund(t, m, admin, '100');
    const res = await t.request('GET', `/api/admin/users/${upline.user.id}/overview`, { token: support });
    expect(res.status).toBe(200);
    expect(res.body.wallets).toHaveLength(9);
    expect(res.body.downline[0]).toEqual({ level: 1, members: 1, active: 1, invested: '0.00000000' });
    expect(res.body.tree.tree[0]).toMatchObject({ id: m.user.id, username: m.user.username });
    const own = (await t.request('GET', `/api/admin/users/${m.user.id}/overview`, { token: support })).body;
    expect(own.profile.sponsor).toEqual({ id: upline.user.id, username: upline.user.username });
    expect(own.ledger_movements[0]).toMatchObject({ wallet_type: 'available_fund', change: '100.00000000', kind: 'deposit' });
    expect(own.transactions[0]).toMatchObject({ transaction_type: 'deposit', status: 'completed' });
    const staffId = (await sql(`SELECT id FROM users WHERE username = 'admin'`)).rows[0].id;
    expect((await t.request('GET', `/api/admin/users/${staffId}/overview`, { token: support })).status).toBe(404);
  });
});

describe('member activation', () => {
  it('deactivates with a reason (tokens stop at once), refuses a repeat, reactivates; support may not', async () => {
    const m = await signUp(t);
    expect((await t.request('POST', `/api/admin/users/${m.user.id}/deactivate`, { token: support, body: { reason: 'x' } })).status).toBe(403);
    expect((await t.request('POST', `/api/admin/users/${m.user.id}/deactivate`, { token: finance, body: {} })).status).toBe(400);
    const off = await t.request('POST', `/api/admin/users/${m.user.id}/deactivate`, { token: finance, body: { reason: 'fraud review' } });
    expect(off.status).toBe(200);
    expect(off.body.user_info.is_active).toBe(false);
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).status).toBe(401);
    expect((await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: m.password } })).status).toBe(403);
    expect((await t.request('POST', `/api/admin/users/${m.user.id}/deactivate`, { token: finance, body: { reason: 'again' } })).status).toBe(409);
    const on = await t.request('POST', `/api/admin/users/${m.user.id}/activate`, { token: admin, body: { reason: 'cleared' } });
    expect(on.body.user_info.is_active).toBe(true);
    expect((await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: m.password } })).status).toBe(200);
    const trail = await sql(`SELECT action, reason FROM audit_logs WHERE target_type = 'user' AND target_id = $1 ORDER BY id`, [String(m.user.id)]);
    expect(trail.rows).toEqual([
      { action: 'user.deactivate', reason: 'fraud review' },
      { action: 'user.activate', reason: 'cleared' },
    ]);
    const staffId = (await sql(`SELECT id FROM users WHERE username = 'admin'`)).rows[0].id;
    expect((await t.request('POST', `/api/admin/users/${staffId}/deactivate`, { token: finance, body: { reason: 'x' } })).status).toBe(404);
  });
});

describe('staff management', () => {
  it('creates staff (random password shown once), changes a role (their token stops), protects the last admin', async () => {
    expect((await t.request('POST', '/api/admin/staff', { token: finance, body: {} })).status).toBe(403);
    const created = await t.request('POST', '/api/admin/staff', { token: admin, body: { username: 'desk_one', email: 'desk1@metax.test', role: 'support' } });
    expect(created.status).toBe(201);
    expect(created.body.password).toMatch(/^[\w-]{16}$/);
    const login = await t.request('POST', '/api/auth/login', { body: { username: 'desk_one', password: created.body.password } });
    expect(login.body.user_info.role).toBe('support');
    expect((await t.request('POST', '/api/admin/staff', { token: admin, body: { username: 'desk_one', email: 'other@metax.test', role: 'support' } })).status).toBe(409);
    expect((await t.request('POST', '/api/admin/staff', { token: admin, body: { username: 'x', email: 'bad', role: 'member' } })).body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'email',
      'role',
      'username',
    ]);

    const promoted = await t.request('PUT', `/api/admin/staff/${created.body.staff.id}`, { token: admin, body: { role: 'finance', reason: 'moved team' } });
    expect(promoted.body.staff.role).toBe('finance');
    expect((await t.request('GET', '/api/admin/me', { token: login.body.access_token })).status).toBe(401);

    const adminId = (await sql(`SELECT id FROM users WHERE username = 'admin'`)).rows[0].id;
    const self = await t.request('PUT', `/api/admin/staff/${adminId}`, { token: admin, body: { role: 'support' } });
    expect(self.status).toBe(422);
    expect(self.body.error.code).toBe('cannot_change_self');
    const list = await t.request('GET', '/api/admin/staff?role=finance', { token: support });
    expect(list.body.items.map((s: { username: string }) => s.username)).toContain('desk_one');
    expect(list.body.items.every((s: Record<string, unknown>) => !('password_hash' in s))).toBe(true);
    const member = await signUp(t);
    expect((await t.request('PUT', `/api/admin/staff/${member.user.id}`, { token: admin, body: { role: 'admin' } })).status).toBe(404);
  });

  it('keeps at least one active admin when two admins demote each other at once', async () => {
    const second = await t.request('POST', '/api/admin/staff', { token: admin, body: { username: 'admin_two', email: 'a2@metax.test', role: 'admin', password: ADMIN_PASSWORD } });
    const token = (await t.request('POST', '/api/auth/login', { body: { username: 'admin_two', password: ADMIN_PASSWORD } })).body.access_token;
    const adminId = (await sql(`SELECT id FROM users WHERE username = 'admin'`)).rows[0].id;
    const [a, b] = await Promise.all([
      t.request('PUT', `/api/admin/staff/${second.body.staff.id}`, { token: admin, body: { role: 'support' } }),
      t.request('PUT', `/api/admin/staff/${adminId}`, { token, body: { role: 'support' } }),
    ]);
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
    // The loser is refused: its token was revoked (401), its role is already gone (403), or it was the last admin (422).
    expect([a.status, b.status].find((s) => s !== 200)).toBeOneOf([401, 403, 422]);
    const admins = await sql(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND is_active`);
    expect(admins.rows[0].n).toBe(1);
    await sql(`UPDATE users SET role = 'admin' WHERE id = $1`, [adminId]);
    admin = await staffToken(t, 'admin');
  });
});

describe('previews', () => {
  it('previews a distribution exactly as it then pays, paying nothing before', async () => {
    const a = await signUp(t);
    await fund(t, a, admin, '300');
    await t.request('POST', '/api/investments', { token: a.token, body: { amount: '300' }, headers: { 'Idempotency-Key': `inv-${a.user.id}` } });
    const body = { income_type: 'Lifetime Reward', rate_percent: '1.5', user_ids: [a.user.id], description: 'bonus' };
    const preview = await t.request('POST', '/api/admin/income/distribute/preview', { token: finance, body });
    expect(preview.body).toMatchObject({ members_paid: 1, total: '4.50000000', first: [{ user_id: a.user.id, amount: '4.50000000' }] });
    expect((await balances(t, a.token)).lifetime_reward).toBe('0.00000000');
    const paid = await t.request('POST', '/api/admin/income/distribute', { token: finance, body, headers: { 'Idempotency-Key': 'preview-then-pay' } });
    expect(paid.body.total).toBe(preview.body.total);
    expect((await t.request('POST', '/api/admin/income/distribute/preview', { token: support, body })).status).toBe(403);
    await expectBooksBalanced();
  });

  it('previews a staking day: who would be paid and how much, then nobody twice', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const preview = await t.request('POST', '/api/admin/staking/preview', { token: finance, body: { date: yesterday } });
    expect(preview.status).toBe(200);
    const run = await t.request('POST', '/api/admin/staking/run', { token: finance, body: { date: yesterday } });
    expect(run.body.members_paid).toBe(preview.body.members_to_pay);
    expect(run.body.total).toBe(preview.body.total);
    const after = await t.request('POST', '/api/admin/staking/preview', { token: finance, body: { date: yesterday } });
    expect(after.body).toMatchObject({ members_to_pay: 0, total: '0.00000000', members_already_paid: run.body.members_paid });
    expect((await t.request('POST', '/api/admin/staking/preview', { token: finance, body: { date: '2999-01-01' } })).status).toBe(422);
  });
});

describe('CSV exports', () => {
  it('exports exactly the filtered rows, neutralises spreadsheet formulas, and audits the export', async () => {
    const m = await signUp(t);
    const first = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '12.5', reference: '=HYPERLINK("http://x")' } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '99' } });
    const res = await fetch(`${t.url}/api/admin/exports/transactions?filters.member=${m.user.username}&filters.amount~~to=50`, { headers: { authorization: `Bearer ${finance}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^id,created_at,user_id,member,transaction_type/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,${m.user.username},deposit,`);
    expect(lines[1]).toContain(',12.50000000,');
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
    const audit = await sql(`SELECT after FROM audit_logs WHERE action = 'export.csv' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0].after.filters).toEqual({ member: m.user.username, amount: { to: '50' } });

    const denied = await fetch(`${t.url}/api/admin/exports/members`, { headers: { authorization: `Bearer ${support}` } });
    expect(denied.status).toBe(403);
    const bad = await fetch(`${t.url}/api/admin/exports/members?filters.password_hash=a`, { headers: { authorization: `Bearer ${finance}` } });
    expect(bad.status).toBe(400);
    const members = await (await fetch(`${t.url}/api/admin/exports/members?filters.username=${m.user.username}`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(members).not.toMatch(/argon2|password/);
    expect(members.trim().split('\n')).toHaveLength(2);
  });
});
