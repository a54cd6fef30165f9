/**
 * `npm run db:migrate` applies pending migrations; `npm run db:seed` runs every (idempotent)
 * seeder. Both use DATABASE_URL when set, else the embedded PostgreSQL under DATA_DIR, exactly as
 * the server does at start.
 */
import 'reflect-metadata';
import 'dotenv/config';
import { EnvError, loadEnv } from '../src/config/env.js';
import { connect } from '../src/db/connect.js';
import { migrateAndSeed, migrateOnly } from '../src/db/migrate.js';
// Not server.ts's createLogger: importing server.ts would load AdminJS and agendash for nothing.
import pino from 'pino';

const commands = ['migrate', 'seed'] as const;
type Command = (typeof commands)[number];

async function main(command: Command): Promise<void> {
  const env = loadEnv();
  const logger = pino({ level: env.LOG_LEVEL });
  const connection = await connect({ ...env, DB_POOL_MAX: 2 }, logger);
  const { url, database } = connection;
  try {
    if (command === 'migrate') {
      const applied = await migrateOnly(url, database.sequelize, logger);
      logger.info({ applied: applied.map((m) => m.name) }, applied.length ? 'migrations applied' : 'no pending migrations');
    } else {
      // Seeders need the schema: apply what is pending first, then run them all.
      await migrateAndSeed(url, { sequelize: database.sequelize, env, logger, firstAdmin: false });
      logger.info('seeders ran');
    }
  } finally {
    await connection.close();
  }
}

const command = process.argv[2];
if (!commands.includes(command as Command)) {
  process.stderr.write(`usage: tsx scripts/db.ts <${commands.join('|')}>\n`);
  process.exit(2);
}
main(command as Command).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(error instanceof EnvError ? `${error.message}\n` : `db ${command} failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
