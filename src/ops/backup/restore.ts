import fs from 'node:fs';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Sequelize } from 'sequelize-typescript';
import type { Logger } from 'pino';
import { migrator } from '../../db/migrate.js';
import { jobBackendTablesSql } from '../../jobs/backend.js';
import { SESSION_SETTINGS } from './backup.js';
import { END_OF_TABLE, MAGIC, ident, type BackupFooter, type BackupHeader, type TableStart } from './format.js';

export interface RestoreResult {
  header: BackupHeader;
  /** Rows per table as recorded at backup time. */
  expected: Record<string, number>;
  /** Rows per table counted in the target after the load. */
  restored: Record<string, number>;
  ms: number;
}

/** Reads the file's header only (cheap: the first lines). */
export async function readHeader(file: string): Promise<BackupHeader> {
  const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  try {
    const it = lines[Symbol.asyncIterator]();
    return parseHeader((await it.next()).value, (await it.next()).value);
  } finally {
    lines.close();
  }
}

function parseHeader(magic: string | undefined, json: string | undefined): BackupHeader {
  if (magic !== MAGIC) throw new Error(`not a metax backup (first line ${JSON.stringify(magic?.slice(0, 40))})`);
  const header = JSON.parse(json ?? '') as BackupHeader;
  if (header.kind !== 'header') throw new Error('backup header missing');
  return header;
}

async function targetIsEmpty(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
  );
  return rows[0].n === 0;
}

/** The rows of one table section, in chunks of about 64 KiB, up to its "\." line. */
async function* tableRows(lines: AsyncIterator<string>): AsyncGenerator<string> {
  let chunk = '';
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error('backup file ends inside a table (truncated?)');
    if (value === END_OF_TABLE) break;
    chunk += value + '\n';
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Restores a backup into an EMPTY database: replays the migrations the backup was taken at (the
 * schema's one source), creates the job backend's own tables, then loads every table with COPY in
 * one transaction (parents first, user triggers off while loading, foreign keys checked), sets the
 * sequences, and counts every table against the counts recorded at backup time.
 */
export async function restoreBackup(file: string, targetUrl: string, logger: Logger): Promise<RestoreResult> {
  const started = Date.now();
  const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const it = lines[Symbol.asyncIterator]();
  const header = parseHeader((await it.next()).value, (await it.next()).value);

  const sequelize = new Sequelize(targetUrl, { dialect: 'postgres', logging: false, pool: { max: 1 } });
  const client = new pg.Client({ connectionString: targetUrl });
  await client.connect();
  try {
    if (!(await targetIsEmpty(client))) throw new Error('the target database is not empty: restore into a new, empty database');
    const umzug = migrator(sequelize, logger);
    const known = (await umzug.pending()).map((m) => m.name);
    const unknown = header.migrations.filter((name, i) => known[i] !== name);
    if (unknown.length) {
      throw new Error(`the backup was taken at migrations this code does not have (${unknown.slice(0, 3).join(', ')}): restore with the release that made it`);
    }
    if (header.migrations.length) await umzug.up({ to: header.migrations[header.migrations.length - 1] });

    const { rows: existing } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
    const present = new Set(existing.map((r) => r.name));
    const libraryTables = jobBackendTablesSql();
    for (const table of header.tables.filter((t) => !present.has(t))) {
      const ddl = libraryTables[table];
      if (!ddl) throw new Error(`table ${table} is in the backup but no migration creates it`);
      for (const sql of ddl) await client.query(sql);
    }

    const expected: Record<string, number> = {};
    await client.query('BEGIN');
    try {
      await client.query(SESSION_SETTINGS.map((s) => `SET LOCAL ${s}`).join('; '));
      let footer: BackupFooter | undefined;
      for (;;) {
        const { value, done } = await it.next();
        if (done) throw new Error('backup file ends before its footer (truncated?)');
        const section = JSON.parse(value) as TableStart | BackupFooter;
        if (section.kind === 'footer') {
          footer = section;
          break;
        }
        const table = ident(section.name);
        // A migration may have seeded a row (crypto_feed): the backup's rows replace it.
        await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
        await client.query(`DELETE FROM ${table}`);
        const copy = client.query(copyFrom(`COPY ${table} (${section.columns.map(ident).join(', ')}) FROM STDIN`));
        await pipeline(Readable.from(tableRows(it)), copy);
        await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
        expected[section.name] = copy.rowCount;
      }
      for (const seq of footer.sequences) {
        await client.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [ident(seq.name), seq.last_value ?? seq.start_value, seq.is_called]);
      }
      for (const [table, rows] of Object.entries(footer.rows)) {
        if (expected[table] !== rows) throw new Error(`table ${table}: the file holds ${expected[table] ?? 'no'} rows, its footer says ${rows}`);
      }
      await client.query('COMMIT');
      Object.assign(expected, footer.rows);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await client.query('ANALYZE');
    const restored: Record<string, number> = {};
    for (const table of header.tables) {
      restored[table] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(table)}`)).rows[0].n;
    }
    return { header, expected, restored, ms: Date.now() - started };
  } finally {
    lines.close();
    await client.end().catch(() => undefined);
    await sequelize.close().catch(() => undefined);
  }
}

/** Tables whose row count after a restore differs from the count recorded at backup time. */
export function countMismatches(result: Pick<RestoreResult, 'expected' | 'restored'>): { table: string; backup: number; restored: number | null }[] {
  return Object.entries(result.expected)
    .filter(([table, n]) => result.restored[table] !== n)
    .map(([table, n]) => ({ table, backup: n, restored: result.restored[table] ?? null }));
}
