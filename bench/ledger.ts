import 'reflect-metadata';
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scratchServer } from './pg.js';
import { startServer } from '../src/server.js';
import { register } from '../src/auth/auth.service.js';
import { adjustWallet } from '../src/wallets/transactions.service.js';
import { verifyLedger } from '../src/wallets/ledger.verify.js';
import { Decimal } from '../src/money/money.js';

/**
 * bench:ledger — transfers over HTTP (~16 concurrent clients) against pgbench's tpcb-like script on
 * the same PostgreSQL for the same duration. Prints transfers/s, p50/p99 and the ratio.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 64);

interface LoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

const pgServer = await scratchServer();
const url = await pgServer.createDatabase(`metax_bench_${process.pid}`);
const server = await startServer({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PORT: '0',
  DATABASE_URL: url,
  ADMIN_PASSWORD: 'Bench-admin-pass1',
  RATE_LIMIT_API_MAX: '100000000',
  RATE_LIMIT_LOGIN_MAX: '100000',
  DATA_DIR: '/tmp/metax-bench-data',
  DB_POOL_MAX: process.env.DB_POOL_MAX ?? '16',
});

try {
  console.log(`seeding ${MEMBERS} members…`);
  const tokens: string[] = [];
  const staff = { id: 1, role: 'admin' as const };
  for (let i = 0; i < MEMBERS; i++) {
    const user = await register({ username: `bench_${i}`, email: `bench_${i}@metax.bench`, password: 'Bench-pass-123', first_name: 'Bench', last_name: String(i), sponsor_code: undefined });
    await adjustWallet(staff, user.id, { wallet_type: 'available_fund', amount: new Decimal(1_000_000), reason: 'bench funds' });
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `bench_${i}`, password: 'Bench-pass-123' }) });
    tokens.push(((await res.json()) as { access_token: string }).access_token);
  }

  console.log(`transfers: ${CONNECTIONS} connections for ${DURATION}s…`);
  const cpuBefore = process.cpuUsage();
  const result = await new Promise<LoadResult>((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./transfer-load.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_LOAD: JSON.stringify({ url: `${server.url}/api/transactions/transfer`, tokens, connections: CONNECTIONS, duration: DURATION }) },
    });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
  const cpu = process.cpuUsage(cpuBefore);
  const { ok } = result;
  const transfersPerSecond = ok / DURATION;
  const report = await verifyLedger();

  let pgbenchTps: number | undefined;
  if (spawnSync('pgbench', ['--version']).status === 0) {
    const pgbenchUrl = await pgServer.createDatabase(`metax_pgbench_${process.pid}`);
    execFileSync('pgbench', ['-i', '-s', '10', '-q', pgbenchUrl], { stdio: 'ignore' });
    console.log(`pgbench tpcb-like: ${CONNECTIONS} clients for ${DURATION}s…`);
    const out = execFileSync('pgbench', ['-c', String(CONNECTIONS), '-j', '2', '-T', String(DURATION), '-b', 'tpcb-like', pgbenchUrl], { encoding: 'utf8' });
    pgbenchTps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  } else {
    console.log('pgbench not found (Debian: apt-get install postgresql-client): skipping the comparison');
  }

  console.log('\n== bench:ledger ==');
  console.log(`transfers/s        ${transfersPerSecond.toFixed(0)}  (${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors, ${CONNECTIONS} connections, ${DURATION}s)`);
  console.log(`latency ms         p50 ${result.p50}  p99 ${result.p99}  max ${result.max}`);
  if (pgbenchTps) {
    console.log(`pgbench TPS        ${pgbenchTps.toFixed(0)}  (tpcb-like, scale 10, same server)`);
    console.log(`ratio              ${((transfersPerSecond / pgbenchTps) * 100).toFixed(1)} % of pgbench (target ≥ 50 %)`);
  }
  const serverCpuMs = (cpu.user + cpu.system) / 1000;
  console.log(`server CPU         ${((serverCpuMs / (DURATION * 1000)) * 100).toFixed(0)} % of one core, ${(serverCpuMs / Math.max(ok, 1)).toFixed(2)} ms per transfer`);
  console.log(`ledger verify      ${report.ok ? 'OK' : 'MISMATCH'} (debits ${report.trial.total_debits} = credits ${report.trial.total_credits})`);
  console.log(`peak RSS           ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await server.close();
  await pgServer.stop();
}
process.exit(process.exitCode ?? 0);
