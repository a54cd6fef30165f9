import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import { moneyString } from '../money/money.js';
import { isoDay } from '../http/input.js';
import { listRuns, previewStaking, runStakingAsStaff } from './staking.service.js';

export const runBody = z.object({ date: isoDay });
const runReply = z.object({ date: z.string(), members_paid: z.number().int(), total: moneyString });

export function stakingRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/staking/run',
      summary: 'Pay the staking reward for a day (≤ today) now; each member is paid once per day whatever the number of runs',
      tags: ['staff: income'],
      access: 'staking.run',
      status: 200,
      body: runBody,
      money: true,
      response: runReply,
    },
    async ({ req, body }) => runStakingAsStaff(actorFrom(req), body.date),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/staking/runs',
      summary: 'Recent staking runs: date, status, members paid, total, duration',
      tags: ['staff: income'],
      access: 'staff.read',
      reads: 'replica',
      response: z.object({
        items: z.array(
          z.object({
            id: z.number().int(),
            date: z.string().meta({ description: 'Reward day, YYYY-MM-DD' }),
            status: z.enum(['running', 'completed', 'failed', 'interrupted']),
            apy: moneyString,
            members_paid: z.number().int(),
            total: moneyString,
            started_at: z.string(),
            finished_at: z.string().nullable(),
            duration_ms: z.number().int().nullable(),
            error: z.string().nullable(),
          }),
        ),
      }),
    },
    async () => ({ items: await listRuns() }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/staking/preview',
      summary: 'What a staking run for a date would pay now (members not yet paid that day, total), paying nothing',
      tags: ['staff: income'],
      access: 'staking.run',
      status: 200,
      body: runBody,
      response: z.object({
        date: z.string(),
        apy: moneyString,
        members_to_pay: z.number().int(),
        total: moneyString,
        members_already_paid: z.number().int(),
      }),
    },
    async ({ body }) => previewStaking(body.date),
  );
}
