/**
 * The backup file: gzip of UTF-8 lines.
 *
 *   METAX-BACKUP 1
 *   {"kind":"header", created_at, database, server_version, migrations: [...], tables: [...]}
 *   {"kind":"table", name, columns: [...]}      ─┐ per table, parents before children
 *   <rows in COPY text format, one per line>      │ (COPY escapes newlines and backslashes,
 *   \.                                           ─┘  so no row is ever the line "\.")
 *   {"kind":"footer", rows: {table: n}, sequences: [{name, last_value, is_called}]}
 *
 * Beside it, `<file>.sha256` in sha256sum's format. The schema is not in the file: it is the
 * migrations named in the header, replayed by restore (the schema has one source, migrations/).
 */
export const MAGIC = 'METAX-BACKUP 1';
export const END_OF_TABLE = '\\.';
export const BACKUP_SUFFIX = '.backup.gz';

export interface BackupHeader {
  kind: 'header';
  created_at: string;
  database: string;
  server_version: string;
  migrations: string[];
  tables: string[];
}

export interface TableStart {
  kind: 'table';
  name: string;
  columns: string[];
}

export interface SequenceValue {
  name: string;
  last_value: string | null;
  start_value: string;
  is_called: boolean;
}

export interface BackupFooter {
  kind: 'footer';
  rows: Record<string, number>;
  sequences: SequenceValue[];
}

/** `metax-2026-11-25T03-15-00.123Z.backup.gz`: sorts by time, safe on every file system. */
export function backupFileName(at: Date): string {
  return `metax-${at.toISOString().replace(/:/g, '-')}${BACKUP_SUFFIX}`;
}

export function backupTimeOf(fileName: string): Date | null {
  const m = /^metax-(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2}(?:\.\d{3})?Z)\.backup\.gz$/.exec(fileName);
  if (!m) return null;
  const at = new Date(`${m[1]}:${m[2]}:${m[3]}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Quotes an identifier for SQL (tables and columns come from the catalogue or the file). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
