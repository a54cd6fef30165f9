import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { getConfig } from '../config/config.service.js';
import { audit } from '../audit/audit.service.js';
import type { Actor } from '../audit/actor.js';
import { conflict, unprocessable } from '../http/errors.js';
import { Decimal, formatMoney } from '../money/money.js';
import type { SetPriceInput } from './market.schemas.js';
import type { PriceSource } from './mxc-price.model.js';

interface PriceRow {
  id: number;
  price: string;
  change_24h: string;
  change_amount: string;
  market_cap: string;
  volume_24h: string;
  holders: number;
  transactions_24h: number;
  rank: string;
  source: PriceSource;
  updated_by: number | null;
  created_at: Date;
}

export type PriceRecord = ReturnType<typeof toPriceRecord>;

const percent = (value: Decimal.Value) => new Decimal(value).toFixed(4);

export function toPriceRecord(row: PriceRow) {
  return {
    id: row.id,
    price: formatMoney(row.price),
    change_24h: percent(row.change_24h),
    change_amount: formatMoney(row.change_amount),
    market_cap: formatMoney(row.market_cap),
    volume_24h: formatMoney(row.volume_24h),
    holders: row.holders,
    transactions_24h: row.transactions_24h,
    rank: row.rank,
    source: row.source,
    updated_by: row.updated_by,
    created_at: new Date(row.created_at).toISOString(),
  };
}

const COLUMNS = `id, price, change_24h, change_amount, market_cap, volume_24h, holders, transactions_24h, rank, source, updated_by, created_at`;

async function latestPriceRow(tx?: Transaction): Promise<PriceRow | undefined> {
  const [row] = await db().query<PriceRow>(`SELECT ${COLUMNS} FROM mxc_prices ORDER BY created_at DESC, id DESC LIMIT 1`, {
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  return row;
}

async function tokenInfo() {
  const c = await getConfig(['token_name', 'token_symbol', 'token_network', 'token_contract_address', 'token_total_supply', 'token_circulating_supply']);
  return {
    name: c.token_name,
    symbol: c.token_symbol,
    network: c.token_network,
    contract_address: c.token_contract_address,
    total_supply: formatMoney(c.token_total_supply),
    circulating_supply: formatMoney(c.token_circulating_supply),
  };
}

/** What members see: the latest price row flattened, or nulls with `source: 'unset'` — never invented. */
export async function currentMxcPrice() {
  const [row, token] = await Promise.all([latestPriceRow(), tokenInfo()]);
  if (!row) {
    return {
      price: null, change_24h: null, change_amount: null, market_cap: null, volume_24h: null,
      holders: null, transactions_24h: null, rank: null, updated_at: null, source: 'unset' as const, token,
    };
  }
  const r = toPriceRecord(row);
  return {
    price: r.price, change_24h: r.change_24h, change_amount: r.change_amount, market_cap: r.market_cap, volume_24h: r.volume_24h,
    holders: r.holders, transactions_24h: r.transactions_24h, rank: r.rank, updated_at: r.created_at, source: r.source, token,
  };
}

/** Staff view: the current row and the history, newest first. */
export async function priceHistory(page: number, perPage: number) {
  const [current, rows, [{ total }]] = await Promise.all([
    latestPriceRow(),
    db().query<PriceRow>(`SELECT ${COLUMNS} FROM mxc_prices ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`, {
      replacements: { limit: perPage, offset: (page - 1) * perPage },
      type: QueryTypes.SELECT,
    }),
    db().query<{ total: number }>(`SELECT count(*)::int AS total FROM mxc_prices`, { type: QueryTypes.SELECT }),
  ]);
  return {
    current: current ? toPriceRecord(current) : null,
    history: { items: rows.map(toPriceRecord), page, per_page: perPage, total },
  };
}

/**
 * The price in effect 24 h ago: the newest row at or before that instant. When history is shorter
 * than 24 h, the oldest row stands in for it (the earliest price known).
 */
async function referencePrice(tx: Transaction): Promise<Decimal | undefined> {
  const [row] = await db().query<{ price: string }>(
    `(SELECT price, 0 AS pick FROM mxc_prices WHERE created_at <= clock_timestamp() - interval '24 hours' ORDER BY created_at DESC, id DESC LIMIT 1)
     UNION ALL
     (SELECT price, 1 AS pick FROM mxc_prices ORDER BY created_at ASC, id ASC LIMIT 1)
     ORDER BY pick LIMIT 1`,
    { type: QueryTypes.SELECT, transaction: tx },
  );
  return row ? new Decimal(row.price) : undefined;
}

const CARRIED = ['market_cap', 'volume_24h', 'holders', 'transactions_24h', 'rank'] as const;
const MAX_PERCENT = new Decimal(1_000_000); // NUMERIC(10,4)
// Price updates derive from the row before them: one at a time.
const PRICE_LOCK = 727_101;

/**
 * Sets a new MXC price (a new history row), appends a chart point (source admin) and an audit row,
 * all in one transaction. Left-out fields: change_amount and change_24h are derived from the
 * price 24 h ago; market_cap, volume_24h, holders, transactions_24h and rank carry over from the
 * current row.
 */
export async function updateMxcPrice(actor: Actor, input: SetPriceInput): Promise<PriceRecord> {
  return db().transaction(async (tx) => {
    await db().query('SELECT pg_advisory_xact_lock(:key)', { replacements: { key: PRICE_LOCK }, type: QueryTypes.SELECT, transaction: tx });
    const previous = await latestPriceRow(tx);
    const missing = CARRIED.filter((field) => input[field] === undefined && !previous);
    if (missing.length) {
      throw unprocessable('price_fields_required', 'No current price to carry these fields over from: give them', missing.map((field) => ({ field, message: 'is required' })));
    }
    const reference = await referencePrice(tx);
    const price = input.price;
    const changeAmount = input.change_amount ?? (reference ? price.minus(reference) : new Decimal(0));
    const change24h =
      input.change_24h ?? (reference && !reference.isZero() ? price.minus(reference).div(reference).times(100).toDecimalPlaces(4, Decimal.ROUND_HALF_UP) : new Decimal(0));
    if (change24h.abs().gte(MAX_PERCENT)) {
      throw unprocessable('change_out_of_range', 'The 24 h change is too large to record; give change_24h explicitly', [{ field: 'change_24h', message: 'must be below 1000000 percent' }]);
    }

    const [row] = await db().query<PriceRow>(
      `INSERT INTO mxc_prices (price, change_24h, change_amount, market_cap, volume_24h, holders, transactions_24h, rank, source, updated_by)
       VALUES (:price, :change_24h, :change_amount, :market_cap, :volume_24h, :holders, :transactions_24h, :rank, 'admin', :updated_by)
       RETURNING ${COLUMNS}`,
      {
        replacements: {
          price: price.toFixed(),
          change_24h: change24h.toFixed(),
          change_amount: changeAmount.toFixed(),
          market_cap: input.market_cap?.toFixed() ?? previous!.market_cap,
          volume_24h: input.volume_24h?.toFixed() ?? previous!.volume_24h,
          holders: input.holders ?? previous!.holders,
          transactions_24h: input.transactions_24h ?? previous!.transactions_24h,
          rank: input.rank ?? previous!.rank,
          updated_by: actor.id,
        },
        type: QueryTypes.SELECT,
        transaction: tx,
      },
    );
    try {
      await db().query(
        `INSERT INTO mxc_chart_data (timestamp, price, volume, source, created_by) VALUES (:timestamp, :price, :volume, 'admin', :created_by)`,
        { replacements: { timestamp: row.created_at, price: row.price, volume: input.chart_volume?.toFixed() ?? '0', created_by: actor.id }, type: QueryTypes.INSERT, transaction: tx },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw conflict('duplicate_timestamp', 'A chart point already exists at this instant; try again');
      throw error;
    }
    const record = toPriceRecord(row);
    await audit(actor, { action: 'mxc_price.update', target: { type: 'mxc_price', id: row.id }, before: previous ? toPriceRecord(previous) : null, after: record, reason: input.reason }, tx);
    return record;
  });
}

export async function currentPriceValue(tx?: Transaction): Promise<Decimal | undefined> {
  const row = await latestPriceRow(tx);
  return row ? new Decimal(row.price) : undefined;
}
