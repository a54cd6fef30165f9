import { sqlMigration } from '../src/db/migration.js';

export const { up, down } = sqlMigration(
  `
-- A replay returns the first answer byte for byte: jsonb would reorder its keys.
ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE text USING response_body::text;

-- A run whose process died is marked at the next start instead of staying 'running' forever.
ALTER TABLE staking_runs DROP CONSTRAINT staking_runs_status_check;
ALTER TABLE staking_runs ADD CONSTRAINT staking_runs_status_check CHECK (status IN ('running','completed','failed','interrupted'));

-- The pending-request cap counts a member's open requests of one kind.
CREATE INDEX transactions_user_pending_idx ON transactions (user_id, transaction_type) WHERE status = 'pending';
`,
  `DROP INDEX transactions_user_pending_idx;
   UPDATE staking_runs SET status = 'failed' WHERE status = 'interrupted';
   ALTER TABLE staking_runs DROP CONSTRAINT staking_runs_status_check;
   ALTER TABLE staking_runs ADD CONSTRAINT staking_runs_status_check CHECK (status IN ('running','completed','failed'));
   ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb;`,
);
