import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/server.js';

/** The CLI scripts against a database of their own: db:migrate, db:seed, admin:create. */

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
let database: TestDatabase;

function script(file: string, args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: database.url, ADMIN_PASSWORD: 'Adm1n-test-password', ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function userRow(username: string) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query('SELECT role, password_hash, email FROM users WHERE username = $1', [username])).rows[0];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe('CLI scripts', () => {
  it('db migrate and db seed run on an up-to-date database', async () => {
    const [migrate, seed] = [await script('scripts/db.ts', ['migrate']), await script('scripts/db.ts', ['seed'])];
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(seed.code, seed.stderr).toBe(0);
    expect((await script('scripts/db.ts', ['nonsense'])).code).toBe(2);
  }, 30_000);

  it('admin:create creates a staff user with a generated password printed once, then resets it', async () => {
    const created = await script('scripts/admin-create.ts', ['--username', 'Night_Desk', '--email', 'night@metax.test', '--role', 'support']);
    expect(created.code, created.stderr).toBe(0);
    const password = /password: (\S+)/.exec(created.stdout)?.[1];
    expect(password).toBeDefined();
    const row = await userRow('night_desk');
    expect(row.role).toBe('support');
    expect(await argon2.verify(row.password_hash, password!)).toBe(true);

    const reset = await script('scripts/admin-create.ts', ['--username', 'night_desk', '--role', 'finance', '--password', 'Fin4nce-desk-pass']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).not.toMatch(/password:/);
    const after = await userRow('night_desk');
    expect(after).toMatchObject({ role: 'finance', email: 'night@metax.test' });
    expect(await argon2.verify(after.password_hash, 'Fin4nce-desk-pass')).toBe(true);
  }, 30_000);

  it('never seeds another first admin from a script, whatever its ADMIN_* environment says', async () => {
    // The server's admin is `admin`; a script run with other (or missing) ADMIN_* must not add one.
    const created = await script('scripts/admin-create.ts', ['--username', 'desk_two', '--email', 'desk2@metax.test', '--role', 'support'], {
      ADMIN_USERNAME: 'ghost_admin',
      ADMIN_EMAIL: 'ghost@metax.test',
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toMatch(/Staff admin created/);
    expect(await userRow('ghost_admin')).toBeUndefined();
    const seeded = await script('scripts/db.ts', ['seed'], { ADMIN_USERNAME: 'ghost_admin', ADMIN_PASSWORD: '' });
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(await userRow('ghost_admin')).toBeUndefined();
  }, 30_000);

  it('admin:create refuses bad arguments with its usage', async () => {
    const res = await script('scripts/admin-create.ts', ['--username', 'x', '--role', 'boss']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--username: .*\n--role: must be one of support, finance, admin/);
    expect(res.stderr).toMatch(/usage: npm run admin:create/);
    expect(await userRow('x')).toBeUndefined();
  }, 30_000);
});
