import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { Umzug, SequelizeStorage, type UmzugStorage } from 'umzug';
import type { Sequelize } from 'sequelize-typescript';
import type { QueryInterface } from 'sequelize';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Running from src (tsx) loads .ts files; running from dist loads the compiled .js beside them.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const projectRoot = path.resolve(here, '../..');

function scriptsIn(folder: string): string[] {
  const dir = path.join(projectRoot, folder);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(extension) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

// Serialises start-up across processes: two servers booting at once must not both migrate.
const MIGRATION_LOCK = 727_001;

async function withMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await work();
  } finally {
    await client.end();
  }
}

/**
 * Records applied migrations the way sequelize-cli does (`<name>.js` in SequelizeMeta), so the
 * server, `npm run db:migrate` and sequelize-cli (see .sequelizerc) agree on what has run. Rows
 * written without the extension by earlier builds still count.
 */
class CliCompatibleStorage implements UmzugStorage {
  constructor(private readonly inner: SequelizeStorage) {}
  async executed(): Promise<string[]> {
    return (await this.inner.executed()).map((name) => name.replace(/\.(c|m)?(js|ts)$/, ''));
  }
  async logMigration({ name }: { name: string }): Promise<void> {
    await this.inner.logMigration({ name: `${name}.js` });
  }
  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.inner.unlogMigration({ name: `${name}.js` });
    await this.inner.unlogMigration({ name });
  }
}

export function migrator(sequelize: Sequelize, logger: Logger) {
  return new Umzug({
    migrations: scriptsIn('migrations').map((file) => ({
      name: path.basename(file, extension),
      async up({ context }: { context: QueryInterface }) {
        return (await import(pathToFileURL(file).href)).up({ context });
      },
      async down({ context }: { context: QueryInterface }) {
        return (await import(pathToFileURL(file).href)).down({ context });
      },
    })),
    context: sequelize.getQueryInterface(),
    storage: new CliCompatibleStorage(new SequelizeStorage({ sequelize, tableName: 'SequelizeMeta' })),
    logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m), debug: (m) => logger.debug(m) },
  });
}

/** Applies pending migrations only (`npm run db:migrate`), under the same lock as start-up. */
export async function migrateOnly(url: string, sequelize: Sequelize, logger: Logger) {
  return withMigrationLock(url, () => migrator(sequelize, logger).up());
}

export interface SeedContext {
  sequelize: Sequelize;
  env: Env;
  logger: Logger;
  /**
   * Whether the first-admin seeder runs (ADMIN_USERNAME / ADMIN_PASSWORD). Only server start-up
   * says yes: a script run without the server's ADMIN_* variables must not create another admin.
   */
  firstAdmin: boolean;
}

/** Applies pending migrations, then every seeder (each is idempotent, so all run on each start). */
export async function migrateAndSeed(url: string, ctx: SeedContext): Promise<void> {
  await withMigrationLock(url, async () => {
    await migrator(ctx.sequelize, ctx.logger).up();
    for (const file of scriptsIn('seeders')) {
      await (await import(pathToFileURL(file).href)).up(ctx);
    }
  });
}
