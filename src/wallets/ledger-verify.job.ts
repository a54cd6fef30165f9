import { inTransaction } from '../db/database.js';
import type { JobSpec } from '../jobs/job-spec.js';
import { notifyLedgerAlert } from '../notify/notifications.js';
import { verifyLedger } from './ledger.verify.js';

/**
 * Nightly proof that the books balance. A mismatch is not retried (re-checking changes nothing):
 * staff get one alert email and the run's summary carries the findings.
 */
export const ledgerVerifyJob: JobSpec = {
  name: 'ledger-verify',
  every: '30 2 * * *',
  async run(_job, { logger }) {
    const report = await verifyLedger();
    const summary = {
      ok: report.ok,
      balanced: report.trial.balanced,
      equation_holds: report.trial.equation.holds,
      total_debits: report.trial.total_debits,
      total_credits: report.trial.total_credits,
      unbalanced_postings: report.unbalancedPostings.length,
      wallet_mismatches: report.walletMismatches.length,
    };
    if (!report.ok) {
      logger.error(summary, 'ledger verification failed');
      await inTransaction((tx) =>
        notifyLedgerAlert(tx, {
          summary: 'The nightly ledger verification found the books out of balance.',
          details: [
            ['Trial balance', `${report.trial.total_debits} debits / ${report.trial.total_credits} credits`],
            ['Unbalanced postings', String(report.unbalancedPostings.length)],
            ['Wallet mismatches', report.walletMismatches.slice(0, 20).map((w) => `wallet ${w.wallet_id} ${w.bucket}: ${w.stored} ≠ ${w.from_entries}`).join('; ') || '0'],
          ],
        }),
      );
    }
    return summary;
  },
};
