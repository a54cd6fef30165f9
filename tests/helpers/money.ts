import { expect } from 'vitest';
import { verifyLedger } from '../../src/wallets/ledger.verify.js';
import type { TestServer } from './server.js';

/** The books must balance after every test: entries rebuild every wallet, postings net to zero. */
export async function expectBooksBalanced(): Promise<void> {
  const report = await verifyLedger();
  expect(report.unbalancedPostings).toEqual([]);
  expect(report.walletMismatches).toEqual([]);
  expect(report.trial.balanced).toBe(true);
}

/** Funds a member's wallet the way production does: a deposit request approved by staff. */
export async function fund(t: TestServer, member: { token: string }, staff: string, amount: string, wallet = 'available_fund') {
  const dep = await t.request('POST', '/api/transactions/deposit', { token: member.token, body: { amount, wallet_type: wallet } });
  if (dep.status !== 201) throw new Error(`deposit failed ${dep.status} ${JSON.stringify(dep.body)}`);
  const ok = await t.request('POST', `/api/admin/transactions/${dep.body.transaction.id}/approve`, { token: staff, body: {} });
  if (ok.status !== 200) throw new Error(`approve failed ${ok.status} ${JSON.stringify(ok.body)}`);
  return dep.body.transaction.id as number;
}

export async function balances(t: TestServer, token: string): Promise<Record<string, string>> {
  return (await t.request('GET', '/api/dashboard/balances', { token })).body;
}

export async function setConfig(t: TestServer, admin: string, changes: Record<string, unknown>) {
  const res = await t.request('PUT', '/api/admin/config', { token: admin, body: changes });
  if (res.status !== 200) throw new Error(`config failed ${res.status} ${JSON.stringify(res.body)}`);
}
