import { sqlMigration } from '../src/db/migration.js';

export const { up, down } = sqlMigration(
  `
-- Every instance keeps short-lived copies of what each request would otherwise read again (who a
-- token belongs to, whether it was logged out, the configuration). These triggers announce each
-- change on one channel at commit (src/db/change-feed.ts), whatever code path made it, so every
-- instance drops its copy at once.
CREATE FUNCTION metax_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('metax_changes', 'user:' || coalesce(NEW.id, OLD.id));
  ELSIF TG_TABLE_NAME = 'revoked_tokens' THEN
    PERFORM pg_notify('metax_changes', 'token:' || NEW.jti);
  ELSE
    PERFORM pg_notify('metax_changes', TG_TABLE_NAME);
  END IF;
  RETURN NULL;
END $$;

-- Only the columns a token check reads: balance-side updates of users (team volume, rank) stay silent.
CREATE TRIGGER users_announce AFTER UPDATE OF username, role, is_active, token_version OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION metax_announce_change();
CREATE TRIGGER revoked_tokens_announce AFTER INSERT ON revoked_tokens
  FOR EACH ROW EXECUTE FUNCTION metax_announce_change();
CREATE TRIGGER admin_configs_announce AFTER INSERT OR UPDATE OR DELETE ON admin_configs
  FOR EACH STATEMENT EXECUTE FUNCTION metax_announce_change();
`,
  `DROP TRIGGER admin_configs_announce ON admin_configs;
   DROP TRIGGER revoked_tokens_announce ON revoked_tokens;
   DROP TRIGGER users_announce ON users;
   DROP FUNCTION metax_announce_change();`,
);
