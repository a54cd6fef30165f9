import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { fillPath, operationsOf, type Operation } from './helpers/openapi.js';
import { signUp, staffToken, startTestServer, type Reply, type TestServer } from './helpers/server.js';

/**
 * Who may call what, for every operation of the OpenAPI document: each operation is called by
 * eight subjects with a request that is otherwise valid, and each cell must answer as the table
 * says. The table below is the declaration: an operation in the document without a row fails
 * (so a new route cannot ship without someone deciding who may call it), and so does a row whose
 * access no longer matches the route's `x-access`.
 */

const SUBJECTS = ['none', 'memberA', 'memberB', 'support', 'finance', 'admin', 'deactivated', 'revoked'] as const;
type Subject = (typeof SUBJECTS)[number];
type StaffRole = 'support' | 'finance' | 'admin';
/** `2xx` = any success; a number = exactly that status. */
type Expected = '2xx' | 401 | 403 | 404 | 409 | 422;

const STAFF: StaffRole[] = ['support', 'finance', 'admin'];
const FINANCE: StaffRole[] = ['finance', 'admin'];
const ADMIN: StaffRole[] = ['admin'];
/**
 * Staff roles per capability, as the README's Staff roles table states them — kept here on
 * purpose, not read from src/auth/permissions.ts: a role change in the code fails this test until
 * it is made here too.
 */
const GRANTS = {
  'staff.read': STAFF,
  'transactions.decide': FINANCE,
  'wallets.adjust': FINANCE,
  'income.distribute': FINANCE,
  'investments.reverse': FINANCE,
  'staking.run': FINANCE,
  'members.activation': FINANCE,
  'emails.retry': FINANCE,
  'exports.csv': FINANCE,
  'config.manage': ADMIN,
  'market.write': ADMIN,
  'staff.manage': ADMIN,
} satisfies Record<string, StaffRole[]>;
type Access = 'public' | 'user' | 'member' | keyof typeof GRANTS;

interface Call {
  params?: Record<string, string | number>;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A token of the subject's own instead of its shared one (logout revokes what it is given). */
  token?: string;
}

interface Row {
  access: Access;
  /** A valid request for this subject; fixtures it needs are made here. */
  call?: (s: Subject) => Promise<Call> | Call;
  /** The ids in the path belong to member A: member B must get 404. */
  ownedByA?: boolean;
  /** Cells whose answer differs from what the access class implies. */
  expect?: Partial<Record<Subject, Expected>>;
  /** Runs after a cell (a password change hands out a new token). */
  after?: (s: Subject, reply: Reply) => void;
}

let t: TestServer;
let operations: Operation[];
const tokens: Partial<Record<Subject, string>> = {};
const logins: Partial<Record<Subject, { username: string; password: string }>> = {};
const newPasswords: Partial<Record<Subject, string>> = {};
const ids = { a: 0, b: 0, c: 0, aTransaction: 0, anyInvestment: 0, staffTarget: 0 };
let cToken = '';
let sequence = 0;
const unique = () => `${Date.now().toString(36)}${++sequence}`;
const ADDRESS = '0xde709f2102306220921060314715629080e2fb77';

async function must(reply: Promise<Reply>, status: number, what: string): Promise<Reply> {
  const res = await reply;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

const isStaff = (s: Subject): s is StaffRole => s === 'support' || s === 'finance' || s === 'admin';
const canWrite = (s: Subject, access: Access) => isStaff(s) && access !== 'public' && access !== 'user' && access !== 'member' && GRANTS[access].includes(s);

/** A subject's own fresh token (a new sign-in), for calls that revoke the token they are given. */
async function freshToken(s: Subject): Promise<string | undefined> {
  const login = logins[s];
  if (!login) return tokens[s];
  return (await must(t.request('POST', '/api/auth/login', { body: login }), 200, `sign in ${s}`)).body.access_token;
}

// Fixtures for staff actions are made only where the action is expected to go through.
const pendingDepositOfC = async () =>
  (await must(t.request('POST', '/api/transactions/deposit', { token: cToken, body: { amount: '20' } }), 201, 'deposit of C')).body.transaction.id as number;
const investmentOfC = async () => (await must(t.request('POST', '/api/investments', { token: cToken, body: { amount: '10' } }), 201, 'investment of C')).body.investment.id as number;
async function failedEmail(): Promise<number> {
  const [row] = await t.server.database.sequelize.query<{ id: string }>(
    `INSERT INTO email_outbox (to_address, template, subject, text, html, category, status, attempts, last_error)
     VALUES ('matrix@metax.test', 'welcome', 'Matrix', 'x', 'x', 'staff', 'failed', 5, 'access matrix fixture') RETURNING id`,
    { type: QueryTypes.SELECT },
  );
  return Number(row.id);
}
/** A member of its own for a cell that deactivates or reactivates one (`inactive`: deactivated first). */
async function memberToSwitch(s: Subject, access: Access, inactive: boolean): Promise<number> {
  if (!canWrite(s, access)) return ids.c;
  const m = await signUp(t);
  if (inactive) await t.server.database.sequelize.query('UPDATE users SET is_active = false WHERE id = :id', { replacements: { id: m.user.id } });
  return m.user.id;
}
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

const newMember = () => {
  const username = `matrix_${unique()}`;
  return { username, email: `${username}@metax.test`, password: 'Str0ng-pass-word', first_name: 'Matrix', last_name: 'Row' };
};

/** One row per operation of the document, keyed `METHOD path` exactly as the document spells it. */
const TABLE: Record<string, Row> = {
  // ---- public
  'POST /api/auth/register': { access: 'public', call: () => ({ body: newMember() }) },
  'POST /api/auth/login': { access: 'public', call: () => ({ body: { username: logins.memberA!.username, password: logins.memberA!.password } }) },
  // ---- anyone signed in
  'POST /api/auth/logout': { access: 'user', call: async (s) => ({ token: await freshToken(s) }) },
  'GET /api/user/profile': { access: 'user' },
  'PUT /api/user/profile': { access: 'user', call: () => ({ body: { first_name: 'Matrix' } }) },
  'GET /api/user/settings': { access: 'user' },
  'PUT /api/user/settings': { access: 'user', call: () => ({ body: { language: 'en' } }) },
  'POST /api/user/password': {
    access: 'user',
    call: (s) => {
      newPasswords[s] = `Matrix-pass-${unique()}9`;
      return { body: { current_password: logins[s]?.password ?? 'Str0ng-pass-word', new_password: newPasswords[s] } };
    },
    // The change voids the subject's earlier tokens and hands out a new one.
    after: (s, reply) => {
      if (reply.status !== 200 || !logins[s]) return;
      tokens[s] = reply.body.access_token;
      logins[s] = { ...logins[s]!, password: newPasswords[s]! };
    },
  },
  // ---- members (their own money, team and market views)
  'GET /api/dashboard/balances': { access: 'member' },
  'GET /api/wallets': { access: 'member' },
  'POST /api/transactions/deposit': { access: 'member', call: () => ({ body: { amount: '10' } }) },
  'POST /api/transactions/withdraw': { access: 'member', call: () => ({ body: { amount: '10', wallet_address: ADDRESS, wallet_type: 'main_balance' } }) },
  'POST /api/transactions/transfer': { access: 'member', call: () => ({ body: { amount: '1', from_wallet: 'main_balance', to_wallet: 'available_fund' } }) },
  'POST /api/transactions/{id}/cancel': {
    access: 'member',
    ownedByA: true,
    call: async (s) => {
      if (s !== 'memberA') return { params: { id: ids.aTransaction } };
      const w = await must(t.request('POST', '/api/transactions/withdraw', { token: tokens.memberA, body: { amount: '10', wallet_address: ADDRESS, wallet_type: 'main_balance' } }), 201, 'withdrawal of A');
      return { params: { id: w.body.transaction.id } };
    },
  },
  'GET /api/transactions/history': { access: 'member', call: () => ({ query: '?page=1&per_page=5' }) },
  'GET /api/transactions/{id}': { access: 'member', ownedByA: true, call: () => ({ params: { id: ids.aTransaction } }) },
  'GET /api/dashboard/mxc-price': { access: 'member' },
  'GET /api/dashboard/mxc-chart': { access: 'member', call: () => ({ query: '?timeframe=24h' }) },
  'GET /api/crypto/prices': { access: 'member' },
  'POST /api/investments': { access: 'member', call: () => ({ body: { amount: '10' } }) },
  'GET /api/investments': { access: 'member' },
  'GET /api/income/history': { access: 'member' },
  'GET /api/income/summary': { access: 'member' },
  'GET /api/team/stats': { access: 'member' },
  'GET /api/team/members': { access: 'member' },
  'GET /api/team/tree': { access: 'member', call: () => ({ query: '?depth=2' }) },
  'GET /api/team/referral-link': { access: 'member' },
  // ---- staff, read-only
  'GET /api/admin/me': { access: 'staff.read' },
  'GET /api/admin/users': { access: 'staff.read' },
  'GET /api/admin/transactions': { access: 'staff.read', call: () => ({ query: '?status=pending' }) },
  'GET /api/admin/transactions/{id}': { access: 'staff.read', call: () => ({ params: { id: ids.aTransaction } }) },
  'GET /api/admin/users/{id}/wallets': { access: 'staff.read', call: () => ({ params: { id: ids.a } }) },
  'GET /api/admin/ledger/trial-balance': { access: 'staff.read' },
  'GET /api/admin/audit': { access: 'staff.read' },
  'GET /api/admin/jobs/runs': { access: 'staff.read' },
  'GET /api/admin/emails': { access: 'staff.read' },
  'GET /api/admin/mxc-price': { access: 'staff.read' },
  'GET /api/admin/crypto-feed': { access: 'staff.read' },
  'GET /api/admin/staking/runs': { access: 'staff.read' },
  'GET /api/admin/staff': { access: 'staff.read' },
  'GET /api/admin/dashboard': { access: 'staff.read' },
  'GET /api/admin/users/{id}/overview': { access: 'staff.read', call: () => ({ params: { id: ids.a } }) },
  // ---- finance
  'POST /api/admin/transactions/{id}/approve': {
    access: 'transactions.decide',
    call: async (s) => ({ params: { id: canWrite(s, 'transactions.decide') ? await pendingDepositOfC() : ids.aTransaction }, body: {} }),
  },
  'POST /api/admin/transactions/{id}/reject': {
    access: 'transactions.decide',
    call: async (s) => ({ params: { id: canWrite(s, 'transactions.decide') ? await pendingDepositOfC() : ids.aTransaction }, body: { reason: 'access matrix' } }),
  },
  'PUT /api/admin/users/{id}/wallets': {
    access: 'wallets.adjust',
    call: () => ({ params: { id: ids.a }, body: { wallet_type: 'main_balance', amount: '1', reason: 'access matrix' } }),
  },
  'POST /api/admin/emails/{id}/retry': { access: 'emails.retry', call: async (s) => ({ params: { id: canWrite(s, 'emails.retry') ? await failedEmail() : 1 } }) },
  'POST /api/admin/investments/{id}/reverse': {
    access: 'investments.reverse',
    call: async (s) => ({ params: { id: canWrite(s, 'investments.reverse') ? await investmentOfC() : ids.anyInvestment }, body: { reason: 'access matrix' } }),
  },
  'POST /api/admin/income/distribute': {
    access: 'income.distribute',
    call: () => ({ headers: { 'Idempotency-Key': unique() }, body: { income_type: 'Level Bonus', amount: '1', user_ids: [ids.a], description: 'access matrix' } }),
  },
  'POST /api/admin/staking/run': { access: 'staking.run', call: () => ({ body: { date: yesterday() } }) },
  'POST /api/admin/staking/preview': { access: 'staking.run', call: () => ({ body: { date: yesterday() } }) },
  'POST /api/admin/income/distribute/preview': {
    access: 'income.distribute',
    call: () => ({ body: { income_type: 'Level Bonus', amount: '1', user_ids: [ids.a], description: 'access matrix' } }),
  },
  'POST /api/admin/users/{id}/deactivate': {
    access: 'members.activation',
    call: async (s) => ({ params: { id: await memberToSwitch(s, 'members.activation', false) }, body: { reason: 'access matrix' } }),
  },
  'POST /api/admin/users/{id}/activate': {
    access: 'members.activation',
    call: async (s) => ({ params: { id: await memberToSwitch(s, 'members.activation', true) }, body: { reason: 'access matrix' } }),
  },
  'GET /api/admin/exports/{list}': { access: 'exports.csv', call: () => ({ params: { list: 'transactions' } }) },
  // ---- admin
  'GET /api/admin/config': { access: 'config.manage' },
  'PUT /api/admin/config': { access: 'config.manage', call: () => ({ body: { token_name: 'MetaX Coin' } }) },
  'PUT /api/admin/mxc-price': { access: 'market.write', call: () => ({ body: { price: '1.5' } }) },
  'POST /api/admin/mxc-chart': {
    access: 'market.write',
    call: () => ({ body: { timestamp: new Date(Date.now() - 3_600_000 - sequence * 1_000 - Math.floor(Math.random() * 1e6)).toISOString(), price: '1.2' } }),
  },
  'POST /api/admin/mxc-chart/generate': { access: 'market.write', call: () => ({ body: { timeframe: '1h', data_points: 3 } }) },
  'POST /api/admin/staff': { access: 'staff.manage', call: () => ({ body: { username: `matrix_staff_${unique()}`, email: `staff_${unique()}@metax.test`, role: 'support' } }) },
  'PUT /api/admin/staff/{id}': { access: 'staff.manage', call: () => ({ params: { id: ids.staffTarget }, body: { first_name: 'Matrix' } }) },
};

/** What a cell must answer: the row's override, else what its access class implies for the subject. */
function expected(row: Row, s: Subject): Expected {
  const override = row.expect?.[s];
  if (override !== undefined) return override;
  if (row.access === 'public') return '2xx';
  if (s === 'none' || s === 'revoked') return 401;
  if (s === 'deactivated') return 403;
  if (row.access === 'user') return '2xx';
  if (row.access === 'member') return isStaff(s) ? 403 : s === 'memberB' && row.ownedByA ? 404 : '2xx';
  return canWrite(s, row.access) ? '2xx' : 403;
}

const fits = (want: Expected, status: number) => (want === '2xx' ? status >= 200 && status < 300 : status === want);

beforeAll(async () => {
  t = await startTestServer({ RATE_LIMIT_API_MAX: '1000000', RATE_LIMIT_LOGIN_MAX: '1000000', RATE_LIMIT_REGISTER_MAX: '1000000', RATE_LIMIT_MONEY_MAX: '1000000' });
  ({ operations } = await operationsOf(t));
  const admin = await staffToken(t, 'admin');
  const [a, b, c, d, r] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
  Object.assign(ids, { a: a.user.id, b: b.user.id, c: c.user.id });
  cToken = c.token;
  for (const [s, m] of [['memberA', a], ['memberB', b]] as const) {
    tokens[s] = m.token;
    logins[s] = { username: m.user.username, password: m.password };
  }
  for (const role of ['support', 'finance'] as const) {
    const username = `matrix_${role}_${unique()}`;
    const { upsertStaffUser } = await import('../src/users/users.service.js');
    await upsertStaffUser({ username, email: `${username}@metax.test`, password: ADMIN_PASSWORD, role });
    logins[role] = { username, password: ADMIN_PASSWORD };
    tokens[role] = await freshToken(role);
  }
  logins.admin = { username: 'admin', password: ADMIN_PASSWORD };
  const { upsertStaffUser } = await import('../src/users/users.service.js');
  ids.staffTarget = (await upsertStaffUser({ username: `matrix_target_${unique()}`, email: `target_${unique()}@metax.test`, password: ADMIN_PASSWORD, role: 'support' })).user.id;
  tokens.admin = admin;
  for (const member of [a, b, c]) {
    for (const wallet_type of ['available_fund', 'main_balance']) {
      await must(t.request('PUT', `/api/admin/users/${member.user.id}/wallets`, { token: admin, body: { wallet_type, amount: '9000', reason: 'matrix funds' } }), 200, 'fund');
    }
  }
  ids.aTransaction = (await must(t.request('POST', '/api/transactions/deposit', { token: a.token, body: { amount: '15' } }), 201, 'deposit of A')).body.transaction.id;
  ids.anyInvestment = await investmentOfC();
  // A deactivated member whose token was issued while active, and a token signed out.
  tokens.deactivated = d.token;
  await t.server.database.sequelize.query('UPDATE users SET is_active = false WHERE id = :id', { replacements: { id: d.user.id } });
  await must(t.request('POST', '/api/auth/logout', { token: r.token }), 200, 'logout');
  tokens.revoked = r.token;
}, 120_000);

afterAll(async () => t?.close());

describe('access matrix', () => {
  it('has a row for every operation of the OpenAPI document, and no row without one', () => {
    const documented = new Set(operations.map((o) => o.key));
    expect(operations.filter((o) => !TABLE[o.key]).map((o) => `${o.key} (x-access ${o.access}): add a row to TABLE in tests/access-matrix.test.ts`)).toEqual([]);
    expect(Object.keys(TABLE).filter((key) => !documented.has(key))).toEqual([]);
  });

  it("declares each row's access as the route does (x-access)", () => {
    const differing = operations.filter((o) => TABLE[o.key] && TABLE[o.key].access !== o.access).map((o) => `${o.key}: table ${TABLE[o.key].access}, route ${o.access}`);
    expect(differing).toEqual([]);
  });

  it('answers every operation × subject cell as the table says', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const row = TABLE[op.key];
      if (!row) continue;
      await Promise.all(
        SUBJECTS.map(async (s) => {
          const call = (await row.call?.(s)) ?? {};
          const token = 'token' in call ? call.token : tokens[s];
          const path = fillPath(op.path, Object.fromEntries(Object.entries(call.params ?? {}).map(([k, v]) => [k, String(v)]))) + (call.query ?? '');
          const reply = await t.request(op.method, path, { token, body: call.body, headers: call.headers });
          const want = expected(row, s);
          if (!fits(want, reply.status)) wrong.push(`${op.key} as ${s}: expected ${want}, got ${reply.status} ${JSON.stringify(reply.body).slice(0, 160)}`);
          else if (reply.status >= 400 && typeof reply.body?.error?.code !== 'string') wrong.push(`${op.key} as ${s}: ${reply.status} without the error shape`);
          else if (s === 'deactivated' && reply.status === 403 && reply.body.error.code !== 'account_disabled') wrong.push(`${op.key} as deactivated: code ${reply.body.error.code}`);
          row.after?.(s, reply);
        }),
      );
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
