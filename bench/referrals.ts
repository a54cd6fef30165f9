/**
 * npm run bench:referrals — referral/income engine at scale, in a scratch database (created on
 * DATABASE_URL's server and dropped afterwards, or an embedded PostgreSQL in a temp dir).
 *
 * Generates, set-based (generate_series): 1,000,000 members who have all invested, of whom a
 * 100,000-member downline (levels 1-5) sits under one top member. Then prints:
 *  - the team tree of the top member from one query with the node cap lifted, vs. the spec's way
 *    (one query per member; timed for up to SPEC_WAY_BUDGET_MS, then extrapolated, and it says so);
 *  - one investment's time and SQL statement count (for a member with 5 uplines above a big team
 *    and for one without uplines: the count must not depend on team size);
 *  - daily staking for all 1,000,000 members;
 *  - peak RSS; and a full ledger verification at the end.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { QueryTypes } from 'sequelize';
import { loadEnv } from '../src/config/env.js';
import { db, openDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { migrateAndSeed } from '../src/db/migrate.js';
import { Decimal } from '../src/money/money.js';
import { invest } from '../src/investments/investments.service.js';
import { runStaking, stakingToday } from '../src/staking/staking.service.js';
import { TREE_SQL, teamTreeJson } from '../src/team/team.service.js';
import { verifyLedger } from '../src/wallets/ledger.verify.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const DOWNLINE_LEVELS = [10, 100, 1_000, 10_000, 88_890]; // 100,000 under the top member
const SPEC_WAY_BUDGET_MS = Number(process.env.BENCH_SPEC_BUDGET_MS ?? 60_000);
const logger = pino({ level: 'warn' });

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const line = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);

async function scratchDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const name = `metax_bench_${process.pid}`;
  if (process.env.DATABASE_URL) {
    const admin = new URL(process.env.DATABASE_URL);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const url = new URL(admin.toString());
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      cleanup: async () => {
        const c = new pg.Client({ connectionString: admin.toString() });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-bench-'));
  fs.chmodSync(dir, 0o755);
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: 0, database: name, logger });
  return {
    url: embedded.url,
    cleanup: async () => {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sql = (text: string, replacements: Record<string, unknown> = {}) => db().query(text, { replacements, type: QueryTypes.RAW });

/**
 * Members base+1 … base+MEMBERS. base+1 is the top member; the next 100,000 are its downline,
 * level by level, each member's sponsor taken round-robin from the level above. Everyone has
 * invested 100 + (id mod 900) MXC, booked as one seed posting (cash in, my_investment out) so the
 * books balance; the member who invests in the benchmark also holds available funds.
 */
async function generate(base: number) {
  const top = base + 1;
  const starts: number[] = [];
  let next = top + 1;
  for (const size of DOWNLINE_LEVELS) {
    starts.push(next);
    next += size;
  }
  await sql(`SET synchronous_commit = off`);
  await sql(
    `INSERT INTO users (id, username, email, password_hash, first_name, last_name, referral_code, total_investment)
     SELECT g, 'bench' || g, 'bench' || g || '@metax.bench', '!', 'Bench', 'Member ' || g, 'B' || g, 100 + g % 900
       FROM generate_series(:from, :to) g`,
    { from: top, to: base + MEMBERS },
  );
  await sql(`SELECT setval(pg_get_serial_sequence('users', 'id'), :max)`, { max: base + MEMBERS });
  for (let level = 1; level < DOWNLINE_LEVELS.length; level++) {
    const [start, size, parentStart, parentSize] = [starts[level], DOWNLINE_LEVELS[level], starts[level - 1], DOWNLINE_LEVELS[level - 1]];
    await sql(`UPDATE users SET sponsor_id = :parentStart + (id - :start) % :parentSize WHERE id BETWEEN :start AND :end`, {
      parentStart,
      start,
      parentSize,
      end: start + size - 1,
    });
  }
  await sql(`UPDATE users SET sponsor_id = :top WHERE id BETWEEN :start AND :end`, { top, start: starts[0], end: starts[0] + DOWNLINE_LEVELS[0] - 1 });
  // Closure rows, one statement per level: level k = level k-1 of the sponsor, one further.
  await sql(`INSERT INTO referrals (referrer_id, referred_id, level) SELECT sponsor_id, id, 1 FROM users WHERE sponsor_id IS NOT NULL`);
  for (let level = 2; level <= 5; level++) {
    await sql(
      `INSERT INTO referrals (referrer_id, referred_id, level)
       SELECT r.referrer_id, u.id, :level FROM referrals r JOIN users u ON u.sponsor_id = r.referred_id WHERE r.level = :prev`,
      { level, prev: level - 1 },
    );
  }
  await sql(
    `INSERT INTO wallets (user_id, wallet_type, balance)
     SELECT u.id, t.wallet_type, CASE WHEN t.wallet_type = 'my_investment' THEN u.total_investment ELSE 0 END
       FROM users u CROSS JOIN unnest(ARRAY['available_fund','main_balance','self_coin_bonus','staking_bonus','direct_referral',
                                          'level_bonus','lifetime_reward','total_income','my_investment']) AS t(wallet_type)
      WHERE u.id >= :top ORDER BY u.id`,
    { top },
  );
  await sql(
    `WITH p AS (INSERT INTO ledger_postings (kind, description) VALUES ('deposit', 'bench seed: invested principal') RETURNING id)
     INSERT INTO ledger_entries (posting_id, account, wallet_id, debit, credit)
     SELECT p.id, 'member:balance', w.id, 0, w.balance FROM p, wallets w WHERE w.wallet_type = 'my_investment' AND w.balance > 0
     UNION ALL SELECT p.id, 'asset:cash', NULL, (SELECT sum(balance) FROM wallets WHERE wallet_type = 'my_investment'), 0 FROM p`,
  );
  await sql(
    `UPDATE users u SET team_volume = v.volume FROM (
       SELECT r.referrer_id, sum(d.total_investment) AS volume FROM referrals r JOIN users d ON d.id = r.referred_id GROUP BY r.referrer_id
     ) v WHERE v.referrer_id = u.id`,
  );
  await sql(`ANALYZE`);
  return { top, deepStart: starts[4], outsider: base + MEMBERS };
}

async function fundMember(userId: number, amount: string) {
  await sql(
    `WITH p AS (INSERT INTO ledger_postings (kind, description) VALUES ('deposit', 'bench seed: funds to invest') RETURNING id),
          w AS (UPDATE wallets SET balance = balance + :amount WHERE user_id = :userId AND wallet_type = 'available_fund' RETURNING id)
     INSERT INTO ledger_entries (posting_id, account, wallet_id, debit, credit)
     SELECT p.id, 'member:balance', w.id, 0::numeric, :amount::numeric FROM p, w UNION ALL SELECT p.id, 'asset:cash', NULL, :amount::numeric, 0 FROM p`,
    { userId, amount },
  );
}

/** The spec's build_referral_tree: one SELECT per member, breadth first. */
async function specWayTree(url: string, top: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const start = process.hrtime.bigint();
  const queue: { id: number; level: number }[] = [{ id: top, level: 0 }];
  let queries = 0;
  let nodes = 0;
  while (queue.length && ms(start) < SPEC_WAY_BUDGET_MS) {
    const { id, level } = queue.shift()!;
    if (level >= 5) continue;
    const { rows } = await client.query(`SELECT id, username, total_investment, is_active FROM users WHERE sponsor_id = $1`, [id]);
    queries++;
    for (const r of rows) {
      nodes++;
      queue.push({ id: r.id, level: level + 1 });
    }
  }
  const elapsed = ms(start);
  await client.end();
  return { elapsed, queries, nodes, complete: queue.every((q) => q.level >= 5) };
}

/** One investment's time and round trips to PostgreSQL (every query of any client, BEGIN and COMMIT included). */
async function countedInvestment(userId: number, amount: string) {
  let statements = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const start = process.hrtime.bigint();
  try {
    await invest(userId, `bench${userId}`, new Decimal(amount));
  } finally {
    pg.Client.prototype.query = query;
  }
  return { elapsed: ms(start), statements };
}

async function main() {
  const started = process.hrtime.bigint();
  const scratch = await scratchDatabase();
  const database = openDatabase(scratch.url, { poolMax: 4, logger });
  if (process.env.BENCH_VERBOSE) {
    // Prints every statement slower than 100 ms with its time: where the seconds go.
    Object.assign(database.sequelize.options, {
      benchmark: true,
      logging: (text: string, took: number) => took > 100 && console.log(`  [${took} ms] ${text.replace(/\s+/g, ' ').slice(0, 140)}`),
    });
  }
  try {
    await migrateAndSeed(scratch.url, {
      sequelize: database.sequelize,
      env: loadEnv({ NODE_ENV: 'test', DATABASE_URL: scratch.url, ADMIN_PASSWORD: 'Bench-admin-password-1' }),
      logger,
      firstAdmin: true,
    });
    const [{ base }] = await db().query<{ base: number }>(`SELECT coalesce(max(id), 0) AS base FROM users`, { type: QueryTypes.SELECT });
    let t = process.hrtime.bigint();
    const { top, deepStart, outsider } = await generate(base);
    console.log(`\nmetax bench:referrals — ${MEMBERS.toLocaleString()} invested members, 100,000 under one member (PostgreSQL ${process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'})`);
    line('data generation (set-based)', `${(ms(t) / 1000).toFixed(1)} s`);

    // Tree: one query, cap lifted.
    const runs: number[] = [];
    let nodes = 0;
    for (let i = 0; i < 3; i++) {
      t = process.hrtime.bigint();
      const tree = await teamTreeJson(top, 5, 1_000_000);
      runs.push(ms(t));
      nodes = tree.nodes;
    }
    line(`tree of the top member, one query (${nodes.toLocaleString()} nodes)`, `${Math.min(...runs).toFixed(0)} ms best, ${runs.map((r) => r.toFixed(0)).join(' / ')} ms`);
    const plan = await db().transaction(async (tx) => {
      await db().query(`SET LOCAL work_mem = '64MB'`, { transaction: tx });
      const [row] = await db().query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${TREE_SQL}`, {
        bind: [top, 5, 1_000_001],
        type: QueryTypes.SELECT,
        transaction: tx,
      });
      return row['QUERY PLAN'][0]['Execution Time'];
    });
    line('  of which the query inside PostgreSQL (EXPLAIN ANALYZE)', `${plan.toFixed(0)} ms (the rest: the JSON text to Node)`);
    const spec = await specWayTree(scratch.url, top);
    const perQuery = spec.elapsed / spec.queries;
    const fullQueries = 1 + DOWNLINE_LEVELS.slice(0, 4).reduce((a, b) => a + b, 0); // every member above level 5 is asked for its children
    const specTotal = spec.complete ? spec.elapsed : perQuery * fullQueries;
    line(
      `tree the spec's way (one query per member)`,
      spec.complete
        ? `${(spec.elapsed / 1000).toFixed(1)} s for ${spec.queries.toLocaleString()} queries`
        : `${(specTotal / 1000).toFixed(1)} s EXTRAPOLATED (${spec.queries.toLocaleString()} of ${fullQueries.toLocaleString()} queries in ${(spec.elapsed / 1000).toFixed(1)} s)`,
    );
    line('  ratio spec way / one query', `${(specTotal / Math.min(...runs)).toFixed(0)}×`);

    // One investment: a level-5 member (5 uplines, the top one with 100,000 below) and an outsider.
    await fundMember(deepStart, '10000');
    await fundMember(outsider, '10000');
    await countedInvestment(deepStart, '100'); // warm-up
    const deep: { elapsed: number; statements: number }[] = [];
    for (let i = 0; i < 10; i++) deep.push(await countedInvestment(deepStart, '100'));
    const lone = await countedInvestment(outsider, '100');
    const sorted = deep.map((d) => d.elapsed).sort((a, b) => a - b);
    line('one investment with 5 uplines (whole transaction, median of 10)', `${sorted[5].toFixed(1)} ms, ${deep[0].statements} round trips`);
    line('one investment without uplines', `${lone.elapsed.toFixed(1)} ms, ${lone.statements} round trips`);

    // Staking for everyone, today.
    const { today } = await stakingToday();
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 25);
    t = process.hrtime.bigint();
    const staking = await runStaking(today, { batchSize: Number(process.env.BENCH_STAKING_BATCH ?? 20_000) });
    clearInterval(sampler);
    line(`daily staking (${staking.members_paid.toLocaleString()} members paid, total ${staking.total})`, `${(ms(t) / 1000).toFixed(1)} s`);
    line('  process RSS during staking', `peak ${mb(rssPeak)} (${mb(rssBefore)} before it started)`);
    t = process.hrtime.bigint();
    const again = await runStaking(today);
    line(`  rerun for the same day (${again.members_paid} paid)`, `${(ms(t) / 1000).toFixed(1)} s`);

    t = process.hrtime.bigint();
    const report = await verifyLedger();
    line(`ledger verification (${report.ok ? 'balanced' : 'NOT BALANCED'})`, `${(ms(t) / 1000).toFixed(1)} s`);
    line('peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    line('total bench time', `${(ms(started) / 1000).toFixed(0)} s`);
    if (!report.ok) process.exitCode = 1;
  } finally {
    await database.close();
    if (process.env.BENCH_KEEP) console.log(`kept ${scratch.url}`);
    else await scratch.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
