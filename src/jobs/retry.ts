import { exponential, type BackoffStrategy } from 'agenda';

export interface RetryPolicy {
  /** Agenda's `backoff` option: the delay before the next try, or null when attempts are used up. */
  backoff: BackoffStrategy;
  /** The attempt a run is, from the job's failCount before it starts (1-based). */
  attemptOf(failCountBefore: number): number;
  /** Delay after a failed `attempt`, or null when it was the last one. */
  delayAfter(attempt: number): number | null;
}

/**
 * Exponential backoff (base, 2×base, 4×base, … capped at an hour) for `maxAttempts` tries in all.
 * Agenda resets failCount only on success, so a recurring job that failed through a whole cycle
 * carries on counting at its next scheduled run: attempts are counted per cycle of `maxAttempts`,
 * which gives that next run a fresh set of retries instead of none.
 */
export function retryPolicy(maxAttempts: number, baseDelayMs: number): RetryPolicy {
  const strategy = exponential({ delay: baseDelayMs, factor: 2, maxDelay: 60 * 60_000, maxRetries: maxAttempts - 1 });
  const attemptOf = (failCountBefore: number) => (Math.max(0, failCountBefore) % maxAttempts) + 1;
  const delayAfter = (attempt: number) => strategy({ attempt, error: new Error(''), jobName: '', jobData: undefined });
  return {
    attemptOf,
    delayAfter,
    // Agenda passes attempt = failCount after this failure.
    backoff: (ctx) => delayAfter(attemptOf(ctx.attempt - 1)),
  };
}
