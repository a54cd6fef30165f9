import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import { CONFIG_KEYS } from './config.catalogue.js';
import { listConfig, updateConfig } from './config.service.js';

const configReply = z.object({
  config: z.array(z.object({ key: z.string(), value: z.unknown(), description: z.string(), updated_at: z.string().nullable(), updated_by: z.number().nullable() })),
});

export function configRoutes(router: Router): void {
  defineRoute(
    router,
    { method: 'get', path: '/admin/config', summary: 'Every configuration key with its value', tags: ['staff: config'], access: 'config.manage', response: configReply },
    async () => ({ config: await listConfig() }),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/admin/config',
      summary: 'Change configuration keys; each is validated by its own schema and audited',
      description: `Body: an object of key → value. Keys: ${CONFIG_KEYS.join(', ')}. A change applies to operations that start after it.`,
      tags: ['staff: config'],
      access: 'config.manage',
      body: z.record(z.string(), z.unknown()),
      response: configReply,
    },
    async ({ req, body }) => ({ config: await updateConfig(actorFrom(req), body) }),
  );
}
