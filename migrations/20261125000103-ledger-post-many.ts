import { sqlMigration } from '../src/db/migration.js';

export const { up, down } = sqlMigration(
  `
-- Several postings of one unit in one round trip (an investment: principal, commissions, bonus):
-- each element is one ledger_post call's arguments, applied in order.
CREATE FUNCTION ledger_post_many(p_postings jsonb) RETURNS TABLE (ord int, posting_id bigint, transaction_id int, created_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_posting jsonb;
  v_ord bigint;
  r record;
BEGIN
  FOR v_posting, v_ord IN SELECT e.value, e.ordinality FROM jsonb_array_elements(p_postings) WITH ORDINALITY AS e LOOP
    SELECT * INTO r FROM ledger_post(
      v_posting->>'kind', v_posting->>'description', (v_posting->>'transaction_id')::int, (v_posting->>'created_by')::int,
      CASE WHEN jsonb_typeof(v_posting->'record') = 'object' THEN v_posting->'record' END,
      ARRAY(SELECT x::int FROM jsonb_array_elements_text(v_posting->'user_ids') WITH ORDINALITY AS a(x, i) ORDER BY i),
      ARRAY(SELECT x FROM jsonb_array_elements_text(v_posting->'wallet_types') WITH ORDINALITY AS a(x, i) ORDER BY i),
      ARRAY(SELECT x::boolean FROM jsonb_array_elements_text(v_posting->'locked') WITH ORDINALITY AS a(x, i) ORDER BY i),
      ARRAY(SELECT x::numeric FROM jsonb_array_elements_text(v_posting->'member_debits') WITH ORDINALITY AS a(x, i) ORDER BY i),
      ARRAY(SELECT x::numeric FROM jsonb_array_elements_text(v_posting->'member_credits') WITH ORDINALITY AS a(x, i) ORDER BY i),
      ARRAY(SELECT x FROM jsonb_array_elements_text(v_posting->'accounts') WITH ORDINALITY AS a(x, i) ORDER BY i),
      ARRAY(SELECT x::numeric FROM jsonb_array_elements_text(v_posting->'platform_debits') WITH ORDINALITY AS a(x, i) ORDER BY i),
      ARRAY(SELECT x::numeric FROM jsonb_array_elements_text(v_posting->'platform_credits') WITH ORDINALITY AS a(x, i) ORDER BY i));
    ord := v_ord;
    posting_id := r.posting_id;
    transaction_id := r.transaction_id;
    created_at := r.created_at;
    RETURN NEXT;
  END LOOP;
END $$;
`,
  `DROP FUNCTION ledger_post_many(jsonb);`,
);
