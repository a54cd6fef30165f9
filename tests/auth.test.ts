import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { startTestServer, signUp, staffToken, type TestServer } from './helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ RATE_LIMIT_LOGIN_MAX: '3', RATE_LIMIT_REGISTER_MAX: '1000' });
});
afterAll(async () => t?.close());

const body = (over: Record<string, unknown> = {}) => ({
  username: `u_${Math.random().toString(36).slice(2, 10)}`,
  email: `${Math.random().toString(36).slice(2, 10)}@metax.test`,
  password: 'Str0ng-pass-word',
  first_name: 'Ada',
  last_name: 'Lovelace',
  ...over,
});

describe('registration', () => {
  it('registers without a sponsor and opens nine wallets at zero', async () => {
    const res = await t.request('POST', '/api/auth/register', { body: body({ username: 'Solo_Member' }) });
    expect(res.status).toBe(201);
    expect(res.body.user_info).toMatchObject({ username: 'solo_member', role: 'member', rank: 'Bronze', is_active: true });
    expect(res.body.user_info.referral_code).toMatch(/^MX-[A-Z2-7]{8}$/);
    expect(res.body.user_info).not.toHaveProperty('password_hash');
    const login = await t.request('POST', '/api/auth/login', { body: { username: 'solo_member', password: 'Str0ng-pass-word' } });
    const balances = await t.request('GET', '/api/dashboard/balances', { token: login.body.access_token });
    expect(balances.status).toBe(200);
    expect(balances.body).toEqual({
      available_fund: '0.00000000', main_balance: '0.00000000', self_coin_bonus: '0.00000000', staking_bonus: '0.00000000',
      direct_referral: '0.00000000', level_bonus: '0.00000000', lifetime_reward: '0.00000000', total_income: '0.00000000', my_investment: '0.00000000',
    });
  });

  it('accepts a sponsor by referral code or by username, in any case', async () => {
    const sponsor = await signUp(t);
    const byCode = await t.request('POST', '/api/auth/register', { body: body({ sponsor_code: sponsor.user.referral_code.toLowerCase() }) });
    expect(byCode.status).toBe(201);
    const byName = await t.request('POST', '/api/auth/register', { body: body({ sponsor_code: sponsor.user.username.toUpperCase() }) });
    expect(byName.status).toBe(201);
    const rows = await t.server.database.pool.query('SELECT referred_id, level FROM referrals WHERE referrer_id = $1 ORDER BY referred_id', [sponsor.user.id]);
    expect(rows.rows).toEqual([
      { referred_id: byCode.body.user_info.id, level: 1 },
      { referred_id: byName.body.user_info.id, level: 1 },
    ]);
  });

  it('writes exactly five closure rows for the deepest member of a 6-deep chain', async () => {
    let code: string | undefined;
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const m = await signUp(t, { sponsor_code: code });
      ids.push(m.user.id);
      code = m.user.referral_code;
    }
    const rows = await t.server.database.pool.query('SELECT referrer_id, level FROM referrals WHERE referred_id = $1 ORDER BY level', [ids[5]]);
    expect(rows.rows).toEqual([
      { referrer_id: ids[4], level: 1 },
      { referrer_id: ids[3], level: 2 },
      { referrer_id: ids[2], level: 3 },
      { referrer_id: ids[1], level: 4 },
      { referrer_id: ids[0], level: 5 },
    ]);
  });

  it('rejects an unknown sponsor code with 400', async () => {
    const res = await t.request('POST', '/api/auth/register', { body: body({ sponsor_code: 'MX-NOPE0000' }) });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'sponsor_code', message: 'matches no member' }]);
  });

  it('answers 409 for a duplicate username or email in any case', async () => {
    const first = body();
    expect((await t.request('POST', '/api/auth/register', { body: first })).status).toBe(201);
    const sameName = await t.request('POST', '/api/auth/register', { body: body({ username: first.username.toUpperCase() }) });
    expect(sameName.status).toBe(409);
    expect(sameName.body.error.details[0].field).toBe('username');
    const sameEmail = await t.request('POST', '/api/auth/register', { body: body({ email: first.email.toUpperCase() }) });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.details[0].field).toBe('email');
  });

  it.each([
    ['username', { username: 'ab' }],
    ['username', { username: 'has space' }],
    ['username', { username: 'x'.repeat(51) }],
    ['email', { email: 'not-an-email' }],
    ['password', { password: 'short1' }],
    ['password', { password: 'lettersonly' }],
    ['password', { password: '1234567890' }],
    ['password', { password: 'Password123' }],
    ['first_name', { first_name: '' }],
    ['last_name', { last_name: 'x'.repeat(101) }],
    ['first_name', { first_name: 42 }],
  ])('rejects an invalid %s with 400 naming it', async (field, over) => {
    const res = await t.request('POST', '/api/auth/register', { body: body(over) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('answers malformed JSON with a 400 JSON error, not HTML', async () => {
    const res = await t.request('POST', '/api/auth/register', { raw: '{"username":' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });

  it('ignores mass-assigned fields', async () => {
    const res = await t.request('POST', '/api/auth/register', { body: body({ role: 'admin', rank: 'Diamond', is_active: false, total_investment: '999' }) });
    expect(res.status).toBe(201);
    expect(res.body.user_info).toMatchObject({ role: 'member', rank: 'Bronze', is_active: true });
  });
});

describe('login and tokens', () => {
  it('signs in by username and by email', async () => {
    const m = await signUp(t);
    const byName = await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: m.password } });
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, user_info: { id: m.user.id } });
    const byEmail = await t.request('POST', '/api/auth/login', { body: { email: `${m.user.username}@METAX.test`, password: m.password } });
    expect(byEmail.status).toBe(200);
    const emailInUsername = await t.request('POST', '/api/auth/login', { body: { username: `${m.user.username}@metax.test`, password: m.password } });
    expect(emailInUsername.status).toBe(200);
  });

  it('answers a wrong password with 401', async () => {
    const m = await signUp(t);
    const res = await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: 'Wrong-pass-1' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('rejects tampered, expired, alg-none, foreign-secret and revoked tokens with 401', async () => {
    const m = await signUp(t);
    const [h, p, s] = m.token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: '1' })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const secret = t.server.env.JWT_SECRET_KEY;
    const expired = jwt.sign({ ...payload, exp: Math.floor(Date.now() / 1000) - 10 }, secret, { algorithm: 'HS256' });
    const foreign = jwt.sign(payload, 'some-other-secret-that-is-long-enough', { algorithm: 'HS256' });
    const wrongAudience = jwt.sign({ ...payload, aud: 'someone-else' }, secret, { algorithm: 'HS256' });
    for (const token of [tampered, none, expired, foreign, wrongAudience, 'garbage']) {
      const res = await t.request('GET', '/api/user/profile', { token });
      expect(res.status, token).toBe(401);
    }
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).status).toBe(200);
    expect((await t.request('POST', '/api/auth/logout', { token: m.token })).status).toBe(200);
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).status).toBe(401);
  });

  it('requires a token on member routes', async () => {
    const res = await t.request('GET', '/api/dashboard/balances');
    expect(res.status).toBe(401);
  });

  it('refuses a deactivated member with 403', async () => {
    const m = await signUp(t);
    await t.server.database.pool.query('UPDATE users SET is_active = false WHERE id = $1', [m.user.id]);
    const login = await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: m.password } });
    expect(login.status).toBe(403);
    expect((await t.request('GET', '/api/user/profile', { token: m.token })).status).toBe(403);
  });

  it('rate-limits failed logins per (IP, username) with 429 and Retry-After', async () => {
    const m = await signUp(t);
    for (let i = 0; i < 3; i++) {
      expect((await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: 'Wrong-pass-1' } })).status).toBe(401);
    }
    const limited = await t.request('POST', '/api/auth/login', { body: { username: m.user.username, password: m.password } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await signUp(t);
    expect((await t.request('POST', '/api/auth/login', { body: { username: other.user.username, password: other.password } })).status).toBe(200);
  });

  it('gives a staff token its role; a member on /api/admin gets 403', async () => {
    const admin = await staffToken(t, 'admin');
    const profile = await t.request('GET', '/api/user/profile', { token: admin });
    expect(profile.body.user_info.role).toBe('admin');
  });
});
