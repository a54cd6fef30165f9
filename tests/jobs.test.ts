import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { testEnv } from './helpers/env.js';
import { createTestDatabase, signUp, startTestServer, type TestDatabase, type TestServer } from './helpers/server.js';
import { eventually, startSmtpSink, type SmtpSink } from './helpers/smtp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Worker {
  child: ChildProcess;
  url: string;
  name: string;
  exited: Promise<number | null>;
}

/**
 * A separate `APP_ROLE=worker` process, as deployed; resolves once its health server answers ready.
 * `node --import tsx` rather than `npx tsx`: one process, so signals reach the server itself.
 */
async function spawnWorker(env: NodeJS.ProcessEnv): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, APP_ROLE: 'worker', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const listening = new Promise<{ url: string; worker: string }>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg?.startsWith('metax worker listening')) resolve({ url: entry.url, worker: entry.worker });
      } catch {
        /* not a log line */
      }
    });
    void exited.then((code) => reject(new Error(`worker exited (${code}) before listening: ${stderr}`)));
  });
  const { url, worker } = await listening;
  await eventually(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000, 'worker ready');
  return { child, url, name: worker, exited };
}

describe('two worker processes on one database', () => {
  let web: TestServer;
  let smtp: SmtpSink;
  const workers: Worker[] = [];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const mail = { MAIL_SERVER: '127.0.0.1', MAIL_PORT: String(smtp.port), MAIL_USE_TLS: 'false' };
    // The API process only schedules; the two workers run every job.
    web = await startTestServer({ ...mail, APP_ROLE: 'web', RATE_LIMIT_REGISTER_MAX: '1000' });
    const workerEnv = testEnv({ ...mail, DATABASE_URL: web.database.url, JOBS_PROCESS_EVERY: '500' });
    workers.push(...(await Promise.all([spawnWorker(workerEnv), spawnWorker(workerEnv)])));
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await web?.close();
    await smtp?.stop();
  });

  it('serves only /healthz and /readyz from a worker', async () => {
    const health = await fetch(`${workers[0].url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', role: 'worker' });
    const api = await fetch(`${workers[0].url}/api/auth/login`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not_found');
  });

  it('runs each once-scheduled job exactly once', async () => {
    const when = new Date(Date.now() + 1000);
    const jobs = await Promise.all(Array.from({ length: 8 }, () => web.server.jobs.agenda.schedule(when, 'cleanup', {})));
    const ids = jobs.map((j) => String(j.attrs._id));
    const pool = web.server.database.pool;
    await eventually(async () => {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM job_runs WHERE job_id = ANY($1) AND outcome = 'success'`, [ids]);
      return rows[0].n === ids.length;
    }, 15_000, 'every scheduled cleanup to run');
    await sleep(1500);
    const { rows } = await pool.query(`SELECT job_id, count(*)::int AS runs, min(worker) AS worker FROM job_runs WHERE job_id = ANY($1) GROUP BY job_id`, [ids]);
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) {
      expect(row.runs).toBe(1);
      expect(workers.map((w) => w.name)).toContain(row.worker);
    }
  });

  it('delivers mail queued by the web process exactly once', async () => {
    const members = await Promise.all(Array.from({ length: 6 }, () => signUp(web)));
    for (const m of members) await smtp.waitFor((x) => x.to.includes(`${m.user.username}@metax.test`), 15_000);
    await sleep(1500);
    for (const m of members) expect(smtp.to(`${m.user.username}@metax.test`)).toHaveLength(1);
    const { rows } = await web.server.database.pool.query(
      `SELECT status, attempts FROM email_outbox WHERE user_id = ANY($1)`,
      [members.map((m) => m.user.id)],
    );
    expect(rows).toEqual(members.map(() => ({ status: 'sent', attempts: 1 })));
  });

  it('stops on SIGTERM after draining', async () => {
    for (const w of workers) w.child.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes).toEqual([0, 0]);
  });
});

describe('restarts', () => {
  let database: TestDatabase;
  let smtp: SmtpSink;
  let current: RunningServer | undefined;
  const start = async () => {
    current = await startServer(
      testEnv({ DATABASE_URL: database.url, APP_ROLE: 'worker', MAIL_SERVER: '127.0.0.1', MAIL_PORT: String(smtp.port), MAIL_USE_TLS: 'false', SHUTDOWN_TIMEOUT_MS: '5000' }),
    );
    return current;
  };
  const stop = async () => {
    await current?.close();
    current = undefined;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await stop();
    await smtp?.stop();
    await database?.drop();
  });

  const runsOf = async (server: RunningServer, jobId: string) =>
    (await server.database.pool.query(`SELECT outcome FROM job_runs WHERE job_id = $1`, [jobId])).rows.map((r) => r.outcome);

  it('runs a job that fell due while stopped once after the restart, and not again', async () => {
    const first = await start();
    const job = await first.jobs.agenda.schedule(new Date(Date.now() + 1500), 'cleanup', {});
    const jobId = String(job.attrs._id);
    await stop();
    await sleep(2000);

    const second = await start();
    await eventually(async () => (await runsOf(second, jobId)).join() === 'success', 10_000, 'the due job to run');
    expect(await runsOf(second, jobId)).toEqual(['success']);
    await stop();

    const third = await start();
    await sleep(2500);
    expect(await runsOf(third, jobId)).toEqual(['success']);
    const { rows } = await third.database.pool.query(`SELECT next_run_at, last_finished_at FROM agenda_jobs WHERE id = $1`, [jobId]);
    expect(rows[0].next_run_at).toBeNull();
    expect(rows[0].last_finished_at).not.toBeNull();
    await stop();
  });

  it('waits for a running job on shutdown before closing', async () => {
    const server = await start();
    smtp.delayMs = 1500;
    try {
      const { rows } = await server.database.pool.query(
        `INSERT INTO email_outbox (to_address, template, subject, text, html, category, next_attempt_at)
         VALUES ('slow@metax.test', 'password-changed', 'Slow mail', 'text', '<p>html</p>', 'security', now()) RETURNING id`,
      );
      const job = await server.jobs.agenda.now('send-email', { id: rows[0].id });
      await eventually(async () => (await runsOf(server, String(job.attrs._id))).includes('running'), 10_000, 'the send to start');
      await stop();
      // The drain waited for the slow send instead of cutting it off: the run finished and the mail went.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const runs = await client.query(`SELECT outcome FROM job_runs WHERE job_id = $1`, [String(job.attrs._id)]);
        expect(runs.rows).toEqual([{ outcome: 'success' }]);
        const mail = await client.query(`SELECT status FROM email_outbox WHERE id = $1`, [rows[0].id]);
        expect(mail.rows).toEqual([{ status: 'sent' }]);
      } finally {
        await client.end();
      }
      expect(smtp.to('slow@metax.test')).toHaveLength(1);
    } finally {
      smtp.delayMs = 0;
    }
  });
});
