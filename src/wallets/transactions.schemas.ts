import { z } from 'zod';
import { positiveAmount, moneyString, signedAmount } from '../money/money.js';
import { pageOf, pageQuery } from '../http/pagination.js';
import { dateTime, id, idParam, text } from '../http/input.js';
import { WALLET_TYPES } from './wallet-types.js';
import { TRANSACTION_STATUSES, TRANSACTION_TYPES } from './transaction.model.js';
import { isBep20Address } from './bep20.js';

const walletType = z.enum(WALLET_TYPES, { message: `must be one of ${WALLET_TYPES.join(', ')}` });

export const depositBody = z.object({
  amount: positiveAmount(),
  wallet_type: walletType.default('available_fund'),
  reference: text({ max: 255 }).optional(),
});

export const withdrawBody = z.object({
  amount: positiveAmount(),
  wallet_address: z.string().trim().max(64).refine(isBep20Address, 'must be a BEP-20 address (0x + 40 hex, valid EIP-55 checksum if mixed case)'),
  wallet_type: walletType.default('main_balance'),
});

export const transferBody = z
  .object({ amount: positiveAmount(), from_wallet: walletType, to_wallet: walletType })
  .refine((b) => b.from_wallet !== b.to_wallet, { message: 'must differ from from_wallet', path: ['to_wallet'] });

export { idParam };

export const historyQuery = z.object({
  ...pageQuery,
  wallet_type: walletType.optional(),
  status: z.enum(TRANSACTION_STATUSES).optional(),
  type: z.enum(TRANSACTION_TYPES).optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
});

export const staffListQuery = historyQuery.extend({
  user_id: id.optional(),
  sort: z.enum(['oldest', 'newest']).optional(),
});

export const approveBody = z.object({
  admin_notes: text({ max: 2000, multiline: true }).optional(),
  tx_hash: z.string().trim().regex(/^0x[0-9a-fA-F]{64}$/, 'must be 0x + 64 hex').optional(),
});

export const rejectBody = z.object({ reason: text({ min: 1, max: 2000, multiline: true }) });

export const adjustBody = z.object({
  wallet_type: walletType,
  amount: signedAmount(),
  reason: text({ min: 1, max: 2000, multiline: true }),
});

export const transactionView = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    transaction_type: z.enum(TRANSACTION_TYPES),
    wallet_type: z.string(),
    to_wallet_type: z.string().nullable(),
    amount: moneyString,
    fee: moneyString,
    net_amount: moneyString,
    status: z.enum(TRANSACTION_STATUSES),
    description: z.string().nullable(),
    reference: z.string().nullable(),
    wallet_address: z.string().nullable(),
    tx_hash: z.string().nullable(),
    admin_notes: z.string().nullable(),
    reason: z.string().nullable(),
    processed_by: z.number().int().nullable(),
    created_at: z.string(),
    processed_at: z.string().nullable(),
  })
  .meta({ id: 'Transaction' });

export const transactionReply = z.object({ transaction: transactionView });
export const transactionPage = pageOf(transactionView);
