import pg from 'pg';
import type { Logger } from 'pino';

/**
 * Changes announced by the database (migration 20261125000102's triggers, on channel
 * metax_changes: `user:<id>`, `token:<jti>`, `admin_configs`), heard by every instance on one
 * listening connection. Caches built on it are used only while the feed is live: after the
 * connection drops, every cache is cleared and bypassed until it listens again, since a change may
 * have been missed in between.
 */
type Handler = (message: string) => void;

const handlers = new Set<Handler>();
const resets = new Set<() => void>();
let client: pg.Client | undefined;
let live = false;
let stopped = true;
let generation = 0;

/** Whether caches may be used now. */
export const feedIsLive = () => live;

/**
 * A counter that moves on every change and every reset: a reader takes it before reading the
 * database and keeps what it read only if it has not moved (a change may have landed in between).
 */
export const feedGeneration = () => generation;

export function onChange(handler: Handler): void {
  handlers.add(handler);
}

/** Called whenever the feed (re)starts or stops: caches empty themselves. */
export function onReset(reset: () => void): void {
  resets.add(reset);
}

function reset(): void {
  generation++;
  for (const r of resets) r();
}

export async function startChangeFeed(url: string, logger: Logger): Promise<void> {
  stopped = false;
  reset();
  await connect(url, logger);
}

async function connect(url: string, logger: Logger): Promise<void> {
  const next = new pg.Client({ connectionString: url });
  next.on('notification', (n) => {
    generation++;
    for (const h of handlers) h(n.payload ?? '');
  });
  next.on('error', (err) => logger.warn({ err }, 'change feed connection failed: caches off until it is back'));
  next.on('end', () => {
    live = false;
    reset();
    if (client === next) client = undefined;
    if (!stopped) setTimeout(() => void connect(url, logger).catch(() => undefined), 1_000).unref();
  });
  try {
    await next.connect();
    await next.query('LISTEN metax_changes');
  } catch (error) {
    logger.warn({ err: error }, 'change feed could not listen: caches off, retrying');
    await next.end().catch(() => undefined);
    return;
  }
  client = next;
  reset();
  live = true;
}

export async function stopChangeFeed(): Promise<void> {
  stopped = true;
  live = false;
  reset();
  const c = client;
  client = undefined;
  await c?.end().catch(() => undefined);
}
