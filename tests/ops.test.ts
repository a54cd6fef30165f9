import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { fund } from './helpers/money.js';
import { lintOpenApi } from '../scripts/openapi-lint.js';

/** Metrics, request ids, readiness and the API document as a contract, on one in-process server. */

const METRICS_TOKEN = 'metrics-token-for-the-test-suite';
const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ METRICS_TOKEN, METRICS_PORT: '0', LOG_LEVEL: 'info' }, { logDestination: logSink });
});
afterAll(async () => t?.close());

const metrics = (headers: Record<string, string> = {}) => fetch(`${t.url}/metrics`, { headers });
const sample = (text: string, name: string, labels = '') =>
  text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `) || (labels === '' && l.startsWith(`${name} `)));

describe('GET /metrics', () => {
  it('does not exist without the bearer token, or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-of-some-length' }, { authorization: METRICS_TOKEN }] as Record<string, string>[]) {
      const res = await metrics(headers);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
  });

  it('reports requests by route template, money awaiting staff, the outbox, pools and the process', async () => {
    const m = await signUp(t);
    const finance = await staffToken(t, 'finance');
    await fund(t, m, finance, '10');
    const pending = await t.request('POST', '/api/transactions/deposit', { token: m.token, body: { amount: '12.5' } });
    expect(pending.status).toBe(201);
    const w = await t.request('POST', '/api/transactions/withdraw', { token: m.token, body: { amount: '6', wallet_type: 'main_balance', wallet_address: '0x' + 'a'.repeat(40) } });
    expect([201, 422]).toContain(w.status);
    await t.request('GET', `/api/transactions/${pending.body.transaction.id}`, { token: m.token });

    const res = await metrics({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    // The template, not the id: bounded label values.
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/transactions\/:id",status="200"\} 1/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/transactions\/deposit",status="201"\} \d/);
    expect(sample(text, 'metax_pending_transactions', 'type="deposit"')).toBe('metax_pending_transactions{type="deposit"} 1');
    expect(sample(text, 'metax_pending_transactions_amount', 'type="deposit"')).toBe('metax_pending_transactions_amount{type="deposit"} 12.5');
    expect(text).toMatch(/metax_email_outbox\{status="(pending|sending|sent)"\} [1-9]/);
    expect(text).toMatch(/metax_db_pool_connections\{pool="primary",state="idle"\} \d+/);
    expect(text).toMatch(/metax_db_pool_connections\{pool="primary",state="waiting"\} 0/);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^http_requests_in_flight \d/m);
    expect(text).toMatch(/^metax_metrics_database_up 1/m);
    // No good CoinGecko snapshot yet: the age is absent rather than invented.
    expect(text).not.toMatch(/^metax_crypto_feed_age_seconds \d/m);
  });

  it('counts job runs by job and outcome with their duration, and the last ledger verification', async () => {
    const job = await t.server.jobs.agenda.now('ledger-verify', {});
    const id = String(job.attrs._id);
    let text = '';
    for (let i = 0; i < 100 && !/metax_job_runs_total\{job="ledger-verify",outcome="success"\} 1/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 200));
      text = await (await metrics({ authorization: `Bearer ${METRICS_TOKEN}` })).text();
    }
    expect(id).toBeTruthy();
    expect(text).toMatch(/metax_job_runs_total\{job="ledger-verify",outcome="success"\} 1/);
    expect(text).toMatch(/metax_job_run_duration_seconds_count\{job="ledger-verify",outcome="success"\} 1/);
    expect(text).toMatch(/^metax_ledger_verification_ok 1/m);
    expect(text).toMatch(/metax_job_last_finished_timestamp_seconds\{job="ledger-verify",outcome="success"\} \d{10}/);
  });

  it('is served without a token on METRICS_PORT, bound to 127.0.0.1 only', async () => {
    expect(t.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(t.server.metricsUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('http_request_duration_seconds');
    expect((await fetch(t.server.metricsUrl!.replace('/metrics', '/api/user/profile'))).status).toBe(404);
  });
});

describe('request ids', () => {
  it('keeps a well-formed X-Request-Id, answers it, puts it in the error body and on every log line of the request', async () => {
    const res = await t.request('POST', '/api/auth/login', { body: { username: 'nobody-here', password: 'wrong-password' }, headers: { 'x-request-id': 'trace-42.a' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('trace-42.a');
    expect(res.body.error.request_id).toBe('trace-42.a');
    const lines = logLines.filter((l) => l.request_id === 'trace-42.a' || (l.req as { id?: string } | undefined)?.id === 'trace-42.a');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.request_id).toBe('trace-42.a');
  });

  it('replaces a malformed or oversized id with a fresh one', async () => {
    for (const given of ['has spaces in it', 'x'.repeat(200), 'quote"d']) {
      const res = await t.request('GET', '/api/nope', { headers: { 'x-request-id': given } });
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.error.request_id).toBe(id);
    }
  });
});

describe('routes and readiness', () => {
  it('answers GET on a POST-only path with 404, not a validation error', async () => {
    const m = await signUp(t);
    for (const path of ['/api/transactions/deposit', '/api/transactions/withdraw', '/api/auth/login']) {
      const res = await t.request('GET', path, { token: m.token });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('reports each dependency in /readyz', async () => {
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ready', role: 'all', checks: { database: { state: 'up', required: true }, jobs: { state: 'up', required: true } } });
    expect(body.checks.redis).toBeUndefined();
    expect(body.checks.replica).toBeUndefined();
  });
});

describe('the OpenAPI document', () => {
  it('gives every operation an id, a declared tag, a description and a schema for every status', async () => {
    const doc = (await t.request('GET', '/api/openapi.json')).body;
    const declared = new Set(doc.tags.map((tag: { name: string }) => tag.name));
    const ids = new Set<string>();
    for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId), `${where}: duplicate operationId`).toBe(false);
        ids.add(op.operationId);
        expect(op.description, where).toMatch(/Access: /);
        for (const tag of op.tags) expect(declared.has(tag), `${where}: tag ${tag}`).toBe(true);
        for (const [status, response] of Object.entries<any>(op.responses)) {
          // JSON everywhere, but for a download (the CSV exports), which documents its own type.
          const content = response.content ?? {};
          expect(content['application/json']?.schema ?? content['text/csv']?.schema, `${where} ${status}`).toBeDefined();
        }
      }
    }
    const login = doc.paths['/api/auth/login'].post.responses;
    expect(Object.keys(login)).toEqual(expect.arrayContaining(['200', '401', '403', '429']));
    expect(Object.keys(doc.paths['/api/auth/register'].post.responses)).toContain('413');
    const distribute = doc.paths['/api/admin/income/distribute'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    expect(distribute.required).toBe(true);
    const deposit = doc.paths['/api/transactions/deposit'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    expect(deposit.required).toBe(false);
  });

  it('passes Spectral (spectral:oas) and Redocly (recommended) with no warnings', async () => {
    const { ok, report } = await lintOpenApi();
    expect(ok, report).toBe(true);
  }, 60_000);
});
