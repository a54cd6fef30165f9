import { randomInt } from 'node:crypto';
import { QueryTypes, UniqueConstraintError } from 'sequelize';
import { db } from '../db/database.js';
import { audit } from '../audit/audit.service.js';
import type { Actor } from '../audit/actor.js';
import { conflict, unprocessable } from '../http/errors.js';
import { Decimal, formatMoney } from '../money/money.js';
import { chartWindow, type ChartWindow } from './chart-window.js';
import type { AddChartPointInput, GenerateChartInput, Timeframe } from './market.schemas.js';
import type { ChartSource } from './mxc-chart.model.js';
import { currentPriceValue } from './mxc-price.service.js';
import { randomWalk } from './random-walk.js';

interface PointRow {
  id: string;
  timestamp: Date;
  price: string;
  volume: string;
  source: ChartSource;
  created_by: number | null;
}

interface BucketRow {
  bucket: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  points: number;
  source: ChartSource;
}

function toPoint(row: PointRow) {
  return {
    id: String(row.id),
    timestamp: new Date(row.timestamp).toISOString(),
    price: formatMoney(row.price),
    volume: formatMoney(row.volume),
    source: row.source,
    created_by: row.created_by,
  };
}

/** Stored points in the window grouped into epoch-aligned buckets, oldest first. */
async function bucketsIn(window: ChartWindow): Promise<BucketRow[]> {
  return db().query<BucketRow>(
    `SELECT date_bin(CAST(:step AS interval), timestamp, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
            (array_agg(price ORDER BY timestamp ASC))[1]  AS open,
            max(price) AS high,
            min(price) AS low,
            (array_agg(price ORDER BY timestamp DESC))[1] AS close,
            sum(volume) AS volume,
            count(*)::int AS points,
            CASE WHEN bool_or(source = 'generated') THEN 'generated'
                 ELSE (array_agg(source ORDER BY timestamp DESC))[1] END AS source
       FROM mxc_chart_data
      WHERE timestamp >= :start AND timestamp <= :end
      GROUP BY bucket
      ORDER BY bucket`,
    { replacements: { step: `${window.bucketSeconds} seconds`, start: window.start, end: window.end }, type: QueryTypes.SELECT },
  );
}

function summarise(buckets: BucketRow[]) {
  if (!buckets.length) return { open: null, close: null, high: null, low: null, volume: formatMoney(0), change_amount: null, change_percent: null };
  const open = new Decimal(buckets[0].open);
  const close = new Decimal(buckets[buckets.length - 1].close);
  const high = Decimal.max(...buckets.map((b) => b.high));
  const low = Decimal.min(...buckets.map((b) => b.low));
  const volume = buckets.reduce((sum, b) => sum.plus(b.volume), new Decimal(0));
  return {
    open: formatMoney(open),
    close: formatMoney(close),
    high: formatMoney(high),
    low: formatMoney(low),
    volume: formatMoney(volume),
    change_amount: formatMoney(close.minus(open)),
    change_percent: close.minus(open).div(open).times(100).toFixed(4, Decimal.ROUND_HALF_UP),
  };
}

async function databaseNow(): Promise<Date> {
  const [{ now }] = await db().query<{ now: Date }>('SELECT now() AS now', { type: QueryTypes.SELECT });
  return new Date(now);
}

/**
 * The chart for a timeframe from stored points only: an empty window gives an empty list and null
 * high/low. `high`, `low`, `volume`, `change_*` cover the requested window; `high_24h`, `low_24h`,
 * `volume_24h` (the spec's names) always cover the 24h window, whatever the timeframe.
 */
export async function mxcChart(timeframe: Timeframe) {
  const now = await databaseNow();
  const window = chartWindow(timeframe, now);
  const buckets = await bucketsIn(window);
  const summary = summarise(buckets);
  const day = timeframe === '24h' ? summary : summarise(await bucketsIn(chartWindow('24h', now)));
  return {
    timeframe,
    window_start: window.start.toISOString(),
    window_end: window.end.toISOString(),
    bucket_seconds: window.bucketSeconds,
    data_points: buckets.map((b) => ({
      timestamp: new Date(b.bucket).toISOString(),
      price: formatMoney(b.close),
      open: formatMoney(b.open),
      high: formatMoney(b.high),
      low: formatMoney(b.low),
      volume: formatMoney(b.volume),
      points: b.points,
      source: b.source,
    })),
    ...summary,
    high_24h: day.high,
    low_24h: day.low,
    volume_24h: day.volume,
  };
}

const POINT_COLUMNS = 'id, timestamp, price, volume, source, created_by';

/** Adds one manual chart point. A point already at that timestamp is left alone: 409. */
export async function addChartPoint(actor: Actor, input: AddChartPointInput) {
  return db().transaction(async (tx) => {
    let row: PointRow;
    try {
      [row] = await db().query<PointRow>(
        `INSERT INTO mxc_chart_data (timestamp, price, volume, source, created_by)
         VALUES (CAST(:timestamp AS timestamptz), :price, :volume, 'manual', :created_by) RETURNING ${POINT_COLUMNS}`,
        {
          replacements: { timestamp: input.timestamp, price: input.price.toFixed(), volume: input.volume?.toFixed() ?? '0', created_by: actor.id },
          type: QueryTypes.SELECT,
          transaction: tx,
        },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) {
        throw conflict('duplicate_timestamp', 'A chart point already exists at this timestamp', [{ field: 'timestamp', message: 'already has a point' }]);
      }
      throw error;
    }
    const point = toPoint(row);
    await audit(actor, { action: 'mxc_chart.add', target: { type: 'mxc_chart_point', id: point.id }, after: point, reason: input.reason }, tx);
    return point;
  });
}

/**
 * Fills the timeframe's window with `data_points` evenly spaced points (each in the middle of its
 * slot) from a seeded random walk around the current price, marked `generated`. Timestamps that
 * already hold a point are skipped, never overwritten.
 */
export async function generateChartPoints(actor: Actor, input: GenerateChartInput) {
  const seed = input.seed ?? randomInt(0, 2 ** 32 - 1);
  return db().transaction(async (tx) => {
    const base = await currentPriceValue(tx);
    if (!base) throw unprocessable('no_current_price', 'Set an MXC price before generating chart points');
    const now = await databaseNow();
    const window = chartWindow(input.timeframe, now);
    const n = input.data_points;
    const span = window.end.getTime() - window.start.getTime();
    const walk = randomWalk(base, n, seed);
    const timestamps = walk.map((_, i) => new Date(window.start.getTime() + Math.floor(((2 * i + 1) * span) / (2 * n))).toISOString());
    const rows = await db().query<PointRow>(
      `INSERT INTO mxc_chart_data (timestamp, price, volume, source, created_by)
       SELECT t, p, v, 'generated', :created_by
         FROM unnest(CAST(ARRAY[:timestamps] AS timestamptz[]), CAST(ARRAY[:prices] AS numeric[]), CAST(ARRAY[:volumes] AS numeric[])) AS g(t, p, v)
       ON CONFLICT (timestamp) DO NOTHING
       RETURNING ${POINT_COLUMNS}`,
      {
        replacements: { timestamps, prices: walk.map((w) => w.price.toFixed(8)), volumes: walk.map((w) => w.volume.toFixed(8)), created_by: actor.id },
        type: QueryTypes.SELECT,
        transaction: tx,
      },
    );
    const points = rows.map(toPoint).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    const result = {
      timeframe: input.timeframe,
      seed,
      base_price: formatMoney(base),
      requested: n,
      created: points.length,
      skipped: n - points.length,
      data_points: points,
    };
    await audit(
      actor,
      {
        action: 'mxc_chart.generate',
        target: { type: 'mxc_chart', id: null },
        after: {
          timeframe: result.timeframe, seed, base_price: result.base_price, requested: n, created: result.created, skipped: result.skipped,
          first_timestamp: points[0]?.timestamp ?? null, last_timestamp: points.at(-1)?.timestamp ?? null,
        },
        reason: input.reason,
      },
      tx,
    );
    return result;
  });
}
