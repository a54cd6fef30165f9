import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { verifyLedger } from '../src/wallets/ledger.verify.js';
import { kill, spawnServer, waitReady, type Child } from './helpers/child.js';
import { createTestDatabase, type TestDatabase } from './helpers/server.js';
import { eventually } from './helpers/smtp.js';
// The template database's first admin was seeded with the tests' password.
import { ADMIN_PASSWORD } from './helpers/env.js';

/**
 * Issue 13 §8: the server process is SIGKILLed in the middle of a mixed burst and of a staking
 * run, restarted, and every request replayed with its Idempotency-Key: nothing lost, nothing twice,
 * the books still balance.
 */

const ADDRESS = '0x52908400098527886E0F7030069857D2E4169EE7';
let database: TestDatabase;
let dataDir: string;
let server: Child;
let inProcess: Database;
let sql: pg.Client;

async function start(): Promise<Child> {
  const child = await spawnServer({
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    APP_ROLE: 'web',
    ADMIN_PASSWORD,
    STAKING_BATCH_SIZE: '500',
    RATE_LIMIT_MONEY_MAX: '100000',
    // A loaded machine may drain one account's line slowly: this test is about outcomes, not the gate.
    MONEY_QUEUE_WAIT_MS: '60000',
    RATE_LIMIT_API_MAX: '100000',
    RATE_LIMIT_LOGIN_MAX: '100000',
    RATE_LIMIT_REGISTER_MAX: '100000',
  });
  await waitReady(child);
  return child;
}

interface Answer {
  status: number;
  text: string;
  replayed: boolean;
}

async function call(method: string, route: string, opts: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer> {
  const res = await fetch(server.url + route, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.key ? { 'Idempotency-Key': opts.key } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, text: await res.text(), replayed: res.headers.get('idempotent-replayed') === 'true' };
}

const json = (a: Answer) => JSON.parse(a.text);

async function member(i: number, sponsor?: string) {
  const username = `fault_${i}`;
  const password = 'Str0ng-pass-word';
  const reg = await call('POST', '/api/auth/register', { body: { username, email: `${username}@metax.test`, password, first_name: 'F', last_name: String(i), sponsor_code: sponsor } });
  expect(reg.status).toBe(201);
  const login = json(await call('POST', '/api/auth/login', { body: { username, password } }));
  return { token: login.access_token as string, id: login.user_info.id as number, code: login.user_info.referral_code as string };
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-fault-'));
  server = await start();
  inProcess = openDatabase(database.url, { poolMax: 2, logger: pino({ level: 'silent' }) });
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
}, 120_000);

afterAll(async () => {
  if (server) await kill(server);
  await sql?.end();
  await inProcess?.close();
  await database?.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function expectBooksAndAggregates() {
  const report = await verifyLedger();
  expect(report.unbalancedPostings).toEqual([]);
  expect(report.walletMismatches).toEqual([]);
  expect(report.trial.balanced).toBe(true);
  const drift = await inProcess.sequelize.query(
    `SELECT u.id FROM users u JOIN wallets w ON w.user_id = u.id AND w.wallet_type = 'my_investment'
      WHERE u.total_investment <> w.balance OR u.team_volume <> (
        SELECT coalesce(sum(d.total_investment), 0) FROM referrals r JOIN users d ON d.id = r.referred_id WHERE r.referrer_id = u.id)`,
    { type: QueryTypes.SELECT },
  );
  expect(drift).toEqual([]);
}

describe('a server killed mid-flight', () => {
  it('does every request of a mixed burst exactly once when each is replayed with its key after a restart', async () => {
    const admin = json(await call('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).access_token as string;
    expect((await call('PUT', '/api/admin/config', { token: admin, body: { max_pending_per_member: 1000 } })).status).toBe(200);
    const members: Awaited<ReturnType<typeof member>>[] = [];
    for (let i = 0; i < 5; i++) members.push(await member(i, members[i - 1]?.code));
    for (const m of members) {
      const dep = json(await call('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '5000' } }));
      expect((await call('POST', `/api/admin/transactions/${dep.transaction.id}/approve`, { token: admin, body: {} })).status).toBe(200);
      expect((await call('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '1000', from_wallet: 'available_fund', to_wallet: 'main_balance' } })).status).toBe(201);
    }

    // Each request carries an amount (or reason) of its own, so its effect can be counted.
    const tag = (i: number) => String(i).padStart(4, '0');
    const requests = Array.from({ length: 150 }, (_, i) => {
      const m = members[i % members.length];
      const key = `burst-${i}`;
      switch (i % 5) {
        case 0:
          return { key, kind: 'transfer', amount: `1.0000${tag(i)}`, send: (k: string) => call('POST', '/api/transactions/transfer', { token: m.token, key: k, body: { amount: `1.0000${tag(i)}`, from_wallet: 'available_fund', to_wallet: 'main_balance' } }) };
        case 1:
          return { key, kind: 'investment', amount: `10.0000${tag(i)}`, send: (k: string) => call('POST', '/api/investments', { token: m.token, key: k, body: { amount: `10.0000${tag(i)}` } }) };
        case 2:
          return { key, kind: 'deposit', amount: `20.0000${tag(i)}`, send: (k: string) => call('POST', '/api/transactions/deposit', { token: m.token, key: k, body: { amount: `20.0000${tag(i)}` } }) };
        case 3:
          return { key, kind: 'withdrawal', amount: `5.0000${tag(i)}`, send: (k: string) => call('POST', '/api/transactions/withdraw', { token: m.token, key: k, body: { amount: `5.0000${tag(i)}`, wallet_address: ADDRESS, wallet_type: 'main_balance' } }) };
        default:
          return { key, kind: 'adjustment', amount: `0.0000${tag(i)}`, send: (k: string) => call('PUT', `/api/admin/users/${m.id}/wallets`, { token: admin, key: k, body: { wallet_type: 'available_fund', amount: `0.0000${tag(i)}`, reason: `fault ${i}` } }) };
      }
    });

    const before = new Map<string, Answer>();
    const burst = requests.map((r) => r.send(r.key).then((a) => void before.set(r.key, a), () => undefined));
    await eventually(async () => before.size >= 40, 30_000, '40 answers');
    await kill(server);
    await Promise.all(burst);
    expect(before.size).toBeLessThan(requests.length);

    server = await start();
    const after = new Map<string, Answer>();
    for (let i = 0; i < requests.length; i += 25) {
      await Promise.all(requests.slice(i, i + 25).map(async (r) => after.set(r.key, await r.send(r.key))));
    }
    for (const r of requests) {
      const final = after.get(r.key)!;
      expect([200, 201, 422], `${r.key} ${final.text}`).toContain(final.status);
      const first = before.get(r.key);
      // Answered before the kill with an answer that is kept (a success or a business refusal):
      // the replay is that answer, byte for byte. A 429 or 5xx moved nothing and is not kept.
      if (first && first.status < 500 && first.status !== 429) {
        expect({ ...final, replayed: true }, r.key).toEqual({ ...first, replayed: true });
        expect(final.replayed, r.key).toBe(true);
      }
      const [{ n }] = await inProcess.sequelize.query<{ n: number }>(
        r.kind === 'investment'
          ? `SELECT count(*)::int AS n FROM investments WHERE amount = :amount`
          : r.kind === 'adjustment'
            ? `SELECT count(*)::int AS n FROM transactions WHERE transaction_type = 'adjustment' AND reason = :reason`
            : `SELECT count(*)::int AS n FROM transactions WHERE transaction_type = :kind AND amount = :amount`,
        { replacements: { amount: r.amount, kind: r.kind, reason: `fault ${r.key.slice(6)}` }, type: QueryTypes.SELECT },
      );
      expect(n, `${r.key} answered ${final.status}`).toBe(final.status < 300 ? 1 : 0);
    }
    await expectBooksAndAggregates();
  }, 180_000);

  it('marks a staking run cut off by a SIGKILL interrupted, and its replay pays everyone else exactly once', async () => {
    const admin = json(await call('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).access_token as string;
    // Five thousand invested members, seeded set-based with their principal booked against cash.
    await sql.query(`
      INSERT INTO users (username, email, password_hash, first_name, last_name, referral_code, total_investment)
      SELECT 'stake_' || g, 'stake_' || g || '@metax.test', '!', 'S', 'M', 'S' || g, 1000 + g FROM generate_series(1, 5000) g;
      INSERT INTO wallets (user_id, wallet_type, balance)
      SELECT u.id, t, CASE WHEN t = 'my_investment' THEN u.total_investment ELSE 0 END
        FROM users u CROSS JOIN unnest(ARRAY['staking_bonus', 'total_income', 'my_investment']) t WHERE u.username LIKE 'stake\\_%';
      WITH p AS (INSERT INTO ledger_postings (kind, description) VALUES ('deposit', 'fault test seed') RETURNING id)
      INSERT INTO ledger_entries (posting_id, account, wallet_id, debit, credit)
      SELECT p.id, 'member:balance', w.id, 0, w.balance FROM p, wallets w JOIN users u ON u.id = w.user_id
       WHERE u.username LIKE 'stake\\_%' AND w.wallet_type = 'my_investment'
      UNION ALL SELECT p.id, 'asset:cash', NULL, (SELECT sum(total_investment) FROM users WHERE username LIKE 'stake\\_%'), 0 FROM p;
    `);
    const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const run = () => call('POST', '/api/admin/staking/run', { token: admin, key: 'stake-fault', body: { date } });
    const cutOff = run().catch(() => undefined);
    await eventually(async () => (await sql.query(`SELECT 1 FROM staking_runs WHERE reward_date = $1 AND members_paid > 0`, [date])).rowCount, 30_000, 'a committed batch');
    await kill(server);
    await cutOff;
    const { rows: [killed] } = await sql.query(`SELECT id, status, members_paid FROM staking_runs WHERE reward_date = $1`, [date]);
    expect(killed.status).toBe('running');

    server = await start();
    const { rows: [marked] } = await sql.query(`SELECT status FROM staking_runs WHERE id = $1`, [killed.id]);
    expect(marked.status).toBe('interrupted');
    const replay = await run();
    expect(replay.status, replay.text).toBe(200);
    expect(replay.replayed).toBe(false);
    const { rows: [paid] } = await sql.query(
      `SELECT count(*)::int AS members, count(DISTINCT user_id)::int AS distinct_members, sum(amount) AS total FROM staking_payouts WHERE reward_date = $1`,
      [date],
    );
    // The seeded members held principal all day; the burst's investors only since today.
    const eligible = { n: 5000 };
    expect(paid.members).toBe(eligible.n);
    expect(paid.distinct_members).toBe(eligible.n);
    const { rows: [seeded] } = await sql.query(`SELECT count(*)::int AS n FROM staking_payouts p JOIN users u ON u.id = p.user_id WHERE p.reward_date = $1 AND u.username LIKE 'stake\\_%'`, [date]);
    expect(seeded.n).toBe(eligible.n);
    expect(killed.members_paid + json(replay).members_paid).toBe(eligible.n);
    const { rows: [incomes] } = await sql.query(`SELECT count(*)::int AS n, sum(amount) AS total FROM incomes WHERE income_type = 'Staking Reward'`);
    expect(incomes).toEqual({ n: eligible.n, total: paid.total });
    expect((await run()).replayed).toBe(true);
    await expectBooksAndAggregates();
  }, 180_000);
});
