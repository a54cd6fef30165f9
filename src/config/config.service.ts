import { QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/database.js';
import { CONFIG, type ConfigKey, type ConfigValue } from './config.catalogue.js';

/**
 * Reads configuration fresh from the database (inside the caller's transaction when given), so a
 * staff change applies to every operation that starts after it, on every instance.
 */
export async function getConfig<K extends ConfigKey>(keys: readonly K[], tx?: Transaction): Promise<{ [P in K]: ConfigValue<P> }> {
  const rows = await db().query<{ key: K; value: unknown }>('SELECT key, value FROM admin_configs WHERE key IN (:keys)', {
    replacements: { keys },
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const out = {} as { [P in K]: ConfigValue<P> };
  for (const key of keys) {
    const entry = CONFIG[key];
    const parsed = entry.schema.safeParse(stored.has(key) ? stored.get(key) : entry.default);
    // A stored value that no longer fits its schema falls back to the default rather than breaking money paths.
    out[key] = (parsed.success ? parsed.data : entry.schema.parse(entry.default)) as ConfigValue<typeof key>;
  }
  return out;
}

export async function getConfigValue<K extends ConfigKey>(key: K, tx?: Transaction): Promise<ConfigValue<K>> {
  return (await getConfig([key], tx))[key];
}
