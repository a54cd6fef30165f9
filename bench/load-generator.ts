import autocannon from 'autocannon';

/**
 * The load generator of the HTTP benchmarks, forked into its own process so its work does not share
 * the server's event loop. Input (JSON in BENCH_LOAD): base URL, member tokens, connections,
 * duration and the traffic mix; answers with throughput, latency and counts by status.
 *  - transfers: each member moves 1.5 back and forth between available_fund and main_balance;
 *  - mixed: balances 40 %, history 20 %, wallets 5 %, transfers 25 %, investments 10 %;
 *  - hot: every connection transfers on the first member's wallets (one hot account);
 *  - get: GET `path`, with the members' tokens in turn (none for /healthz).
 */
export type Mix = 'transfers' | 'mixed' | 'hot' | 'get';
export interface LoadInput {
  base: string;
  tokens: string[];
  connections: number;
  duration: number;
  mix: Mix;
  path?: string;
}
export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: number;
}

const { base, tokens, connections, duration, mix, path } = JSON.parse(process.env.BENCH_LOAD!) as LoadInput;

let n = 0;
const json = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
function transfer(i: number, token: string) {
  const back = Math.floor(i / tokens.length) % 2 === 1;
  return {
    method: 'POST' as const,
    path: '/api/transactions/transfer',
    headers: json(token),
    body: JSON.stringify({ amount: '1.5', from_wallet: back ? 'main_balance' : 'available_fund', to_wallet: back ? 'available_fund' : 'main_balance' }),
  };
}

function next() {
  const i = n++;
  const token = mix === 'hot' ? tokens[0] : tokens[i % tokens.length];
  if (mix === 'get') return { method: 'GET' as const, path: path!, headers: path === '/healthz' ? {} : json(token) };
  if (mix !== 'mixed') return transfer(mix === 'hot' ? i * tokens.length : i, token);
  const roll = (i * 7919) % 100;
  if (roll < 40) return { method: 'GET' as const, path: '/api/dashboard/balances', headers: json(token) };
  if (roll < 60) return { method: 'GET' as const, path: '/api/transactions/history?per_page=20', headers: json(token) };
  if (roll < 65) return { method: 'GET' as const, path: '/api/wallets', headers: json(token) };
  if (roll < 90) return transfer(i, token);
  return { method: 'POST' as const, path: '/api/investments', headers: json(token), body: JSON.stringify({ amount: '10' }) };
}

const statuses: Record<string, number> = {};
const times: number[] = [];
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    { url: base, connections, duration, requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }] },
    (err, done) => (err ? reject(err) : resolve(done)),
  );
  // Every response's time, for exact percentiles (autocannon's histogram has no p95).
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    times.push(responseTime);
  });
});
times.sort((a, b) => a - b);
const at = (q: number) => Math.round((times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0) * 10) / 10;
const reply: LoadResult = {
  requests: times.length,
  rps: times.length / duration,
  p50: at(0.5),
  p95: at(0.95),
  p99: at(0.99),
  max: at(1),
  statuses,
  errors: result.errors + result.timeouts,
};
process.send!(reply);
