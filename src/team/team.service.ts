import { QueryTypes } from 'sequelize';
import { db, rawPool } from '../db/database.js';
import { getConfig } from '../config/config.service.js';
import { offsetOf } from '../http/pagination.js';
import { ZERO, formatMoney } from '../money/money.js';
import { COMMISSION_TYPES, PLAN_LEVELS } from '../income/compensation-plan.js';

/** The fields every team view shows of a downline member: never their email. */
interface MemberRow {
  id: number;
  username: string;
  full_name: string;
  level: number;
  joined_at: Date;
  is_active: boolean;
  investment: string;
  rank: string;
}

const MEMBER_COLUMNS = `u.id, u.username, trim(u.first_name || ' ' || u.last_name) AS full_name, r.level, u.created_at AS joined_at,
  u.is_active, u.total_investment AS investment, u.rank`;

const memberView = (m: MemberRow) => ({
  id: m.id,
  username: m.username,
  full_name: m.full_name,
  level: m.level,
  joined_at: m.joined_at.toISOString(),
  is_active: m.is_active,
  investment: formatMoney(m.investment),
  rank: m.rank,
});

/** Every plan level from the closure table in one grouped query, plus commission earned. */
export async function teamStats(userId: number) {
  const levels = await db().query<{ level: number; members: number; active: number; investment: string }>(
    `SELECT r.level, count(*)::int AS members, (count(*) FILTER (WHERE u.is_active))::int AS active, sum(u.total_investment) AS investment
       FROM referrals r JOIN users u ON u.id = r.referred_id WHERE r.referrer_id = :userId GROUP BY r.level`,
    { replacements: { userId }, type: QueryTypes.SELECT },
  );
  const [{ earned }] = await db().query<{ earned: string }>(
    `SELECT coalesce(sum(amount), 0) AS earned FROM incomes
      WHERE user_id = :userId AND income_type IN (:types) AND status = 'completed'`,
    { replacements: { userId, types: COMMISSION_TYPES }, type: QueryTypes.SELECT },
  );
  const byLevel = new Map(levels.map((l) => [l.level, l]));
  const perLevel = Array.from({ length: PLAN_LEVELS }, (_, i) => {
    const l = byLevel.get(i + 1);
    return { level: i + 1, members: l?.members ?? 0, active_members: l?.active ?? 0, investment: formatMoney(l?.investment ?? 0) };
  });
  return {
    total_team: perLevel.reduce((n, l) => n + l.members, 0),
    direct_referrals: perLevel[0].members,
    active_members: perLevel.reduce((n, l) => n + l.active_members, 0),
    commission_earned: formatMoney(earned),
    team_investment: formatMoney(perLevel.reduce((s, l) => s.plus(l.investment), ZERO)),
    levels: perLevel,
  };
}

export interface MembersQuery {
  page: number;
  per_page: number;
  status: 'active' | 'inactive' | 'all';
  level?: number;
  search?: string;
}

/** The downline, filtered and paged, newest first. */
export async function teamMembers(userId: number, q: MembersQuery) {
  const where = ['r.referrer_id = :userId'];
  if (q.status !== 'all') where.push(q.status === 'active' ? 'u.is_active' : 'NOT u.is_active');
  if (q.level) where.push('r.level = :level');
  if (q.search) where.push(`(u.username ILIKE :pattern OR (u.first_name || ' ' || u.last_name) ILIKE :pattern)`);
  const replacements = {
    userId,
    level: q.level ?? null,
    pattern: q.search ? `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
    limit: q.per_page,
    offset: offsetOf(q),
  };
  const from = `FROM referrals r JOIN users u ON u.id = r.referred_id WHERE ${where.join(' AND ')}`;
  const rows = await db().query<MemberRow>(`SELECT ${MEMBER_COLUMNS} ${from} ORDER BY u.created_at DESC, u.id DESC LIMIT :limit OFFSET :offset`, {
    replacements,
    type: QueryTypes.SELECT,
  });
  const [{ total }] = await db().query<{ total: number }>(`SELECT count(*)::int AS total ${from}`, { replacements, type: QueryTypes.SELECT });
  return { items: rows.map(memberView), page: q.page, per_page: q.per_page, total };
}

/** One node's JSON, the same fields as memberView, children last. */
const nodeJson = (children: string) => `json_build_object('id', k.id, 'username', k.username, 'full_name', k.full_name, 'level', k.level,
  'joined_at', to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'is_active', k.is_active,
  'investment', k.total_investment::text, 'rank', k.rank, 'children', ${children})`;

/** Each level's nodes grouped under their sponsor, deepest level first, each holding its children. */
const levelCtes = Array.from({ length: PLAN_LEVELS }, (_, i) => PLAN_LEVELS - i)
  .map((level) =>
    level === PLAN_LEVELS
      ? `l${level} AS (SELECT k.sponsor_id, json_agg(${nodeJson(`'[]'::json`)} ORDER BY k.id) AS kids FROM kept k WHERE k.level = ${level} GROUP BY k.sponsor_id)`
      : `l${level} AS (SELECT k.sponsor_id, json_agg(${nodeJson(`coalesce(c.kids, '[]'::json)`)} ORDER BY k.id) AS kids
           FROM kept k LEFT JOIN l${level + 1} c ON c.sponsor_id = k.id WHERE k.level = ${level} GROUP BY k.sponsor_id)`,
  )
  .join(',\n');

/**
 * The tree's one query (exported for the benchmark): the first `$3` members of the downline in
 * (level, id) order — so every kept node's sponsor is kept too — built into the response's JSON
 * inside PostgreSQL, level by level from the deepest, and handed to the client as it comes.
 */
export const TREE_SQL = `WITH d AS (
    SELECT u.id, u.username, trim(u.first_name || ' ' || u.last_name) AS full_name, r.level, u.created_at, u.is_active,
           u.total_investment, u.rank, u.sponsor_id
      FROM referrals r JOIN users u ON u.id = r.referred_id
     WHERE r.referrer_id = $1 AND r.level <= $2
     ORDER BY r.level, r.referred_id LIMIT $3 + 1
  ), kept AS (SELECT * FROM d ORDER BY level, id LIMIT $3),
  ${levelCtes}
  SELECT coalesce((SELECT kids FROM l1), '[]'::json)::text AS tree, (SELECT count(*) FROM d) > $3 AS truncated, (SELECT count(*)::int FROM kept) AS nodes`;

/**
 * The downline as a tree, `depth` generations deep, from ONE query over the closure table, as JSON
 * text ready to send; past `tree_max_nodes` the rest is cut and `truncated` says so (members pages
 * through it all).
 */
export async function teamTreeJson(userId: number, depth: number, maxNodes?: number): Promise<{ tree: string; truncated: boolean; nodes: number }> {
  const cap = maxNodes ?? (await getConfig(['tree_max_nodes'])).tree_max_nodes;
  const client = await rawPool().connect();
  try {
    // The sorts and aggregates of up to tree_max_nodes rows get enough memory to stay off disk.
    await client.query('BEGIN');
    await client.query(`SET LOCAL work_mem = '64MB'`);
    const { rows } = await client.query<{ tree: string; truncated: boolean; nodes: number }>({ name: 'team_tree', text: TREE_SQL, values: [userId, depth, cap] });
    await client.query('COMMIT');
    return rows[0];
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export type TreeNode = ReturnType<typeof memberView> & { children: TreeNode[] };

/** The same tree as objects, for callers that work with it rather than send it on. */
export async function teamTree(userId: number, depth: number, maxNodes?: number): Promise<{ tree: TreeNode[]; truncated: boolean; nodes: number }> {
  const { tree, truncated, nodes } = await teamTreeJson(userId, depth, maxNodes);
  return { tree: JSON.parse(tree) as TreeNode[], truncated, nodes };
}

export async function referralLink(userId: number, baseUrl: string) {
  const [user] = await db().query<{ username: string; referral_code: string }>(`SELECT username, referral_code FROM users WHERE id = :userId`, {
    replacements: { userId },
    type: QueryTypes.SELECT,
  });
  return { referral_link: `${baseUrl.replace(/\/+$/, '')}/Register/${user.username}`, referral_code: user.referral_code };
}
