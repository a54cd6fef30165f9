import { sqlMigration } from '../src/db/migration.js';

export const { up, down } = sqlMigration(
  `
-- Transactional outbox: a mail row commits with the event it reports; the send-email job delivers it.
CREATE TABLE email_outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id         integer REFERENCES users(id) ON DELETE SET NULL,
  to_address      varchar(255) NOT NULL,
  template        varchar(64)  NOT NULL,
  subject         varchar(255) NOT NULL,
  text            text NOT NULL,
  html            text NOT NULL,
  category        varchar(16)  NOT NULL CHECK (category IN ('transaction','security','staff')),
  status          varchar(16)  NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed','skipped')),
  attempts        integer      NOT NULL DEFAULT 0,
  last_error      text,
  created_at      timestamptz  NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  -- pending: when the sweep may treat the row as lost; sending: when the claim lease runs out.
  next_attempt_at timestamptz
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE status IN ('pending','sending');
CREATE INDEX email_outbox_status_idx ON email_outbox (status, created_at DESC);
CREATE INDEX email_outbox_user_idx ON email_outbox (user_id, created_at DESC);

-- One row per job run, whatever the Agenda backend: what ran, where, how it ended.
CREATE TABLE job_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_name    varchar(64)  NOT NULL,
  job_id      varchar(64),
  attempt     integer      NOT NULL DEFAULT 1,
  worker      varchar(128),
  started_at  timestamptz  NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome     varchar(16)  NOT NULL DEFAULT 'running' CHECK (outcome IN ('running','success','retrying','failed','abandoned')),
  counts      jsonb,
  error       text
);
CREATE INDEX job_runs_started_at_idx ON job_runs (started_at DESC);
CREATE INDEX job_runs_job_name_idx ON job_runs (job_name, started_at DESC);
CREATE INDEX job_runs_job_id_idx ON job_runs (job_id);
`,
  `DROP TABLE job_runs; DROP TABLE email_outbox;`,
);
