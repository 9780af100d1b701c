/**
 * Retrying throttled calls to the price APIs: exponential backoff with full jitter, bounded in attempts and
 * in the longest wait, so a refresh under throttling slows down instead of failing, and never hangs.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Injected in tests so they do not wait. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Delay before retry number `retry` (1-based): uniform in [0, min(max, base × 2^(retry-1))]. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(policy.random() * ceiling);
}

export async function withRetry<T>(work: () => Promise<T>, isThrottled: (error: unknown) => boolean, policy: RetryPolicy = defaultRetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts || !isThrottled(error)) throw error;
      await policy.sleep(backoffDelay(policy, attempt));
    }
  }
}
