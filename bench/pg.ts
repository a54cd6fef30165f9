import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../src/db/embedded.js';

export interface ScratchServer {
  /** URL of the server's maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The PostgreSQL a benchmark runs against: DATABASE_URL's server if set, else an embedded one in a temp dir. */
export async function scratchServer(): Promise<ScratchServer> {
  let adminUrl: string;
  let stopEmbedded = async () => {};
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = '/postgres';
    adminUrl = u.toString();
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-bench-'));
    fs.chmodSync(dir, 0o755);
    const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: 0, database: 'postgres', logger: pino({ level: 'warn' }) });
    adminUrl = embedded.url;
    stopEmbedded = async () => {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const urlFor = (database: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const created: string[] = [];
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  return {
    adminUrl,
    urlFor,
    async createDatabase(name) {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      return urlFor(name);
    },
    async stop() {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await stopEmbedded();
    },
  };
}
