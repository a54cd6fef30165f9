import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/database.js';
import { LockOrderError, lockMembers, lockRecord, lockWallets, moneyUnit } from '../src/wallets/lock-order.js';
import { markInterruptedRuns } from '../src/staking/staking.service.js';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { expectBooksBalanced, fund } from './helpers/money.js';
import { eventually } from './helpers/smtp.js';

let t: TestServer;
let finance: string;
beforeAll(async () => {
  t = await startTestServer({ DB_LOCK_TIMEOUT_MS: '1500', MONEY_CONCURRENCY_PER_ACCOUNT: '1', MONEY_QUEUE_WAIT_MS: '100' });
  finance = await staffToken(t, 'finance');
});
afterAll(async () => t?.close());

/** A second connection holding a row lock in an open transaction, as a slow unit would. */
async function holdLock(sql: string, params: unknown[]) {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(sql, params);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

const walletId = async (userId: number, wallet: string) =>
  (await db().query<{ id: number }>(`SELECT id FROM wallets WHERE user_id = :userId AND wallet_type = :wallet`, { replacements: { userId, wallet }, type: QueryTypes.SELECT }))[0].id;

describe('the lock order', () => {
  it('refuses, as a bug, any unit that locks against it', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const [low, high] = [a.user.id, b.user.id].sort((x, y) => x - y);
    const attempts: [string, (tx: never) => Promise<unknown>][] = [
      ['wallets after member rows', async (tx) => (await lockMembers(tx, [low]), lockWallets(tx, [{ userId: low, wallet: 'main_balance' }]))],
      ['a lower member after a higher one', async (tx) => (await lockMembers(tx, [high]), lockMembers(tx, [low]))],
      ['a wallet before one already held', async (tx) => (await lockWallets(tx, [{ userId: high, wallet: 'available_fund' }]), lockWallets(tx, [{ userId: low, wallet: 'available_fund' }]))],
      ['a wallet type before one of the same member', async (tx) => (await lockWallets(tx, [{ userId: low, wallet: 'main_balance' }]), lockWallets(tx, [{ userId: low, wallet: 'available_fund' }]))],
      ['a record after wallets', async (tx) => (await lockWallets(tx, [{ userId: low, wallet: 'main_balance' }]), lockRecord(tx, 'transactions', 'id = 0', {}))],
    ];
    for (const [what, work] of attempts) await expect(moneyUnit(work as never), what).rejects.toBeInstanceOf(LockOrderError);
    // Held rows may be named again in any order; new ones only after them.
    await expect(
      moneyUnit(async (tx) => {
        await lockWallets(tx, [{ userId: high, wallet: 'main_balance' }, { userId: low, wallet: 'available_fund' }]);
        await lockWallets(tx, [{ userId: low, wallet: 'available_fund' }, { userId: high, wallet: 'total_income' }]);
        await lockMembers(tx, [high, low]);
        await lockMembers(tx, [low]);
        return 'ok';
      }),
    ).resolves.toBe('ok');
  });

  it('runs a unit again when PostgreSQL still reports a deadlock, so both sides succeed', async () => {
    const m = await signUp(t);
    const [x, y] = [await walletId(m.user.id, 'available_fund'), await walletId(m.user.id, 'main_balance')];
    let attempts = 0;
    let arrived = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    // Raw locks in opposite orders, on purpose: exactly what the lock order exists to prevent.
    const unit = (first: number, second: number) =>
      moneyUnit(async (tx) => {
        attempts++;
        // Longer than deadlock_timeout (1 s), so PostgreSQL detects the cycle before giving up waiting.
        await db().query(`SET LOCAL lock_timeout = '10s'`, { transaction: tx });
        await db().query(`SELECT id FROM wallets WHERE id = :first FOR NO KEY UPDATE`, { replacements: { first }, transaction: tx });
        if (++arrived === 2) release();
        await bothHoldOne;
        await db().query(`SELECT id FROM wallets WHERE id = :second FOR NO KEY UPDATE`, { replacements: { second }, transaction: tx });
        return first;
      });
    await expect(Promise.all([unit(x, y), unit(y, x)])).resolves.toEqual([x, y]);
    expect(attempts).toBe(3);
  });

  it('answers 503 with Retry-After when a lock stays taken, and releases the Idempotency-Key', async () => {
    const m = await signUp(t);
    await fund(t, m, finance, '50');
    const unlock = await holdLock(`SELECT id FROM wallets WHERE user_id = $1 FOR UPDATE`, [m.user.id]);
    const send = () =>
      t.request('POST', '/api/transactions/transfer', {
        token: m.token,
        headers: { 'Idempotency-Key': 'busy-1' },
        body: { amount: '5', from_wallet: 'available_fund', to_wallet: 'main_balance' },
      });
    const busy = await send();
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.body.error.code).toBe('busy');
    await unlock();
    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const again = await send();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(retried.body);
    await expectBooksBalanced();
  });
});

describe('the money gate', () => {
  it("keeps one account's pile-up to itself: its extra writes get 429 while other members' go through", async () => {
    const m = await signUp(t);
    const other = await signUp(t);
    await fund(t, m, finance, '50');
    await fund(t, other, finance, '50');
    const unlock = await holdLock(`SELECT id FROM wallets WHERE user_id = $1 FOR UPDATE`, [m.user.id]);
    const transfer = (token: string) => t.request('POST', '/api/transactions/transfer', { token, body: { amount: '1', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
    const stuck = transfer(m.token);
    // It holds the account's one slot once it waits on the row lock.
    await eventually(async () => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`, { type: QueryTypes.SELECT }))[0].n > 0);
    const queued = await transfer(m.token);
    expect(queued.status).toBe(429);
    expect(queued.body.error.code).toBe('too_many_concurrent_requests');
    expect(queued.headers.get('retry-after')).toBe('1');
    expect((await transfer(other.token)).status).toBe(201);
    await unlock();
    expect((await stuck).status).toBe(201);
    expect((await transfer(m.token)).status).toBe(201);
  });
});

describe('interrupted staking runs', () => {
  it('marks a run whose process is gone, and leaves one whose owner still holds it', async () => {
    const insert = async () =>
      (await db().query<{ id: number }>(`INSERT INTO staking_runs (reward_date, apy) VALUES ('2026-01-01', 12) RETURNING id`, { type: QueryTypes.SELECT }))[0].id;
    const orphan = await insert();
    const owned = await insert();
    const owner = new pg.Client({ connectionString: t.database.url });
    await owner.connect();
    await owner.query('SELECT pg_advisory_lock(727100, $1)', [owned]);
    expect(await markInterruptedRuns()).toBe(1);
    const runs = (await t.request('GET', '/api/admin/staking/runs', { token: finance })).body.items as { id: number; status: string }[];
    expect(runs.find((r) => r.id === orphan)?.status).toBe('interrupted');
    expect(runs.find((r) => r.id === owned)?.status).toBe('running');
    await owner.end();
    expect(await markInterruptedRuns()).toBe(1);
  });
});
