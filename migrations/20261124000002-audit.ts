import { sqlMigration } from '../src/db/migration.js';

export const { up, down } = sqlMigration(
  `
CREATE TABLE audit_logs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id    integer REFERENCES users(id),
  actor_role  varchar(16),
  action      varchar(64) NOT NULL,
  target_type varchar(64) NOT NULL,
  target_id   varchar(64),
  before      jsonb,
  after       jsonb,
  reason      text,
  request_id  varchar(128),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_created_at_idx ON audit_logs (created_at DESC);
CREATE INDEX audit_logs_actor_idx ON audit_logs (actor_id, created_at DESC);
CREATE INDEX audit_logs_target_idx ON audit_logs (target_type, target_id);
CREATE INDEX audit_logs_action_idx ON audit_logs (action, created_at DESC);

-- Audit rows are evidence: never updated or deleted, whatever the caller.
CREATE FUNCTION audit_logs_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs rows are immutable';
END $$;
CREATE TRIGGER audit_logs_no_update BEFORE UPDATE OR DELETE ON audit_logs
  FOR EACH ROW EXECUTE FUNCTION audit_logs_immutable();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_immutable();
`,
  `DROP TABLE audit_logs; DROP FUNCTION audit_logs_immutable();`,
);
