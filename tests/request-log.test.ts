import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { testEnv } from './helpers/env.js';
import { createTestDatabase, type TestDatabase } from './helpers/server.js';

/** The request log of the real server never keeps a secret sent in a query string. */

const lines: string[] = [];
let database: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  database = await createTestDatabase();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  server = await startServer(testEnv({ DATABASE_URL: database.url, LOG_LEVEL: 'info' }), { logDestination: sink });
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe('request log', () => {
  it('redacts tokens, passwords, secrets and keys in query strings and keeps the rest', async () => {
    const query = '?access_token=SECRET-A&page=2&Token=SECRET-B&password=SECRET-C&client_secret=SECRET-D&api_key=SECRET-E&sponsor_code=MX-KEEP&search=visible';
    const res = await fetch(`${server.url}/api/nothing-here${query}`);
    expect(res.status).toBe(404);
    await expect.poll(() => lines.some((l) => l.includes('/api/nothing-here'))).toBe(true);
    const line = lines.find((l) => l.includes('/api/nothing-here'))!;
    expect(lines.join('\n')).not.toMatch(/SECRET-/);
    expect(JSON.parse(line).req.url).toBe(
      '/api/nothing-here?access_token=[REDACTED]&page=2&Token=[REDACTED]&password=[REDACTED]&client_secret=[REDACTED]&api_key=[REDACTED]&sponsor_code=MX-KEEP&search=visible',
    );
  });
});
