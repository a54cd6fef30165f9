import 'reflect-metadata';
import 'dotenv/config';
import { loadEnv } from '../src/config/env.js';
import { connect } from '../src/db/connect.js';
import { createLogger } from '../src/server.js';
import { verifyLedger } from '../src/wallets/ledger.verify.js';

/** `npm run ledger:verify`: rebuilds every wallet from the journal; exits 1 on any mismatch. */
const env = loadEnv();
const logger = createLogger({ ...env, LOG_LEVEL: 'warn' });
const connection = await connect(env, logger);
try {
  const report = await verifyLedger();
  console.log(`trial balance: debits ${report.trial.total_debits}, credits ${report.trial.total_credits} → ${report.trial.balanced ? 'balanced' : 'NOT BALANCED'}`);
  for (const a of report.trial.accounts) console.log(`  ${a.account.padEnd(28)} ${a.type.padEnd(9)} ${a.balance.padStart(24)}`);
  for (const p of report.unbalancedPostings) console.log(`unbalanced posting ${p.posting_id}: debits ${p.debits} credits ${p.credits}`);
  for (const w of report.walletMismatches) {
    console.log(`wallet ${w.wallet_id} (user ${w.user_id} ${w.wallet_type} ${w.bucket}): stored ${w.stored}, from entries ${w.from_entries}`);
  }
  console.log(report.ok ? 'ledger OK' : 'ledger MISMATCH');
  process.exitCode = report.ok ? 0 : 1;
} catch (error) {
  if (/relation .* does not exist/.test(String(error))) {
    console.error('This database has no ledger tables yet: run `npm run db:migrate` (or start the server) first.');
    process.exitCode = 2;
  } else throw error;
} finally {
  await connection.close();
}
