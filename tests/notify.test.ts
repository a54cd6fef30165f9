import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../src/db/database.js';
import {
  notifyDepositApproved,
  notifyDepositReceived,
  notifyDepositRejected,
  notifyWithdrawalApproved,
  notifyWithdrawalRejected,
  notifyWithdrawalRequested,
  notifyLedgerAlert,
} from '../src/notify/notifications.js';
import { sweepOutbox } from '../src/notify/outbox.service.js';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { eventually, startSmtpSink, type SmtpSink } from './helpers/smtp.js';

const REFERRAL_BASE_URL = 'https://join.metax.test';
let t: TestServer;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestServer({
    MAIL_SERVER: '127.0.0.1',
    MAIL_PORT: String(smtp.port),
    MAIL_USE_TLS: 'false',
    MAIL_FROM: 'MetaX Coin <no-reply@metax.test>',
    REFERRAL_BASE_URL,
    JOBS_MAX_ATTEMPTS: '3',
    JOBS_RETRY_DELAY_MS: '200',
    RATE_LIMIT_REGISTER_MAX: '1000',
  });
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

const emailOf = (username: string) => `${username}@metax.test`;

async function outboxRows(userId: number) {
  const { rows } = await t.server.database.pool.query('SELECT * FROM email_outbox WHERE user_id = $1 ORDER BY id', [userId]);
  return rows;
}

describe('member mail', () => {
  it('sends a welcome mail with the referral link on registration', async () => {
    const m = await signUp(t);
    const mail = await smtp.waitFor((x) => x.to.includes(emailOf(m.user.username)));
    expect(mail.subject).toMatch(/^Welcome/);
    expect(mail.subject).toContain('MetaX Coin');
    expect(mail.body).toContain(`${REFERRAL_BASE_URL}/Register/${m.user.username}`);
    expect(mail.raw).toMatch(/^From: MetaX Coin <no-reply@metax\.test>/im);
    expect(mail.raw).toContain('text/html');
    const rows = await eventually(async () => {
      const r = await outboxRows(m.user.id);
      return r[0]?.status === 'sent' ? r : undefined;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ template: 'welcome', category: 'security', attempts: 1, to_address: emailOf(m.user.username) });
  });

  it('mails the member when the password changes', async () => {
    const m = await signUp(t);
    const res = await t.request('POST', '/api/user/password', { token: m.token, body: { current_password: m.password, new_password: 'An0ther-pass-word' } });
    expect(res.status).toBe(200);
    const mail = await smtp.waitFor((x) => x.to.includes(emailOf(m.user.username)) && /password was changed/.test(x.subject));
    expect(mail.body).toContain(m.user.username);
  });

  it('names each money event and its amount in the subject and body', async () => {
    const m = await signUp(t);
    const to = emailOf(m.user.username);
    await db().transaction(async (tx) => {
      await notifyDepositReceived(tx, { userId: m.user.id, amount: '25.50000000', transactionId: 11 });
      await notifyDepositApproved(tx, { userId: m.user.id, amount: '25.50000000', transactionId: 11 });
      await notifyDepositRejected(tx, { userId: m.user.id, amount: '3.00000000', transactionId: 12, reason: 'No payment found' });
      await notifyWithdrawalRequested(tx, { userId: m.user.id, amount: '10.00000000', fee: '0.20000000', netAmount: '9.80000000', transactionId: 13, walletAddress: '0x52908400098527886E0F7030069857D2E4169EE7' });
      await notifyWithdrawalApproved(tx, { userId: m.user.id, amount: '10.00000000', transactionId: 13, txHash: '0xabc123def456' });
      await notifyWithdrawalRejected(tx, { userId: m.user.id, amount: '7.00000000', transactionId: 14, reason: 'Address <blocked> & flagged' });
    });
    const expected: [RegExp, string[]][] = [
      [/^Deposit received: 25\.50000000 MXC$/, ['#11']],
      [/^Deposit approved: 25\.50000000 MXC$/, ['#11']],
      [/^Deposit rejected: 3\.00000000 MXC$/, ['No payment found']],
      [/^Withdrawal requested: 10\.00000000 MXC$/, ['0.20000000 MXC', '9.80000000 MXC', '0x52908400098527886E0F7030069857D2E4169EE7']],
      [/^Withdrawal approved: 10\.00000000 MXC$/, ['0xabc123def456']],
      [/^Withdrawal rejected: 7\.00000000 MXC$/, ['Address <blocked> & flagged', 'Address &lt;blocked&gt; &amp; flagged']],
    ];
    for (const [subject, needles] of expected) {
      const mail = await smtp.waitFor((x) => x.to.includes(to) && subject.test(x.subject));
      for (const needle of needles) expect(mail.body, String(subject)).toContain(needle);
    }
  });

  it('respects the transaction-mail opt-out but still sends security mail', async () => {
    const m = await signUp(t);
    const to = emailOf(m.user.username);
    await smtp.waitFor((x) => x.to.includes(to)); // welcome
    const off = await t.request('PUT', '/api/user/settings', { token: m.token, body: { email_notifications: false } });
    expect(off.status).toBe(200);
    await db().transaction((tx) => notifyDepositApproved(tx, { userId: m.user.id, amount: '1.00000000', transactionId: 99 }));
    const changed = await t.request('POST', '/api/user/password', { token: m.token, body: { current_password: m.password, new_password: 'An0ther-pass-word' } });
    expect(changed.status).toBe(200);
    await smtp.waitFor((x) => x.to.includes(to) && /password was changed/.test(x.subject));
    // The row turns 'sent' just after the SMTP server has the message.
    const rows = await eventually(async () => {
      const r = await outboxRows(m.user.id);
      return r.every((x) => x.status !== 'sending') ? r : undefined;
    });
    expect(rows.map((r) => [r.template, r.status])).toEqual([
      ['welcome', 'sent'],
      ['deposit-approved', 'skipped'],
      ['password-changed', 'sent'],
    ]);
    expect(smtp.to(to).some((x) => /Deposit/.test(x.subject))).toBe(false);
  });

  it('sends nothing for a rolled-back transaction', async () => {
    const m = await signUp(t);
    const to = emailOf(m.user.username);
    await smtp.waitFor((x) => x.to.includes(to));
    await expect(
      db().transaction(async (tx) => {
        await notifyDepositReceived(tx, { userId: m.user.id, amount: '5.00000000', transactionId: 7 });
        throw new Error('the deposit failed after the mail was queued');
      }),
    ).rejects.toThrow('deposit failed');
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.to(to).map((x) => x.subject)).toEqual([expect.stringMatching(/^Welcome/)]);
    expect((await outboxRows(m.user.id)).map((r) => r.template)).toEqual(['welcome']);
  });

  it('alerts active admin and finance staff about the ledger', async () => {
    await staffToken(t, 'finance');
    const rows = await db().transaction((tx) => notifyLedgerAlert(tx, { summary: 'books off by 0.00000001 MXC', details: [['Difference', '0.00000001 MXC']] }));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      const mail = await smtp.waitFor((x) => x.to.includes(row.to_address) && /ledger alert/.test(x.subject));
      expect(mail.body).toContain('0.00000001 MXC');
    }
  });
});

describe('a broken mail server', () => {
  it('never fails the request; retries with backoff, fails, then delivers after a staff retry', async () => {
    await smtp.stop();
    let m: Awaited<ReturnType<typeof signUp>>;
    try {
      const started = Date.now();
      m = await signUp(t);
      expect(Date.now() - started).toBeLessThan(5_000);
      const failed = await eventually(async () => {
        const [row] = await outboxRows(m.user.id);
        return row?.status === 'failed' ? row : undefined;
      }, 20_000, 'the mail to end failed');
      expect(failed.attempts).toBe(3);
      expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);
      const runs = await t.server.database.pool.query(
        `SELECT attempt, outcome, error FROM job_runs WHERE job_name = 'send-email' AND job_id IN
           (SELECT id::text FROM agenda_jobs WHERE name = 'send-email' AND data->>'id' = $1) ORDER BY id`,
        [String(failed.id)],
      );
      expect(runs.rows.map((r) => [r.attempt, r.outcome])).toEqual([
        [1, 'retrying'],
        [2, 'retrying'],
        [3, 'failed'],
      ]);
      expect(runs.rows[2].error).toMatch(/ECONNREFUSED|connect/i);
      const support = await staffToken(t, 'support');
      expect((await t.request('POST', `/api/admin/emails/${failed.id}/retry`, { token: support })).status).toBe(403);
      const listed = await t.request('GET', `/api/admin/emails?status=failed&user_id=${m.user.id}`, { token: support });
      expect(listed.body).toMatchObject({ total: 1, items: [{ id: Number(failed.id), status: 'failed', attempts: 3 }] });
    } finally {
      await smtp.start();
    }
    const [row] = await outboxRows(m.user.id);
    const finance = await staffToken(t, 'finance');
    const retried = await t.request('POST', `/api/admin/emails/${row.id}/retry`, { token: finance });
    expect(retried.status).toBe(200);
    expect(retried.body.email).toMatchObject({ status: 'pending' });
    await smtp.waitFor((x) => x.to.includes(emailOf(m.user.username)) && /^Welcome/.test(x.subject));
    const sent = await eventually(async () => {
      const [r] = await outboxRows(m.user.id);
      return r.status === 'sent' ? r : undefined;
    });
    expect(sent.attempts).toBe(4);
    expect((await t.request('POST', `/api/admin/emails/${row.id}/retry`, { token: finance })).status).toBe(409);
    const audit = await t.server.database.pool.query(`SELECT action FROM audit_logs WHERE target_type = 'email_outbox' AND target_id = $1`, [String(row.id)]);
    expect(audit.rows).toEqual([{ action: 'email.retry' }]);
  });

  it('sweeps a pending mail whose job was lost (a crash between commit and enqueue)', async () => {
    const m = await signUp(t);
    const to = emailOf(m.user.username);
    await smtp.waitFor((x) => x.to.includes(to));
    const { rows } = await t.server.database.pool.query(
      `INSERT INTO email_outbox (user_id, to_address, template, subject, text, html, category, next_attempt_at)
       VALUES ($1, $2, 'password-changed', 'Lost mail', 'text', '<p>html</p>', 'security', now() - interval '10 minutes') RETURNING id`,
      [m.user.id, to],
    );
    expect(await sweepOutbox()).toEqual({ requeued: 1 });
    await smtp.waitFor((x) => x.to.includes(to) && x.subject === 'Lost mail');
    expect(await sweepOutbox()).toEqual({ requeued: 0 });
    await eventually(async () => (await outboxRows(m.user.id)).find((r) => r.id === rows[0].id && r.status === 'sent'));
  });
});

/** Signs in to the back-office and returns the session cookie. */
async function backOfficeCookie(username: string, password: string): Promise<string> {
  const res = await fetch(`${t.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: username, password }).toString(),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 302 || !cookie) throw new Error(`back-office login failed: ${res.status}`);
  return cookie;
}

describe('back-office', () => {
  it('lets finance retry a failed email from the Email outbox, not support', async () => {
    const m = await signUp(t);
    const to = emailOf(m.user.username);
    await smtp.waitFor((x) => x.to.includes(to));
    const { rows } = await t.server.database.pool.query(
      `INSERT INTO email_outbox (user_id, to_address, template, subject, text, html, category, status, attempts, last_error)
       VALUES ($1, $2, 'welcome', 'Failed earlier', 'text', '<p>html</p>', 'security', 'failed', 3, 'ECONNREFUSED') RETURNING id`,
      [m.user.id, to],
    );
    const action = `${t.url}/admin/api/resources/email_outbox/records/${rows[0].id}/retry`;
    const { upsertStaffUser } = await import('../src/users/users.service.js');
    await upsertStaffUser({ username: 'bo_support', email: 'bo_support@metax.test', password: 'Supp0rt-pass-word', role: 'support' });
    await upsertStaffUser({ username: 'bo_finance', email: 'bo_finance@metax.test', password: 'Fin4nce-pass-word', role: 'finance' });

    const denied = await fetch(action, { headers: { cookie: await backOfficeCookie('bo_support', 'Supp0rt-pass-word') } });
    // A refused action is a real 403 (issue 9).
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.code).toBe('forbidden');
    const unchanged = await t.server.database.pool.query('SELECT status FROM email_outbox WHERE id = $1', [rows[0].id]);
    expect(unchanged.rows[0].status).toBe('failed');
    const list = await fetch(`${t.url}/admin/api/resources/job_runs/actions/list`, { headers: { cookie: await backOfficeCookie('bo_support', 'Supp0rt-pass-word') } });
    expect(list.status).toBe(200);
    expect((await list.json()).records.length).toBeGreaterThan(0);

    const done = await fetch(action, { method: 'POST', headers: { cookie: await backOfficeCookie('bo_finance', 'Fin4nce-pass-word') } });
    expect(done.status).toBe(200);
    const body = await done.json();
    expect(body.notice).toMatchObject({ type: 'success' });
    expect(body.record.params.status).toBe('pending');
    await smtp.waitFor((x) => x.to.includes(to) && x.subject === 'Failed earlier');
  });
});

describe('staff mail', () => {
  it('tells a staff user when their password is reset', async () => {
    const { upsertStaffUser } = await import('../src/users/users.service.js');
    const first = await upsertStaffUser({ username: 'reset_me', email: 'reset_me@metax.test', password: 'Fin4nce-pass-word', role: 'finance' });
    expect(first.created).toBe(true);
    await upsertStaffUser({ username: 'reset_me', email: 'reset_me@metax.test', password: 'N3w-finance-pass', role: 'admin' });
    const mail = await smtp.waitFor((x) => x.to.includes('reset_me@metax.test'));
    expect(mail.subject).toMatch(/staff password was reset/);
    expect(mail.body).toContain('role: admin');
    expect(smtp.to('reset_me@metax.test')).toHaveLength(1);
  });
});

describe('cleanup job', () => {
  it('drops expired idempotency keys and one-off jobs finished before the retention window', async () => {
    const pool = t.server.database.pool;
    const [{ exists }] = (await pool.query(`SELECT to_regclass('idempotency_keys') IS NOT NULL AS exists`)).rows;
    if (!exists) {
      // The ledger work owns this table; a stand-in with the column cleanup relies on.
      await pool.query(`CREATE TABLE idempotency_keys (key text PRIMARY KEY, expires_at timestamptz NOT NULL)`);
      await pool.query(`INSERT INTO idempotency_keys VALUES ('old', now() - interval '1 hour'), ('live', now() + interval '1 hour')`);
    }
    const old = await pool.query(
      `INSERT INTO agenda_jobs (name, type, data, next_run_at, last_finished_at, last_run_at)
       VALUES ('send-email', 'normal', '{}', NULL, now() - interval '72 hours', now() - interval '72 hours'),
              ('send-email', 'normal', '{}', NULL, now() - interval '2 hours', now() - interval '2 hours') RETURNING id`,
    );
    const job = await t.server.jobs.agenda.now('cleanup', {});
    const run = await eventually(async () => {
      const r = await pool.query(`SELECT outcome, counts FROM job_runs WHERE job_id = $1 AND outcome <> 'running'`, [String(job.attrs._id)]);
      return r.rows[0];
    });
    expect(run.outcome).toBe('success');
    expect(run.counts.agenda_jobs).toBeGreaterThanOrEqual(1);
    const left = await pool.query(`SELECT id FROM agenda_jobs WHERE id = ANY($1)`, [old.rows.map((r) => r.id)]);
    expect(left.rows.map((r) => r.id)).toEqual([old.rows[1].id]);
    if (!exists) {
      expect(run.counts.idempotency_keys).toBe(1);
      expect((await pool.query(`SELECT key FROM idempotency_keys`)).rows).toEqual([{ key: 'live' }]);
    }
  });
});

describe('job runs', () => {
  it('lists runs for staff, newest first, paginated and filtered', async () => {
    const support = await staffToken(t, 'support');
    const res = await t.request('GET', '/api/admin/jobs/runs?job=send-email&outcome=success&per_page=2', { token: support });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, per_page: 2 });
    expect(res.body.total).toBeGreaterThan(2);
    expect(res.body.items).toHaveLength(2);
    const [a, b] = res.body.items;
    expect(a).toMatchObject({ job_name: 'send-email', outcome: 'success', counts: { sent: 1 } });
    expect(a.started_at >= b.started_at).toBe(true);
    expect(new Date(a.finished_at).toISOString()).toBe(a.finished_at);
  });

  it('refuses members and unknown filters', async () => {
    const m = await signUp(t);
    expect((await t.request('GET', '/api/admin/jobs/runs', { token: m.token })).status).toBe(403);
    const admin = await staffToken(t, 'admin');
    const bad = await t.request('GET', '/api/admin/jobs/runs?outcome=exploded', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('outcome');
    expect((await t.request('GET', '/api/admin/jobs/runs?job=no-such-job', { token: admin })).status).toBe(400);
  });
});
