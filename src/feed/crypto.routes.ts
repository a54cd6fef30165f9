import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { cryptoItemView, cryptoPricesQuery } from './coingecko.schemas.js';
import { cryptoFeedStatus, cryptoPrices } from './crypto-feed.service.js';

export function cryptoRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/crypto/prices',
      summary: 'Prices of other coins from the cached CoinGecko snapshot (MXC is not listed)',
      description:
        'Served from the last good snapshot stored by the crypto-feed-refresh job; never calls CoinGecko. ' +
        '`stale` is true before the first successful refresh, after a failed one, or when the snapshot is older than 3 × crypto_refresh_seconds. ' +
        'Members only: the data is fetched under our CoinGecko key, so we do not republish it to the open internet.',
      tags: ['market'],
      access: 'member',
      query: cryptoPricesQuery,
      response: z.object({ items: z.array(cryptoItemView), fetched_at: z.string().nullable(), stale: z.boolean() }),
    },
    async ({ query }) => cryptoPrices({ ids: query.ids, limit: query.limit }),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/crypto-feed',
      summary: 'Health of the CoinGecko snapshot: last success, last attempt, last error',
      tags: ['admin', 'market'],
      access: 'staff.read',
      response: z.object({
        refresh_seconds: z.number().int(),
        count: z.number().int(),
        fetched_at: z.string().nullable(),
        last_attempt_at: z.string().nullable(),
        last_error: z.string().nullable(),
        last_error_at: z.string().nullable(),
        stale: z.boolean(),
      }),
    },
    async () => cryptoFeedStatus(),
  );
}
