import { QueryTypes } from 'sequelize';
import type { SeedContext } from '../src/db/migrate.js';

/**
 * The spec's default MXC market data, inserted once as `source: 'seed'` so members see a price
 * before staff set one. Never runs again once any price row exists (seeders run on every start).
 */
export async function up({ sequelize }: SeedContext): Promise<void> {
  await sequelize.query(
    `INSERT INTO mxc_prices (price, change_24h, change_amount, market_cap, volume_24h, holders, transactions_24h, rank, source)
     SELECT 0.000654, 0, 0, 15600000, 234500, 12847, 1247, '#1247', 'seed'
      WHERE NOT EXISTS (SELECT 1 FROM mxc_prices)`,
    { type: QueryTypes.INSERT },
  );
}
