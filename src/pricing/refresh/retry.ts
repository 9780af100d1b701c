/**
 * Retrying throttled calls to the price APIs: exponential backoff with full jitter, bounded in attempts and
 * in the longest wait, so a refresh under throttling slows down instead of failing, and never hangs.
 */
import { retrying, sleep } from '../../retry.js';

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
  sleep,
  random: Math.random,
};

/** Delay before retry number `retry` (1-based): uniform in [0, min(max, base × 2^(retry-1))]. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(policy.random() * ceiling);
}

export function withRetry<T>(work: () => Promise<T>, isThrottled: (error: unknown) => boolean, policy: RetryPolicy = defaultRetryPolicy): Promise<T> {
  return retrying(work, isThrottled, { attempts: policy.attempts, delayFor: (attempt) => backoffDelay(policy, attempt), sleep: policy.sleep });
}
