import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The machine's PostgreSQL 15 tools (Debian); the replica test is skipped without them. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const HAS_PG_TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'].every((b) => fs.existsSync(path.join(PG_BIN, b)));

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function tool(name: string, args: string[]): Promise<string> {
  const user = runAs();
  const { stdout, stderr } = await run(path.join(PG_BIN, name), args, { ...(user ?? {}), env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' } });
  return stdout + stderr;
}

function ownedDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const user = runAs();
  if (user) fs.chownSync(dir, user.uid, user.gid);
  return dir;
}

export interface Cluster {
  dir: string;
  port: number;
  url(database: string): string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function cluster(dir: string, port: number): Cluster {
  return {
    dir,
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: async () => void (await tool('pg_ctl', ['-D', dir, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start'])),
    stop: async () => void (await tool('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']).catch(() => undefined)),
  };
}

/**
 * A primary of our own (initdb in `root`, trust auth, replication allowed from 127.0.0.1 — the
 * machine's shared server does not allow replication connections) and a physical streaming
 * replica made from it with pg_basebackup.
 */
export async function primaryWithReplica(root: string, ports: { primary: number; replica: number }): Promise<{ primary: Cluster; replica: Cluster }> {
  fs.chmodSync(root, 0o755);
  const primaryDir = ownedDir(path.join(root, 'primary'));
  await tool('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  fs.appendFileSync(
    path.join(primaryDir, 'postgresql.conf'),
    [`port = ${ports.primary}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = ''`, 'wal_level = replica', 'max_wal_senders = 4', 'fsync = off', ''].join('\n'),
  );
  const primary = cluster(primaryDir, ports.primary);
  await primary.start();
  const replicaDir = ownedDir(path.join(root, 'replica'));
  await tool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(ports.primary), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '--no-sync']);
  fs.appendFileSync(path.join(replicaDir, 'postgresql.conf'), `port = ${ports.replica}\nhot_standby_feedback = on\n`);
  const replica = cluster(replicaDir, ports.replica);
  await replica.start();
  return { primary, replica };
}
