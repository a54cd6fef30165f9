import 'reflect-metadata';
import { execFileSync, spawnSync } from 'node:child_process';
import { scratchServer } from './pg.js';
import { benchServer, load, seedMembers, statusLine } from './http.js';
import { verifyLedger } from '../src/wallets/ledger.verify.js';

/**
 * bench:ledger — transfers over HTTP (~16 concurrent clients) against pgbench's tpcb-like script on
 * the same PostgreSQL for the same duration. Prints transfers/s, p50/p99 and the ratio.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 64);

const pgServer = await scratchServer();
const server = await benchServer(await pgServer.createDatabase(`metax_bench_${process.pid}`));

try {
  console.log(`seeding ${MEMBERS} members…`);
  const tokens = await seedMembers(server, MEMBERS);

  console.log(`transfers: ${CONNECTIONS} connections for ${DURATION}s…`);
  const cpuBefore = process.cpuUsage();
  const result = await load({ base: server.url, tokens, connections: CONNECTIONS, duration: DURATION, mix: 'transfers' });
  const cpu = process.cpuUsage(cpuBefore);
  const ok = result.statuses['201'] ?? 0;
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
  console.log(`transfers/s        ${transfersPerSecond.toFixed(0)}  (${statusLine(result.statuses)}, ${result.errors} errors, ${CONNECTIONS} connections, ${DURATION}s)`);
  console.log(`latency ms         p50 ${result.p50}  p95 ${result.p95}  p99 ${result.p99}  max ${result.max}`);
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
