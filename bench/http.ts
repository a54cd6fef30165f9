import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadInput, LoadResult } from './load-generator.js';
import { startServer, type RunningServer } from '../src/server.js';
import { register } from '../src/auth/auth.service.js';
import { adjustWallet } from '../src/wallets/transactions.service.js';
import { Decimal } from '../src/money/money.js';

/** What the HTTP benchmarks share: a server without limits in the way, seeded members, the forked load generator. */

export function benchServer(url: string): Promise<RunningServer> {
  return startServer({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: url,
    ADMIN_PASSWORD: 'Bench-admin-pass1',
    RATE_LIMIT_API_MAX: '100000000',
    RATE_LIMIT_LOGIN_MAX: '100000',
    RATE_LIMIT_REGISTER_MAX: '100000',
    RATE_LIMIT_MONEY_MAX: '100000000',
    DATA_DIR: '/tmp/metax-bench-data',
    DB_POOL_MAX: process.env.DB_POOL_MAX ?? '16',
    APP_ROLE: 'web',
  });
}

/**
 * Members funded with 1,000,000 in available_fund and in main_balance (transfers never run dry), signed in; with `chainLength` > 1 they are
 * registered in sponsor chains, so investments pay uplines.
 */
export async function seedMembers(server: RunningServer, count: number, chainLength = 1): Promise<string[]> {
  const tokens: string[] = [];
  const staff = { id: 1, role: 'admin' as const };
  let sponsor: string | undefined;
  for (let i = 0; i < count; i++) {
    if (i % chainLength === 0) sponsor = undefined;
    const user = await register({ username: `bench_${i}`, email: `bench_${i}@metax.bench`, password: 'Bench-pass-123', first_name: 'Bench', last_name: String(i), sponsor_code: sponsor });
    sponsor = user.referral_code;
    for (const wallet_type of ['available_fund', 'main_balance'] as const) await adjustWallet(staff, user.id, { wallet_type, amount: new Decimal(1_000_000), reason: 'bench funds' });
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `bench_${i}`, password: 'Bench-pass-123' }) });
    tokens.push(((await res.json()) as { access_token: string }).access_token);
  }
  return tokens;
}

export function load(input: LoadInput): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-generator.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_LOAD: JSON.stringify(input) },
    });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
}

export const statusLine = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
