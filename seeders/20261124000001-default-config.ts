import { QueryTypes } from 'sequelize';
import { CONFIG, CONFIG_KEYS } from '../src/config/config.catalogue.js';
import type { SeedContext } from '../src/db/migrate.js';

/** Inserts every configuration key that is missing; never overwrites what staff set. */
export async function up({ sequelize }: SeedContext): Promise<void> {
  for (const key of CONFIG_KEYS) {
    const entry = CONFIG[key];
    await sequelize.query(
      `INSERT INTO admin_configs (key, value, description) VALUES (:key, CAST(:value AS jsonb), :description)
       ON CONFLICT (key) DO NOTHING`,
      {
        replacements: { key, value: JSON.stringify(entry.schema.parse(entry.default)), description: entry.description },
        type: QueryTypes.INSERT,
      },
    );
  }
}
