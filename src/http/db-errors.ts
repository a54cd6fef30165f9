import { pgCode } from '../wallets/lock-order.js';
import { AppError, unprocessable } from './errors.js';

/**
 * PostgreSQL errors a client's request can cause without any bug: the transaction rolled back and
 * nothing was written, so the answer says what to do instead of a 500.
 */
function detailOf(err: unknown): string {
  const e = err as { parent?: { detail?: string }; detail?: string };
  return e?.parent?.detail ?? e?.detail ?? 'the wallet';
}

export function fromDatabaseError(err: unknown): AppError | undefined {
  switch (pgCode(err)) {
    case '55P03': // lock_not_available: lock_timeout
    case '57014': // query_canceled: statement_timeout
    case '40P01': // deadlock_detected, after moneyUnit's retries
    case '40001': // serialization_failure, likewise
      return new AppError(503, 'busy', 'The platform is busy with this account; nothing was changed. Try again shortly.', [], { 'Retry-After': '1' });
    case 'MX001': {
      // ledger_post: a bucket would go below zero (the detail names the wallet)
      const wallet = detailOf(err);
      return unprocessable('insufficient_funds', `Insufficient funds in ${wallet}`, [{ field: 'amount', message: `exceeds the available ${wallet} balance` }]);
    }
    case 'MX002': // ledger_post: a bucket would pass NUMERIC(20,8)
    case '22003': // numeric_value_out_of_range: a result past NUMERIC(20,8)
      return unprocessable('amount_out_of_range', 'The result would exceed the largest amount the platform holds (999999999999.99999999)', [
        { field: 'amount', message: 'too large' },
      ]);
    default:
      return undefined;
  }
}
