import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { loginResponse } from '../auth/auth.schemas.js';
import { signAccessToken } from '../auth/tokens.js';
import { changePasswordBody, settings, updateProfileBody, updateSettingsBody, userInfo } from './users.schemas.js';
import { changePassword, findUser, getSettings, toUserInfo, updateProfile, updateSettings } from './users.service.js';

export function userRoutes(router: Router): void {
  const profile = z.object({ user_info: userInfo });

  defineRoute(
    router,
    { method: 'get', path: '/user/profile', summary: 'The signed-in user', tags: ['user'], access: 'user', response: profile },
    async ({ user }) => ({ user_info: toUserInfo(await findUser(user.id)) }),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/user/profile',
      summary: 'Update names (and email, with the current password)',
      tags: ['user'],
      access: 'user',
      body: updateProfileBody,
      response: profile,
    },
    async ({ user, body }) => ({ user_info: toUserInfo(await updateProfile(user.id, body)) }),
  );

  defineRoute(
    router,
    { method: 'get', path: '/user/settings', summary: 'Notification, language and time zone settings', tags: ['user'], access: 'user', response: z.object({ settings }) },
    async ({ user }) => ({ settings: await getSettings(user.id) }),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/user/settings',
      summary: 'Change settings',
      tags: ['user'],
      access: 'user',
      body: updateSettingsBody,
      response: z.object({ settings }),
    },
    async ({ user, body }) => ({ settings: await updateSettings(user.id, body) }),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/me',
      summary: 'The signed-in staff user (any staff role)',
      tags: ['admin'],
      access: 'staff.read',
      response: profile,
    },
    async ({ user }) => ({ user_info: toUserInfo(await findUser(user.id)) }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/user/password',
      summary: 'Change password; every earlier token stops working, a fresh one is returned',
      tags: ['user'],
      access: 'user',
      status: 200,
      body: changePasswordBody,
      response: loginResponse,
    },
    async ({ user, body }) => {
      const updated = await changePassword(user.id, body);
      const { token, expiresIn } = signAccessToken(updated);
      return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, user_info: toUserInfo(updated) };
    },
  );
}
