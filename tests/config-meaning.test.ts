import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG, CONFIG_KEYS, CONFIG_RULES, type ConfigKey } from '../src/config/config.catalogue.js';
import { startServer, type RunningServer } from '../src/server.js';
import { testEnv } from './helpers/env.js';
import { staffToken, startTestServer, type TestServer } from './helpers/server.js';

/**
 * Configuration can never brick the server: every key is checked for meaning when written (400
 * naming the key), a value that is invalid anyway (written by SQL) is never handed to a service,
 * and a start replaces it by its default, logged and audited.
 */

const rank = (name: string, personal: string, direct: number, team: string) => ({ rank: name, min_personal_investment: personal, min_direct_referrals: direct, min_team_volume: team, lifetime_reward: '0' });

/** Values each key must refuse. A new key fails the test until it has its own. */
const INVALID: Record<ConfigKey, unknown[]> = {
  referral_rates: [{ 1: '60', 2: '30', 3: '10', 4: '5', 5: '0' }, { 1: '10' }, { 1: 'x', 2: '5', 3: '3', 4: '2', 5: '1' }, { '': '' }],
  min_deposit: ['-1', 'abc', '1.123456789', '1234567890123'],
  min_withdrawal: ['-5', null],
  withdrawal_fee: ['100', 'abc'], // 100 percent (the default mode) would take the whole amount
  withdrawal_fee_mode: ['both'],
  staking_apy: ['101', '-1'],
  staking_timezone: ['Mars/Olympus', '+05:00', '', 'UTC; DROP TABLE users', 'Europe/Berlin\u0000', 42],
  require_sponsor: ['yes'],
  deposit_wallets: [[], ['total_income'], ['main_balance', 'main_balance'], ['nope']],
  withdrawal_wallets: [['my_investment']],
  max_pending_per_member: [0, 1001, 1.5, '5'],
  transfer_rules: [
    [{ from: 'main_balance', to: 'main_balance' }],
    [{ from: 'main_balance', to: 'available_fund' }, { from: 'main_balance', to: 'available_fund' }],
    [{ from: 'total_income', to: 'main_balance' }],
  ],
  min_investment: ['-10'],
  investment_source_wallet: ['my_investment', 'nope'],
  self_investment_bonus_rate: ['95', '101'], // 95 + the default levels' 21 would pay out 116 %
  commission_compression: ['no'],
  rank_rules: [
    [],
    [rank('Bronze', '0', 0, '0'), rank('bronze', '10', 1, '10')],
    [rank('Bronze', '0', 0, '0'), rank('Silver', '1000', 3, '10000'), rank('Gold', '500', 5, '50000')],
    [rank('A rank name far too long', '0', 0, '0')],
    [rank('Bad\u0000', '0', 0, '0')],
  ],
  tree_max_nodes: [0, 1_000_001, 1.5],
  crypto_refresh_seconds: [5, 3601],
  token_name: ['', '   ', 'Meta\u0000X', 'x\ud800'],
  token_symbol: ['M X C', ''],
  token_network: [''],
  token_contract_address: ['0x123', `0x${'0'.repeat(40)}`, '742d35Cc6634C0532925a3b8D0b8EFd17d1F3456'],
  token_total_supply: ['100'], // below the default circulating supply
  token_circulating_supply: ['2000000000'], // above the default total supply
  token_rank: ['1247', '#'],
  replica_max_lag_seconds: [-1, 3601, '5'],
  backup_keep_count: [0, 1001, 2.5],
  backup_keep_days: [0, 3651, null],
  dual_approval_threshold: ['-1', 'lots'],
};

let t: TestServer;
let admin: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await staffToken(t, 'admin');
});
afterAll(async () => {
  await t?.close();
});

const put = (changes: Record<string, unknown>) => t.request('PUT', '/api/admin/config', { token: admin, body: changes });
const stored = async (key: string, database = t.server.database) =>
  (await database.sequelize.query<{ value: unknown }>('SELECT value FROM admin_configs WHERE key = :key', { replacements: { key }, type: QueryTypes.SELECT }))[0]?.value;
const writeBySql = (key: string, value: unknown) =>
  t.server.database.sequelize.query('UPDATE admin_configs SET value = CAST(:value AS jsonb) WHERE key = :key', { replacements: { key, value: JSON.stringify(value) } });

describe('configuration written by staff', () => {
  it('has invalid examples for every key, and every default (together) is valid', async () => {
    expect(CONFIG_KEYS.filter((k) => !INVALID[k]?.length)).toEqual([]);
    const defaults = Object.fromEntries(CONFIG_KEYS.map((k) => [k, CONFIG[k].default]));
    const res = await put(defaults);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const parsed = Object.fromEntries(CONFIG_KEYS.map((k) => [k, CONFIG[k].schema.parse(CONFIG[k].default)]));
    for (const rule of CONFIG_RULES) expect(rule.holds(parsed as never), rule.message).toBe(true);
  });

  it('refuses a value without meaning with 400 naming the key, and writes nothing', async () => {
    for (const key of CONFIG_KEYS) {
      const before = await stored(key);
      for (const value of INVALID[key]) {
        const res = await put({ [key]: value });
        expect(res.status, `${key} = ${JSON.stringify(value)}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error.details.map((d: { field: string }) => d.field.split('.')[0])).toContain(key);
      }
      expect(await stored(key)).toEqual(before);
    }
  });

  it('checks rules over several keys against the configuration as it would be', async () => {
    // Flat fees may be any amount; switching a 100 fee back to percent is refused, naming the mode.
    expect((await put({ withdrawal_fee_mode: 'flat', withdrawal_fee: '100' })).status).toBe(200);
    const back = await put({ withdrawal_fee_mode: 'percent' });
    expect(back.status).toBe(400);
    expect(back.body.error.details).toEqual([{ field: 'withdrawal_fee_mode', message: expect.stringMatching(/below 100/) }]);
    expect((await put({ withdrawal_fee_mode: 'percent', withdrawal_fee: '2' })).status).toBe(200);
    // Lower the levels first and a larger self bonus fits.
    expect((await put({ referral_rates: { 1: '5', 2: '0', 3: '0', 4: '0', 5: '0' }, self_investment_bonus_rate: '90' })).status).toBe(200);
    expect((await put({ referral_rates: { 1: '10', 2: '5', 3: '3', 4: '2', 5: '1' } })).status).toBe(400);
    expect((await put({ referral_rates: { 1: '10', 2: '5', 3: '3', 4: '2', 5: '1' }, self_investment_bonus_rate: '0' })).status).toBe(200);
  });

  it('accepts real time zones, case-insensitively as Intl does', async () => {
    for (const zone of ['Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'utc']) {
      const res = await put({ staking_timezone: zone });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    expect((await put({ staking_timezone: 'UTC' })).status).toBe(200);
  });
});

describe('a value that is invalid anyway', () => {
  it('is never handed to a service: reads fall back to the default', async () => {
    await writeBySql('staking_timezone', 'Mars/Olympus');
    await writeBySql('referral_rates', { 1: '90', 2: '90', 3: '0', 4: '0', 5: '0' });
    const config = await t.request('GET', '/api/admin/config', { token: admin });
    const value = (key: string) => config.body.config.find((c: { key: string }) => c.key === key).value;
    expect(value('staking_timezone')).toBe('UTC');
    expect(value('referral_rates')).toEqual(CONFIG.referral_rates.schema.parse(CONFIG.referral_rates.default));
    // The staking run does its day arithmetic with the time zone: it still works.
    const finance = await staffToken(t, 'finance');
    const run = await t.request('POST', '/api/admin/staking/run', { token: finance, body: { date: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
  });

  it('is replaced by its default at start, logged and audited, and the server starts', async () => {
    await writeBySql('staking_timezone', 'Mars/Olympus');
    await writeBySql('withdrawal_fee', '150');
    await writeBySql('token_name', 'fine name');
    await t.server.close();
    let restarted: RunningServer | undefined;
    try {
      restarted = await startServer(testEnv({ DATABASE_URL: t.database.url }));
      expect(await stored('staking_timezone', restarted.database)).toBe('UTC');
      expect(await stored('withdrawal_fee', restarted.database)).toBe('2.00000000');
      expect(await stored('token_name', restarted.database)).toBe('fine name');
      const audits = await restarted.database.sequelize.query<{ target_id: string; actor_id: number | null }>(
        `SELECT target_id, actor_id FROM audit_logs WHERE action = 'config.repair' ORDER BY target_id`,
        { type: QueryTypes.SELECT },
      );
      // referral_rates too: the test before left levels summing to 180 %.
      expect(audits).toEqual([
        { target_id: 'referral_rates', actor_id: null },
        { target_id: 'staking_timezone', actor_id: null },
        { target_id: 'withdrawal_fee', actor_id: null },
      ]);
    } finally {
      await restarted?.close();
    }
  });
});
