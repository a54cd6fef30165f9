import { EventEmitter } from 'node:events';
import { MemoryStore, type IncrementResponse, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import type { Logger } from 'pino';

/**
 * State that several instances must share: rate-limit counters (login lockouts included) and
 * cache-invalidation messages. With REDIS_URL it lives in Redis; without, in this process (one
 * instance only). Other code asks this module, never Redis directly:
 *
 *   sharedState().limiterStore('login')         → a store for express-rate-limit (see http/rate-limits.ts)
 *   sharedState().publish('cache:users', '42')  → every instance's subscriber for that channel runs
 *   sharedState().subscribe('cache:users', fn)  → resolves once subscribed; returns an unsubscribe
 *   sharedState().redis()                       → the shared client (null without REDIS_URL)
 *
 * Keys and channels are prefixed with REDIS_KEY_PREFIX, so several deployments (or test runs) can
 * share one Redis.
 */
export interface SharedState {
  kind: 'redis' | 'memory';
  limiterStore(name: string): Store;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  redis(): RedisClient | null;
  /** Round trip to Redis (readiness); always true in memory. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

function newClient(url: string, connectTimeoutMs: number) {
  return createClient({
    url,
    // Fail commands at once while disconnected (503) instead of queueing requests until Redis returns.
    disableOfflineQueue: true,
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
  });
}
export type RedisClient = ReturnType<typeof newClient>;

/** A failure to reach Redis: the error handler answers 503, like a database outage. */
export class SharedStateUnavailable extends Error {
  constructor(cause: unknown) {
    super(`shared state (Redis) unavailable: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'SharedStateUnavailable';
  }
}

function memoryState(): SharedState {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return {
    kind: 'memory',
    limiterStore: () => new MemoryStore(),
    async publish(channel, message) {
      bus.emit(channel, message);
    },
    async subscribe(channel, handler) {
      bus.on(channel, handler);
      return async () => void bus.off(channel, handler);
    },
    redis: () => null,
    ping: async () => true,
    close: async () => undefined,
  };
}

/**
 * rate-limit-redis caches the promise of its script load: one made while Redis was away stays
 * rejected for good. After a failure, load again (lazily handled), so the limiter recovers by
 * itself once Redis is back; the failure itself becomes SharedStateUnavailable (503).
 */
class RecoveringRedisStore extends RedisStore {
  override async increment(key: string): Promise<IncrementResponse> {
    try {
      return await super.increment(key);
    } catch (error) {
      throw this.recover(error);
    }
  }

  override async get(key: string) {
    try {
      return await super.get(key);
    } catch (error) {
      throw this.recover(error);
    }
  }

  override async decrement(key: string): Promise<void> {
    // A skipped-success decrement that fails only makes the count one higher: never fail the request for it.
    await super.decrement(key).catch(() => undefined);
  }

  private recover(error: unknown): Error {
    this.incrementScriptSha = this.loadIncrementScript();
    this.getScriptSha = this.loadGetScript();
    this.incrementScriptSha.catch(() => undefined);
    this.getScriptSha.catch(() => undefined);
    return new SharedStateUnavailable(error);
  }
}

async function redisState(url: string, prefix: string, logger: Logger, connectTimeoutMs: number): Promise<SharedState> {
  const client = newClient(url, connectTimeoutMs);
  let lastErrorLog = 0;
  const onError = (err: unknown) => {
    // Reconnect attempts error every few seconds while Redis is down: log once in a while.
    if (Date.now() - lastErrorLog > 10_000) {
      lastErrorLog = Date.now();
      logger.warn({ err }, 'redis connection error (reconnecting)');
    }
  };
  client.on('error', onError);
  await Promise.race([
    client.connect(),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`Redis at REDIS_URL did not answer within ${connectTimeoutMs} ms`)), connectTimeoutMs).unref()),
  ]).catch((error) => {
    client.destroy();
    throw error;
  });
  let subscriber: RedisClient | undefined;
  const subscriberReady = async () => {
    if (!subscriber) {
      subscriber = client.duplicate();
      subscriber.on('error', onError);
      await subscriber.connect();
    }
    return subscriber;
  };
  return {
    kind: 'redis',
    limiterStore(name) {
      // express-rate-limit refuses one store object shared by two limiters: one store and prefix each.
      return new RecoveringRedisStore({ prefix: `${prefix}rl:${name}:`, sendCommand: (...args: string[]) => client.sendCommand(args) });
    },
    async publish(channel, message) {
      try {
        await client.publish(`${prefix}${channel}`, message);
      } catch (error) {
        throw new SharedStateUnavailable(error);
      }
    },
    async subscribe(channel, handler) {
      const sub = await subscriberReady();
      const listener = (message: string) => handler(message);
      await sub.subscribe(`${prefix}${channel}`, listener);
      return async () => void (await sub.unsubscribe(`${prefix}${channel}`, listener));
    },
    redis: () => client,
    async ping(timeoutMs = 1_000) {
      if (!client.isReady) return false;
      return Promise.race([
        client.ping().then(() => true, () => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
      ]);
    },
    async close() {
      await subscriber?.close().catch(() => subscriber?.destroy());
      await client.close().catch(() => client.destroy());
    },
  };
}

let current: SharedState = memoryState();

/** The process's shared state; in-process until openSharedState() connected Redis. */
export function sharedState(): SharedState {
  return current;
}

/** Connects Redis when REDIS_URL is set (failing start-up if it does not answer), else in-process. */
export async function openSharedState(opts: { url?: string; prefix: string; logger: Logger; connectTimeoutMs?: number }): Promise<SharedState> {
  current = opts.url ? await redisState(opts.url, opts.prefix, opts.logger, opts.connectTimeoutMs ?? 5_000) : memoryState();
  return current;
}

/** Closes a state opened by openSharedState (shutdown); the process falls back to in-process. */
export async function closeSharedState(state: SharedState): Promise<void> {
  if (current === state) current = memoryState();
  await state.close();
}
