import { QueryTypes, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import { db, inTransaction } from '../db/database.js';
import { badRequest, type ErrorDetail } from '../http/errors.js';
import type { Actor } from '../audit/actor.js';
import { audit } from '../audit/audit.service.js';
import { AdminConfig } from './admin-config.model.js';
import { CONFIG, CONFIG_KEYS, CONFIG_RULES, isConfigKey, type ConfigKey, type ConfigValue, type ConfigValues } from './config.catalogue.js';
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

// Checked once per set of stored values (so once per change while the feed is live). Shared: read-only.
const checked = new WeakMap<Map<string, unknown>, Partial<ConfigValues>>();
function checkedValues(stored: Map<string, unknown>): Partial<ConfigValues> {
  let values = checked.get(stored);
  if (!values) checked.set(stored, (values = validValues(CONFIG_KEYS, stored)));
  return values;
}

let log: Pick<Logger, 'warn'> | undefined;
/** Where invalid stored values are reported (the server's logger). */
export function configureConfigLog(logger: Pick<Logger, 'warn'>): void {
  log = logger;
}

const defaults = new Map<ConfigKey, unknown>();
function defaultOf<K extends ConfigKey>(key: K): ConfigValue<K> {
  if (!defaults.has(key)) defaults.set(key, CONFIG[key].schema.parse(CONFIG[key].default));
  return defaults.get(key) as ConfigValue<K>;
}

// An invalid stored value is reported once per process and value, not on every read.
const reported = new Set<string>();
function reportInvalid(key: string, value: unknown, problem: string): void {
  const id = `${key}\u0000${JSON.stringify(value)}`;
  if (reported.has(id)) return;
  reported.add(id);
  log?.warn({ key, value, problem }, 'invalid stored configuration value: using its default');
}

/** A schema that throws on some odd input (a refinement bug) counts as refusing it, never as a 500. */
function parseValue(key: ConfigKey, value: unknown) {
  try {
    return CONFIG[key].schema.safeParse(value);
  } catch {
    return { success: false as const, error: { issues: [{ path: [] as PropertyKey[], message: 'is not a valid value' }] } };
  }
}

/**
 * Each key parsed by its schema, then every rule over several keys checked; whatever fails falls
 * back to its default. A service is never handed an invalid value, whatever was written by SQL.
 */
function validValues(keys: readonly ConfigKey[], stored: Map<string, unknown>): Partial<ConfigValues> {
  const values: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of keys) {
    if (!stored.has(key)) {
      values[key] = defaultOf(key);
      continue;
    }
    const parsed = parseValue(key, stored.get(key));
    if (parsed.success) values[key] = parsed.data;
    else {
      reportInvalid(key, stored.get(key), parsed.error.issues.map((i) => i.message).join('; '));
      values[key] = defaultOf(key);
    }
  }
  for (const rule of CONFIG_RULES) {
    if (!rule.keys.every((k) => k in values) || rule.holds(values as ConfigValues)) continue;
    for (const key of rule.keys) {
      reportInvalid(key, values[key], rule.message);
      values[key] = defaultOf(key);
    }
  }
  return values as Partial<ConfigValues>;
}

/**
 * Current configuration, every value checked (see validValues): a staff change applies to every
 * operation that starts after it, on every instance (the change feed drops each instance's copy at
 * commit).
 */
export async function getConfig<K extends ConfigKey>(keys: readonly K[], tx?: Transaction): Promise<{ [P in K]: ConfigValue<P> }> {
  const values = checkedValues(await storedValues(tx));
  return Object.fromEntries(keys.map((k) => [k, values[k]])) as { [P in K]: ConfigValue<P> };
}

export async function getConfigValue<K extends ConfigKey>(key: K, tx?: Transaction): Promise<ConfigValue<K>> {
  return (await getConfig([key], tx))[key];
}

/**
 * Checks only the database can make: the staking run does its day arithmetic in PostgreSQL, whose
 * time-zone list may differ from the one in Node's ICU.
 */
async function databaseProblems(values: Partial<ConfigValues>, tx?: Transaction): Promise<ErrorDetail[]> {
  if (values.staking_timezone === undefined) return [];
  const [row] = await db().query<{ known: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE lower(name) = lower(:tz)) AS known', {
    replacements: { tz: values.staking_timezone },
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  return row?.known ? [] : [{ field: 'staking_timezone', message: 'is not a time zone PostgreSQL knows' }];
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

async function writeValue(tx: Transaction, key: ConfigKey, value: unknown, actorId: number | null): Promise<unknown> {
  const before = (await AdminConfig.findOne({ where: { key }, transaction: tx, lock: tx.LOCK.UPDATE }))?.value ?? null;
  await db().query(
    `INSERT INTO admin_configs (key, value, description, updated_by, updated_at)
     VALUES (:key, CAST(:value AS jsonb), :description, :actor, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    { replacements: { key, value: JSON.stringify(value), description: CONFIG[key].description, actor: actorId }, type: QueryTypes.INSERT, transaction: tx },
  );
  return before;
}

/**
 * Validates every key by its own schema, then the rules over several keys on the configuration as
 * it would be after the change, then what only the database can check (any problem: 400 naming
 * the key, nothing written); then writes and audits each change in one transaction.
 */
export async function updateConfig(actor: Actor, changes: Record<string, unknown>) {
  const details: ErrorDetail[] = [];
  const parsed = new Map<ConfigKey, unknown>();
  for (const [key, value] of Object.entries(changes)) {
    if (!isConfigKey(key)) {
      details.push({ field: key, message: 'is not a configuration key' });
      continue;
    }
    const result = parseValue(key, value);
    if (result.success) parsed.set(key, result.data);
    else details.push(...result.error.issues.map((i) => ({ field: [key, ...i.path.map(String)].join('.'), message: i.message })));
  }
  if (details.length) throw badRequest('Configuration is invalid', details);
  if (parsed.size === 0) throw badRequest('Nothing to change', [{ field: '(body)', message: 'name at least one key' }]);
  await inTransaction(async (tx) => {
    const touched = CONFIG_RULES.filter((rule) => rule.keys.some((k) => parsed.has(k)));
    const current = await getConfig(touched.flatMap((rule) => rule.keys), tx);
    const merged = { ...current, ...Object.fromEntries(parsed) } as ConfigValues;
    for (const rule of touched) {
      if (!rule.holds(merged)) details.push(...rule.keys.filter((k) => parsed.has(k)).map((field) => ({ field, message: rule.message })));
    }
    details.push(...(await databaseProblems(Object.fromEntries(parsed), tx)));
    if (details.length) throw badRequest('Configuration is invalid', details);
    for (const [key, value] of parsed) {
      const before = await writeValue(tx, key, value, actor.id);
      await audit(actor, { action: 'config.update', target: { type: 'config', id: key }, before, after: value }, tx);
    }
  });
  return listConfig();
}

/**
 * At start (from the default-config seeder, under the migration lock): every stored value that
 * fails its schema, a rule over several keys or a database check — written by SQL, or valid
 * under an older version — is logged and replaced by its default, with an audit row.
 */
export async function repairStoredConfig(logger: Pick<Logger, 'warn'>): Promise<ConfigKey[]> {
  return inTransaction(async (tx) => {
    const rows = await db().query<{ key: string; value: unknown }>('SELECT key, value FROM admin_configs ORDER BY key FOR UPDATE', {
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    const stored = new Map(rows.map((r) => [r.key, r.value]));
    const values = validValues(CONFIG_KEYS, stored);
    for (const { field } of await databaseProblems(values, tx)) values[field as ConfigKey] = defaultOf(field as ConfigKey) as never;
    const repaired: ConfigKey[] = [];
    for (const key of CONFIG_KEYS) {
      if (!stored.has(key) || JSON.stringify(stored.get(key)) === JSON.stringify(values[key])) continue;
      const parsed = parseValue(key, stored.get(key));
      // A valid value only reformatted by its schema (e.g. "10" → "10.00000000") is left alone.
      if (parsed.success && JSON.stringify(parsed.data) === JSON.stringify(values[key])) continue;
      logger.warn({ key, stored: stored.get(key), replacement: values[key] }, 'invalid stored configuration value replaced by its default');
      const before = await writeValue(tx, key, values[key], null);
      await audit(null, { action: 'config.repair', target: { type: 'config', id: key }, before, after: values[key], reason: 'invalid stored value replaced by its default at start' }, tx);
      repaired.push(key);
    }
    return repaired;
  });
}
