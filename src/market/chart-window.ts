import type { Timeframe } from './market.schemas.js';

/**
 * Chart resolution per timeframe. Buckets are aligned to the Unix epoch (as `date_bin` in SQL
 * aligns them), so a bucket keeps its timestamp from one request to the next and the chart does
 * not jitter. The window is the current (partial) bucket and the buckets before it.
 */
export const TIMEFRAME_BUCKETS: Record<Timeframe, { bucketSeconds: number; buckets: number }> = {
  '1h': { bucketSeconds: 60, buckets: 60 },
  '4h': { bucketSeconds: 5 * 60, buckets: 48 },
  '24h': { bucketSeconds: 30 * 60, buckets: 48 },
  '7d': { bucketSeconds: 60 * 60, buckets: 168 },
};

export interface ChartWindow {
  start: Date;
  end: Date;
  bucketSeconds: number;
  buckets: number;
}

export function chartWindow(timeframe: Timeframe, now: Date): ChartWindow {
  const { bucketSeconds, buckets } = TIMEFRAME_BUCKETS[timeframe];
  const step = bucketSeconds * 1000;
  const currentBucket = Math.floor(now.getTime() / step) * step;
  return { start: new Date(currentBucket - (buckets - 1) * step), end: now, bucketSeconds, buckets };
}
