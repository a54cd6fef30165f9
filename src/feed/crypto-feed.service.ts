import { QueryTypes } from 'sequelize';
import type { Logger } from 'pino';
import { db } from '../db/database.js';
import { getConfig } from '../config/config.service.js';
import { fetchCoinMarkets, FeedError } from './coingecko.client.js';
import { toCryptoItem, type CryptoItem } from './coingecko.schemas.js';

export type RefreshResult =
  | { status: 'ok'; count: number }
  | { status: 'failed'; error: string }
  | { status: 'skipped'; reason: 'not_due' };

// A tick that lands a moment before the period is up still counts as due.
const DUE_TOLERANCE_SECONDS = 2;

/**
 * Fetches CoinGecko once and stores the result as the shared snapshot; on any failure the previous
 * snapshot stays and the error is recorded. With `onlyIfDue`, it first claims the refresh in the
 * database (last_attempt_at older than crypto_refresh_seconds), so several instances and job ticks
 * share one fetch per period.
 */
export async function refreshCryptoFeed(opts: { onlyIfDue?: boolean; logger?: Logger } = {}): Promise<RefreshResult> {
  const { crypto_refresh_seconds: period, token_symbol } = await getConfig(['crypto_refresh_seconds', 'token_symbol']);
  const due = opts.onlyIfDue
    ? `AND (last_attempt_at IS NULL OR last_attempt_at <= now() - make_interval(secs => :period) + make_interval(secs => :tolerance))`
    : '';
  const claimed = await db().query(`UPDATE crypto_feed SET last_attempt_at = now() WHERE id = 1 ${due} RETURNING id`, {
    replacements: { period, tolerance: DUE_TOLERANCE_SECONDS },
    type: QueryTypes.SELECT,
  });
  if (!claimed.length) return { status: 'skipped', reason: 'not_due' };

  try {
    const coins = await fetchCoinMarkets();
    // MXC has no external feed: a same-symbol coin upstream is some other token.
    const items = coins.filter((c) => c.symbol.toLowerCase() !== token_symbol.toLowerCase()).map(toCryptoItem);
    await db().query(
      `UPDATE crypto_feed SET items = CAST(:items AS jsonb), fetched_at = now(), last_error = NULL, last_error_at = NULL WHERE id = 1`,
      { replacements: { items: JSON.stringify(items) }, type: QueryTypes.UPDATE },
    );
    return { status: 'ok', count: items.length };
  } catch (error) {
    const message = error instanceof FeedError ? error.message : `unexpected error: ${String(error)}`;
    if (error instanceof FeedError) opts.logger?.warn({ code: error.code, issues: error.issues, err: message }, 'crypto feed refresh failed; the previous snapshot stays');
    else opts.logger?.error({ err: error }, 'crypto feed refresh crashed; the previous snapshot stays');
    await db().query(`UPDATE crypto_feed SET last_error = :message, last_error_at = now() WHERE id = 1`, {
      replacements: { message: message.slice(0, 1000) },
      type: QueryTypes.UPDATE,
    });
    return { status: 'failed', error: message };
  }
}

/** The stale rule, in one place: never fetched, last refresh failed, or older than three periods. */
const STALE = `(fetched_at IS NULL OR last_error IS NOT NULL OR fetched_at < now() - make_interval(secs => 3 * :period))`;

interface SnapshotRow {
  items: CryptoItem[];
  fetched_at: Date | null;
  stale: boolean;
}

/**
 * Served from the stored snapshot only — the request path never calls CoinGecko. `stale` is true
 * before the first success, after a failed refresh, or when the snapshot is older than three
 * refresh periods.
 */
export async function cryptoPrices(filter: { ids?: string[]; limit: number }) {
  const { crypto_refresh_seconds: period } = await getConfig(['crypto_refresh_seconds']);
  const [row] = await db().query<SnapshotRow>(
    `SELECT items, fetched_at,
            ${STALE} AS stale
       FROM crypto_feed WHERE id = 1`,
    { replacements: { period }, type: QueryTypes.SELECT },
  );
  const wanted = filter.ids ? new Set(filter.ids) : undefined;
  const items = (row?.items ?? []).filter((item) => !wanted || wanted.has(item.id)).slice(0, filter.limit);
  return { items, fetched_at: row?.fetched_at ? new Date(row.fetched_at).toISOString() : null, stale: row?.stale ?? true };
}

/** For staff: the snapshot's health, including the last error (never shown to members). */
export async function cryptoFeedStatus() {
  const { crypto_refresh_seconds: period } = await getConfig(['crypto_refresh_seconds']);
  const [row] = await db().query<{ count: number; fetched_at: Date | null; last_attempt_at: Date | null; last_error: string | null; last_error_at: Date | null; stale: boolean }>(
    `SELECT jsonb_array_length(items) AS count, fetched_at, last_attempt_at, last_error, last_error_at,
            ${STALE} AS stale
       FROM crypto_feed WHERE id = 1`,
    { replacements: { period }, type: QueryTypes.SELECT },
  );
  const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
  return {
    refresh_seconds: period,
    count: row?.count ?? 0,
    fetched_at: iso(row?.fetched_at),
    last_attempt_at: iso(row?.last_attempt_at),
    last_error: row?.last_error ?? null,
    last_error_at: iso(row?.last_error_at),
    stale: row?.stale ?? true,
  };
}
