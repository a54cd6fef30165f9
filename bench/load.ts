import 'reflect-metadata';
import os from 'node:os';
import { scratchServer } from './pg.js';
import { benchServer, load, seedMembers, statusLine } from './http.js';
import { verifyLedger } from '../src/wallets/ledger.verify.js';

/**
 * bench:load — mixed member traffic (balances, history, wallets, transfers, investments) from
 * 16 and then 64 clients, BENCH_SECONDS each (default 60), then a burst of 64 clients on one hot
 * account. Prints throughput, p50/p95/p99, answers by status and the ledger check.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 60);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 240);
const HOT_SECONDS = Number(process.env.BENCH_HOT_SECONDS ?? 15);

const pgServer = await scratchServer();
const server = await benchServer(await pgServer.createDatabase(`metax_load_${process.pid}`));
try {
  console.log(`seeding ${MEMBERS} members in sponsor chains of 6…`);
  const tokens = await seedMembers(server, MEMBERS, 6);
  const base = server.url;
  const rows: [string, Awaited<ReturnType<typeof load>>][] = [];
  for (const connections of [16, 64]) {
    console.log(`mixed traffic: ${connections} clients for ${DURATION}s…`);
    rows.push([`mixed, ${connections} clients, ${DURATION}s`, await load({ base, tokens, connections, duration: DURATION, mix: 'mixed' })]);
  }
  console.log(`hot account: 64 clients for ${HOT_SECONDS}s on one member…`);
  rows.push([`hot account, 64 clients, ${HOT_SECONDS}s`, await load({ base, tokens, connections: 64, duration: HOT_SECONDS, mix: 'hot' })]);
  const report = await verifyLedger();

  console.log(`\n== bench:load == (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version})`);
  console.log('| run | req/s | p50 ms | p95 ms | p99 ms | max ms | answers by status | errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [label, r] of rows) {
    console.log(`| ${label} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${statusLine(r.statuses)} | ${r.errors} |`);
  }
  console.log(`\nledger verify: ${report.ok ? 'OK' : 'MISMATCH'} (debits ${report.trial.total_debits} = credits ${report.trial.total_credits})`);
  if (!report.ok) process.exitCode = 1;
} finally {
  await server.close();
  await pgServer.stop();
}
process.exit(process.exitCode ?? 0);
