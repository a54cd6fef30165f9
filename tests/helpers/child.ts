import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** The real entry point (src/main.ts) as a child process, for start-up, signal and crash tests. */

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Child {
  proc: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

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

/** Spawns `node --import tsx src/main.ts` with a clean environment (nothing inherited but PATH and HOME). */
export async function spawnServer(env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      SHUTDOWN_TIMEOUT_MS: '3000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (chunk) => (output += chunk));
  proc.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, port, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Polls /readyz until 200; returns how long it took. */
export async function waitReady(child: Child, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  while (Date.now() - started < timeoutMs) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}) before ready:\n${child.output()}`);
    const ok = await fetch(`${child.url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready within ${timeoutMs} ms:\n${child.output()}`);
}

/** SIGKILL: no shutdown hook runs, in-flight work is cut off wherever it was. */
export async function kill(child: Child): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}
