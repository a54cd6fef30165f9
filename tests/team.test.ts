import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUp, staffToken, startTestServer, type TestServer } from './helpers/server.js';
import { expectBooksBalanced, fund, setConfig } from './helpers/money.js';
import { Decimal } from '../src/money/money.js';
import { TEAM_ENV, setActive, type Member } from './helpers/team.js';

let t: TestServer;
let admin: string;
let finance: string;
let top: Member;
const team: { member: Member; level: number; invested: number; active: boolean }[] = [];

interface Node {
  id: number;
  level: number;
  investment: string;
  is_active: boolean;
  children: Node[];
}
const flatten = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

/**
 * A generated team under `top`: 3 directs, each with 2 children, each of those with 1 child, and
 * below one of them a chain reaching level 7 (levels 6-7 are outside the team). Every third member
 * invests, every fourth is inactive.
 */
beforeAll(async () => {
  t = await startTestServer({ ...TEAM_ENV, REFERRAL_BASE_URL: 'https://metaxcoin.example/' });
  admin = await staffToken(t, 'admin');
  finance = await staffToken(t, 'finance');
  top = await signUp(t);
  let n = 0;
  const add = async (sponsor: Member, level: number) => {
    const member = await signUp(t, { sponsor_code: sponsor.user.referral_code });
    n++;
    const invested = n % 3 === 0 ? 10 * n : 0;
    if (invested) {
      await fund(t, member, finance, String(invested));
      await t.request('POST', '/api/investments', { token: member.token, body: { amount: String(invested) } });
    }
    team.push({ member, level, invested, active: true });
    return member;
  };
  let deepest: Member | undefined;
  for (let d = 0; d < 3; d++) {
    const direct = await add(top, 1);
    for (let c = 0; c < 2; c++) {
      const child = await add(direct, 2);
      deepest = await add(child, 3);
    }
  }
  for (let level = 4; level <= 7; level++) deepest = await add(deepest!, level);
  for (const [i, entry] of team.entries()) {
    if (i % 4 === 3) {
      entry.active = false;
      await setActive(entry.member.user.id, false);
    }
  }
});
afterAll(async () => t?.close());
afterEach(async () => expectBooksBalanced());

const get = (path: string, token = top.token) => t.request('GET', path, { token });

describe('team views', () => {
  it('agree with each other and with the generated team', async () => {
    const inTeam = team.filter((e) => e.level <= 5);
    const stats = (await get('/api/team/stats')).body;
    const members = (await get('/api/team/members?per_page=100')).body;
    const tree = (await get('/api/team/tree')).body;
    const nodes = flatten(tree.tree);

    expect(stats.total_team).toBe(inTeam.length);
    expect(members.total).toBe(inTeam.length);
    expect(nodes).toHaveLength(inTeam.length);
    expect(tree.truncated).toBe(false);
    expect(new Set(nodes.map((x) => x.id))).toEqual(new Set(members.items.map((x: { id: number }) => x.id)));

    expect(stats.direct_referrals).toBe(3);
    expect(tree.tree).toHaveLength(3);
    expect(stats.active_members).toBe(inTeam.filter((e) => e.active).length);
    expect((await get('/api/team/members?status=active')).body.total).toBe(stats.active_members);
    expect((await get('/api/team/members?status=inactive')).body.total).toBe(stats.total_team - stats.active_members);
    const invested = inTeam.reduce((s, e) => s + e.invested, 0);
    expect(stats.team_investment).toBe(`${invested}.00000000`);
    for (const level of stats.levels) {
      expect((await get(`/api/team/members?level=${level.level}`)).body.total).toBe(level.members);
      expect(nodes.filter((x) => x.level === level.level)).toHaveLength(level.members);
      expect(level.members).toBe(inTeam.filter((e) => e.level === level.level).length);
    }
    // Each child in the tree sits one level below its parent.
    for (const node of nodes) for (const child of node.children) expect(child.level).toBe(node.level + 1);

    // Commission earned is what the top member's income history says.
    const history = (await get('/api/income/history?per_page=100')).body.items as { income_type: string; amount: string }[];
    const earned = history.filter((i) => ['Direct Referral', 'Level Bonus'].includes(i.income_type)).reduce((s, i) => s.plus(i.amount), new Decimal(0));
    expect(stats.commission_earned).toBe(earned.toFixed(8));

    const row = members.items[0];
    expect(Object.keys(row).sort()).toEqual(['full_name', 'id', 'investment', 'is_active', 'joined_at', 'level', 'rank', 'username']);
    const search = await get(`/api/team/members?search=${encodeURIComponent(team[0].member.user.username)}`);
    expect(search.body.items.map((x: { id: number }) => x.id)).toEqual([team[0].member.user.id]);
  });

  it('limits depth and caps the tree at tree_max_nodes with truncated: true', async () => {
    const shallow = (await get('/api/team/tree?depth=2')).body;
    expect(flatten(shallow.tree).every((x) => x.level <= 2)).toBe(true);
    expect(flatten(shallow.tree)).toHaveLength(9);
    await setConfig(t, admin, { tree_max_nodes: 4 });
    try {
      const capped = (await get('/api/team/tree')).body;
      expect(capped.truncated).toBe(true);
      expect(flatten(capped.tree)).toHaveLength(4);
    } finally {
      await setConfig(t, admin, { tree_max_nodes: 10000 });
    }
  });

  it('gives the referral link from REFERRAL_BASE_URL', async () => {
    const res = await get('/api/team/referral-link');
    expect(res.body).toEqual({ referral_link: `https://metaxcoin.example/Register/${top.user.username}`, referral_code: top.user.referral_code });
  });

  it('validates filters (400, never an empty list)', async () => {
    for (const path of [
      '/api/team/members?status=sleeping',
      '/api/team/members?level=6',
      '/api/team/members?level=0',
      '/api/team/members?per_page=101',
      '/api/team/tree?depth=6',
      '/api/team/tree?depth=x',
      '/api/income/history?type=Bonus',
      '/api/income/history?from=yesterday',
      '/api/investments?page=0',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.details.length, path).toBeGreaterThan(0);
    }
    expect((await t.request('GET', '/api/team/stats')).status).toBe(401);
  });

  it('summarises income per type with totals, today and this month', async () => {
    const s = (await get('/api/income/summary')).body;
    expect(s.by_type.map((x: { income_type: string }) => x.income_type)).toEqual(['Direct Referral', 'Level Bonus', 'Staking Reward', 'Self Investment', 'Lifetime Reward']);
    const sum = s.by_type.reduce((acc: Decimal, x: { total: string }) => acc.plus(x.total), new Decimal(0));
    expect(s.grand_total).toBe(sum.toFixed(8));
    expect(s.today).toBe(s.grand_total);
    expect(s.this_month).toBe(s.grand_total);
    expect(s.total_count).toBeGreaterThan(0);
  });
});
