import { QueryTypes } from 'sequelize';
import { CONFIG, CONFIG_KEYS } from '../src/config/config.catalogue.js';
import { repairStoredConfig } from '../src/config/config.service.js';
import type { SeedContext } from '../src/db/migrate.js';

/**
 * Inserts every configuration key that is missing and never overwrites a valid value staff set;
 * a stored value that is invalid anyway (written by SQL, say) is logged and replaced by its default,
 * so a bad value can never keep the server from starting.
 */
export async function up({ sequelize, logger }: SeedContext): Promise<void> {
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
  await repairStoredConfig(logger);
}
