import http from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import { testEnv } from './helpers/env.js';

/** The request log (pino-http, as the server builds it) never keeps a secret sent in a query string. */

const lines: string[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const app = buildApp({ env: loadEnv(testEnv()), logger, isReady: async () => true });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('request log', () => {
  it('redacts tokens, passwords, secrets and keys in query strings and keeps the rest', async () => {
    const query = '?access_token=SECRET-A&page=2&Token=SECRET-B&password=SECRET-C&client_secret=SECRET-D&api_key=SECRET-E&sponsor_code=MX-KEEP&search=visible';
    const res = await fetch(`${url}/api/nothing-here${query}`);
    expect(res.status).toBe(404);
    await expect.poll(() => lines.some((l) => l.includes('/api/nothing-here'))).toBe(true);
    const line = lines.find((l) => l.includes('/api/nothing-here'))!;
    expect(line).not.toMatch(/SECRET/);
    expect(JSON.parse(line).req.url).toBe(
      '/api/nothing-here?access_token=[REDACTED]&page=2&Token=[REDACTED]&password=[REDACTED]&client_secret=[REDACTED]&api_key=[REDACTED]&sponsor_code=MX-KEEP&search=visible',
    );
  });
});
