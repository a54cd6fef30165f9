import path from 'node:path';
import { Sequelize } from 'sequelize-typescript';
import type { Logger } from 'pino';
import { databaseUrl, inTransaction, rawPool } from '../../db/database.js';
import { getConfig } from '../../config/config.service.js';
import type { JobSpec } from '../../jobs/job-spec.js';
import { notifyOpsAlert } from '../../notify/notifications.js';
import { verifyLedger } from '../../wallets/ledger.verify.js';
import { writeBackup } from './backup.js';
import { applyRetention, listBackups, verifyChecksum } from './files.js';
import { countMismatches, restoreBackup } from './restore.js';

async function alertAdmins(logger: Logger, title: string, summary: string, details: [string, string][]): Promise<void> {
  await inTransaction((tx) =>
    notifyOpsAlert(tx, { title, summary, details, action: 'See the job runs in the back-office (backup, backup-verify) and the README recovery procedure.' }),
  ).catch((err) => logger.error({ err }, 'could not queue the backup alert'));
}

/**
 * Daily backup into BACKUP_DIR (on the worker's disk: mount it on storage that outlives the host),
 * then retention (config backup_keep_count / backup_keep_days). Admins are alerted when the last
 * attempt fails.
 */
export const backupJob: JobSpec = {
  name: 'backup',
  every: '15 3 * * *',
  async run(_job, { env, logger, lastAttempt }) {
    try {
      const client = await rawPool().connect();
      let result;
      try {
        result = await writeBackup(client, { dir: env.BACKUP_DIR });
      } finally {
        client.release();
      }
      const config = await getConfig(['backup_keep_count', 'backup_keep_days']);
      const deleted = applyRetention(env.BACKUP_DIR, { keepCount: config.backup_keep_count, keepDays: config.backup_keep_days });
      return {
        file: path.basename(result.file),
        sha256: result.sha256,
        bytes: result.bytes,
        tables: result.tables,
        rows: Object.values(result.rows).reduce((a, b) => a + b, 0),
        ms: result.ms,
        deleted: deleted.length,
      };
    } catch (error) {
      if (lastAttempt) await alertAdmins(logger, 'the daily backup failed', `The backup into ${env.BACKUP_DIR} failed: ${(error as Error).message}`, []);
      throw error;
    }
  },
};

function scratchUrl(name: string): string {
  const u = new URL(databaseUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Weekly proof that the newest backup restores: checksum, restore into a scratch database on the
 * same server (the database user needs CREATEDB), ledger verification there, and every table's
 * row count against the count recorded at backup time. The scratch database is always dropped.
 */
export const backupVerifyJob: JobSpec = {
  name: 'backup-verify',
  every: '45 4 * * 0',
  async run(_job, { env, logger, lastAttempt }) {
    const newest = listBackups(env.BACKUP_DIR)[0];
    const fail = async (summary: string, details: [string, string][] = []): Promise<never> => {
      if (lastAttempt) await alertAdmins(logger, 'backup verification failed', summary, details);
      throw new Error(summary);
    };
    if (!newest) return fail(`No backup to verify in ${env.BACKUP_DIR}.`);
    try {
      await verifyChecksum(newest.file);
    } catch (error) {
      return fail(`${newest.name}: ${(error as Error).message}`);
    }
    const scratch = `metax_verify_${Date.now()}_${process.pid}`;
    await rawPool().query(`CREATE DATABASE "${scratch}"`);
    try {
      let result;
      try {
        result = await restoreBackup(newest.file, scratchUrl(scratch), logger);
      } catch (error) {
        return await fail(`Restoring ${newest.name} failed: ${(error as Error).message}`);
      }
      const mismatches = countMismatches(result);
      const sequelize = new Sequelize(scratchUrl(scratch), { dialect: 'postgres', logging: false, pool: { max: 1 } });
      const ledger = await verifyLedger(sequelize).finally(() => sequelize.close());
      if (mismatches.length || !ledger.ok) {
        return await fail(`The newest backup ${newest.name} restored, but did not check out.`, [
          ['Row counts', mismatches.length ? mismatches.map((m) => `${m.table}: ${m.backup} at backup, ${m.restored} restored`).join('; ') : 'all equal'],
          ['Ledger', ledger.ok ? 'balanced' : `${ledger.unbalancedPostings.length} unbalanced postings, ${ledger.walletMismatches.length} wallet mismatches`],
        ]);
      }
      return {
        ok: true,
        file: newest.name,
        taken_at: result.header.created_at,
        tables: result.header.tables.length,
        rows: Object.values(result.restored).reduce((a, b) => a + b, 0),
        ledger_ok: ledger.ok,
        restore_ms: result.ms,
      };
    } finally {
      await rawPool()
        .query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`)
        .catch((err) => logger.error({ err, scratch }, 'could not drop the scratch database'));
    }
  },
};
