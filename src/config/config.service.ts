import { QueryTypes, type Transaction } from 'sequelize';
import { db, inTransaction } from '../db/database.js';
import { badRequest, type ErrorDetail } from '../http/errors.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { AdminConfig } from './admin-config.model.js';
import { CONFIG, CONFIG_KEYS, isConfigKey, type ConfigKey, type ConfigValue } from './config.catalogue.js';
import { FeedCache } from '../db/feed-cache.js';
import { feedGeneration, onChange } from '../db/change-feed.js';

/** The stored values, kept while the change feed is live: any write to admin_configs drops them everywhere. */
const cache = new FeedCache<'all', Map<string, unknown>>(60_000, 1);
onChange((message) => message === 'admin_configs' && cache.clear());

async function storedValues(tx?: Transaction): Promise<Map<string, unknown>> {
  const cached = cache.get('all');
  if (cached) return cached;
  const generation = feedGeneration();
  const rows = await db().query<{ key: string; value: unknown }>('SELECT key, value FROM admin_configs', { type: QueryTypes.SELECT, transaction: tx });
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  cache.set('all', stored, generation);
  return stored;
}

/**
 * Current configuration: a staff change applies to every operation that starts after it, on every
 * instance (the change feed drops each instance's copy at commit).
 */
export async function getConfig<K extends ConfigKey>(keys: readonly K[], tx?: Transaction): Promise<{ [P in K]: ConfigValue<P> }> {
  const stored = await storedValues(tx);
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

/** Every key with its current value and meaning, for staff. */
export async function listConfig() {
  const values = await getConfig(CONFIG_KEYS);
  const rows = await AdminConfig.findAll({ attributes: ['key', 'updated_at', 'updated_by'] });
  const meta = new Map(rows.map((r) => [r.key, r]));
  return CONFIG_KEYS.map((key) => ({
    key,
    value: values[key],
    description: CONFIG[key].description,
    updated_at: meta.get(key)?.updated_at.toISOString() ?? null,
    updated_by: meta.get(key)?.updated_by ?? null,
  }));
}

/**
 * Validates every key by its own schema first (any bad key: 400, nothing written), then writes
 * and audits each change in one transaction.
 */
export async function updateConfig(actor: Actor, changes: Record<string, unknown>) {
  const details: ErrorDetail[] = [];
  const parsed: [ConfigKey, unknown][] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (!isConfigKey(key)) {
      details.push({ field: key, message: 'is not a configuration key' });
      continue;
    }
    const result = CONFIG[key].schema.safeParse(value);
    if (result.success) parsed.push([key, result.data]);
    else details.push(...result.error.issues.map((i) => ({ field: [key, ...i.path].join('.'), message: i.message })));
  }
  if (details.length) throw badRequest('Configuration is invalid', details);
  if (parsed.length === 0) throw badRequest('Nothing to change', [{ field: '(body)', message: 'name at least one key' }]);
  await inTransaction(async (tx) => {
    for (const [key, value] of parsed) {
      const before = (await AdminConfig.findOne({ where: { key }, transaction: tx, lock: tx.LOCK.UPDATE }))?.value ?? null;
      await db().query(
        `INSERT INTO admin_configs (key, value, description, updated_by, updated_at)
         VALUES (:key, CAST(:value AS jsonb), :description, :actor, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        { replacements: { key, value: JSON.stringify(value), description: CONFIG[key].description, actor: actor.id }, type: QueryTypes.INSERT, transaction: tx },
      );
      await audit(actor, { action: 'config.update', target: { type: 'config', id: key }, before, after: value }, tx);
    }
  });
  return listConfig();
}
