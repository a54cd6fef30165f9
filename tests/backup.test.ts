import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { fund } from './helpers/money.js';
import { eventually } from './helpers/smtp.js';
import { applyRetention, listBackups, sha256Of } from '../src/ops/backup/files.js';
import { metricsText } from '../src/ops/metrics.js';
import { backupFileName } from '../src/ops/backup/format.js';

/**
 * Backups that prove they restore: the daily job under concurrent money writes, the weekly
 * verification (restore into a scratch database, ledger check, row counts), the CLI pair, a
 * tampered file, retention. Runs against the suite's PostgreSQL (embedded 18, or DATABASE_URL's).
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-backups-'));
let t: TestServer;
const extraDatabases: string[] = [];

function cli(file: string, args: string[], env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
}

function urlOf(database: string): string {
  const u = new URL(inject('pgAdminUrl'));
  u.pathname = `/${database}`;
  return u.toString();
}

async function runJob(name: string): Promise<{ outcome: string; counts: Record<string, any> | null; error: string | null }> {
  const job = await t.server.jobs.agenda.now(name, {});
  const id = String(job.attrs._id);
  return eventually(async () => {
    const { rows } = await t.server.database.pool.query(`SELECT outcome, counts, error FROM job_runs WHERE job_id = $1 AND outcome <> 'running'`, [id]);
    return rows[0];
  }, 60_000, `${name} to finish`);
}

beforeAll(async () => {
  t = await startTestServer({ BACKUP_DIR: backupDir, JOBS_MAX_ATTEMPTS: '1' });
});
afterAll(async () => {
  await t?.close();
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  for (const name of extraDatabases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  fs.rmSync(backupDir, { recursive: true, force: true });
});

describe('backups', () => {
  it('takes a consistent backup while money moves, and the weekly verification restores it and finds the books balanced', async () => {
    const finance = await staffToken(t, 'finance');
    const members = await Promise.all([signUp(t), signUp(t), signUp(t)]);
    for (const m of members) await fund(t, m, finance, '500');
    // Transfers keep running while the backup job copies table after table.
    let moving = true;
    const traffic = (async () => {
      let n = 0;
      while (moving && n < 400) {
        const m = members[n++ % members.length];
        await t.request('POST', '/api/transactions/transfer', { token: m.token, body: { amount: '1', from_wallet: 'available_fund', to_wallet: 'main_balance' } });
      }
      return n;
    })();
    const backup = await runJob('backup');
    moving = false;
    expect(await traffic).toBeGreaterThan(0);
    expect(backup.outcome, backup.error ?? '').toBe('success');
    expect(backup.counts).toMatchObject({ tables: expect.any(Number), rows: expect.any(Number), deleted: 0 });

    const [newest] = listBackups(backupDir);
    expect(newest.name).toBe(backup.counts!.file);
    expect(fs.readFileSync(`${newest.file}.sha256`, 'utf8')).toBe(`${backup.counts!.sha256}  ${newest.name}\n`);
    expect(fs.statSync(newest.file).mode & 0o777).toBe(0o600);

    const verify = await runJob('backup-verify');
    expect(verify.outcome, verify.error ?? '').toBe('success');
    expect(verify.counts).toMatchObject({ ok: true, ledger_ok: true, file: newest.name, rows: backup.counts!.rows });
    // The scratch database is gone again.
    const { rows } = await t.server.database.pool.query(`SELECT datname FROM pg_database WHERE datname LIKE 'metax_verify_%'`);
    expect(rows).toEqual([]);
    const metrics = await metricsText();
    expect(metrics).toMatch(/^metax_backup_verification_ok 1$/m);
    expect(metrics).toMatch(/^metax_backup_last_success_timestamp_seconds \d{10}/m);
  });

  it('backs up and restores from the command line into a new database with the same rows', async () => {
    const out = await cli('scripts/db-backup.ts', [], { DATABASE_URL: t.database.url, BACKUP_DIR: backupDir });
    expect(out.code, out.out).toBe(0);
    const file = /backup written: (\S+)/.exec(out.out)![1];
    const target = `metax_restore_${process.pid}`;
    extraDatabases.push(target);
    const restored = await cli('scripts/db-restore.ts', [file, '--target-url', urlOf(target)], {});
    expect(restored.code, restored.out).toBe(0);
    expect(restored.out).toMatch(/every table has the row count recorded at backup time/);

    const source = new pg.Client({ connectionString: t.database.url });
    const copy = new pg.Client({ connectionString: urlOf(target) });
    await Promise.all([source.connect(), copy.connect()]);
    try {
      const snapshot = `SELECT (SELECT count(*) FROM ledger_entries)::int AS entries, (SELECT sum(balance)::text FROM wallets) AS balances,
                               (SELECT max(id)::int FROM users) AS max_user`;
      expect((await copy.query(snapshot)).rows[0]).toEqual((await source.query(snapshot)).rows[0]);
      // Sequences continue after the restored ids; the immutability triggers are back on.
      const next = await copy.query(`SELECT nextval(pg_get_serial_sequence('users', 'id'))::int AS id`);
      expect(next.rows[0].id).toBeGreaterThan((await source.query('SELECT max(id)::int AS id FROM users')).rows[0].id);
      await expect(copy.query('DELETE FROM ledger_entries')).rejects.toThrow();
    } finally {
      await Promise.all([source.end(), copy.end()]);
    }

    const again = await cli('scripts/db-restore.ts', [file, '--target-url', urlOf(target)], {});
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/target database is not empty/);
    expect((await cli('scripts/db-restore.ts', [], {})).code).toBe(2);
  });

  it('refuses a tampered backup, and the verification job fails, recorded and mailed to admins', async () => {
    const [newest] = listBackups(backupDir);
    const text = gunzipSync(fs.readFileSync(newest.file)).toString();
    // Same checksum file, different content: one row less in a table.
    const tampered = text.replace(/\n[^\n{]*\n\\\.\n/, '\n\\.\n');
    expect(tampered).not.toBe(text);
    const later = path.join(backupDir, backupFileName(new Date(Date.now() + 60_000)));
    fs.writeFileSync(later, gzipSync(tampered));
    fs.copyFileSync(`${newest.file}.sha256`, `${later}.sha256`);

    const restore = await cli('scripts/db-restore.ts', [later, '--target-url', urlOf(`metax_never_${process.pid}`)], {});
    expect(restore.code).toBe(1);
    expect(restore.out).toMatch(/checksum mismatch/);

    const verify = await runJob('backup-verify');
    expect(verify.outcome).toBe('failed');
    expect(verify.error).toMatch(/checksum mismatch/);
    const mail = await t.server.database.pool.query(
      `SELECT o.subject FROM email_outbox o JOIN users u ON u.id = o.user_id WHERE o.template = 'ops-alert' AND u.role = 'admin'`,
    );
    expect(mail.rows.map((r) => r.subject)).toEqual([expect.stringMatching(/operations alert: backup verification failed/)]);
    expect(await metricsText()).toMatch(/^metax_backup_verification_ok 0$/m);

    // A checksum that matches the tampered file: the row counts recorded at backup time catch it.
    fs.writeFileSync(`${later}.sha256`, `${await sha256Of(later)}  ${path.basename(later)}\n`);
    const counted = await runJob('backup-verify');
    expect(counted.outcome).toBe('failed');
    expect(counted.error).toMatch(/the file holds \d+ rows, its footer says \d+/);
    fs.rmSync(later);
    fs.rmSync(`${later}.sha256`);
  });
});

describe('retention', () => {
  it('keeps the newest N and nothing older than the age limit, but always the newest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-retention-'));
    const now = new Date('2026-11-25T03:15:00.000Z');
    const ages = [0, 1, 2, 3, 40, 41];
    for (const days of ages) {
      const name = backupFileName(new Date(now.getTime() - days * 86_400_000));
      fs.writeFileSync(path.join(dir, name), 'x');
      fs.writeFileSync(path.join(dir, `${name}.sha256`), 'x');
    }
    fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'keep me');
    expect(applyRetention(dir, { keepCount: 3, keepDays: 30, now })).toHaveLength(3);
    expect(listBackups(dir).map((b) => Math.round((now.getTime() - b.at.getTime()) / 86_400_000))).toEqual([0, 1, 2]);
    expect(applyRetention(dir, { keepCount: 10, keepDays: 1, now: new Date(now.getTime() + 100 * 86_400_000) })).toHaveLength(2);
    expect(listBackups(dir)).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'unrelated.txt'))).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.sha256'))).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
