import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import type { RateLimits } from '../http/rate-limits.js';
import { registerBody, userInfo } from '../users/users.schemas.js';
import { toUserInfo } from '../users/users.service.js';
import { loginBody, loginResponse } from './auth.schemas.js';
import { login, logout, register } from './auth.service.js';

export function authRoutes(router: Router, limits: RateLimits): void {
  defineRoute(
    router,
    {
      method: 'post',
      path: '/auth/register',
      summary: 'Register a member under an optional sponsor',
      tags: ['auth'],
      access: 'public',
      body: registerBody,
      response: z.object({ user_info: userInfo }),
      before: [limits.register],
    },
    async ({ body }) => ({ user_info: toUserInfo(await register(body)) }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with username or email',
      tags: ['auth'],
      access: 'public',
      status: 200,
      body: loginBody,
      response: loginResponse,
      // 401 wrong credentials, 403 a deactivated account.
      errors: [401, 403],
      before: [limits.login],
    },
    async ({ body }) => login(body.username ?? body.email!, body.password),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/auth/logout',
      summary: 'Revoke the presented token at once',
      tags: ['auth'],
      access: 'user',
      status: 200,
      response: z.object({ message: z.string() }),
    },
    async ({ user }) => {
      await logout(user);
      return { message: 'Logged out' };
    },
  );
}
