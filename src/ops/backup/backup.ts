import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { BACKUP_SUFFIX, END_OF_TABLE, MAGIC, backupFileName, ident, type BackupFooter, type BackupHeader, type SequenceValue } from './format.js';

export interface BackupResult {
  file: string;
  sha256: string;
  bytes: number;
  rows: Record<string, number>;
  tables: number;
  ms: number;
}

const MIGRATIONS_TABLE = 'SequelizeMeta';
export const SESSION_SETTINGS = [`datestyle = 'ISO, YMD'`, `intervalstyle = 'postgres'`, `extra_float_digits = 3`, `timezone = 'UTC'`];

/** Tables of the public schema, parents before children (foreign keys), so a restore loads in file order. */
async function tablesInLoadOrder(client: pg.ClientBase): Promise<{ name: string; columns: string[] }[]> {
  const { rows: tables } = await client.query<{ oid: number; name: string; columns: string[] }>(
    `SELECT c.oid::int AS oid, c.relname AS name,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relispartition AND c.relname <> $1
      GROUP BY c.oid, c.relname ORDER BY c.relname`,
    [MIGRATIONS_TABLE],
  );
  const { rows: edges } = await client.query<{ child: number; parent: number }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid`,
  );
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const parents = new Map<number, Set<number>>(tables.map((t) => [t.oid, new Set()]));
  for (const e of edges) if (byOid.has(e.child) && byOid.has(e.parent)) parents.get(e.child)!.add(e.parent);
  const ordered: { name: string; columns: string[] }[] = [];
  const placed = new Set<number>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t.oid) && [...parents.get(t.oid)!].every((p) => placed.has(p)));
    if (!ready.length) throw new Error('backup: foreign keys form a cycle between tables; cannot order the load');
    for (const t of ready) {
      placed.add(t.oid);
      ordered.push({ name: t.name, columns: t.columns });
    }
  }
  return ordered;
}

async function sequences(client: pg.ClientBase): Promise<SequenceValue[]> {
  const { rows } = await client.query<SequenceValue>(
    `SELECT sequencename AS name, last_value::text AS last_value, start_value::text AS start_value, last_value IS NOT NULL AS is_called
       FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
  );
  return rows;
}

/**
 * A consistent logical backup of the database behind `client`, written by our own code: every
 * table copied (COPY ... TO STDOUT) inside ONE repeatable-read, read-only transaction, so all
 * tables are the same instant, while the application keeps writing. Works with any PostgreSQL
 * version and needs no pg_dump. Written to `<name>.partial`, then renamed, then the .sha256.
 */
export async function writeBackup(client: pg.ClientBase, opts: { dir: string; now?: Date }): Promise<BackupResult> {
  const started = Date.now();
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const name = backupFileName(opts.now ?? new Date());
  const file = path.join(opts.dir, name);
  const partial = `${file}.partial`;
  const hash = createHash('sha256');
  let bytes = 0;
  const text = new PassThrough();
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // Backups hold every member's data: readable by the owner only.
  const written = pipeline(text, createGzip({ level: 6 }), counted, fs.createWriteStream(partial, { mode: 0o600 }));
  written.catch(() => undefined);
  const write = (chunk: string) => (text.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => text.once('drain', resolve)));
  const rows: Record<string, number> = {};
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    try {
      // Text that any server reads back the same way, whatever its own settings (as pg_dump does).
      await client.query(SESSION_SETTINGS.map((s) => `SET LOCAL ${s}`).join('; '));
      const { rows: [meta] } = await client.query<{ database: string; version: string }>(`SELECT current_database() AS database, current_setting('server_version') AS version`);
      const migrations = await client
        .query<{ name: string }>(`SELECT name FROM ${ident(MIGRATIONS_TABLE)} ORDER BY name`)
        .then((r) => r.rows.map((m) => m.name.replace(/\.(c|m)?(js|ts)$/, '')));
      const tables = await tablesInLoadOrder(client);
      const header: BackupHeader = {
        kind: 'header',
        created_at: new Date().toISOString(),
        database: meta.database,
        server_version: meta.version,
        migrations,
        tables: tables.map((t) => t.name),
      };
      await write(`${MAGIC}\n${JSON.stringify(header)}\n`);
      for (const table of tables) {
        await write(`${JSON.stringify({ kind: 'table', name: table.name, columns: table.columns })}\n`);
        const copy = client.query(copyTo(`COPY ${ident(table.name)} (${table.columns.map(ident).join(', ')}) TO STDOUT`));
        for await (const chunk of copy) await write(String(chunk));
        rows[table.name] = copy.rowCount;
        await write(`${END_OF_TABLE}\n`);
      }
      const footer: BackupFooter = { kind: 'footer', rows, sequences: await sequences(client) };
      await write(`${JSON.stringify(footer)}\n`);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
    text.end();
    await written;
  } catch (error) {
    text.destroy();
    await written.catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw error;
  }
  const fd = fs.openSync(partial, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(partial, file);
  const sha256 = hash.digest('hex');
  fs.writeFileSync(`${file}.sha256`, `${sha256}  ${name}\n`, { mode: 0o600 });
  return { file, sha256, bytes, rows, tables: Object.keys(rows).length, ms: Date.now() - started };
}

export function isBackupFile(name: string): boolean {
  return name.endsWith(BACKUP_SUFFIX);
}
