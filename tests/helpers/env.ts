export const ADMIN_PASSWORD = 'Adm1n-test-password';

/** The environment every test server starts with; tests override what they exercise. */
export function testEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_USERNAME: 'admin',
    ADMIN_EMAIL: 'admin@metax.test',
    ADMIN_PASSWORD,
    JOBS_PROCESS_EVERY: '1 second',
    JOBS_LOCK_LIFETIME_MS: '20000',
    SHUTDOWN_TIMEOUT_MS: '3000',
    DATA_DIR: process.env.TEST_DATA_DIR ?? '/tmp/metax-test-data',
    // Tests never reach the real CoinGecko: port 9 (discard) refuses at once; feed tests point at their own stub.
    COINGECKO_API_URL: 'http://127.0.0.1:9/api/v3',
    COINGECKO_RETRY_LIMIT: '0',
    // Race tests fire hundreds of money writes from one member; the per-member limit has its own test.
    RATE_LIMIT_MONEY_MAX: '100000',
    // ...and a loaded CI machine may drain one account's line slowly; the gate has its own test.
    MONEY_QUEUE_WAIT_MS: '60000',
    ...overrides,
  };
}
