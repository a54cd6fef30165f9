import got, { RequestError } from 'got';
import { coinMarkets, type CoinMarket } from './coingecko.schemas.js';
import { parseExactJson } from './exact-json.js';

export interface CoinGeckoSettings {
  baseUrl: string;
  apiKey?: string;
  /** Per attempt. */
  timeoutMs: number;
  retryLimit: number;
  /** First backoff; doubles per attempt (plus up to 10 % jitter). */
  retryBaseMs: number;
  /** A 429/503 Retry-After longer than this is not waited for: the refresh fails and the next one tries. */
  maxRetryAfterMs: number;
}

let settings: CoinGeckoSettings | undefined;

export function configureCoinGecko(next: CoinGeckoSettings): void {
  settings = next;
}

/** Why a fetch failed, in one line for the snapshot's last_error and the log. */
export class FeedError extends Error {
  constructor(
    readonly code: 'upstream_error' | 'malformed_json' | 'malformed_payload',
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = 'FeedError';
  }
}

const MAX_BACKOFF_MS = 30_000;

/**
 * GET {baseUrl}/coins/markets with the spec's parameters. Retries timeouts, network errors and
 * 408/429/5xx with exponential backoff, waiting a Retry-After when given (up to maxRetryAfterMs).
 * The body is parsed with exact numbers and validated; anything unexpected throws FeedError.
 */
export async function fetchCoinMarkets(): Promise<CoinMarket[]> {
  if (!settings) throw new Error('configureCoinGecko() was not called');
  const s = settings;
  let body: string;
  try {
    const response = await got(`${s.baseUrl.replace(/\/+$/, '')}/coins/markets`, {
      searchParams: { vs_currency: 'usd', order: 'market_cap_desc', per_page: 20, page: 1, sparkline: false, price_change_percentage: '24h' },
      headers: { accept: 'application/json', ...(s.apiKey ? { 'x-cg-demo-api-key': s.apiKey } : {}) },
      timeout: { request: s.timeoutMs },
      followRedirect: false,
      responseType: 'text',
      retry: {
        limit: s.retryLimit,
        methods: ['GET'],
        statusCodes: [408, 429, 500, 502, 503, 504, 521, 522, 524],
        maxRetryAfter: s.maxRetryAfterMs,
        calculateDelay: ({ attemptCount, computedValue, retryAfter }) => {
          // computedValue is 0 when got's rules say stop (limit, status, a Retry-After past the bound).
          if (computedValue === 0) return 0;
          if (retryAfter) return computedValue;
          const backoff = Math.min(s.retryBaseMs * 2 ** (attemptCount - 1), MAX_BACKOFF_MS);
          return backoff + Math.random() * backoff * 0.1;
        },
      },
    });
    body = response.body;
  } catch (error) {
    if (error instanceof RequestError) {
      const status = error.response?.statusCode;
      throw new FeedError('upstream_error', status ? `CoinGecko answered HTTP ${status}` : `CoinGecko request failed: ${error.code ?? error.message}`);
    }
    throw error;
  }
  let json: unknown;
  try {
    json = parseExactJson(body);
  } catch {
    throw new FeedError('malformed_json', `CoinGecko sent a body that is not JSON (starts ${JSON.stringify(body.slice(0, 40))})`);
  }
  const parsed = coinMarkets.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new FeedError('malformed_payload', `CoinGecko payload failed validation (${parsed.error.issues.length} issues): ${issues.slice(0, 3).join('; ')}`, issues);
  }
  return parsed.data;
}
