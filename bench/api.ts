import 'reflect-metadata';
import os from 'node:os';
import { scratchServer } from './pg.js';
import { benchServer, load, seedMembers, statusLine } from './http.js';

/**
 * bench:api — authenticated reads against the same server's /healthz, in one run: what a member's
 * GET costs on top of the HTTP stack. BENCH_SECONDS each (default 15), BENCH_CONNECTIONS (16).
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TARGET = 0.65;

const pgServer = await scratchServer();
const server = await benchServer(await pgServer.createDatabase(`metax_api_${process.pid}`));
try {
  const tokens = await seedMembers(server, 64);
  const base = server.url;
  const run = async (path: string) => {
    console.log(`GET ${path}: ${CONNECTIONS} connections for ${DURATION}s…`);
    return load({ base, tokens, connections: CONNECTIONS, duration: DURATION, mix: 'get', path });
  };
  const health = await run('/healthz');
  const rows = [
    ['/api/dashboard/balances', await run('/api/dashboard/balances')],
    ['/api/transactions/history', await run('/api/transactions/history?per_page=20')],
  ] as const;
  console.log(`\n== bench:api == (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${CONNECTIONS} connections, ${DURATION}s each)`);
  console.log('| path | req/s | of /healthz | target | p50 ms | p99 ms | answers |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| /healthz | ${health.rps.toFixed(0)} | 100 % | — | ${health.p50} | ${health.p99} | ${statusLine(health.statuses)} |`);
  for (const [path, r] of rows) {
    console.log(`| ${path} | ${r.rps.toFixed(0)} | ${((r.rps / health.rps) * 100).toFixed(0)} % | ≥ ${TARGET * 100} % | ${r.p50} | ${r.p99} | ${statusLine(r.statuses)} |`);
  }
} finally {
  await server.close();
  await pgServer.stop();
}
process.exit(0);
