import { sqlMigration } from '../src/db/migration.js';

export const { up, down } = sqlMigration(
  `
-- Four-eyes on large amounts: every staff approval of a pending withdrawal or adjustment is a row;
-- the decision executes once two different people have approved (an adjustment's requester is
-- the first pair of eyes and never approves it).
CREATE TABLE transaction_approvals (
  transaction_id integer NOT NULL REFERENCES transactions(id),
  staff_id       integer NOT NULL REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (transaction_id, staff_id)
);

-- A staff adjustment waiting for a second person keeps who asked for it and which way it goes.
ALTER TABLE transactions
  ADD COLUMN requested_by integer REFERENCES users(id),
  ADD COLUMN adjustment_sign smallint CHECK (adjustment_sign IN (-1, 1)),
  ADD CONSTRAINT transactions_adjustment_request_check CHECK ((adjustment_sign IS NOT NULL) = (transaction_type = 'adjustment' AND requested_by IS NOT NULL));
`,
  `DROP TABLE transaction_approvals;
   ALTER TABLE transactions DROP CONSTRAINT transactions_adjustment_request_check, DROP COLUMN adjustment_sign, DROP COLUMN requested_by;`,
);
