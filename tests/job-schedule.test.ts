import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from '../src/server.js';
import { testEnv } from './helpers/env.js';
import { createTestDatabase, type TestDatabase } from './helpers/server.js';

let database: TestDatabase | undefined;
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe('job schedule', () => {
  it('schedules every catalogue job, daily staking at 00:00 in the configured staking_timezone', async () => {
    database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`UPDATE admin_configs SET value = '"Asia/Tokyo"' WHERE key = 'staking_timezone'`);
    await client.end();
    server = await startServer(testEnv({ DATABASE_URL: database.url }));
    const { rows } = await server.database.pool.query(`SELECT name, repeat_interval, repeat_timezone FROM agenda_jobs WHERE repeat_interval IS NOT NULL ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(['backup', 'backup-verify', 'cleanup', 'crypto-feed-refresh', 'daily-staking', 'ledger-verify', 'rank-evaluation', 'send-email']);
    expect(rows.find((r) => r.name === 'daily-staking')).toMatchObject({ repeat_interval: '0 0 * * *', repeat_timezone: 'Asia/Tokyo' });
  });
});
