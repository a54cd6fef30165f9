import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface Instance {
  child: ChildProcess;
  url: string;
  role: string;
  exited: Promise<number | null>;
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after 20 s). */
  stop(): Promise<number | null>;
}

/**
 * A real server process (`node --import tsx src/main.ts`), as deployed; resolves once its
 * /readyz answers 200. Each gets its own DATA_DIR (AdminJS bundles into it).
 */
export async function spawnInstance(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-instance-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const listening = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      output += line + '\n';
      try {
        const entry = JSON.parse(line);
        if (typeof entry.msg === 'string' && /^metax (worker )?listening/.test(entry.msg)) resolve(entry.url);
      } catch {
        /* not a log line */
      }
    });
    void exited.then((code) => reject(new Error(`instance exited (${code}) before listening:\n${output.slice(-3000)}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const url = await listening;
    for (;;) {
      if ((await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200) break;
      if (child.exitCode !== null) throw new Error(`instance exited before ready:\n${output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      child,
      url,
      role: String(env.APP_ROLE ?? 'all'),
      exited,
      output: () => output,
      async stop() {
        if (child.exitCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        const code = await exited;
        clearTimeout(kill);
        return code;
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether something answers PING on a Redis port. */
export function redisAnswers(port = 6379, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(String(d).startsWith('+PONG')));
  });
}

export function hasBinary(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(hasBinary);

/** A throwaway redis-server of the test's own on `port` (never the machine's shared one). */
export async function startRedis(port: number): Promise<{ url: string; stop(): Promise<void> }> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed');
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 100 && !(await redisAnswers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
