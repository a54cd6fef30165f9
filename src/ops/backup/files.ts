import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BACKUP_SUFFIX, backupTimeOf } from './format.js';

export interface BackupFile {
  file: string;
  name: string;
  at: Date;
  bytes: number;
}

/** Finished backups in `dir`, newest first (a `.partial` is a backup still being written, or a failed one). */
export function listBackups(dir: string): BackupFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(BACKUP_SUFFIX))
    .flatMap((name) => {
      const at = backupTimeOf(name);
      const file = path.join(dir, name);
      return at ? [{ file, name, at, bytes: fs.statSync(file).size }] : [];
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime() || b.name.localeCompare(a.name));
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** Checks `<file>.sha256`; throws when it is missing or does not match. */
export async function verifyChecksum(file: string): Promise<string> {
  const sumFile = `${file}.sha256`;
  if (!fs.existsSync(sumFile)) throw new Error(`no checksum file ${sumFile}`);
  const expected = fs.readFileSync(sumFile, 'utf8').trim().split(/\s+/)[0];
  const actual = await sha256Of(file);
  if (actual !== expected) throw new Error(`checksum mismatch for ${path.basename(file)}: file ${actual}, ${path.basename(sumFile)} says ${expected}`);
  return actual;
}

/**
 * Keeps the newest `keepCount` backups and none older than `keepDays`, but never the newest one:
 * retention must not leave a site without a backup. Returns the deleted names.
 */
export function applyRetention(dir: string, opts: { keepCount: number; keepDays: number; now?: Date }): string[] {
  const now = (opts.now ?? new Date()).getTime();
  const deleted: string[] = [];
  listBackups(dir).forEach((b, index) => {
    if (index === 0) return;
    const tooMany = index >= opts.keepCount;
    const tooOld = now - b.at.getTime() > opts.keepDays * 86_400_000;
    if (tooMany || tooOld) {
      fs.rmSync(b.file, { force: true });
      fs.rmSync(`${b.file}.sha256`, { force: true });
      deleted.push(b.name);
    }
  });
  return deleted;
}
