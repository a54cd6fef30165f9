import type { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { actorFrom } from '../audit/actor.js';
import {
  addChartPointBody,
  adminPriceView,
  chartPoint,
  chartQuery,
  chartView,
  generateChartBody,
  generatedView,
  mxcPriceView,
  pageQuery,
  priceRecord,
  setPriceBody,
} from './market.schemas.js';
import { currentMxcPrice, priceHistory, updateMxcPrice } from './mxc-price.service.js';
import { addChartPoint, generateChartPoints, mxcChart } from './mxc-chart.service.js';

export function marketRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/dashboard/mxc-price',
      summary: 'MXC price, market data and token info, as staff set them',
      description:
        'The latest price record flattened, `source` `admin` (set by staff) or `seed` (the default row inserted at installation). ' +
        'With no record at all, every market field is null and `source` is `unset`: nothing is invented. Amounts are 8-decimal strings, change_24h a percent with 4 decimals.',
      tags: ['market'],
      access: 'member',
      response: mxcPriceView,
    },
    async () => currentMxcPrice(),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/dashboard/mxc-chart',
      summary: 'MXC price chart for 1h, 4h, 24h or 7d',
      description:
        'Stored points only, bucketed in epoch-aligned buckets (1h: 1 min × 60, 4h: 5 min × 48, 24h: 30 min × 48, 7d: 1 h × 168); the window is the current bucket and those before it. ' +
        'A bucket carries the last price (`price`), open/high/low, summed volume and `source` (`generated` if any point in it is). ' +
        '`high`, `low`, `volume`, `change_amount`, `change_percent` cover the requested window; `high_24h`, `low_24h`, `volume_24h` always cover the 24h window. ' +
        'An empty window gives `data_points: []` and null high/low.',
      tags: ['market'],
      access: 'member',
      query: chartQuery,
      response: chartView,
    },
    async ({ query }) => mxcChart(query.timeframe),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: '/admin/mxc-price',
      summary: 'Current MXC price record and paginated history (newest first)',
      tags: ['admin', 'market'],
      access: 'staff.read',
      query: pageQuery,
      response: adminPriceView,
    },
    async ({ query }) => priceHistory(query.page, query.per_page),
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: '/admin/mxc-price',
      summary: 'Set the MXC price (adds a history row, a chart point and an audit row)',
      description:
        '`price` is required. Derived when left out: `change_amount` = price − the price 24 h ago, `change_24h` = that difference as a percent of the price 24 h ago (4 decimals); ' +
        'the price 24 h ago is the newest record at or before then, or the oldest record when history is shorter. ' +
        'Carried over from the current record when left out: `market_cap`, `volume_24h`, `holders`, `transactions_24h`, `rank` (422 if there is no current record). ' +
        'The appended chart point (source `admin`) has the record\'s timestamp and volume `chart_volume` (default 0).',
      tags: ['admin', 'market'],
      access: 'market.write',
      body: setPriceBody,
      status: 200,
      response: z.object({ mxc_price: priceRecord }),
    },
    async ({ body, req }) => ({ mxc_price: await updateMxcPrice(actorFrom(req), body) }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/mxc-chart',
      summary: 'Add one chart point (source manual)',
      description: 'The timestamp must not be in the future. A timestamp that already has a point is refused with 409 `duplicate_timestamp` (the stored point is not changed).',
      tags: ['admin', 'market'],
      access: 'market.write',
      body: addChartPointBody,
      response: z.object({ data_point: chartPoint }),
    },
    async ({ body, req }) => ({ data_point: await addChartPoint(actorFrom(req), body) }),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: '/admin/mxc-chart/generate',
      summary: 'Generate chart points around the current price (source generated)',
      description:
        'Fills the timeframe\'s window with `data_points` (1-1000) evenly spaced points from a random walk ending at the current price, every price within ±5 % of it. ' +
        'Give `seed` to repeat a walk; the seed used is returned. Timestamps that already hold a point are skipped (`skipped`), never overwritten.',
      tags: ['admin', 'market'],
      access: 'market.write',
      body: generateChartBody,
      response: generatedView,
    },
    async ({ body, req }) => generateChartPoints(actorFrom(req), body),
  );
}
