import type { Router } from 'express';
import { defineRoute } from '../http/route.js';
import { staffUsersPage, staffUsersQuery } from './staff-users.schemas.js';
import { listUsers } from './users.service.js';

export function staffUserRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/users',
      summary: 'Members and staff: search username/email/name; filter active, role, rank, sponsor, joined dates',
      tags: ['staff: users'],
      access: 'staff.read',
      reads: 'replica',
      query: staffUsersQuery,
      response: staffUsersPage,
    },
    async ({ query }) => listUsers(query),
  );
}
