import { z } from 'zod';
import { moneyString, positiveAmount } from '../money/money.js';
import { pageOf, pageQuery } from '../http/pagination.js';
import { text } from '../http/input.js';
import { transactionView } from '../wallets/transactions.schemas.js';

export const investBody = z.object({ amount: positiveAmount() });
export const listQuery = z.object({ ...pageQuery });
export const reverseBody = z.object({ reason: text({ min: 1, max: 2000, multiline: true }) });

export const investmentView = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    amount: moneyString,
    source_wallet: z.string(),
    status: z.enum(['active', 'reversed']),
    transaction_id: z.number().int().nullable(),
    created_at: z.string(),
    reversed_at: z.string().nullable(),
    reverse_reason: z.string().nullable(),
  })
  .meta({ id: 'Investment' });

export const investReply = z.object({ investment: investmentView, transaction: transactionView });
export const investmentPage = pageOf(investmentView);
export const reverseReply = z.object({
  investment: investmentView,
  clawed_back: moneyString,
  debts_recorded: z.array(z.object({ user_id: z.number().int(), amount: moneyString })),
});
