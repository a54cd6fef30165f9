import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

/** Every route registers itself here as it is defined, so the document covers every endpoint. */
export const registry = new OpenAPIRegistry();

registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

/**
 * Every tag an operation may carry, declared once at the top of the document with its meaning. A
 * route naming a tag missing here fails at start-up: add the tag below.
 */
const TAGS: Record<string, string> = {
  auth: 'Sign-up, sign-in and sign-out',
  user: "The signed-in account's profile, settings and password",
  wallets: "A member's nine wallets and balances",
  transactions: 'Deposits, withdrawals and transfers of the signed-in member',
  investments: 'Investing from a wallet; pays upline commissions',
  income: "The member's referral, staking and bonus income",
  team: "The member's downline (levels 1-5) and referral link",
  market: 'MXC price and chart, and other coins from CoinGecko',
  admin: 'Staff: back-office data over REST',
  emails: 'Staff: the email outbox',
  jobs: 'Staff: scheduled job runs',
  'staff: money': 'Staff: deposits and withdrawals to decide, wallet adjustments, the trial balance',
  'staff: audit': 'Staff: the audit trail of every staff change',
  'staff: config': 'Staff: platform configuration',
  'staff: income': 'Staff: income distribution, investment reversal and staking runs',
  'staff: users': 'Staff: members and staff accounts',
  'staff: back-office': 'Staff: the console home, the member page and CSV exports',
};

export function declaredTag(tag: string): string {
  if (!Object.hasOwn(TAGS, tag)) throw new Error(`OpenAPI tag "${tag}" is not declared: add it to TAGS in src/http/openapi.ts`);
  return tag;
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })),
      request_id: z.string().meta({ description: 'The X-Request-Id of this request: quote it to support' }),
    }),
  })
  .meta({ id: 'Error' });

export function openApiDocument() {
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'MetaX API',
      version: '1.0.0',
      description:
        'Members and staff API of the MetaX Coin platform. Amounts are decimal strings with 8 places; errors are `{error: {code, message, details, request_id}}`.',
      contact: { name: 'MetaX platform team', url: 'https://metaxcoin.cloud' },
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
  });
  return document;
}
