import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import { idParam } from '../wallets/transactions.schemas.js';
import { userInfo } from './users.schemas.js';
import { createStaffBody, reasonBody, staffListQuery, staffPage, staffView, updateStaffBody } from './staff.schemas.js';
import { createStaff, listStaff, updateStaff } from './staff.service.js';
import { setMemberActive } from './member-status.service.js';

const tags = ['staff: users'];

export function staffRoutes(router: Router): void {
  defineRoute(
    router,
    { method: 'get', path: '/admin/staff', summary: 'Staff accounts (filter role, active)', tags, access: 'staff.read', query: staffListQuery, response: staffPage },
    async ({ query }) => listStaff(query),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/staff',
      summary: 'Create a staff account; without a password a random one is returned once',
      tags,
      access: 'staff.manage',
      body: createStaffBody,
      response: z.object({ staff: staffView, password: z.string().optional() }),
    },
    async ({ req, body }) => createStaff(actorFrom(req), body),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/admin/staff/:id',
      summary: "Change a staff member's role, status or details (a demotion or deactivation ends their sessions and tokens)",
      tags,
      access: 'staff.manage',
      params: idParam,
      body: updateStaffBody,
      response: z.object({ staff: staffView }),
    },
    async ({ req, params, body }) => updateStaff(actorFrom(req), params.id, body),
  );

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    defineRoute(
      router,
      {
        method: 'post',
        path: `/admin/users/:id/${path}`,
        summary: active ? 'Reactivate a member (with a reason)' : 'Deactivate a member (with a reason): every token stops working at once',
        tags,
        access: 'members.activation',
        status: 200,
        params: idParam,
        body: reasonBody,
        response: z.object({ user_info: userInfo }),
      },
      async ({ req, params, body }) => ({ user_info: await setMemberActive(actorFrom(req), params.id, active, body.reason) }),
    );
  }
}
