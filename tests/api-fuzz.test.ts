import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { can, PERMISSION_NAMES, type Permission } from '../src/auth/permissions.js';
import { ADMIN_PASSWORD } from './helpers/env.js';
import { bodyFor, extraHeaders, pathValue, queryFor, type FuzzBody } from './helpers/fuzz-arbitraries.js';
import { fillPath, operationsOf, type ApiDocument, type Operation } from './helpers/openapi.js';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';

/**
 * Property-based attack on every operation of the OpenAPI document: generated path and query
 * parameters, bodies (fitting, hostile, badly encoded) and headers, sent with a valid token of the
 * right role and again without one (or with a broken, forged or expired one). Whatever comes in:
 * never a 5xx, never a stack trace or SQL text, and every 4xx in the documented error shape
 * (`{error: {code, message, details, request_id}}`).
 *
 * Reproducible: FUZZ_SEED=<seed> replays a run (the seed is printed on failure); FUZZ_RUNS sets
 * the runs per operation.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SECRET = `fuzz-${'s'.repeat(40)}`;

const errorShape = z
  .object({
    error: z
      .object({
        code: z.string().min(1),
        message: z.string().min(1),
        details: z.array(z.object({ field: z.string(), message: z.string() }).strict()),
        request_id: z.string().min(1),
      })
      .strict(),
  })
  .strict();

// What must never leave the server: stack frames, file positions, SQL or driver errors.
const LEAKS = [
  /\n\s+at [^\n]+\(/,
  /\bat (file:|node:|\/)[^\s]+:\d+/,
  /\.(ts|js|mjs|cjs):\d+:\d+/,
  /syntax error at or near/i,
  /invalid input syntax/i,
  /relation "[^"]+"/i,
  /violates [\w ]*constraint/i,
  /Sequelize\w*Error/,
  /\bERROR:\s/,
  /out of range for type/i,
];

let t: TestServer;
let doc: ApiDocument;
let operations: Operation[];
const tokens: Record<string, string> = {};
let victim: { username: string; passwords: string[] };

async function victimToken(): Promise<string> {
  for (const password of victim.passwords) {
    const res = await t.request('POST', '/api/auth/login', { body: { username: victim.username, password } });
    if (res.status === 200) return res.body.access_token;
  }
  throw new Error('the throwaway member can no longer sign in');
}

const forge = (claims: object, secret = SECRET, options: jwt.SignOptions = {}) =>
  jwt.sign({ role: 'member', ver: 0, ...claims }, secret, { algorithm: 'HS256', issuer: 'metax', audience: 'metax-api', expiresIn: 600, jwtid: randomUUID(), ...options });

/** Authorization headers of someone who is not (or no longer) allowed in. */
const anonymous = fc.constantFrom<() => string | undefined>(
  () => undefined,
  () => 'Bearer',
  () => 'Bearer ',
  () => 'Bearer not.a.token',
  () => 'Basic YWRtaW46YWRtaW4=',
  () => `Bearer ${forge({ sub: '1', role: 'admin' }, 'another-secret-another-secret-xx')}`,
  () => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1","role":"admin"}').toString('base64url')}.`,
  () => `Bearer ${forge({ sub: '1', role: 'admin' }, SECRET, { expiresIn: -60 })}`,
  () => `Bearer ${forge({ sub: '999999', role: 'admin' })}`,
  () => `Bearer ${forge({ sub: '99999999999999999999999' })}`,
  () => `Bearer ${forge({ sub: 'abc' })}`,
  () => `Bearer ${'a'.repeat(8_000)}`,
);

// Operations that end or change the presented session run with a throwaway member's fresh token.
const SESSION_CHANGING = new Set(['POST /api/auth/logout', 'POST /api/user/password', 'PUT /api/user/profile']);

async function rightToken(op: Operation): Promise<string | undefined> {
  if (SESSION_CHANGING.has(op.key)) return victimToken();
  if (op.access === 'public') return undefined;
  if (op.access === 'user' || op.access === 'member') return tokens.member;
  // The least staff role holding the operation's capability.
  const role = (['support', 'finance', 'admin'] as const).find((r) => PERMISSION_NAMES.includes(op.access as Permission) && can(r, op.access as Permission));
  if (!role) throw new Error(`${op.key}: unknown x-access ${op.access}`);
  return tokens[role];
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: FuzzBody;
}

function describeRequest(r: Sent): string {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, k === 'authorization' ? `${v.slice(0, 30)}…` : v.slice(0, 80)]));
  const body = r.body?.payload ? JSON.stringify(r.body.payload.toString('latin1').slice(0, 300)) : '(none)';
  return `${r.method} ${r.url}\n  headers: ${JSON.stringify(headers)}\n  body (${r.body?.label ?? 'none'}): ${body}`;
}

/** Sends one request; returns what is wrong with the answer, or null. */
async function sendAndCheck(r: Sent): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(t.url + r.url, {
      method: r.method,
      headers: r.headers,
      body: r.body?.payload ? new Uint8Array(r.body.payload) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    return `no answer: ${(error as Error).message}`;
  }
  const text = await res.text();
  if (res.status >= 500) return `answered ${res.status}: ${text.slice(0, 300)}`;
  const leak = LEAKS.find((pattern) => pattern.test(text));
  if (leak) return `answered ${res.status} leaking ${leak}: ${text.slice(0, 300)}`;
  if (res.status >= 400) {
    if (!/application\/json/.test(res.headers.get('content-type') ?? '')) return `answered ${res.status} as ${res.headers.get('content-type')}: ${text.slice(0, 200)}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return `answered ${res.status} with invalid JSON: ${text.slice(0, 200)}`;
    }
    const shape = errorShape.safeParse(parsed);
    if (!shape.success) return `answered ${res.status} outside the error shape: ${text.slice(0, 300)}`;
  }
  return null;
}

function requestArbitrary(op: Operation) {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  return fc.record({
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathValue(doc, p.schema)]))),
    query: queryFor(doc, op),
    body: op.method === 'GET' ? fc.constant(undefined) : bodyFor(doc, op),
    headers: extraHeaders,
    anonymous,
  });
}

beforeAll(async () => {
  t = await startTestServer({
    JWT_SECRET_KEY: SECRET,
    RATE_LIMIT_API_MAX: '1000000',
    RATE_LIMIT_LOGIN_MAX: '1000000',
    RATE_LIMIT_REGISTER_MAX: '1000000',
    RATE_LIMIT_MONEY_MAX: '1000000',
  });
  ({ doc, operations } = await operationsOf(t));
  tokens.admin = await staffToken(t, 'admin');
  tokens.finance = await staffToken(t, 'finance');
  tokens.support = await staffToken(t, 'support');
  // Ids 1..12 are real rows: the generator favours them, so requests reach past "not found".
  const a = await signUp(t, { username: 'fuzz_member_a' });
  tokens.member = a.token;
  await signUp(t, { sponsor_code: a.user.referral_code });
  const v = await signUp(t, { username: 'fuzz_victim' });
  victim = { username: v.user.username, passwords: [v.password, 'Adm1n-test-password', ADMIN_PASSWORD, 'Str0ng-pass-word'] };
  for (const wallet_type of ['available_fund', 'main_balance']) {
    const res = await t.request('PUT', `/api/admin/users/${a.user.id}/wallets`, { token: tokens.admin, body: { wallet_type, amount: '5000', reason: 'fuzz funds' } });
    expect(res.status).toBe(200);
  }
  await t.request('POST', '/api/transactions/deposit', { token: a.token, body: { amount: '25' } });
  await t.request('POST', '/api/transactions/withdraw', { token: a.token, body: { amount: '10', wallet_address: '0xde709f2102306220921060314715629080e2fb77', wallet_type: 'main_balance' } });
  await t.request('POST', '/api/investments', { token: a.token, body: { amount: '100' } });
}, 120_000);

afterAll(async () => t?.close());

describe('every operation under generated hostile input', () => {
  it('never answers 5xx, never leaks a stack trace or SQL, and keeps the error shape', async () => {
    console.info(`api fuzz: seed ${SEED}, ${RUNS} runs per operation, ${operations.length} operations (FUZZ_SEED / FUZZ_RUNS to change)`);
    const failures: string[] = [];
    for (const [index, op] of operations.entries()) {
      const result = await fc.check(
        fc.asyncProperty(requestArbitrary(op), async (req) => {
          const base = { method: op.method, url: fillPath(op.path, req.path) + req.query, body: req.body };
          const right = await rightToken(op);
          const withRole: Sent = { ...base, headers: { ...req.headers, ...req.body?.headers, ...(right ? { authorization: `Bearer ${right}` } : {}) } };
          const anon = req.anonymous();
          const without: Sent = { ...base, headers: { ...req.headers, ...req.body?.headers, ...(anon ? { authorization: anon } : {}) } };
          const problems = await Promise.all([withRole, without].map(async (r) => ({ r, problem: await sendAndCheck(r) })));
          const bad = problems.find((p) => p.problem);
          if (bad) throw new Error(`${bad.problem}\n  ${describeRequest(bad.r)}`);
        }),
        { seed: SEED + index, numRuns: RUNS, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: false },
      );
      if (result.failed) {
        const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
        failures.push(`${op.key} (FUZZ_SEED=${SEED}, operation seed ${SEED + index}, path ${result.counterexamplePath}):\n  ${error}`);
      }
    }
    if (failures.length) throw new Error(`${failures.length} operation(s) failed; replay with FUZZ_SEED=${SEED}\n\n${failures.join('\n\n')}`);
  }, 240_000);
});
