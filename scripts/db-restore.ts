/**
 * `npm run db:restore -- FILE [--target-url URL] [--skip-checksum]`: restores a backup made by
 * `npm run db:backup` (or the daily job) into an empty database — URL (created when missing), else
 * DATABASE_URL, else the embedded PostgreSQL under DATA_DIR. Checks the .sha256 first.
 */
import 'reflect-metadata';
import 'dotenv/config';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { EnvError, loadEnv } from '../src/config/env.js';
import { connect, type Connection } from '../src/db/connect.js';
import { createDatabaseIfMissing } from '../src/db/embedded.js';
import { verifyChecksum } from '../src/ops/backup/files.js';
import { countMismatches, restoreBackup } from '../src/ops/backup/restore.js';

const USAGE = 'usage: npm run db:restore -- FILE [--target-url postgres://user@host:5432/newdb] [--skip-checksum]';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { 'target-url': { type: 'string' }, 'skip-checksum': { type: 'boolean' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const env = loadEnv();
  const logger = pino({ level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL });
  const backup = path.resolve(file);
  if (!parsed.values['skip-checksum']) console.log(`checksum ok: ${await verifyChecksum(backup)}`);

  let target = parsed.values['target-url'];
  let connection: Connection | undefined;
  if (target) {
    const u = new URL(target);
    const database = decodeURIComponent(u.pathname.slice(1));
    u.pathname = '/postgres';
    await createDatabaseIfMissing(u.toString(), database);
  } else {
    connection = await connect({ ...env, DB_POOL_MAX: 1, DATABASE_REPLICA_URL: undefined }, logger);
    target = connection.url;
  }
  try {
    const result = await restoreBackup(backup, target, logger);
    const mismatches = countMismatches(result);
    const rows = Object.values(result.restored).reduce((a, b) => a + b, 0);
    console.log(`restored ${path.basename(backup)} (taken ${result.header.created_at}, ${result.header.migrations.length} migrations)`);
    console.log(`  ${result.header.tables.length} tables, ${rows} rows in ${result.ms} ms`);
    for (const m of mismatches) console.log(`  MISMATCH ${m.table}: backup ${m.backup}, restored ${m.restored}`);
    if (mismatches.length) return 1;
    console.log('  every table has the row count recorded at backup time; start the server to apply newer migrations');
    return 0;
  } finally {
    await connection?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof EnvError ? `${error.message}\n` : `db:restore failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
