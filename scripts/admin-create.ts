/**
 * Creates a staff user, or resets the password and role of an existing one:
 *   npm run admin:create -- --username X --email Y --role support|finance|admin [--password P]
 * (--email may be left out when resetting an existing user.)
 * Without --password a random one is generated and printed once.
 */
import 'reflect-metadata';
import 'dotenv/config';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EnvError, loadEnv } from '../src/config/env.js';
import { connect } from '../src/db/connect.js';
import { migrateAndSeed } from '../src/db/migrate.js';
import { newPassword } from '../src/auth/passwords.js';
import { STAFF_ROLES } from '../src/users/user.model.js';
import { email, username } from '../src/users/users.schemas.js';
import { findByLogin, upsertStaffUser } from '../src/users/users.service.js';
// Not server.ts's createLogger: importing server.ts would load AdminJS and agendash for nothing.
import pino from 'pino';

const USAGE = 'usage: npm run admin:create -- --username X --role support|finance|admin [--email Y (needed to create)] [--password P]';

const argsSchema = z.object({
  username,
  email: email.optional(),
  role: z.enum(STAFF_ROLES as [string, ...string[]], { message: `must be one of ${STAFF_ROLES.join(', ')}` }),
  password: newPassword.optional(),
});

class UsageError extends Error {}

function parseCli(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        username: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const missing = (['username', 'role'] as const).filter((name) => values[name] === undefined);
  if (missing.length) throw new UsageError(missing.map((name) => `--${name}: is required`).join('\n'));
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return parsed.data as { username: string; email?: string; role: 'support' | 'finance' | 'admin'; password?: string };
}

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2));
  const env = loadEnv();
  // The schema and seeders must exist; keep the log quiet unless something goes wrong.
  const logger = pino({ level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL });
  const connection = await connect({ ...env, DB_POOL_MAX: 2 }, logger);
  const { url, database } = connection;
  try {
    await migrateAndSeed(url, { sequelize: database.sequelize, env, logger, firstAdmin: false });
    const existing = await findByLogin(args.username);
    // Resetting an existing user needs no email; creating one does.
    if (!existing && !args.email) throw new UsageError(`--email: is required to create the new user ${args.username}`);
    const password = args.password ?? `${randomBytes(12).toString('base64url')}7a`;
    const { user, created } = await upsertStaffUser({ username: args.username, email: args.email ?? existing!.email, password, role: args.role });
    process.stdout.write(`${created ? 'Created' : 'Updated'} staff user ${user.username} (id ${user.id}, role ${user.role}).\n`);
    if (!created) process.stdout.write('Existing tokens of this user are revoked; the email was left unchanged.\n');
    // Printed once: the only place a generated password ever appears.
    if (!args.password) process.stdout.write(`  password: ${password}\n`);
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `${error.message}\n` : ''}${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(error instanceof EnvError ? `${error.message}\n` : `admin:create failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
