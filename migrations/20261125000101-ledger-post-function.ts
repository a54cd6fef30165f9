import { sqlMigration } from '../src/db/migration.js';

export const { up, down } = sqlMigration(
  `
-- One posting in one round trip (src/wallets/ledger.service.ts post()): lock the member wallets in
-- the lock order, apply the legs, refuse a bucket below zero (MX001) or past NUMERIC(20,8)
-- (MX002), write the member-visible transactions row when given, the posting, its entries and
-- the new balances. The caller has checked that the legs balance.
CREATE FUNCTION ledger_post(
  p_kind text, p_description text, p_transaction_id int, p_created_by int, p_record jsonb,
  p_user_ids int[], p_wallet_types text[], p_locked boolean[], p_member_debits numeric[], p_member_credits numeric[],
  p_accounts text[], p_platform_debits numeric[], p_platform_credits numeric[]
) RETURNS TABLE (posting_id bigint, transaction_id int, created_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_wallet_ids int[];
  v_users int[];
  v_types text[];
  v_balances numeric[];
  v_locked numeric[];
  v_bad text;
  v_posting bigint;
  v_transaction int := p_transaction_id;
  v_created timestamptz;
BEGIN
  PERFORM 1 FROM wallets w
    JOIN (SELECT DISTINCT u, t FROM unnest(p_user_ids, p_wallet_types) AS k(u, t)) k ON w.user_id = k.u AND w.wallet_type = k.t
   ORDER BY w.user_id, w.wallet_type COLLATE "C"
     FOR NO KEY UPDATE OF w;

  SELECT array_agg(n.id), array_agg(n.u), array_agg(n.t), array_agg(n.balance), array_agg(n.locked)
    INTO v_wallet_ids, v_users, v_types, v_balances, v_locked
    FROM (SELECT w.id, k.u, k.t,
                 w.balance + coalesce(sum(l.credit - l.debit) FILTER (WHERE NOT l.locked), 0) AS balance,
                 w.locked_balance + coalesce(sum(l.credit - l.debit) FILTER (WHERE l.locked), 0) AS locked
            FROM (SELECT DISTINCT u, t FROM unnest(p_user_ids, p_wallet_types) AS k(u, t)) k
            LEFT JOIN wallets w ON w.user_id = k.u AND w.wallet_type = k.t
            JOIN unnest(p_user_ids, p_wallet_types, p_locked, p_member_debits, p_member_credits) AS l(u, t, locked, debit, credit)
              ON l.u = k.u AND l.t = k.t
           GROUP BY w.id, k.u, k.t, w.balance, w.locked_balance
           ORDER BY k.u, k.t) n;

  SELECT format('no %s wallet for user %s', t, u) INTO v_bad FROM unnest(v_wallet_ids, v_users, v_types) AS x(id, u, t) WHERE id IS NULL LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION '%', v_bad;
  END IF;
  SELECT t INTO v_bad FROM unnest(v_types, v_balances, v_locked) AS x(t, b, l) WHERE b < 0 OR l < 0 LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'insufficient funds' USING ERRCODE = 'MX001', DETAIL = v_bad;
  END IF;
  SELECT t INTO v_bad FROM unnest(v_types, v_balances, v_locked) AS x(t, b, l) WHERE b > 999999999999.99999999 OR l > 999999999999.99999999 LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'amount out of range' USING ERRCODE = 'MX002', DETAIL = v_bad;
  END IF;

  IF p_record IS NOT NULL THEN
    INSERT INTO transactions (user_id, transaction_type, wallet_type, to_wallet_type, amount, fee, net_amount, status, description,
                              reference, wallet_address, tx_hash, admin_notes, reason, processed_by, processed_at)
    SELECT r.user_id, r.transaction_type, r.wallet_type, r.to_wallet_type, r.amount, coalesce(r.fee, 0), r.net_amount,
           coalesce(r.status, 'pending'), r.description, r.reference, r.wallet_address, r.tx_hash, r.admin_notes, r.reason,
           r.processed_by, r.processed_at
      FROM jsonb_populate_record(NULL::transactions, p_record) r
    RETURNING transactions.id, transactions.created_at INTO v_transaction, v_created;
  END IF;

  INSERT INTO ledger_postings (kind, description, transaction_id, created_by)
  VALUES (p_kind, p_description, v_transaction, p_created_by) RETURNING id INTO v_posting;

  INSERT INTO ledger_entries (posting_id, account, wallet_id, debit, credit)
  SELECT v_posting, CASE WHEN l.locked THEN 'member:locked' ELSE 'member:balance' END, n.id, l.debit, l.credit
    FROM unnest(p_user_ids, p_wallet_types, p_locked, p_member_debits, p_member_credits) AS l(u, t, locked, debit, credit)
    JOIN unnest(v_wallet_ids, v_users, v_types) AS n(id, u, t) ON n.u = l.u AND n.t = l.t
  UNION ALL
  SELECT v_posting, a.account, NULL, a.debit, a.credit
    FROM unnest(p_accounts, p_platform_debits, p_platform_credits) AS a(account, debit, credit);

  UPDATE wallets SET balance = n.balance, locked_balance = n.locked, updated_at = now()
    FROM unnest(v_wallet_ids, v_balances, v_locked) AS n(id, balance, locked) WHERE wallets.id = n.id;

  RETURN QUERY SELECT v_posting, v_transaction, v_created;
END $$;
`,
  `DROP FUNCTION ledger_post(text, text, int, int, jsonb, int[], text[], boolean[], numeric[], numeric[], text[], numeric[], numeric[]);`,
);
