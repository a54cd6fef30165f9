import { randomBytes } from 'node:crypto';
import type { SeedContext } from '../src/db/migrate.js';
import { findByLogin, upsertStaffUser } from '../src/users/users.service.js';

/**
 * The first staff admin, from ADMIN_USERNAME / ADMIN_EMAIL / ADMIN_PASSWORD. Without a password a
 * random one is generated and printed once, on creation; an existing admin is never touched.
 * Runs at server start only (never from the CLI scripts, whose environment may lack ADMIN_*).
 */
export async function up({ env, logger, firstAdmin }: SeedContext): Promise<void> {
  if (!firstAdmin || (await findByLogin(env.ADMIN_USERNAME))) return;
  const password = env.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url') + '7a';
  await upsertStaffUser({ username: env.ADMIN_USERNAME, email: env.ADMIN_EMAIL, password, role: 'admin' });
  if (env.ADMIN_PASSWORD) {
    logger.info({ username: env.ADMIN_USERNAME }, 'created staff admin from ADMIN_PASSWORD');
  } else {
    // Printed once, on creation: the only place this password ever appears.
    process.stdout.write(
      `\n  Staff admin created for the back-office (/admin):\n    username: ${env.ADMIN_USERNAME}\n    password: ${password}\n  Change it with: npm run admin:create -- --username ${env.ADMIN_USERNAME} --role admin\n\n`,
    );
  }
}
