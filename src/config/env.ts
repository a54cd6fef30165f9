import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  APP_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: optionalText,

  SECRET_KEY: optionalText,
  JWT_SECRET_KEY: optionalText,
  JWT_EXPIRES_SECONDS: positiveInt.default(3600),
  JWT_ISSUER: z.string().min(1).default('metax'),
  JWT_AUDIENCE: z.string().min(1).default('metax-api'),

  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_PG_PORT: port.default(0),
  DB_POOL_MAX: positiveInt.default(10),
  DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  MONGODB_URL: optionalText,

  MAIL_SERVER: optionalText,
  MAIL_PORT: port.default(587),
  MAIL_USE_TLS: bool.default(true),
  MAIL_USERNAME: optionalText,
  MAIL_PASSWORD: optionalText,
  MAIL_FROM: z.string().default('MetaX Coin <no-reply@metaxcoin.cloud>'),

  ADMIN_USERNAME: z.string().default('admin'),
  ADMIN_PASSWORD: optionalText,
  ADMIN_EMAIL: z.email().default('admin@metaxcoin.cloud'),

  COINGECKO_API_URL: z.url().default('https://api.coingecko.com/api/v3'),
  COINGECKO_API_KEY: optionalText,
  COINGECKO_TIMEOUT_MS: positiveInt.default(10_000),
  COINGECKO_RETRY_LIMIT: z.coerce.number().int().min(0).max(5).default(2),
  COINGECKO_RETRY_BASE_MS: positiveInt.default(1_000),
  COINGECKO_MAX_RETRY_AFTER_MS: positiveInt.default(30_000),

  REFERRAL_BASE_URL: z.url().default('https://metaxcoin.cloud'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  BODY_LIMIT: z.string().default('100kb'),

  RATE_LIMIT_REGISTER_MAX: positiveInt.default(30),
  RATE_LIMIT_REGISTER_WINDOW_SECONDS: positiveInt.default(600),
  RATE_LIMIT_LOGIN_MAX: positiveInt.default(10),
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: positiveInt.default(900),
  RATE_LIMIT_API_MAX: positiveInt.default(1000),
  RATE_LIMIT_API_WINDOW_SECONDS: positiveInt.default(60),
  RATE_LIMIT_MONEY_MAX: positiveInt.default(60),
  RATE_LIMIT_MONEY_WINDOW_SECONDS: positiveInt.default(60),
  STAKING_BATCH_SIZE: positiveInt.max(1_000_000).default(20_000),
  MONEY_CONCURRENCY_PER_ACCOUNT: positiveInt.max(100).default(2),
  MONEY_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),

  JOBS_LOCK_LIFETIME_MS: positiveInt.default(10 * 60_000),
  JOBS_PROCESS_EVERY: z.string().default('5 seconds'),
  JOBS_MAX_ATTEMPTS: positiveInt.max(50).default(5),
  JOBS_RETRY_DELAY_MS: positiveInt.default(30_000),
  JOBS_KEEP_COMPLETED_HOURS: positiveInt.min(24).default(48),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
});

export type Env = z.infer<typeof schema> & {
  SECRET_KEY: string;
  JWT_SECRET_KEY: string;
  DATA_DIR: string;
  generatedSecrets: string[];
};

export class EnvError extends Error {}

/** Parses and checks the environment; a bad value names its variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const generatedSecrets: string[] = [];
  const secret = (name: 'SECRET_KEY' | 'JWT_SECRET_KEY'): string => {
    const value = env[name];
    if (env.NODE_ENV === 'production') {
      if (value && !isWeakSecret(value)) return value;
      throw new EnvError(`Invalid environment:\n  ${name}: must be set to a strong secret (32+ characters) in production`);
    }
    if (value) return value;
    generatedSecrets.push(name);
    return env.NODE_ENV === 'test' ? randomBytes(32).toString('hex') : persistedDevSecret(dataDir, name);
  };
  const secretKey = secret('SECRET_KEY');
  const jwtSecret = secret('JWT_SECRET_KEY');
  // Without a mail server, production would queue member mail that never leaves the machine.
  if (env.NODE_ENV === 'production' && !env.MAIL_SERVER) {
    throw new EnvError('Invalid environment:\n  MAIL_SERVER: must be set in production (mail would otherwise only be written to DATA_DIR/outbox)');
  }
  if (env.NODE_ENV === 'production' && env.ADMIN_PASSWORD === 'admin123') {
    throw new EnvError('Invalid environment:\n  ADMIN_PASSWORD: the spec sample password is not allowed');
  }
  return {
    ...env,
    SECRET_KEY: secretKey,
    JWT_SECRET_KEY: jwtSecret,
    DATA_DIR: dataDir,
    generatedSecrets,
  };
}

/** Development secrets survive restarts (tokens and sessions stay valid) but never leave DATA_DIR. */
function persistedDevSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, 'dev-secrets.json');
  const stored: Record<string, string> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  if (!stored[name]) {
    stored[name] = randomBytes(32).toString('hex');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return stored[name];
}

const sampleSecrets = new Set(['dev-secret-key', 'jwt-secret', 'your-secret-key-here', 'your-jwt-secret-here', 'changeme']);

function isWeakSecret(value: string): boolean {
  return sampleSecrets.has(value) || value.length < 32;
}
