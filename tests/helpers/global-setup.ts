import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pino from 'pino';
import 'reflect-metadata';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { loadEnv } from '../../src/config/env.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateAndSeed } from '../../src/db/migrate.js';
import { testEnv } from './env.js';
import pg from 'pg';
import { execFileSync } from 'node:child_process';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let adminUrl: string | undefined;
// Per run, so two runs against one server (DATABASE_URL) never share a template.
const TEMPLATE_DB = `metax_tpl_${process.pid}`;
let dataDir: string | undefined;

/**
 * One PostgreSQL for the run (DATABASE_URL's server if given, else an embedded one), and a
 * migrated + seeded template database that each test file clones into a database of its own.
 */
export async function setup(project: TestProject): Promise<void> {
  const logger = pino({ level: 'warn' });
  buildBackOfficeBundle();
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    adminUrl = url.toString();
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-test-'));
    fs.chmodSync(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({ dir: path.join(dataDir, 'pg'), port: 0, database: 'postgres', logger });
    adminUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();

  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const env = loadEnv(testEnv({ DATABASE_URL: templateUrl }));
  const database = openDatabase(templateUrl, { poolMax: 2, logger });
  await migrateAndSeed(templateUrl, { sequelize: database.sequelize, env, logger, firstAdmin: true });
  await database.close();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('templateDb', TEMPLATE_DB);
}

/**
 * The back-office's component bundle, built once for the run (as `npm run build` does for
 * production) instead of by the first page each test server serves; the test processes inherit
 * where it is.
 */
function buildBackOfficeBundle(): void {
  const dataDir = testEnv().DATA_DIR!;
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bundle-admin.ts'], {
    env: { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, ADMIN_JS_TMP_DIR: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // bundle-location.ts derives the same folder (DATA_DIR/adminjs/<digest of the components>).
  process.env.DATA_DIR ??= dataDir;
  // AdminJS's minified React and design system: browsers parse 3 MB per page instead of 26 MB.
  process.env.ADMIN_JS_FRONTEND ??= 'production';
}

export async function teardown(): Promise<void> {
  if (adminUrl && !embedded) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.end();
  }
  await embedded?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
