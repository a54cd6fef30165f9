import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { pageOf, pageQuery } from '../http/pagination.js';
import { moneyString } from '../money/money.js';
import { text } from '../http/input.js';
import { teamMembers, teamStats, teamTreeJson, referralLink } from './team.service.js';

const tags = ['team'];
const level = z.union([z.literal('all'), z.coerce.number().int().min(1).max(5)], { message: 'must be 1-5 or all' });

const membersQuery = z.object({
  ...pageQuery,
  status: z.enum(['active', 'inactive', 'all'], { message: 'must be active, inactive or all' }).default('all'),
  level: level.default('all').transform((l) => (l === 'all' ? undefined : l)),
  search: text({ max: 100 }).optional(),
});
const treeQuery = z.object({ depth: z.coerce.number().int().min(1, 'must be 1-5').max(5, 'must be 1-5').default(5) });

const teamMember = z.object({
  id: z.number().int(),
  username: z.string(),
  full_name: z.string(),
  level: z.number().int().min(1).max(5),
  joined_at: z.string(),
  is_active: z.boolean(),
  investment: moneyString,
  rank: z.string(),
});
type TreeNode = z.infer<typeof teamMember> & { children: TreeNode[] };
export const treeNode: z.ZodType<TreeNode> = teamMember.extend({ children: z.array(z.lazy(() => treeNode)) }).meta({ id: 'TeamTreeNode' });

const statsReply = z.object({
  total_team: z.number().int(),
  direct_referrals: z.number().int(),
  active_members: z.number().int(),
  commission_earned: moneyString,
  team_investment: moneyString,
  levels: z.array(z.object({ level: z.number().int(), members: z.number().int(), active_members: z.number().int(), investment: moneyString })),
});

/** Member views of their own downline; `referralBaseUrl` is the environment's REFERRAL_BASE_URL. */
export function teamRoutes(router: Router, referralBaseUrl: string): void {
  defineRoute(
    router,
    { method: 'get', path: '/team/stats', summary: 'Team size, activity, investment and commission, per level 1-5', tags, access: 'member', reads: 'replica', response: statsReply },
    async ({ user }) => teamStats(user.id),
  );

  defineRoute(
    router,
    { method: 'get', path: '/team/members', summary: 'Your downline (levels 1-5), filtered and paged', tags, access: 'member', query: membersQuery, reads: 'replica', response: pageOf(teamMember) },
    async ({ user, query }) => teamMembers(user.id, query),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/team/tree',
      summary: 'Your downline as a tree, at most tree_max_nodes nodes',
      tags,
      access: 'member',
      query: treeQuery,
      reads: 'replica',
      response: z.object({ tree: z.array(treeNode), truncated: z.boolean() }),
    },
    async ({ user, query, res }) => {
      // The tree arrives as JSON text from PostgreSQL: sent as it is, never parsed and re-serialised.
      const { tree, truncated } = await teamTreeJson(user.id, query.depth);
      res.type('json').send(`{"tree":${tree},"truncated":${truncated}}`);
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/team/referral-link',
      summary: 'Your referral link and code',
      tags,
      access: 'member',
      response: z.object({ referral_link: z.string(), referral_code: z.string() }),
    },
    async ({ user }) => referralLink(user.id, referralBaseUrl),
  );
}
