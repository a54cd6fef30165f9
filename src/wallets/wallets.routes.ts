import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { moneyString } from '../money/money.js';
import { WALLET_TYPES } from './wallet-types.js';
import { balancesOf, listWallets } from './wallets.service.js';

export function walletRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/dashboard/balances',
      summary: 'Spendable balance of each of the nine wallets',
      tags: ['wallets'],
      access: 'member',
      response: z.object(Object.fromEntries(WALLET_TYPES.map((t) => [t, moneyString]))),
    },
    async ({ user }) => balancesOf(user.id),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/wallets',
      summary: 'Each wallet with its balance and locked balance',
      tags: ['wallets'],
      access: 'member',
      response: z.object({
        wallets: z.array(z.object({ wallet_type: z.enum(WALLET_TYPES), balance: moneyString, locked_balance: moneyString, updated_at: z.string() })),
      }),
    },
    async ({ user }) => ({ wallets: await listWallets(user.id) }),
  );
}
