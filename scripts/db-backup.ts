/**
 * `npm run db:backup`: a consistent backup of the database in use (DATABASE_URL, or the embedded
 * PostgreSQL under DATA_DIR — stop the server first in that case) into BACKUP_DIR, with its
 * .sha256. Prints the file; exits 1 on failure.
 */
import 'reflect-metadata';
import 'dotenv/config';
import pino from 'pino';
import { EnvError, loadEnv } from '../src/config/env.js';
import { connect } from '../src/db/connect.js';
import { writeBackup } from '../src/ops/backup/backup.js';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = pino({ level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL });
  const connection = await connect({ ...env, DB_POOL_MAX: 1, DATABASE_REPLICA_URL: undefined }, logger);
  const client = await connection.database.pool.connect();
  try {
    const result = await writeBackup(client, { dir: env.BACKUP_DIR });
    const rows = Object.values(result.rows).reduce((a, b) => a + b, 0);
    console.log(`backup written: ${result.file}`);
    console.log(`  ${result.tables} tables, ${rows} rows, ${result.bytes} bytes in ${result.ms} ms`);
    console.log(`  sha256 ${result.sha256} (${result.file}.sha256)`);
  } finally {
    client.release();
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(error instanceof EnvError ? `${error.message}\n` : `db:backup failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
