import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './helpers/server.js';
import { browserAvailable, launchBrowser, screenshot } from './helpers/browser.js';
import { ADMIN_PASSWORD } from './helpers/env.js';

/**
 * The build output under NODE_ENV=production, as the Docker image runs it: compiled with tsc, the
 * back-office bundle built at build time (not at start), assets compressed and cacheable, and the
 * panel working in Chromium with no request to another host and nothing in the console.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
// Inside the repository so node_modules resolve; git-ignored.
const OUT = path.join(ROOT, 'dist-test');
const run = promisify(execFile);
// The cloned template database already holds the test suite's admin.
const PASSWORD = ADMIN_PASSWORD;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe.runIf(browserAvailable('production.test.ts'))('production build', () => {
  let database: TestDatabase;
  let server: ChildProcess | undefined;
  let output = '';
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    fs.rmSync(OUT, { recursive: true, force: true });
    // The same emit as `npm run build`; type checking is `npm run typecheck`'s job, not this test's.
    await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', OUT, '--noCheck'], { cwd: ROOT });
    await run(process.execPath, [path.join(OUT, 'scripts/bundle-admin.js')], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', ADMIN_JS_TMP_DIR: '' } });
    database = await createTestDatabase();
    const port = await freePort();
    base = `http://localhost:${port}`;
    server = spawn(process.execPath, [path.join(OUT, 'src/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: database.url,
        DATA_DIR: path.join(OUT, 'data'),
        SECRET_KEY: 'production-test-secret-key-0123456789abcdef',
        JWT_SECRET_KEY: 'production-test-jwt-key-0123456789abcdef',
        ADMIN_PASSWORD: PASSWORD,
        // Delivery is not under test; production only insists on a mail server being named.
        MAIL_SERVER: '127.0.0.1',
        MAIL_PORT: '9',
        MAIL_USE_TLS: 'false',
        // The browser below plays the TLS proxy (X-Forwarded-Proto), so the secure cookie is set.
        TRUST_PROXY: '1',
        COINGECKO_API_URL: 'http://127.0.0.1:9/api/v3',
        COINGECKO_RETRY_LIMIT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (c) => (output += c));
    server.stderr!.on('data', (c) => (output += c));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`production server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    await database?.drop();
    fs.rmSync(OUT, { recursive: true, force: true });
  });

  it('serves the prebuilt bundle (no bundling at start) with versioned, cacheable, compressed assets', async () => {
    expect(output).not.toMatch(/bundling user components/);
    const login = await (await fetch(`${base}/admin/login`)).text();
    expect(login).not.toMatch(/googleapis|gstatic/);
    const scripts = [...login.matchAll(/src="(\/admin\/frontend\/assets\/[\w.-]+\.js\?v=\w+)"/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(4);
    for (const script of scripts) {
      const res = await fetch(base + script, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status, script).toBe(200);
      expect(res.headers.get('cache-control'), script).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding'), script).toBe('gzip');
      expect((await res.text()).length, script).toBeGreaterThan(1000);
    }
    const unversioned = await fetch(`${base}/admin/frontend/assets/app.bundle.js`);
    expect(unversioned.headers.get('cache-control')).toBe('no-cache');
  });

  it('runs the panel in Chromium: custom pages render, no request leaves the origin, the console stays empty', async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-proto': 'https' } });
    const page = await context.newPage();
    const foreign: string[] = [];
    const consoleLines: string[] = [];
    page.on('request', (r) => (r.url().startsWith(base) || r.url().startsWith('data:') ? undefined : foreign.push(r.url())));
    page.on('console', (m) => (['error', 'warning'].includes(m.type()) ? consoleLines.push(`${m.type()}: ${m.text()}`) : undefined));
    page.on('pageerror', (e) => consoleLines.push(`uncaught: ${e.message}`));
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name="email"]', 'admin');
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/login"] button')]);
    await page.locator('[data-testid="metax-dashboard"]').waitFor({ timeout: 20_000 });
    await page.goto(`${base}/admin/resources/configuration`);
    await page.locator('[data-testid="config-editor"]').waitFor();
    await page.goto(`${base}/admin/resources/transactions`);
    await page.getByText('Export CSV').waitFor();
    await screenshot(page, 'production-transactions');
    expect(foreign).toEqual([]);
    expect(consoleLines).toEqual([]);
    await context.close();
  });
});
